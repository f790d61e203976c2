"""deliverable.checklist_user_id: who holds the compliance checklist message

Publishing sends the compliance checklist as one DM to the campaign's brand contact, and every
later decision (with its note) updates that message. Only its channel and timestamp were kept, so
the message went on being updated after its reader lost their role on the campaign. The column
records whose DM it is; the message is updated only while they may still read the campaign's
compliance work, and is otherwise moved to the current brand contact. A row from before (NULL with
a channel) gets its reader on its next update: the campaign's brand recipient whose DM with the bot
the message is in, recorded then; a message in nobody's DM among them is moved rather than updated.

A plain ADD COLUMN (and DROP COLUMN) on both databases, as in 0010.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deliverable", sa.Column("checklist_user_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE deliverable DROP COLUMN checklist_user_id")  # SQLite 3.35+; keeps triggers
