"""insights: a workspace's incident figures kept per settled day

- insight_settled: per workspace, up to which UTC midnight the days are kept;
- insight_day: per workspace and UTC day, incidents reported per (category, severity) and the
  histograms of time to acknowledge and to resolve (count, shortest, longest per bin);
- incident (team_id, acknowledged_at) and (team_id, responded_at): the first reactions of the few
  days a report still reads from the incidents themselves.

Nothing to fill here: the first report of a workspace settles its past days
(storage/queries/insights.py `settle`, docs/insights.md).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_settled",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("through", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_insight_settled")),
    )
    op.create_table(
        "insight_day",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("sub", sa.String(length=16), nullable=False),
        sa.Column("bin", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("lo", sa.Float(), nullable=True),
        sa.Column("hi", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("team_id", "kind", "day", "key", "sub", "bin", name=op.f("pk_insight_day")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_team_id_acknowledged_at"), ["team_id", "acknowledged_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_incident_team_id_responded_at"), ["team_id", "responded_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_team_id_responded_at"))
        batch_op.drop_index(batch_op.f("ix_incident_team_id_acknowledged_at"))
    op.drop_table("insight_day")
    op.drop_table("insight_settled")
