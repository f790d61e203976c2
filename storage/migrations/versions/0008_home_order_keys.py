"""App Home's two ordered sections, kept in the store

- engagement.review_since: when the engagement's wait for its next review began (its last
  review, or its creation when never reviewed);
- engagement.review_due_at: when that review falls due (review_since plus the campaign's
  cadence), NULL when no review is expected (engagement or campaign not active, cadence off);
- deliverable.pending_checks: how many of its compliance checks are pending;
- partial indexes over the engagements a review is expected of, by review_since (reviews due,
  longest waiting first) and by review_due_at (how many are due), and over the deliverables with
  checks pending, by due time (compliance checks pending, soonest due first) and by engagement;
- deliverables still owed, by engagement and due time (a scope's overdue / due this week read
  from its engagements);
- triggers keep the three columns current whoever writes (a review logged or removed, an
  engagement's status, campaign or start changed, a campaign's status or cadence changed, a check
  added, decided or removed), on PostgreSQL and SQLite alike; existing rows are filled here.

The cadences' lengths are spelled out here (a migration never imports the domain); they must
stay equal to `bot.domain.reviews.CADENCE_DAYS` (tests/storage/test_home_keys.py checks it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
REVIEW_EXPECTED = "review_due_at IS NOT NULL"
CHECKS_PENDING = "pending_checks > 0"
OWED_DELIVERABLE = "status IN ('planned', 'late')"

PARTIAL = (
    (
        "ix_engagement_review_team_id_review_since",
        "engagement",
        ["team_id", "review_since", "id"],
        REVIEW_EXPECTED,
    ),
    (
        "ix_engagement_review_team_id_review_due_at",
        "engagement",
        ["team_id", "review_due_at"],
        REVIEW_EXPECTED,
    ),
    ("ix_deliverable_checks_team_id_due_at", "deliverable", ["team_id", "due_at", "id"], CHECKS_PENDING),
    # a scope's deliverables, from its engagements (a small scope's ids, a large one's count)
    ("ix_deliverable_checks_engagement_id", "deliverable", ["engagement_id", "due_at"], CHECKS_PENDING),
    (
        "ix_deliverable_owed_engagement_id_due_at",
        "deliverable",
        ["engagement_id", "due_at"],
        OWED_DELIVERABLE,
    ),
)

#: SQL, with `engagement` the row being updated: when its wait for a review began (index review
#: (team_id, engagement_id, created_at)).
SINCE = (
    "coalesce((SELECT max(r.created_at) FROM review r"
    " WHERE r.team_id = engagement.team_id AND r.engagement_id = engagement.id), engagement.created_at)"
)


def _plus_days(dialect: str, at: str, days: str) -> str:
    """`at` plus `days` whole days of 24 hours. SQLite keeps timestamps as ISO text with
    microseconds ('YYYY-MM-DD HH:MM:SS.ffffff'): the date arithmetic gives whole seconds, and the
    fraction, which whole days never change, is put back, so the text compares as the others do."""
    if dialect == "postgresql":
        return f"({at}) + make_interval(hours => 24 * ({days}))"
    return f"strftime('%Y-%m-%d %H:%M:%S', {at}, '+' || ({days}) || ' days') || substr({at}, 20)"


def _due(dialect: str) -> str:
    """SQL, with `engagement` the row being updated: when its next review falls due, or NULL."""
    days = "CASE c.review_cadence {} END".format(
        " ".join(f"WHEN '{cadence}' THEN {n}" for cadence, n in CADENCE_DAYS.items())
    )
    return (
        "CASE WHEN engagement.status = 'active' THEN ("
        f"SELECT {_plus_days(dialect, SINCE, days)} FROM campaign c"
        " WHERE c.id = engagement.campaign_id AND c.status = 'active') END"
    )


def _set_review_keys(dialect: str) -> str:
    return f"UPDATE engagement SET review_since = {SINCE}, review_due_at = {_due(dialect)}"


PENDING = (
    "UPDATE deliverable SET pending_checks = (SELECT count(*) FROM compliance_check k"
    " WHERE k.deliverable_id = deliverable.id AND k.status = 'pending')"
)

#: SQLite's triggers (one per event): name, table, event, which keys, the rows to update.
SQLITE_TRIGGERS = (
    ("engagement_review_keys_insert", "engagement", "AFTER INSERT", "review", "id = NEW.id"),
    (
        "engagement_review_keys_update",
        "engagement",
        "AFTER UPDATE OF status, campaign_id, created_at",
        "review",
        "id = NEW.id",
    ),
    ("review_keys_insert", "review", "AFTER INSERT", "review", "id = NEW.engagement_id"),
    (
        "review_keys_update",
        "review",
        "AFTER UPDATE OF engagement_id, created_at",
        "review",
        "id IN (OLD.engagement_id, NEW.engagement_id)",
    ),
    ("review_keys_delete", "review", "AFTER DELETE", "review", "id = OLD.engagement_id"),
    (
        "campaign_review_keys_update",
        "campaign",
        "AFTER UPDATE OF status, review_cadence",
        "review",
        "campaign_id = NEW.id",
    ),
    ("check_pending_insert", "compliance_check", "AFTER INSERT", "pending", "id = NEW.deliverable_id"),
    (
        "check_pending_update",
        "compliance_check",
        "AFTER UPDATE OF status, deliverable_id",
        "pending",
        "id IN (OLD.deliverable_id, NEW.deliverable_id)",
    ),
    ("check_pending_delete", "compliance_check", "AFTER DELETE", "pending", "id = OLD.deliverable_id"),
)


def _sqlite_up() -> None:
    for name, table, event, what, where in SQLITE_TRIGGERS:
        body = _set_review_keys("sqlite") if what == "review" else PENDING
        op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW BEGIN {body} WHERE {where}; END")


def _postgresql_up() -> None:
    keys = _set_review_keys("postgresql")
    op.execute(f"""
        CREATE FUNCTION engagement_review_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {keys} WHERE id = NEW.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER engagement_review_keys AFTER INSERT OR UPDATE OF status, campaign_id, created_at
        ON engagement FOR EACH ROW EXECUTE FUNCTION engagement_review_keys()""")
    op.execute(f"""
        CREATE FUNCTION review_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {keys} WHERE id = NEW.engagement_id;
            ELSIF TG_OP = 'DELETE' THEN
                {keys} WHERE id = OLD.engagement_id;
            ELSE
                {keys} WHERE id IN (OLD.engagement_id, NEW.engagement_id);
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER review_keys AFTER INSERT OR DELETE OR UPDATE OF engagement_id, created_at
        ON review FOR EACH ROW EXECUTE FUNCTION review_keys()""")
    op.execute(f"""
        CREATE FUNCTION campaign_review_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {keys} WHERE campaign_id = NEW.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER campaign_review_keys AFTER UPDATE OF status, review_cadence
        ON campaign FOR EACH ROW EXECUTE FUNCTION campaign_review_keys()""")
    op.execute(f"""
        CREATE FUNCTION check_pending() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {PENDING} WHERE id = NEW.deliverable_id;
            ELSIF TG_OP = 'DELETE' THEN
                {PENDING} WHERE id = OLD.deliverable_id;
            ELSE
                {PENDING} WHERE id IN (OLD.deliverable_id, NEW.deliverable_id);
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER check_pending AFTER INSERT OR DELETE OR UPDATE OF status, deliverable_id
        ON compliance_check FOR EACH ROW EXECUTE FUNCTION check_pending()""")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("engagement", sa.Column("review_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column("engagement", sa.Column("review_due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "deliverable", sa.Column("pending_checks", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    # the rows there are: every engagement's keys, the pending checks of every deliverable with any
    op.execute(_set_review_keys(dialect))
    op.execute(
        f"{PENDING} WHERE id IN (SELECT deliverable_id FROM compliance_check WHERE status = 'pending')"
    )
    for name, table, columns, where in PARTIAL:
        op.create_index(
            name, table, columns, unique=False, postgresql_where=sa.text(where), sqlite_where=sa.text(where)
        )
    if dialect == "postgresql":
        _postgresql_up()
    else:
        _sqlite_up()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table, function in (
            ("check_pending", "compliance_check", "check_pending"),
            ("campaign_review_keys", "campaign", "campaign_review_keys"),
            ("review_keys", "review", "review_keys"),
            ("engagement_review_keys", "engagement", "engagement_review_keys"),
        ):
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for name, *_ in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    for name, table, *_ in reversed(PARTIAL):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.drop_column("pending_checks")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_column("review_due_at")
        batch_op.drop_column("review_since")
