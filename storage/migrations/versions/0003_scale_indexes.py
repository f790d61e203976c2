"""indexes and counters for large workspaces

Indexes shaped like the queries of the lists, App Home, the export and the dispatcher, so a
workspace with a million incidents answers as fast as the demo (see docs/scale.md):

- campaign (team_id, start_date): newest campaigns first (the report form's engagements);
- incident (engagement_id, status) replaces incident (engagement_id): a user's incidents are
  looked up by their engagements, open or not;
- partial indexes over open incidents only (a tenth of a mature workspace): newest first, by
  severity then number, by severity then response due time, and (team, engagement, severity,
  status, responded_at) so that counting one user's open incidents per severity, or those
  waiting on the brand, never visits the table;
- deliverables still owed, by due time;
- on PostgreSQL, the unique (team_id, number) of incidents is checked at commit, so a report can
  take its number as its last statement (the counter's row lock then lasts one statement);
- on PostgreSQL, reminder pages keep 20% free, so the dispatcher's lease updates stay on the page.

The partial indexes' condition is spelled out here (a migration never imports the models); it
must stay equal to `storage.models.OPEN_INCIDENT`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_INCIDENT = "status IN ('reported', 'acknowledged', 'in_mediation', 'resolution_proposed', 'escalated')"
OWED_DELIVERABLE = "status IN ('planned', 'late')"

PARTIAL = (
    ("ix_incident_open_team_id_number", "incident", ["team_id", "number"], OPEN_INCIDENT),
    (
        "ix_incident_open_team_id_severity_number",
        "incident",
        ["team_id", "severity", "number"],
        OPEN_INCIDENT,
    ),
    (
        "ix_incident_open_team_id_severity_response_due_at",
        "incident",
        ["team_id", "severity", "response_due_at"],
        OPEN_INCIDENT,
    ),
    (
        "ix_incident_open_by_engagement",
        "incident",
        ["team_id", "engagement_id", "severity", "status", "responded_at"],
        OPEN_INCIDENT,
    ),
    ("ix_deliverable_owed_team_id_due_at", "deliverable", ["team_id", "due_at"], OWED_DELIVERABLE),
)


def _partial(name: str, table: str, columns: list[str], where: str) -> None:
    op.create_index(
        name, table, columns, unique=False, postgresql_where=sa.text(where), sqlite_where=sa.text(where)
    )


def _incident_number_unique(deferred: bool) -> None:
    """PostgreSQL: (team_id, number) unique, checked at commit when `deferred` (a report takes its
    number last, see storage.queries.incidents.assign_number). SQLite has no deferrable unique
    constraints and needs none: it runs one writer at a time."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint("uq_incident_team_id_number", "incident", type_="unique")
    op.create_unique_constraint(
        "uq_incident_team_id_number",
        "incident",
        ["team_id", "number"],
        deferrable=deferred or None,
        initially="DEFERRED" if deferred else None,
    )


def upgrade() -> None:
    op.create_index("ix_campaign_team_id_start_date", "campaign", ["team_id", "start_date"], unique=False)
    op.create_index("ix_incident_engagement_id_status", "incident", ["engagement_id", "status"], unique=False)
    op.drop_index("ix_incident_engagement_id", table_name="incident")
    for name, table, columns, where in PARTIAL:
        _partial(name, table, columns, where)
    _incident_number_unique(deferred=True)
    if op.get_bind().dialect.name == "postgresql":
        # room in each page for a row's new version: a claim's lease and an outcome's attempt
        # count change no indexed column, so the update stays on the page ("HOT") and touches none
        # of the five indexes (new pages only; existing ones as they are rewritten)
        op.execute("ALTER TABLE reminder SET (fillfactor = 80)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE reminder RESET (fillfactor)")
    _incident_number_unique(deferred=False)
    for name, table, _, _ in reversed(PARTIAL):
        op.drop_index(name, table_name=table)
    op.create_index("ix_incident_engagement_id", "incident", ["engagement_id"], unique=False)
    op.drop_index("ix_incident_engagement_id_status", table_name="incident")
    op.drop_index("ix_campaign_team_id_start_date", table_name="campaign")
