"""insights: the weekly digest, time to acknowledge, chart files, date-range indexes

- campaign.digest_enabled (default true): `/campaign digest <slug> on|off`;
- incident.acknowledged_at, filled for existing incidents from their timeline (the first move to
  `acknowledged`), so time to acknowledge is a plain column;
- incident (team_id, created_at) and (team_id, resolved_at): reports read incidents reported or
  closed in a date range (on PostgreSQL the indexes include the other columns the aggregates read,
  so a report over a million incidents scans 100 MB of index instead of 350 MB of table); open
  incidents by (team_id, created_at, severity): their ages;
- reminder kind `weekly_digest` (the CHECK constraint lists every kind);
- user_time_zone: each manager's Slack time zone, so the digest is planned for their Monday 09:00;
- chart_file: the App Home chart uploaded for a user, reused for an hour.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Open incidents (as storage.models.OPEN_AGES): their ages are read from a partial index.
OPEN = "status IN ('reported', 'acknowledged', 'in_mediation', 'resolution_proposed', 'escalated')"
KINDS_BEFORE = (
    "guidelines_unacknowledged",
    "deliverable_due",
    "deliverable_overdue",
    "compliance_pending",
    "mediation_response",
    "incident_unresolved",
    "review_due",
)
KINDS_AFTER = (*KINDS_BEFORE, "weekly_digest")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{k}'" for k in kinds))


def _reminder_kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reminder_kind_valid"), type_="check")
        batch_op.create_check_constraint("kind_valid", _kinds(kinds))


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_incident_team_id_created_at"),
            ["team_id", "created_at"],
            postgresql_include=["guideline_id", "severity", "acknowledged_at", "responded_at"],
        )
        batch_op.create_index(
            batch_op.f("ix_incident_team_id_resolved_at"),
            ["team_id", "resolved_at"],
            postgresql_include=["created_at", "status", "engagement_id", "strikes"],
        )
    op.create_index(
        "ix_incident_open_team_id_created_at_severity",
        "incident",
        ["team_id", "created_at", "severity"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    to = "e.data->>'to'" if postgresql else "json_extract(e.data, '$.to')"
    op.execute(
        f"""
        UPDATE incident SET acknowledged_at = (
            SELECT min(e.created_at) FROM incident_event e
            WHERE e.incident_id = incident.id AND e.kind = 'status_changed' AND {to} = 'acknowledged')
        WHERE acknowledged_at IS NULL"""
    )
    _reminder_kinds(KINDS_AFTER)
    op.create_table(
        "user_time_zone",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_user_time_zone")),
    )
    op.create_table(
        "chart_file",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("alt", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", "name", name=op.f("pk_chart_file")),
    )


def downgrade() -> None:
    op.drop_table("chart_file")
    op.drop_table("user_time_zone")
    op.execute("DELETE FROM reminder WHERE kind = 'weekly_digest'")
    _reminder_kinds(KINDS_BEFORE)
    op.drop_index("ix_incident_open_team_id_created_at_severity", table_name="incident")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_team_id_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_incident_team_id_created_at"))
        batch_op.drop_column("acknowledged_at")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("digest_enabled")
