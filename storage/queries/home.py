"""App Home: what waits for a user, as a few bounded queries (the first rows of each list and a
count that stops at a cap).

A user's brand scope is resolved once per build as a set of engagements (those of the campaigns
where they hold a brand role; the whole workspace for an admin); every list then filters
`engagement_id = ANY($1)` on indexes shaped like its order: open incidents most severe first are
read one severity at a time from the partial indexes over open incidents, deliverables still owed
by due time. Counts stop at COUNT_CAP ("1,000+"), so a workspace with a million incidents costs the
same handful of short statements as the demo. Influencer lists cover the user's own engagements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    column,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
    values,
)
from sqlalchemy.sql import Select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import (
    CampaignStatus,
    ComplianceStatus,
    DeliverableStatus,
    EngagementStatus,
    IncidentStatus,
    Role,
    Severity,
)
from bot.domain.incidents import OPEN, waiting_on
from bot.domain.reviews import CADENCE_DAYS
from storage.db import id_in
from storage.models import (
    Campaign,
    CampaignRole,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Incident,
    Influencer,
    Review,
)
from storage.queries.incidents import Count, Scope, capped_count, dialect, rows_of, scope_of
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
#: Most severe first.
SEVERITIES = tuple(sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__))
#: Counts on the home stop here ("1,000+").
COUNT_CAP = 1000
#: The brand roles whose campaigns make up a user's brand home.
BRAND_ROLES = ("manager", "member", "legal")
#: Deliverable statuses still owed by the influencer.
OWED = (DeliverableStatus.PLANNED, DeliverableStatus.LATE)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """The first rows of a list and how many there are in all (`capped`: at least `total`)."""

    rows: list[T]
    total: int
    capped: bool = False

    @classmethod
    def of(cls, rows: list[T], count: Count) -> Page[T]:
        return cls(rows, count.n, count.capped)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"


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


@dataclass(frozen=True, slots=True)
class EscalationLine:
    """An escalated incident waiting for legal, and when it was escalated."""

    number: int
    title: str
    severity: str
    campaign_slug: str
    influencer: str
    escalated_at: datetime


async def influencer_of(s: AsyncSession, team_id: str, user_id: str, email: str | None) -> Influencer | None:
    """The influencer the user is: by Slack id, or by the email an external creator was invited
    with before Slack told us their id (the id is stored when they first acknowledge guidelines;
    bot/flows/access.py `is_the_influencer` matches them the same way)."""
    found = await s.exec(
        select(Influencer).where(Influencer.team_id == team_id, Influencer.slack_user_id == user_id)
    )
    me = found.scalars().first()
    if me is not None or not email:
        return me
    found = await s.exec(
        select(Influencer).where(
            Influencer.team_id == team_id,
            Influencer.slack_user_id.is_(None),
            Influencer.email == email.lower(),
        )
    )
    return found.scalars().first()


async def brand_scope(s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool) -> Scope:
    """The engagements of the campaigns where the user holds a brand role (admins: all)."""
    return await scope_of(s, team_id, user_id, is_admin=is_admin, roles=BRAND_ROLES)


def _in(s: AsyncSession, column, scope: Scope) -> list:
    """`column` (an engagement id) within the scope, as one array parameter (none: the workspace)."""
    return [] if scope.engagement_ids is None else [id_in(dialect(s), column, scope.engagement_ids)]


async def _page(s: AsyncSession, rows_query: Select, limit: int, count_query: Select, make) -> Page:
    """The first `limit` rows, and a count that stops at COUNT_CAP (not asked when the rows
    already say it all)."""
    rows = [make(*row) for row in (await s.exec(rows_query.limit(limit))).all()]
    if len(rows) < limit:
        return Page(rows, len(rows))
    return Page.of(rows, await capped_count(s, count_query, COUNT_CAP))


async def _counted_page(s: AsyncSession, query: Select, limit: int, make) -> Page:
    """The first `limit` rows of `query`, whose last column is `count(*) OVER ()` (the total)."""
    rows = (await s.exec(query.limit(limit))).all()
    return Page([make(*row[:-1]) for row in rows], rows[0][-1] if rows else 0)


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


def _waiting_on_brand():
    return or_(
        Incident.status.in_(BRAND_ALWAYS),
        and_(Incident.status.in_(BRAND_IF_RESPONDED), Incident.responded_at.is_not(None)),
    )


def _open(s: AsyncSession, scope: Scope) -> list:
    """Open incidents in scope (the partial indexes' condition, spelled the same way)."""
    return [
        Incident.team_id == scope.team_id,
        Incident.status.in_(OPEN_STATUSES),
        *_in(s, Incident.engagement_id, scope),
    ]


#: The columns of an IncidentLine, named (they travel through a UNION ALL).
_LINE = (
    Incident.number.label("number"),
    Incident.title.label("title"),
    Incident.severity.label("severity"),
    Incident.status.label("status"),
    Incident.responded_at.is_not(None).label("responded"),
    Incident.response_due_at.label("response_due_at"),
    Campaign.slug.label("slug"),
    Influencer.display_name.label("influencer"),
    Engagement.channel_id.label("channel_id"),
)


def _severities():
    """`(VALUES (0, 'critical'), (1, 'major'), …) AS severities (rank, severity)`."""
    return values(column("rank", Integer), column("severity", String), name="severities").data(
        list(enumerate(SEVERITIES))
    )


async def _most_severe_first(
    s: AsyncSession, where: list, order: tuple[tuple[str, bool], ...], limit: int
) -> list[IncidentLine]:
    """Up to `limit` lines, most severe first, then by `order` ((column, descending) pairs), in
    ONE statement of one bounded branch per severity, each walking the index that has its order
    ((team_id, severity, …) over open incidents) instead of sorting every open incident in scope
    by a computed rank. PostgreSQL: a LATERAL join over the four severities, so the scope's array
    is planned once (a 10,000-engagement `= ANY($1)` costs milliseconds of planning each time it
    appears); SQLite: a UNION ALL of the four branches."""

    def by(columns) -> list:
        return [columns[name].desc() if descending else columns[name] for name, descending in order]

    if dialect(s) == "postgresql":
        severities = _severities()
        line = (
            _incidents(*_LINE)
            .where(*where, Incident.severity == severities.c.severity)
            .order_by(*by(Incident.__table__.c))
            .limit(limit)
            .lateral("line")
        )
        query = (
            select(*line.c)
            .select_from(severities.join(line, true()))
            .order_by(severities.c.rank, *by(line.c))
            .limit(limit)
        )
    else:
        branches = []
        for rank, severity in enumerate(SEVERITIES):
            branch = (
                _incidents(*_LINE, literal(rank).label("rank"))
                .where(*where, Incident.severity == severity)
                .order_by(*by(Incident.__table__.c))
                .limit(limit)
                .subquery()
            )
            branches.append(select(branch))
        merged = union_all(*branches).subquery()
        query = select(*(merged.c[c.name] for c in _LINE)).order_by(merged.c.rank, *by(merged.c)).limit(limit)
    return [IncidentLine(*row) for row in (await s.exec(query)).all()]


async def _counts_by_severity(s: AsyncSession, where: list) -> dict[str, Count]:
    """Per severity, how many rows match `where`, each count stopping at COUNT_CAP: one statement
    (LATERAL over the severities on PostgreSQL, as above; four scalar subqueries on SQLite)."""
    if dialect(s) == "postgresql":
        severities = _severities()
        bounded = (
            rows_of(Incident)
            .where(*where, Incident.severity == severities.c.severity)
            .correlate(severities)
            .limit(COUNT_CAP + 1)
            .subquery("bounded")
        )
        counted = select(func.count().label("n")).select_from(bounded).lateral("counted")
        rows = await s.exec(
            select(severities.c.severity, counted.c.n).select_from(severities.join(counted, true()))
        )
        numbers = dict(rows.all())
    else:
        counts = [
            select(func.count())
            .select_from(
                rows_of(Incident).where(*where, Incident.severity == severity).limit(COUNT_CAP + 1).subquery()
            )
            .scalar_subquery()
            for severity in SEVERITIES
        ]
        numbers = dict(zip(SEVERITIES, (await s.exec(select(*counts))).one(), strict=True))
    return {
        severity: Count(min(numbers[severity], COUNT_CAP), numbers[severity] > COUNT_CAP)
        for severity in SEVERITIES
        if numbers.get(severity)
    }


async def incidents_waiting_on_brand(s: AsyncSession, scope: Scope, *, limit: int) -> Page[IncidentLine]:
    """Open incidents where the brand has the next move: most severe first, then the response due
    soonest (index (team_id, severity, response_due_at) over open incidents)."""
    if scope.empty:
        return Page([], 0)
    # `status IN (…open…)` although the waiting statuses are all open: PostgreSQL matches a
    # partial index to a plain or index-only scan only through that very condition
    where = [*_open(s, scope), _waiting_on_brand()]
    rows = await _most_severe_first(s, where, (("response_due_at", False), ("number", False)), limit)
    if len(rows) < limit:
        return Page(rows, len(rows))
    return Page.of(rows, await capped_count(s, rows_of(Incident).where(*where), COUNT_CAP))


async def open_incidents(
    s: AsyncSession, scope: Scope, *, limit: int
) -> tuple[dict[str, Count], Page[IncidentLine]]:
    """Open incidents in scope: a count per severity (each stops at COUNT_CAP, read from the index
    (team_id, engagement_id, severity) over open incidents without visiting the table), and the
    most severe first, newest first within a severity."""
    if scope.empty:
        return {}, Page([], 0)
    where = _open(s, scope)
    by_severity = await _counts_by_severity(s, where)
    total = sum(c.n for c in by_severity.values())
    capped = any(c.capped for c in by_severity.values())
    rows = await _most_severe_first(s, where, (("number", True),), limit) if total else []
    return by_severity, Page(rows, total, capped)


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
        _incidents(*_INCIDENT_COLUMNS).where(*where).order_by(Incident.response_due_at, Incident.number),
        limit,
        rows_of(Incident).where(*where),
        IncidentLine,
    )


