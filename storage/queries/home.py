"""App Home: what waits for a user, as a few bounded queries (a count and the first rows of each list).

Every list is limited in SQL and counted in SQL, so a workspace with thousands of incidents costs
the same handful of statements. Brand lists cover the campaigns where the user holds a brand role
(every campaign for an admin); influencer lists cover the user's own engagements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import and_, case, func, literal, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import CampaignStatus, ComplianceStatus, DeliverableStatus, EngagementStatus, Severity
from bot.domain.incidents import OPEN, waiting_on
from bot.domain.reviews import CADENCE_DAYS
from storage.models import (
    Campaign,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Incident,
    Influencer,
    Review,
)
from storage.queries.reviews import brand_campaign_ids
from storage.types import UTCDateTime

T = TypeVar("T")
OPEN_STATUSES = tuple(sorted(OPEN))
#: Statuses where the brand has the next move whatever happened, and those where it does only
#: once the influencer responded — derived from `waiting_on`, the one rule.
BRAND_ALWAYS = tuple(sorted(s for s in OPEN if waiting_on(s, False) == "brand"))
BRAND_IF_RESPONDED = tuple(
    sorted(s for s in OPEN if waiting_on(s, True) == "brand" and waiting_on(s, False) != "brand")
)
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MODERATE: 2, Severity.MINOR: 3}
#: Deliverable statuses still owed by the influencer.
OWED = (DeliverableStatus.PLANNED, DeliverableStatus.LATE)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True, slots=True)
class IncidentLine:
    number: int
    title: str
    severity: str
    status: str
    responded: bool
    response_due_at: datetime
    campaign_slug: str
    influencer: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class DeliverableLine:
    id: int
    title: str
    platform: str
    due_at: datetime
    status: str
    campaign_slug: str
    influencer: str
    channel_id: str
    pending_checks: int = 0


@dataclass(frozen=True, slots=True)
class EngagementLine:
    engagement_id: int
    campaign_slug: str
    campaign_name: str
    brand: str
    influencer: str
    channel_id: str
    status: str
    acknowledged_version: int | None
    guidelines_version: int
    last_review_at: datetime | None = None  # reviews due: None when never reviewed


def _scope(team_id: str, user_id: str, is_admin: bool) -> list:
    """Brand scope as conditions on Engagement (joined to the row being listed)."""
    where = [Engagement.team_id == team_id]
    if not is_admin:
        where.append(Engagement.campaign_id.in_(brand_campaign_ids(team_id, user_id)))
    return where


async def _page(s: AsyncSession, rows_query, count_query, make) -> Page:
    total = (await s.exec(count_query)).one()[0]
    rows = (await s.exec(rows_query)).all() if total else []
    return Page([make(*row) for row in rows], total)


# ---------------------------------------------------------------------------------------------
# incidents


_INCIDENT_COLUMNS = (
    Incident.number,
    Incident.title,
    Incident.severity,
    Incident.status,
    Incident.responded_at.is_not(None),
    Incident.response_due_at,
    Campaign.slug,
    Influencer.display_name,
    Engagement.channel_id,
)


def _incidents(*columns):
    return (
        select(*columns)
        .select_from(Incident)
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
    )


def _severity_rank():
    return case(SEVERITY_RANK, value=Incident.severity, else_=len(SEVERITY_RANK))


def _waiting_on_brand():
    return or_(
        Incident.status.in_(BRAND_ALWAYS),
        and_(Incident.status.in_(BRAND_IF_RESPONDED), Incident.responded_at.is_not(None)),
    )


async def incidents_waiting_on_brand(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, limit: int
) -> Page[IncidentLine]:
    where = [Incident.team_id == team_id, Incident.status.in_(OPEN_STATUSES), _waiting_on_brand()]
    where += _scope(team_id, user_id, is_admin)
    return await _page(
        s,
        _incidents(*_INCIDENT_COLUMNS)
        .where(*where)
        .order_by(_severity_rank(), Incident.response_due_at, Incident.number)
        .limit(limit),
        _incidents(func.count()).where(*where),
        IncidentLine,
    )


async def open_incidents(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, limit: int
) -> tuple[dict[str, int], Page[IncidentLine]]:
    """Open incidents in scope: the count per severity, and the most severe first."""
    where = [
        Incident.team_id == team_id,
        Incident.status.in_(OPEN_STATUSES),
        *_scope(team_id, user_id, is_admin),
    ]
    counts = await s.exec(
        _incidents(Incident.severity, func.count()).where(*where).group_by(Incident.severity)
    )
    by_severity = {sev: n for sev, n in counts.all()}
    total = sum(by_severity.values())
    rows = []
    if total:
        result = await s.exec(
            _incidents(*_INCIDENT_COLUMNS)
            .where(*where)
            .order_by(_severity_rank(), Incident.number.desc())
            .limit(limit)
        )
        rows = [IncidentLine(*row) for row in result.all()]
    return by_severity, Page(rows, total)


async def my_open_incidents(
    s: AsyncSession, team_id: str, influencer_id: int, *, limit: int
) -> Page[IncidentLine]:
    where = [
        Incident.team_id == team_id,
        Incident.status.in_(OPEN_STATUSES),
        Incident.engagement_id.in_(
            select(Engagement.id).where(
                Engagement.team_id == team_id, Engagement.influencer_id == influencer_id
            )
        ),
    ]
    return await _page(
        s,
        _incidents(*_INCIDENT_COLUMNS)
        .where(*where)
        .order_by(Incident.response_due_at, Incident.number)
        .limit(limit),
        select(func.count()).select_from(Incident).where(*where),
        IncidentLine,
    )


# ---------------------------------------------------------------------------------------------
# deliverables and compliance checks


_DELIVERABLE_COLUMNS = (
    Deliverable.id,
    Deliverable.title,
    Deliverable.platform,
    Deliverable.due_at,
    Deliverable.status,
    Campaign.slug,
    Influencer.display_name,
    Engagement.channel_id,
)


def _deliverables(*columns):
    return (
        select(*columns)
        .select_from(Deliverable)
        .join(Engagement, Engagement.id == Deliverable.engagement_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
    )


async def deliverables_between(
    s: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    is_admin: bool,
    after: datetime | None,
    before: datetime,
    limit: int,
) -> Page[DeliverableLine]:
    """Deliverables still owed with a due time in [after, before) (index (team_id, status, due_at))."""
    where = [Deliverable.team_id == team_id, Deliverable.status.in_(OWED), Deliverable.due_at < before]
    if after is not None:
        where.append(Deliverable.due_at >= after)
    where += _scope(team_id, user_id, is_admin)
    return await _page(
        s,
        _deliverables(*_DELIVERABLE_COLUMNS)
        .where(*where)
        .order_by(Deliverable.due_at, Deliverable.id)
        .limit(limit),
        _deliverables(func.count()).where(*where),
        DeliverableLine,
    )


async def pending_checks(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, limit: int
) -> Page[DeliverableLine]:
    """Deliverables with compliance checks pending (index compliance_check (team_id, status))."""
    pending = func.count(ComplianceCheck.id)
    where = [
        ComplianceCheck.team_id == team_id,
        ComplianceCheck.status == ComplianceStatus.PENDING,
        *_scope(team_id, user_id, is_admin),
    ]

    def joined(*columns):
        return _deliverables(*columns).join(ComplianceCheck, ComplianceCheck.deliverable_id == Deliverable.id)

    return await _page(
        s,
        joined(*_DELIVERABLE_COLUMNS, pending)
        .where(*where)
        .group_by(*_DELIVERABLE_COLUMNS)
        .order_by(Deliverable.due_at, Deliverable.id)
        .limit(limit),
        joined(func.count(func.distinct(Deliverable.id))).where(*where),
        DeliverableLine,
    )


async def my_deliverables(
    s: AsyncSession, team_id: str, influencer_id: int, *, limit: int
) -> Page[DeliverableLine]:
    """The influencer's deliverables not yet published (or cancelled), soonest due first."""
    where = [
        Deliverable.team_id == team_id,
        Engagement.influencer_id == influencer_id,
        Deliverable.status.not_in((DeliverableStatus.PUBLISHED, DeliverableStatus.CANCELLED)),
    ]
    return await _page(
        s,
        _deliverables(*_DELIVERABLE_COLUMNS)
        .where(*where)
        .order_by(Deliverable.due_at, Deliverable.id)
        .limit(limit),
        _deliverables(func.count()).where(*where),
        DeliverableLine,
    )


