"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("brand", sa.String(length=150), nullable=False),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("escalation_channel_id", sa.String(length=32), nullable=True),
        sa.Column("review_cadence", sa.String(length=16), nullable=False),
        sa.Column("guidelines_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "market IN ('US', 'UK', 'IE', 'FR', 'other')", name=op.f("ck_campaign_market_valid")
        ),
        sa.CheckConstraint(
            "review_cadence IN ('weekly', 'biweekly', 'monthly', 'off')",
            name=op.f("ck_campaign_review_cadence_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'completed', 'cancelled')", name=op.f("ck_campaign_status_valid")
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_campaign_dates_ordered")),
        sa.CheckConstraint("guidelines_version >= 1", name=op.f("ck_campaign_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sa.UniqueConstraint("team_id", "slug", name=op.f("uq_campaign_team_id_slug")),
    )
    op.create_table(
        "counter",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "name", name=op.f("pk_counter")),
    )
    op.create_table(
        "influencer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=150), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("handles", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'probation', 'suspended', 'removed')",
            name=op.f("ck_influencer_status_valid"),
        ),
        sa.CheckConstraint(
            "slack_user_id IS NOT NULL OR email IS NOT NULL", name=op.f("ck_influencer_reachable")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_influencer")),
        sa.UniqueConstraint("team_id", "email", name=op.f("uq_influencer_team_id_email")),
        sa.UniqueConstraint("team_id", "slack_user_id", name=op.f("uq_influencer_team_id_slack_user_id")),
    )
    op.create_table(
        "processed_event",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "event_id", name=op.f("pk_processed_event")),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("chain", sa.String(length=200), nullable=True),
        sa.Column("subject_type", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("target_channel", sa.String(length=32), nullable=True),
        sa.Column("target_user", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leased_by", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_ts", sa.String(length=32), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('guidelines_unacknowledged', 'deliverable_due', 'deliverable_overdue', 'compliance_pending', 'mediation_response', 'incident_unresolved', 'review_due')",
            name=op.f("ck_reminder_kind_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'cancelled', 'superseded', 'failed')",
            name=op.f("ck_reminder_status_valid"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_reminder_attempts_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_reminder_dedupe_key")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_chain_due_at"), ["chain", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_status_due_at"), ["status", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminder_team_id_subject_type_subject_id"),
            ["team_id", "subject_type", "subject_id"],
            unique=False,
        )

    op.create_table(
        "workspace",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspace")),
    )
    op.create_table(
        "campaign_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'manager', 'member', 'legal', 'influencer')",
            name=op.f("ck_campaign_role_role_valid"),
        ),
        sa.CheckConstraint(
            "role IN ('manager', 'member', 'legal')", name=op.f("ck_campaign_role_role_grantable")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_role_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_role")),
        sa.UniqueConstraint("campaign_id", "user_id", name=op.f("uq_campaign_role_campaign_id_user_id")),
    )
    with op.batch_alter_table("campaign_role", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_role_team_id_user_id"), ["team_id", "user_id"], unique=False
        )

    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("influencer_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("acknowledged_version", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("guidelines_message_ts", sa.String(length=32), nullable=True),
        sa.Column("payment_hold", sa.Boolean(), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('invited', 'active', 'paused', 'terminated')", name=op.f("ck_engagement_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_engagement_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencer.id"],
            name=op.f("fk_engagement_influencer_id_influencer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement")),
        sa.UniqueConstraint(
            "campaign_id", "influencer_id", name=op.f("uq_engagement_campaign_id_influencer_id")
        ),
    )
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_engagement_team_id_channel_id"), ["team_id", "channel_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_engagement_team_id_influencer_id"), ["team_id", "influencer_id"], unique=False
        )

    op.create_table(
        "guideline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("text", sa.String(length=3000), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("default_severity", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('disclosure', 'deadline', 'exclusivity', 'conduct', 'content_approval', 'brand_safety', 'confidentiality', 'fake_engagement', 'other')",
            name=op.f("ck_guideline_category_valid"),
        ),
        sa.CheckConstraint(
            "default_severity IN ('minor', 'moderate', 'major', 'critical')",
            name=op.f("ck_guideline_default_severity_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_guideline_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_guideline_campaign_id_code")),
    )
    op.create_table(
        "deliverable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_url", sa.String(length=2000), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_url", sa.String(length=2000), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("caption", sa.String(length=5000), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("checklist_channel_id", sa.String(length=32), nullable=True),
        sa.Column("checklist_ts", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "platform IN ('instagram', 'tiktok', 'youtube', 'x', 'twitch', 'blog', 'other')",
            name=op.f("ck_deliverable_platform_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'submitted', 'approved', 'published', 'late', 'cancelled')",
            name=op.f("ck_deliverable_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_deliverable_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverable")),
    )
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliverable_engagement_id"), ["engagement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliverable_status_due_at"), ["status", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deliverable_team_id_status_due_at"), ["team_id", "status", "due_at"], unique=False
        )

    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("guideline_id", sa.Integer(), nullable=False),
        sa.Column("guidelines_version", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.String(length=3000), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reporter_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_ts", sa.String(length=32), nullable=True),
        sa.Column("proposed_outcome", sa.String(length=24), nullable=True),
        sa.Column("proposed_terms", sa.String(length=3000), nullable=True),
        sa.Column("proposal_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_by", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("resolution_note", sa.String(length=3000), nullable=True),
        sa.Column("strikes", sa.Integer(), nullable=True),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('no_action', 'warning', 'corrective_action', 'content_removal', 'fee_reduction', 'payment_withheld', 'contract_terminated')",
            name=op.f("ck_incident_outcome_valid"),
        ),
        sa.CheckConstraint(
            "proposed_outcome IS NULL OR proposed_outcome IN ('no_action', 'warning', 'corrective_action', 'content_removal', 'fee_reduction', 'payment_withheld', 'contract_terminated')",
            name=op.f("ck_incident_proposed_outcome_valid"),
        ),
        sa.CheckConstraint(
            "severity IN ('minor', 'moderate', 'major', 'critical')", name=op.f("ck_incident_severity_valid")
        ),
        sa.CheckConstraint(
            "status IN ('reported', 'acknowledged', 'in_mediation', 'resolution_proposed', 'escalated', 'resolved', 'dismissed')",
            name=op.f("ck_incident_status_valid"),
        ),
        sa.CheckConstraint("number > 0", name=op.f("ck_incident_number_positive")),
        sa.CheckConstraint(
            "strikes IS NULL OR strikes BETWEEN 0 AND 10", name=op.f("ck_incident_strikes_range")
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_incident_engagement_id_engagement"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["guideline_id"],
            ["guideline.id"],
            name=op.f("fk_incident_guideline_id_guideline"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("team_id", "number", name=op.f("uq_incident_team_id_number")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_engagement_id"), ["engagement_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incident_team_id_channel_id_card_ts"),
            ["team_id", "channel_id", "card_ts"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_incident_team_id_status"), ["team_id", "status"], unique=False)

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("conduct", sa.Integer(), nullable=False),
        sa.Column("communication", sa.Integer(), nullable=False),
        sa.Column("timeliness", sa.Integer(), nullable=False),
        sa.Column("content_quality", sa.Integer(), nullable=False),
        sa.Column("would_work_again", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=3000), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("shared_with_influencer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("communication BETWEEN 1 AND 5", name=op.f("ck_review_communication_range")),
        sa.CheckConstraint("conduct BETWEEN 1 AND 5", name=op.f("ck_review_conduct_range")),
        sa.CheckConstraint("content_quality BETWEEN 1 AND 5", name=op.f("ck_review_content_quality_range")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_review_period_ordered")),
        sa.CheckConstraint("timeliness BETWEEN 1 AND 5", name=op.f("ck_review_timeliness_range")),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_review_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_team_id_engagement_id_created_at"),
            ["team_id", "engagement_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "compliance_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("deliverable_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("suggestion", sa.String(length=500), nullable=True),
        sa.Column("suggested_status", sa.String(length=16), nullable=True),
        sa.Column("checked_by", sa.String(length=32), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=3000), nullable=True),
        sa.CheckConstraint(
            "item IN ('disclosure_present', 'disclosure_placement', 'no_competitor_mention', 'matches_approved_content', 'brand_safety')",
            name=op.f("ck_compliance_check_item_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'passed', 'failed', 'waived')",
            name=op.f("ck_compliance_check_status_valid"),
        ),
        sa.CheckConstraint(
            "suggested_status IS NULL OR suggested_status IN ('pending', 'passed', 'failed', 'waived')",
            name=op.f("ck_compliance_check_suggested_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["deliverable_id"],
            ["deliverable.id"],
            name=op.f("fk_compliance_check_deliverable_id_deliverable"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_check")),
        sa.UniqueConstraint("deliverable_id", "item", name=op.f("uq_compliance_check_deliverable_id_item")),
    )
    with op.batch_alter_table("compliance_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_compliance_check_team_id_status"), ["team_id", "status"], unique=False
        )

    op.create_table(
        "incident_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("text", sa.String(length=40000), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('created', 'status_changed', 'response', 'thread_reply', 'evidence_added', 'reminder_sent', 'escalated', 'resolution_proposed', 'note')",
            name=op.f("ck_incident_event_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_event_incident_id_incident"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_event")),
    )
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_event_incident_id_id"), ["incident_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_event_incident_id_id"))

    op.drop_table("incident_event")
    with op.batch_alter_table("compliance_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_check_team_id_status"))

    op.drop_table("compliance_check")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_team_id_engagement_id_created_at"))

    op.drop_table("review")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_team_id_status"))
        batch_op.drop_index(batch_op.f("ix_incident_team_id_channel_id_card_ts"))
        batch_op.drop_index(batch_op.f("ix_incident_engagement_id"))

    op.drop_table("incident")
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliverable_team_id_status_due_at"))
        batch_op.drop_index(batch_op.f("ix_deliverable_status_due_at"))
        batch_op.drop_index(batch_op.f("ix_deliverable_engagement_id"))

    op.drop_table("deliverable")
    op.drop_table("guideline")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_team_id_influencer_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_team_id_channel_id"))

    op.drop_table("engagement")
    with op.batch_alter_table("campaign_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_role_team_id_user_id"))

    op.drop_table("campaign_role")
    op.drop_table("workspace")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_team_id_subject_type_subject_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_status_due_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_chain_due_at"))

    op.drop_table("reminder")
    op.drop_table("processed_event")
    op.drop_table("influencer")
    op.drop_table("counter")
    op.drop_table("campaign")
