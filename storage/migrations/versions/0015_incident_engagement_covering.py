"""incident: the (engagement_id, status) index carries what `/review history` counts

An influencer's history counts their incidents by severity, status, outcome and strikes over
their engagements (`storage.queries.reviews.history`). The (engagement_id, status) index found
them and PostgreSQL read each one from the table: for an influencer with 8,000 incidents, about
5,000 table pages and 20 ms. Carrying the workspace, severity, outcome and strikes too (PostgreSQL's
INCLUDE), the count reads the index alone. The index is replaced, not added beside it, so a report
writes no more index entries than before. SQLite has no INCLUDE: its index stays as it was.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_incident_engagement_id_status"
CARRIED = ["team_id", "severity", "outcome", "strikes"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="incident")
    op.create_index(NAME, "incident", ["engagement_id", "status"], postgresql_include=CARRIED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="incident")
    op.create_index(NAME, "incident", ["engagement_id", "status"])
