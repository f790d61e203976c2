"""guideline: a partial index of deadline clauses

A deliverable's reminders name the campaign's first clause about deadlines (its code prefills
"Report missed deadline?"). The dispatcher's claim pass and the overdue sweep read it for each of a
batch of 500 deliverables; with this index each read is one index-only probe instead of a scan of
the campaign's clauses and a sort.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEADLINE_CLAUSE = "category = 'deadline'"


def upgrade() -> None:
    op.create_index(
        "ix_guideline_deadline_campaign_id",
        "guideline",
        ["campaign_id", "position", "id", "code"],
        postgresql_where=sa.text(DEADLINE_CLAUSE),
        sqlite_where=sa.text(DEADLINE_CLAUSE),
    )


def downgrade() -> None:
    op.drop_index("ix_guideline_deadline_campaign_id", table_name="guideline")
