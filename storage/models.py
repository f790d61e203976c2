"""The SQL tables (SQLModel, table=True). Every row carries the Slack `team_id`.

Enumerated columns are plain strings guarded by CHECK constraints derived from `bot.domain.enums`,
so a migration never has to alter a native enum type. Constraint names follow the naming
convention below so Alembic can find them on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, MetaData, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.domain.enums import (
    CampaignStatus,
    ComplianceItem,
    ComplianceStatus,
    DeliverableStatus,
    EngagementStatus,
    GuidelineCategory,
    IncidentEventKind,
    IncidentStatus,
    InfluencerStatus,
    Market,
    Outcome,
    Platform,
    ReminderKind,
    ReminderStatus,
    ReviewCadence,
    Role,
    Severity,
    values,
)
from storage.types import UTCDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def one_of(column: str, enum: type[StrEnum], *, nullable: bool = False) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values(enum))
    clause = f"{column} IN ({allowed})"
    if nullable:
        clause = f"{column} IS NULL OR {clause}"
    return CheckConstraint(clause, name=f"{column}_valid")


def utc(**kwargs: Any) -> Any:
    """A UTC timestamp column."""
    nullable = kwargs.pop("nullable", False)
    return Field(sa_type=UTCDateTime(), nullable=nullable, **kwargs)


def team() -> Any:
    return Field(max_length=32, index=False)


#: Incidents still open: most lists and counts read only these (a tenth of a mature workspace),
#: so their indexes are partial. A query must say `status IN (…these…)` for them to apply.
OPEN_INCIDENT_STATUSES = tuple(
    s.value for s in IncidentStatus if s not in (IncidentStatus.RESOLVED, IncidentStatus.DISMISSED)
)
OPEN_INCIDENT = "status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_INCIDENT_STATUSES))
#: Deliverables the influencer still owes.
OWED_DELIVERABLE = "status IN ('planned', 'late')"
#: Engagements a review is expected of (App Home's reviews due), and deliverables with compliance
#: checks pending: the columns are kept by triggers (migration 0008).
REVIEW_EXPECTED = "review_due_at IS NOT NULL"
CHECKS_PENDING = "pending_checks > 0"


def empty_list() -> list[Any]:
    """A JSON list column's default. Not the builtin `list`: pydantic asks `inspect.signature` of a
    default factory on every construction, and for a builtin that parses its text signature (about
    80 µs, and a sys.modules copy left to the cyclic collector) where a function takes 4 µs."""
    return []


def empty_dict() -> dict[str, Any]:
    """A JSON object column's default (see `empty_list`)."""
    return {}


def partial(name: str, *columns: str, where: str) -> Index:
    """A partial index, on PostgreSQL and SQLite alike."""
    return Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))


#: Clauses about deadlines.
DEADLINE_CLAUSE = "category = 'deadline'"

