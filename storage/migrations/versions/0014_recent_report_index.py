"""incident: an index for "was this clause reported on this engagement lately?"

Every report asks for the newest incident on its engagement and clause since a day before (the
"report anyway?" question). The (engagement_id, status) index answered it by reading every
incident of the engagement and sorting the recent ones: an engagement with thousands of incidents
cost each of its reports milliseconds of PostgreSQL's time. With this index the answer is the
first entry of one backward range scan.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_incident_engagement_id_guideline_id_created_at",
        "incident",
        ["engagement_id", "guideline_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_incident_engagement_id_guideline_id_created_at", table_name="incident")
