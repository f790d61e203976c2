"""trust boundaries: campaign creators, held-back escalation notices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_creator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("granted_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_creator")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_campaign_creator_team_id_user_id")),
    )
    op.create_table(
        "held_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=40000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_held_notice_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_held_notice_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_notice")),
    )
    with op.batch_alter_table("held_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_held_notice_team_id_campaign_id_created_at"),
            ["team_id", "campaign_id", "created_at"],
            unique=False,
        )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_team_id_escalation_channel_id"),
            ["team_id", "escalation_channel_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_team_id_escalation_channel_id"))
    with op.batch_alter_table("held_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_notice_team_id_campaign_id_created_at"))
    op.drop_table("held_notice")
    op.drop_table("campaign_creator")