#: Open incidents, spelled out for the index of their ages (equal to OPEN_INCIDENT).
OPEN_AGES = "status IN ('reported', 'acknowledged', 'in_mediation', 'resolution_proposed', 'escalated')"


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"
    __table_args__ = (
        UniqueConstraint("team_id", "slug"),
        Index(None, "team_id", "escalation_channel_id"),  # "is this channel an escalation channel?"
        Index(None, "team_id", "start_date"),  # newest campaigns first (the report form's choices)
        one_of("status", CampaignStatus),
        one_of("market", Market),
        one_of("review_cadence", ReviewCadence),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint("guidelines_version >= 1", name="version_positive"),
        CheckConstraint(
            "ghost_reminder_hours >= 1 AND ghost_flag_hours > ghost_reminder_hours",
            name="ghost_hours_ordered",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    slug: str = Field(max_length=40)
    name: str = Field(max_length=150)
    brand: str = Field(max_length=150)
    market: str = Field(default=Market.US, max_length=8)
    start_date: date
    end_date: date
    status: str = Field(default=CampaignStatus.ACTIVE, max_length=16)
    owner_id: str = Field(max_length=32)
    escalation_channel_id: str | None = Field(default=None, max_length=32)
    review_cadence: str = Field(default=ReviewCadence.WEEKLY, max_length=16)
    guidelines_version: int = 1
    #: The Monday digest to the campaign's managers (`/campaign digest <slug> on|off`).
    digest_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    #: The conduct monitor (`/campaign conduct <slug> on|off`, docs/conduct.md): off by default.
    conduct_monitor: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    #: Ghosting thresholds, in business hours: the reminder in the thread, the flag to the managers.
    ghost_reminder_hours: int = Field(default=24, sa_column_kwargs={"server_default": text("24")})
    ghost_flag_hours: int = Field(default=48, sa_column_kwargs={"server_default": text("48")})
    created_at: datetime = utc()


class CampaignRole(SQLModel, table=True):
    """A brand person's role on a campaign (the owner is stored as a manager too)."""

    __tablename__ = "campaign_role"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id"),
        Index(None, "team_id", "user_id"),
        one_of("role", Role),
        CheckConstraint("role IN ('manager', 'member', 'legal')", name="role_grantable"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    role: str = Field(max_length=16)
    granted_by: str = Field(max_length=32)
    created_at: datetime = utc()


class CampaignCreator(SQLModel, table=True):
    """The workspace-level right to create campaigns, granted by an admin (`/campaign creators add`).
    Admins may always create campaigns and need no row."""

    __tablename__ = "campaign_creator"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    user_id: str = Field(max_length=32)
    granted_by: str = Field(max_length=32)
    created_at: datetime = utc()


class Guideline(SQLModel, table=True):
    __tablename__ = "guideline"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        one_of("category", GuidelineCategory),
        one_of("default_severity", Severity),
        # a campaign's first deadline clause, which a deliverable's facts carry ("Report missed
        # deadline?"): read once per deliverable of a batch of 500, index only
        partial(
            "ix_guideline_deadline_campaign_id",
            "campaign_id",
            "position",
            "id",
            "code",
            where=DEADLINE_CLAUSE,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    code: str = Field(max_length=8)
    title: str = Field(max_length=150)
    text: str = Field(max_length=3000)
    category: str = Field(max_length=24)
    default_severity: str = Field(max_length=16)
    position: int = 0
    updated_at: datetime = utc()


class Influencer(SQLModel, table=True):
    __tablename__ = "influencer"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        UniqueConstraint("team_id", "email"),
        one_of("status", InfluencerStatus),
        CheckConstraint("slack_user_id IS NOT NULL OR email IS NOT NULL", name="reachable"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    display_name: str = Field(max_length=150)
    slack_user_id: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    handles: dict[str, str] = Field(default_factory=empty_dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=InfluencerStatus.ACTIVE, max_length=16)
    created_at: datetime = utc()


class Engagement(SQLModel, table=True):
    __tablename__ = "engagement"
    __table_args__ = (
        UniqueConstraint("campaign_id", "influencer_id"),
        Index(None, "team_id", "influencer_id"),
        Index(None, "team_id", "channel_id"),
        Index(None, "channel_id"),  # the workspace that owns a Slack Connect channel (bot/tenancy.py)
        # App Home's reviews due: longest waiting first, and how many are due
        partial(
            "ix_engagement_review_team_id_review_since",
            "team_id",
            "review_since",
            "id",
            where=REVIEW_EXPECTED,
        ),
        partial(
            "ix_engagement_review_team_id_review_due_at", "team_id", "review_due_at", where=REVIEW_EXPECTED
        ),
        one_of("status", EngagementStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    influencer_id: int = Field(foreign_key="influencer.id", ondelete="RESTRICT")
    channel_id: str = Field(max_length=32)
    status: str = Field(default=EngagementStatus.INVITED, max_length=16)
    acknowledged_version: int | None = None
    acknowledged_at: datetime | None = utc(nullable=True, default=None)
    guidelines_message_ts: str | None = Field(default=None, max_length=32)
    payment_hold: bool = False
    invited_by: str = Field(max_length=32)
    created_at: datetime = utc()
    #: Kept by triggers (migration 0008), never written by the bot: when the wait for the next
    #: review began (the last review, else `created_at`), and when that review falls due
    #: (`review_since` plus the campaign's cadence; NULL when no review is expected: engagement
    #: or campaign not active, cadence off).
    review_since: datetime | None = utc(nullable=True, default=None)
    review_due_at: datetime | None = utc(nullable=True, default=None)


class Deliverable(SQLModel, table=True):
    __tablename__ = "deliverable"
    __table_args__ = (
        Index(None, "team_id", "status", "due_at"),
        Index(None, "status", "due_at"),  # the overdue sweep, across workspaces
        Index(None, "engagement_id"),
        # App Home's overdue / due this week: still owed, soonest first
        partial("ix_deliverable_owed_team_id_due_at", "team_id", "due_at", where=OWED_DELIVERABLE),
        # App Home's compliance checks pending: soonest due first; and a scope's, by engagement
        partial("ix_deliverable_checks_team_id_due_at", "team_id", "due_at", "id", where=CHECKS_PENDING),
        partial("ix_deliverable_checks_engagement_id", "engagement_id", "due_at", where=CHECKS_PENDING),
        # a scope's deliverables still owed, from its engagements (App Home's overdue / due soon)
        partial(
            "ix_deliverable_owed_engagement_id_due_at", "engagement_id", "due_at", where=OWED_DELIVERABLE
        ),
        one_of("status", DeliverableStatus),
        one_of("platform", Platform),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    title: str = Field(max_length=150)
    platform: str = Field(max_length=16)
    due_at: datetime = utc()
    status: str = Field(default=DeliverableStatus.PLANNED, max_length=16)
    submitted_url: str | None = Field(default=None, max_length=2000)
    submitted_at: datetime | None = utc(nullable=True, default=None)
    published_url: str | None = Field(default=None, max_length=2000)
    published_at: datetime | None = utc(nullable=True, default=None)
    caption: str | None = Field(default=None, max_length=5000)
    card_ts: str | None = Field(default=None, max_length=32, description="card in the shared channel")
    checklist_channel_id: str | None = Field(default=None, max_length=32)
    checklist_ts: str | None = Field(default=None, max_length=32, description="checklist sent to the owner")
    #: Whose DM holds the checklist message (`checklist_channel_id`/`checklist_ts`): it is kept up to
    #: date only while they may still read the campaign's compliance work (migration 0013). None with
    #: a channel: a message sent before it was recorded, whose reader is unknown.
    checklist_user_id: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc()
    #: How many of its compliance checks are pending: kept by triggers (migration 0008).
    pending_checks: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    #: The kinds of image the influencer declared when publishing (retouched, generated: markets
    #: that require a label for them, bot/domain/disclosure/), checked again with an edited caption.
    images: list[str] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False, server_default=text("'[]'"))
    )


class ComplianceCheck(SQLModel, table=True):
    __tablename__ = "compliance_check"
    __table_args__ = (
        UniqueConstraint("deliverable_id", "item"),
        Index(None, "team_id", "status"),
        one_of("item", ComplianceItem),
        one_of("status", ComplianceStatus),
        one_of("suggested_status", ComplianceStatus, nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    deliverable_id: int = Field(foreign_key="deliverable.id", ondelete="CASCADE")
    item: str = Field(max_length=32)
    status: str = Field(default=ComplianceStatus.PENDING, max_length=16)
    suggestion: str | None = Field(default=None, max_length=500, description="the lint's finding")
    suggested_status: str | None = Field(default=None, max_length=16, description="the lint's pass/fail")
    checked_by: str | None = Field(default=None, max_length=32)
    checked_at: datetime | None = utc(nullable=True, default=None)
    note: str | None = Field(default=None, max_length=3000)


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        # DEFERRABLE INITIALLY DEFERRED on PostgreSQL (migration 0003; SQLite has no such thing):
        # a report takes its number last, see storage.queries.incidents.assign_number
        UniqueConstraint("team_id", "number"),
        Index(None, "team_id", "status"),
        # lists and App Home by engagement; on PostgreSQL it carries what `/review history`
        # counts of an influencer's incidents, so the count reads no table row (migration 0015)
        Index(
            None, "engagement_id", "status", postgresql_include=["team_id", "severity", "outcome", "strikes"]
        ),
        # a report's "the same clause on this engagement lately?" (storage/queries/incidents.py)
        Index(None, "engagement_id", "guideline_id", "created_at"),
        Index(None, "team_id", "channel_id", "card_ts"),
        # insights: incidents reported / closed in a date range, open ones by age and severity
        # (storage/queries/insights.py; the condition is that of the open incidents' indexes)
        # (on PostgreSQL they carry what the aggregates read, so these are index-only scans)
        Index(
            None,
            "team_id",
            "created_at",
            postgresql_include=["guideline_id", "severity", "acknowledged_at", "responded_at"],
        ),
        Index(
            None,
            "team_id",
            "resolved_at",
            postgresql_include=["created_at", "status", "engagement_id", "strikes"],
        ),
        # insights: the first reaction of the days a report reads from the incidents themselves
        # (the others come from insight_day, see storage/queries/insights.py)
        Index(None, "team_id", "acknowledged_at"),
        Index(None, "team_id", "responded_at"),
        Index(
            "ix_incident_open_team_id_created_at_severity",
            "team_id",
            "created_at",
            "severity",
            postgresql_where=text(OPEN_AGES),
            sqlite_where=text(OPEN_AGES),
        ),
        # lists and counts of open incidents: newest first, by severity, by response due time,
        # and counted per severity over a set of engagements (index-only)
        partial("ix_incident_open_team_id_number", "team_id", "number", where=OPEN_INCIDENT),
        partial(
            "ix_incident_open_team_id_severity_number", "team_id", "severity", "number", where=OPEN_INCIDENT
        ),
        partial(
            "ix_incident_open_team_id_severity_response_due_at",
            "team_id",
            "severity",
            "response_due_at",
            where=OPEN_INCIDENT,
        ),
        partial(  # covering: counts per severity and "waiting on the brand" read no table row
            "ix_incident_open_by_engagement",
            "team_id",
            "engagement_id",
            "severity",
            "status",
            "responded_at",
            where=OPEN_INCIDENT,
        ),
        one_of("severity", Severity),
        one_of("status", IncidentStatus),
        one_of("outcome", Outcome, nullable=True),
        one_of("proposed_outcome", Outcome, nullable=True),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("strikes IS NULL OR strikes BETWEEN 0 AND 10", name="strikes_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    number: int
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="RESTRICT")
    guideline_id: int = Field(foreign_key="guideline.id", ondelete="RESTRICT")
    guidelines_version: int
    severity: str = Field(max_length=16)
    title: str = Field(max_length=150)
    description: str = Field(max_length=3000)
    evidence: list[str] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    #: Slack message links among `evidence` that the bot could not read (the card says so).
    evidence_unread: list[str] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False, server_default=text("'[]'"))
    )
    occurred_at: datetime = utc()
    reporter_id: str = Field(max_length=32)
    status: str = Field(default=IncidentStatus.REPORTED, max_length=24)
    channel_id: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    response_due_at: datetime = utc()
    responded_at: datetime | None = utc(nullable=True, default=None)
    #: When the influencer pressed Acknowledge (insights: time to acknowledge).
    acknowledged_at: datetime | None = utc(nullable=True, default=None)
    escalated_at: datetime | None = utc(nullable=True, default=None)
    escalation_ts: str | None = Field(
        default=None, max_length=32, description="post in the escalation channel"
    )
    proposed_outcome: str | None = Field(default=None, max_length=24)
    proposed_terms: str | None = Field(default=None, max_length=3000)
    proposal_due_at: datetime | None = utc(nullable=True, default=None)
    proposed_by: str | None = Field(default=None, max_length=32)
    outcome: str | None = Field(default=None, max_length=24)
    resolution_note: str | None = Field(default=None, max_length=3000)
    strikes: int | None = None
    resolved_by: str | None = Field(default=None, max_length=32)
    resolved_at: datetime | None = utc(nullable=True, default=None)
    created_at: datetime = utc()
    updated_at: datetime = utc()


class IncidentEvent(SQLModel, table=True):
    """Append-only timeline of an incident: never updated or deleted."""

    __tablename__ = "incident_event"
    __table_args__ = (
        Index(None, "incident_id", "id"),
        one_of("kind", IncidentEventKind),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    incident_id: int = Field(foreign_key="incident.id", ondelete="RESTRICT")
    kind: str = Field(max_length=24)
    actor_id: str | None = Field(default=None, max_length=32)
    text: str | None = Field(default=None, max_length=40000)
    data: dict[str, Any] = Field(default_factory=empty_dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc()
    #: SHA-256 of the previous event's hash and this event's canonical JSON (bot/domain/chain.py),
    #: set when the row is written (storage/chain.py). NULL only on a row written around the ORM.
    hash: str | None = Field(default=None, max_length=64)


class HeldNotice(SQLModel, table=True):
    """Legal's notice that did not reach legal: held back from an escalation channel that is no
    longer safe (public, shared with another organisation, or the bot left; the campaign's
    managers got it by DM instead), or that reached nobody on the campaign's brand side (no
    escalation channel and no manager who is not an influencer, or every DM refused;
    `channel_id` is then empty and the workspace admins got it). Append-only."""

    __tablename__ = "held_notice"
    __table_args__ = (Index(None, "team_id", "campaign_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="CASCADE")
    channel_id: str = Field(max_length=32)
    reason: str = Field(max_length=200)
    text: str = Field(max_length=40000)
    created_at: datetime = utc()


class Review(SQLModel, table=True):
    __tablename__ = "review"
    __table_args__ = (
        Index(None, "team_id", "engagement_id", "created_at"),
        *(
            CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_range")
            for c in ("conduct", "communication", "timeliness", "content_quality")
        ),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    reviewer_id: str = Field(max_length=32)
    period_start: date
    period_end: date
    conduct: int
    communication: int
    timeliness: int
    content_quality: int
    would_work_again: bool
    notes: str | None = Field(default=None, max_length=3000)
    flagged: bool = False
    shared_with_influencer: bool = False
    created_at: datetime = utc()


class Reminder(SQLModel, table=True):
    """The outbox of scheduled messages. The dispatcher claims due rows; the key dedupes."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index(None, "status", "due_at"),
        Index(None, "team_id", "subject_type", "subject_id"),
        Index(None, "chain", "due_at"),
        one_of("kind", ReminderKind),
        one_of("status", ReminderStatus),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    kind: str = Field(max_length=32)
    dedupe_key: str = Field(max_length=200)
    chain: str | None = Field(
        default=None, max_length=200, description="a later due row of the same chain supersedes earlier ones"
    )
    subject_type: str = Field(max_length=24)
    subject_id: int
    campaign_id: int | None = Field(default=None, description="for listing; no foreign key")
    target_channel: str | None = Field(default=None, max_length=32)
    target_user: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    due_at: datetime = utc()
    status: str = Field(default=ReminderStatus.PENDING, max_length=16)
    attempts: int = 0
    lease_until: datetime | None = utc(nullable=True, default=None)
    leased_by: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=500)
    sent_ts: str | None = Field(default=None, max_length=32)
    payload: dict[str, Any] = Field(default_factory=empty_dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc()
    updated_at: datetime = utc()


class ProcessedEvent(SQLModel, table=True):
    """Events API deliveries already handled: Slack retries with the same `event_id`."""

    __tablename__ = "processed_event"

    team_id: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = utc()


class Counter(SQLModel, table=True):
    """Per-workspace sequences (incident numbers): one atomic UPDATE … RETURNING per value."""

    __tablename__ = "counter"

    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(primary_key=True, max_length=32)
    value: int = 0


class Workspace(SQLModel, table=True):
    """A Slack workspace the app serves; `tokens_revoked` / `app_uninstalled` mark it inactive."""

    __tablename__ = "workspace"

    team_id: str = Field(primary_key=True, max_length=32)
    #: The Enterprise Grid organisation of an org-wide install (its token is the organisation's).
    enterprise_id: str | None = Field(default=None, max_length=32)
    active: bool = True
    uninstalled_at: datetime | None = utc(nullable=True, default=None)
    created_at: datetime = utc()


class UserTimeZone(SQLModel, table=True):
    """A Slack user's time zone as `users.info` last gave it: the Monday digest is planned for 09:00
    in each manager's own zone, and the dispatcher re-plans from the store alone."""

    __tablename__ = "user_time_zone"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    tz: str = Field(max_length=64)
    updated_at: datetime = utc()


class ChartFile(SQLModel, table=True):
    """A chart uploaded to Slack for one user (App Home's open incidents trend), reused while fresh."""

    __tablename__ = "chart_file"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(primary_key=True, max_length=32)
    file_id: str = Field(max_length=32)
    alt: str = Field(default="", max_length=2000, description="what the chart shows, in words")
    created_at: datetime = utc()


class InsightSettled(SQLModel, table=True):
    """Up to when (a UTC midnight, excluded) a workspace's incident figures are kept per day in
    `insight_day` (storage/queries/insights.py `settle`)."""

    __tablename__ = "insight_settled"

    team_id: str = Field(primary_key=True, max_length=32)
    through: datetime | None = utc(nullable=True, default=None)


class InsightDay(SQLModel, table=True):
    """A workspace's incident figures of one settled UTC day: incidents reported per (category,
    severity) (`kind` 'reported', `key` category, `sub` severity), and histograms of durations per
    bin (`kind` 'ack', or 'resolved' / 'dismissed' by the closing status; `bin` the duration bin,
    `lo`/`hi` the shortest and longest duration in seconds, as the SQL computes them)."""

    __tablename__ = "insight_day"

    team_id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=16)
    day: datetime = utc(primary_key=True)
    key: str = Field(primary_key=True, max_length=32)
    sub: str = Field(primary_key=True, max_length=16)
    bin: int = Field(primary_key=True)
    n: int
    lo: float | None = None
    hi: float | None = None


class ConductFlag(SQLModel, table=True):
    """A private flag to the brand team about one person's messages in one shared channel: at most
    one per person and channel per hour, counting the flagged messages it covers (docs/conduct.md)."""

    __tablename__ = "conduct_flag"
    __table_args__ = (
        Index(None, "team_id", "channel_id", "author_id", "created_at"),  # the one of the last hour
        Index(None, "team_id", "created_at"),  # retention
        CheckConstraint("messages >= 1", name="messages_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    channel_id: str = Field(max_length=32)
    author_id: str = Field(max_length=32)
    #: True when the author is not the engagement's influencer: the flag goes to the admins.
    about_brand: bool = False
    category: str = Field(max_length=24)
    reason: str = Field(max_length=500)
    messages: int = 1
    #: Where the flag was posted (updated with the count): `[channel, ts]` in the escalation channel,
    #: `[DM channel, ts, recipient]` by DM (older DMs: `[channel, ts]`, recipient unknown).
    deliveries: list[list[str]] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc()
    updated_at: datetime = utc()


class FlaggedMessage(SQLModel, table=True):
    """The snapshot of a message the conduct monitor flagged: the only message text it keeps."""

    __tablename__ = "flagged_message"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "ts"), Index(None, "flag_id"))

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    flag_id: int = Field(foreign_key="conduct_flag.id", ondelete="CASCADE")
    channel_id: str = Field(max_length=32)
    ts: str = Field(max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    author_id: str = Field(max_length=32)
    text: str = Field(max_length=40000)
    files: list[dict[str, str]] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    edited: bool = False
    category: str = Field(max_length=24)
    score: float
    lang: str = Field(max_length=8)
    reason: str = Field(max_length=500)
    permalink: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc()
    #: While the flag is being sent for this message (the row is the claim that recognises Slack's
    #: retries of the event): a writer that stops before it is done leaves the lease to run out, and
    #: a retry after that takes the message over. None once done (and for rows from before leases).
    lease_until: datetime | None = utc(nullable=True, default=None)


class AwaitedReply(SQLModel, table=True):
    """A brand message that asked the influencer something, still unanswered (ghosting). No text is
    kept: where it is and when it was asked. Deleted when the influencer writes in the channel."""

    __tablename__ = "awaited_reply"
    __table_args__ = (UniqueConstraint("engagement_id"), Index(None, "team_id", "campaign_id"))

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    #: The thread the reminder goes in (the message's own ts when it was top-level).
    thread_ts: str = Field(max_length=32)
    asker_id: str = Field(max_length=32)
    influencer_user_id: str = Field(max_length=32)
    #: The influencer's time zone when asked (business hours are theirs).
    tz: str = Field(max_length=64)
    permalink: str | None = Field(default=None, max_length=500)
    asked_at: datetime = utc()


class EvidenceSnapshot(SQLModel, table=True):
    """A Slack message given as evidence, as it was when the incident was reported (or when the
    conduct monitor flagged it): kept with the incident, whatever happens to the message."""

    __tablename__ = "evidence_snapshot"
    __table_args__ = (
        UniqueConstraint("incident_id", "channel_id", "ts"),
        Index(None, "team_id", "channel_id", "ts"),  # edits and deletions of snapshotted messages
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = team()
    incident_id: int = Field(foreign_key="incident.id", ondelete="RESTRICT")
    link: str = Field(max_length=2000)
    channel_id: str = Field(max_length=32)
    ts: str = Field(max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    author_id: str | None = Field(default=None, max_length=32)
    text: str = Field(max_length=40000)
    files: list[dict[str, str]] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    #: The message had already been edited when it was snapshotted.
    edited: bool = False
    #: "slack" (read when reported) or "flag" (kept when the conduct monitor flagged it).
    source: str = Field(max_length=16)
    taken_at: datetime = utc()


# Every new incident event gets its hash in the transaction that writes it.
import storage.chain  # noqa: E402, F401

# slack_sdk's OAuth tables (installations, bots, states) live on the same metadata.
from storage import slack_tables  # noqa: E402, F401
