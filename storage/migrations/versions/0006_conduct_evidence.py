"""conduct monitor, ghosting, evidence snapshots, a hash chain on incident timelines

- campaign.conduct_monitor (default false) and the ghosting thresholds ghost_reminder_hours (24)
  and ghost_flag_hours (48), in business hours;
- conduct_flag and flagged_message: the private flags and the snapshots of the messages they flag
  (the only message text the monitor keeps);
- awaited_reply: a brand message waiting for the influencer's answer (no text), one per engagement;
- evidence_snapshot: Slack messages given as evidence, kept with the incident; incident.evidence_unread:
  the links the bot could not read;
- incident_event.hash, filled here for every existing incident (see `_backfill`); event kinds
  `message_edited` and `message_deleted`; reminder kinds `ghosting_reminder` and `ghosting_flag`.

The hash is spelled out here, as bot/domain/chain.py computes it (a migration never imports the
application); tests/unit/test_chain.py checks both agree.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_KINDS_BEFORE = (
    "created",
    "status_changed",
    "response",
    "thread_reply",
    "evidence_added",
    "reminder_sent",
    "escalated",
    "resolution_proposed",
    "note",
)
EVENT_KINDS_AFTER = (*EVENT_KINDS_BEFORE, "message_edited", "message_deleted")
REMINDER_KINDS_BEFORE = (
    "guidelines_unacknowledged",
    "deliverable_due",
    "deliverable_overdue",
    "compliance_pending",
    "mediation_response",
    "incident_unresolved",
    "review_due",
    "weekly_digest",
)
REMINDER_KINDS_AFTER = (*REMINDER_KINDS_BEFORE, "ghosting_reminder", "ghosting_flag")
#: Incidents whose chains are computed per round trip of the back-fill.
BATCH = 200


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{k}'" for k in kinds))


def _check_kinds(table: str, kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f"ck_{table}_kind_valid"), type_="check")
        batch_op.create_check_constraint("kind_valid", _kinds(kinds))


# ---------------------------------------------------------------------------------------------
# the hash chain, as of this revision (bot/domain/chain.py)


def _utc_iso(moment) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _link(previous: str, row) -> str:
    canonical = json.dumps(
        {
            "team_id": row.team_id,
            "incident_id": int(row.incident_id),
            "kind": row.kind,
            "actor_id": row.actor_id,
            "text": row.text,
            "data": dict(row.data or {}),
            "created_at": _utc_iso(row.created_at),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


_EVENTS = sa.table(
    "incident_event",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String()),
    sa.column("incident_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("actor_id", sa.String()),
    sa.column("text", sa.String()),
    sa.column("data", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("hash", sa.String()),
)
_INCIDENTS = sa.table("incident", sa.column("id", sa.Integer()))


def _backfill() -> None:
    """Every existing incident's chain, `BATCH` incidents at a time (their events in one query,
    the hashes in one executemany), so memory holds one batch whatever the table's size."""
    bind = op.get_bind()
    after = 0
    while True:
        ids = (
            bind.execute(
                sa.select(_INCIDENTS.c.id)
                .where(_INCIDENTS.c.id > after)
                .order_by(_INCIDENTS.c.id)
                .limit(BATCH)
            )
            .scalars()
            .all()
        )
        if not ids:
            return
        rows = bind.execute(
            sa.select(_EVENTS)
            .where(_EVENTS.c.incident_id.in_(ids))
            .order_by(_EVENTS.c.incident_id, _EVENTS.c.id)
        ).all()
        updates, previous, current = [], "", None
        for row in rows:
            if row.incident_id != current:
                previous, current = "", row.incident_id
            previous = _link(previous, row)
            updates.append({"event_id": row.id, "value": previous})
        if updates:
            bind.execute(
                _EVENTS.update()
                .where(_EVENTS.c.id == sa.bindparam("event_id"))
                .values(hash=sa.bindparam("value")),
                updates,
            )
        after = ids[-1]


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("conduct_monitor", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("ghost_reminder_hours", sa.Integer(), server_default=sa.text("24"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("ghost_flag_hours", sa.Integer(), server_default=sa.text("48"), nullable=False)
        )
        batch_op.create_check_constraint(
            "ghost_hours_ordered", "ghost_reminder_hours >= 1 AND ghost_flag_hours > ghost_reminder_hours"
        )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evidence_unread", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _check_kinds("incident_event", EVENT_KINDS_AFTER)
    _check_kinds("reminder", REMINDER_KINDS_AFTER)

    op.create_table(
        "conduct_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("about_brand", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("deliveries", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("messages >= 1", name=op.f("ck_conduct_flag_messages_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_conduct_flag_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_conduct_flag_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conduct_flag")),
    )
    with op.batch_alter_table("conduct_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conduct_flag_team_id_channel_id_author_id_created_at"),
            ["team_id", "channel_id", "author_id", "created_at"],
        )
        batch_op.create_index(batch_op.f("ix_conduct_flag_team_id_created_at"), ["team_id", "created_at"])

    op.create_table(
        "flagged_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=40000), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("permalink", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["conduct_flag.id"],
            name=op.f("fk_flagged_message_flag_id_conduct_flag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flagged_message")),
        sa.UniqueConstraint(
            "team_id", "channel_id", "ts", name=op.f("uq_flagged_message_team_id_channel_id_ts")
        ),
    )
    with op.batch_alter_table("flagged_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flagged_message_flag_id"), ["flag_id"])

    op.create_table(
        "awaited_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("asker_id", sa.String(length=32), nullable=False),
        sa.Column("influencer_user_id", sa.String(length=32), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("permalink", sa.String(length=500), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_awaited_reply_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_awaited_reply_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awaited_reply")),
        sa.UniqueConstraint("engagement_id", name=op.f("uq_awaited_reply_engagement_id")),
    )
    with op.batch_alter_table("awaited_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awaited_reply_team_id_campaign_id"), ["team_id", "campaign_id"])

    op.create_table(
        "evidence_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("text", sa.String(length=40000), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_evidence_snapshot_incident_id_incident"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_snapshot")),
        sa.UniqueConstraint(
            "incident_id", "channel_id", "ts", name=op.f("uq_evidence_snapshot_incident_id_channel_id_ts")
        ),
    )
    with op.batch_alter_table("evidence_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_snapshot_team_id_channel_id_ts"), ["team_id", "channel_id", "ts"]
        )

    _backfill()


def downgrade() -> None:
    op.drop_table("evidence_snapshot")
    op.drop_table("awaited_reply")
    op.drop_table("flagged_message")
    op.drop_table("conduct_flag")
    op.execute("DELETE FROM reminder WHERE kind IN ('ghosting_reminder', 'ghosting_flag')")
    _check_kinds("reminder", REMINDER_KINDS_BEFORE)
    op.execute("DELETE FROM incident_event WHERE kind IN ('message_edited', 'message_deleted')")
    _check_kinds("incident_event", EVENT_KINDS_BEFORE)
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.drop_column("hash")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("evidence_unread")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_campaign_ghost_hours_ordered"), type_="check")
        batch_op.drop_column("ghost_flag_hours")
        batch_op.drop_column("ghost_reminder_hours")
        batch_op.drop_column("conduct_monitor")
