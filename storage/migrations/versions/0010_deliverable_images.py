"""deliverable.images: the kinds of image declared at publication, kept for "Edit caption"

A market may require a label for retouched or generated images (France: "Images retouchées",
"Images virtuelles"). The influencer declares them in the publish form; the disclosure lint reads
the declaration with the caption. It was not kept, so a caption edited afterwards was checked as
if no image were retouched. The column keeps it; the edit form shows it and checks with it.

A plain ADD COLUMN (and DROP COLUMN) on both databases: SQLite's batch mode would copy the table
and lose the triggers of migration 0008.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "deliverable", sa.Column("images", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
    )


def downgrade() -> None:
    op.execute("ALTER TABLE deliverable DROP COLUMN images")  # SQLite 3.35+, and keeps the triggers