# ---------------------------------------------------------------------------------------------
# engagements: reviews due, my campaigns, guidelines to acknowledge


_ENGAGEMENT_COLUMNS = (
    Engagement.id,
    Campaign.slug,
    Campaign.name,
    Campaign.brand,
    Influencer.display_name,
    Engagement.channel_id,
    Engagement.status,
    Engagement.acknowledged_version,
    Campaign.guidelines_version,
)


def _engagements(*columns):
    return (
        select(*columns)
        .select_from(Engagement)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
    )


async def reviews_due(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, now: datetime, limit: int
) -> Page[EngagementLine]:
    """Active engagements of active campaigns whose last review (or, with none, whose start) is
    older than the campaign's cadence. The last review comes from review (team_id, engagement_id,
    created_at)."""
    last = (
        select(func.max(Review.created_at))
        .where(Review.team_id == team_id, Review.engagement_id == Engagement.id)
        .correlate(Engagement)
        .scalar_subquery()
    )
    since = func.coalesce(last, Engagement.created_at)
    threshold = case(
        *(
            (Campaign.review_cadence == cadence, literal(now - timedelta(days=days), UTCDateTime()))
            for cadence, days in CADENCE_DAYS.items()
            if days is not None
        ),
        else_=None,
    )
    where = [
        *_scope(team_id, user_id, is_admin),
        Engagement.status == EngagementStatus.ACTIVE,
        Campaign.status == CampaignStatus.ACTIVE,
        since <= threshold,
    ]
    return await _page(
        s,
        _engagements(*_ENGAGEMENT_COLUMNS, last).where(*where).order_by(since, Engagement.id).limit(limit),
        _engagements(func.count()).where(*where),
        EngagementLine,
    )


async def my_engagements(
    s: AsyncSession, team_id: str, influencer_id: int, *, limit: int, unacknowledged: bool = False
) -> Page[EngagementLine]:
    """The influencer's live engagements (index engagement (team_id, influencer_id)); with
    `unacknowledged`, only those whose current guidelines they have not acknowledged."""
    where = [
        Engagement.team_id == team_id,
        Engagement.influencer_id == influencer_id,
        Engagement.status != EngagementStatus.TERMINATED,
    ]
    if unacknowledged:
        where.append(
            or_(
                Engagement.acknowledged_version.is_(None),
                Engagement.acknowledged_version < Campaign.guidelines_version,
            )
        )
    return await _page(
        s,
        _engagements(*_ENGAGEMENT_COLUMNS)
        .where(*where)
        .order_by(Campaign.start_date.desc(), Engagement.id.desc())
        .limit(limit),
        _engagements(func.count()).where(*where),
        EngagementLine,
    )