def _legal_engagements(team_id: str, user_id: str):
    """Subquery: the engagements of the campaigns where the user is legal (campaign_role
    (team_id, user_id), then engagement by campaign)."""
    return select(Engagement.id).where(
        Engagement.team_id == team_id,
        Engagement.campaign_id.in_(
            select(CampaignRole.campaign_id).where(
                CampaignRole.team_id == team_id,
                CampaignRole.user_id == user_id,
                CampaignRole.role == Role.LEGAL,
            )
        ),
    )


async def is_legal(s: AsyncSession, team_id: str, user_id: str) -> bool:
    """Legal on any campaign of the workspace (campaign_role (team_id, user_id))."""
    found = await s.exec(
        select(CampaignRole.id)
        .where(
            CampaignRole.team_id == team_id, CampaignRole.user_id == user_id, CampaignRole.role == Role.LEGAL
        )
        .limit(1)
    )
    return found.first() is not None


async def escalations_for_legal(
    s: AsyncSession, team_id: str, user_id: str, *, limit: int
) -> Page[EscalationLine]:
    """Escalated incidents on the campaigns where the user is legal, those reported first first
    (the partial index (team_id, number) over open incidents, walked in order; escalated is one
    open status in five, so a few rows are read per line shown), each with when it was escalated.
    The count stops at COUNT_CAP."""
    where = [
        Incident.team_id == team_id,
        # the partial indexes' condition, spelled as they spell it (see `_open`)
        Incident.status.in_(OPEN_STATUSES),
        Incident.status == IncidentStatus.ESCALATED,
        Incident.engagement_id.in_(_legal_engagements(team_id, user_id)),
    ]
    query = (
        _incidents(
            Incident.number,
            Incident.title,
            Incident.severity,
            Campaign.slug,
            Influencer.display_name,
            func.coalesce(Incident.escalated_at, Incident.updated_at),
        )
        .where(*where)
        .order_by(Incident.number)
    )
    return await _page(s, query, limit, rows_of(Incident).where(*where), EscalationLine)


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
    s: AsyncSession, scope: Scope, *, after: datetime | None, before: datetime, limit: int
) -> Page[DeliverableLine]:
    """Deliverables still owed with a due time in [after, before), soonest first (the partial
    index (team_id, due_at) over owed deliverables)."""
    if scope.empty:
        return Page([], 0)
    where = [
        Deliverable.team_id == scope.team_id,
        Deliverable.status.in_(OWED),
        Deliverable.due_at < before,
        *_in(s, Deliverable.engagement_id, scope),
    ]
    if after is not None:
        where.append(Deliverable.due_at >= after)
    return await _page(
        s,
        _deliverables(*_DELIVERABLE_COLUMNS).where(*where).order_by(Deliverable.due_at, Deliverable.id),
        limit,
        rows_of(Deliverable).where(*where),
        DeliverableLine,
    )


