"""flagged_message.lease_until: the claim on a flagged message is a lease

The conduct monitor stores a flagged message (its snapshot, counted in its flag) before it sends
the flag, and the row recognises Slack's retries of the event. A process that stopped after storing
it and before the flag was sent (it died, or Slack's post raised) left the row behind, and every
retry was dropped as already handled: the flag was never sent. The row now holds a lease while the
flag is sent: a retry drops the message while the lease runs, takes it over once it ran out (or was
given back), and never redoes a message whose flag was sent (NULL: done; rows from before are).

A plain ADD COLUMN (and DROP COLUMN) on both databases, as in 0010.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("flagged_message", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE flagged_message DROP COLUMN lease_until")  # SQLite 3.35+