async def pending_checks(s: AsyncSession, scope: Scope, *, limit: int) -> Page[DeliverableLine]:
    """Deliverables with compliance checks pending (index compliance_check (team_id, status)), and
    how many, in one statement: the grouping reads them all anyway, so the count is a window over
    it rather than a second pass."""
    if scope.empty:
        return Page([], 0)
    pending = func.count(ComplianceCheck.id)
    query = (
        _deliverables(*_DELIVERABLE_COLUMNS, pending, func.count().over())
        .join(ComplianceCheck, ComplianceCheck.deliverable_id == Deliverable.id)
        .where(
            ComplianceCheck.team_id == scope.team_id,
            ComplianceCheck.status == ComplianceStatus.PENDING,
            *_in(s, Deliverable.engagement_id, scope),
        )
        .group_by(*_DELIVERABLE_COLUMNS)
        .order_by(Deliverable.due_at, Deliverable.id)
    )
    return await _counted_page(s, query, limit, DeliverableLine)


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
        _deliverables(*_DELIVERABLE_COLUMNS).where(*where).order_by(Deliverable.due_at, Deliverable.id),
        limit,
        rows_of(Deliverable).join(Engagement, Engagement.id == Deliverable.engagement_id).where(*where),
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


async def reviews_due(s: AsyncSession, scope: Scope, *, now: datetime, limit: int) -> Page[EngagementLine]:
    """Active engagements of active campaigns whose last review (or, with none, whose start) is
    older than the campaign's cadence, the longest waiting first. The last reviews come grouped
    from the index review (team_id, engagement_id, created_at), read once, not once per
    engagement; the count is a window over the same rows."""
    if scope.empty:
        return Page([], 0)
    last = (
        select(Review.engagement_id, func.max(Review.created_at).label("at"))
        .where(Review.team_id == scope.team_id, *_in(s, Review.engagement_id, scope))
        .group_by(Review.engagement_id)
        .subquery("last_review")
    )
    since = func.coalesce(last.c.at, Engagement.created_at)
    threshold = case(
        *(
            (Campaign.review_cadence == cadence, literal(now - timedelta(days=days), UTCDateTime()))
            for cadence, days in CADENCE_DAYS.items()
            if days is not None
        ),
        else_=None,
    )
    query = (
        _engagements(*_ENGAGEMENT_COLUMNS, last.c.at, func.count().over())
        .outerjoin(last, last.c.engagement_id == Engagement.id)
        .where(
            Engagement.team_id == scope.team_id,
            *_in(s, Engagement.id, scope),
            Engagement.status == EngagementStatus.ACTIVE,
            Campaign.status == CampaignStatus.ACTIVE,
            since <= threshold,
        )
        .order_by(since, Engagement.id)
    )
    return await _counted_page(s, query, limit, EngagementLine)


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
        .order_by(Campaign.start_date.desc(), Engagement.id.desc()),
        limit,
        rows_of(Engagement).join(Campaign, Campaign.id == Engagement.campaign_id).where(*where),
        EngagementLine,
    )
