"""Incidents: numbering, lookups, conditional transitions, timelines, visibility, strikes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import IncidentStatus
from storage.models import (
    Campaign,
    CampaignRole,
    Counter,
    Engagement,
    Guideline,
    Incident,
    IncidentEvent,
    Influencer,
    ProcessedEvent,
)
from storage.queries import insert

OPEN_STATUSES = (
    IncidentStatus.REPORTED,
    IncidentStatus.ACKNOWLEDGED,
    IncidentStatus.IN_MEDIATION,
    IncidentStatus.RESOLUTION_PROPOSED,
    IncidentStatus.ESCALATED,
)


async def next_number(s: AsyncSession, team_id: str) -> int:
    """The workspace's next incident number: one atomic upsert on the counter row.

    On PostgreSQL the row lock serialises concurrent reports of one workspace until commit, so
    numbers are unique; a rolled-back report gives its number back. The unique constraint on
    (team_id, number) stays the last line of defence.
    """
    statement = insert(s, Counter).values(team_id=team_id, name="incident", value=1)
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "name"], set_={"value": Counter.value + 1}
    ).returning(Counter.value)
    return (await s.exec(statement)).scalar_one()


@dataclass(frozen=True, slots=True)
class IncidentContext:
    """An incident with everything around it that views and rules need."""

    incident: Incident
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    guideline: Guideline


def _context_query():
    return (
        select(Incident, Engagement, Influencer, Campaign, Guideline)
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Guideline, Guideline.id == Incident.guideline_id)
    )


async def context_by_id(s: AsyncSession, team_id: str, incident_id: int) -> IncidentContext | None:
    row = (
        await s.exec(_context_query().where(Incident.team_id == team_id, Incident.id == incident_id))
    ).first()
    return IncidentContext(*row) if row else None


async def context_by_number(s: AsyncSession, team_id: str, number: int) -> IncidentContext | None:
    row = (
        await s.exec(_context_query().where(Incident.team_id == team_id, Incident.number == number))
    ).first()
    return IncidentContext(*row) if row else None


async def by_card(s: AsyncSession, team_id: str, channel_id: str, ts: str) -> Incident | None:
    result = await s.exec(
        select(Incident).where(
            Incident.team_id == team_id, Incident.channel_id == channel_id, Incident.card_ts == ts
        )
    )
    return result.scalars().first()


async def transition(
    s: AsyncSession,
    team_id: str,
    incident_id: int,
    allowed: Sequence[str],
    values: dict[str, Any],
    *extra_where,
) -> bool:
    """Conditional update: applies `values` only if the status is still one of `allowed`."""
    result = await s.exec(
        update(Incident)
        .where(
            Incident.team_id == team_id,
            Incident.id == incident_id,
            Incident.status.in_(list(allowed)),
            *extra_where,
        )
        .values(**values)
    )
    return result.rowcount == 1


def add_event(
    s: AsyncSession,
    incident: Incident,
    kind: str,
    at: datetime,
    actor_id: str | None = None,
    text: str | None = None,
    **data: Any,
) -> IncidentEvent:
    event = IncidentEvent(
        team_id=incident.team_id,
        incident_id=incident.id,
        kind=kind,
        actor_id=actor_id,
        text=text,
        data=data,
        created_at=at,
    )
    s.add(event)
    return event


async def timeline(s: AsyncSession, incident_id: int, limit: int = 200) -> Sequence[IncidentEvent]:
    result = await s.exec(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id)
        .limit(limit)
    )
    return result.scalars().all()


async def last_change_to(s: AsyncSession, incident_id: int, status: str) -> IncidentEvent | None:
    """The timeline event that moved the incident into `status` (for "already … by …")."""
    result = await s.exec(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id.desc())
    )
    for event in result.scalars():
        if event.data.get("to") == status:
            return event
    return None


async def first_delivery(s: AsyncSession, team_id: str, event_id: str, at: datetime) -> bool:
    """Record an Events API delivery; False when this event id was already handled (a retry)."""
    statement = insert(s, ProcessedEvent).values(team_id=team_id, event_id=event_id, received_at=at)
    statement = statement.on_conflict_do_nothing(index_elements=["team_id", "event_id"])
    return (await s.exec(statement)).rowcount == 1


async def strike_total(s: AsyncSession, influencer_id: int) -> int:
    """Strikes are derived: the sum over the influencer's resolved incidents."""
    result = await s.exec(
        select(func.coalesce(func.sum(Incident.strikes), 0))
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .where(Engagement.influencer_id == influencer_id, Incident.status == IncidentStatus.RESOLVED)
    )
    return int(result.scalar_one())


def visible_filter(team_id: str, user_id: str, *, is_admin: bool, roles: Sequence[str] | None = None):
    """Incidents a user may see: admins all; brand roles their campaigns'; influencers their own."""
    if is_admin:
        return Incident.team_id == team_id
    role_filter = [CampaignRole.campaign_id == Engagement.campaign_id, CampaignRole.user_id == user_id]
    if roles:
        role_filter.append(CampaignRole.role.in_(list(roles)))
    has_role = select(CampaignRole.id).where(*role_filter).exists()
    if roles:  # only those brand roles (the export): being the influencer grants none of them
        return and_(Incident.team_id == team_id, has_role)
    return and_(Incident.team_id == team_id, or_(has_role, Influencer.slack_user_id == user_id))


async def visible(
    s: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    is_admin: bool,
    open_only: bool,
    slug: str | None,
    roles: Sequence[str] | None = None,
    limit: int | None = 50,
) -> tuple[list[IncidentContext], int]:
    where = [visible_filter(team_id, user_id, is_admin=is_admin, roles=roles)]
    if open_only:
        where.append(Incident.status.in_(OPEN_STATUSES))
    if slug:
        where.append(Campaign.slug == slug)
    base = _context_query().where(*where)
    total = (await s.exec(select(func.count()).select_from(base.subquery()))).scalar_one()
    query = base.order_by(Incident.number.desc())
    if limit:
        query = query.limit(limit)
    rows = (await s.exec(query)).all()
    return [IncidentContext(*row) for row in rows], total


async def event_counts(s: AsyncSession, incident_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per incident: timeline events by kind (one grouped query)."""
    if not incident_ids:
        return {}
    rows = await s.exec(
        select(IncidentEvent.incident_id, IncidentEvent.kind, func.count())
        .where(IncidentEvent.incident_id.in_(list(incident_ids)))
        .group_by(IncidentEvent.incident_id, IncidentEvent.kind)
    )
    counts: dict[int, dict[str, int]] = {}
    for incident_id, kind, count in rows.all():
        counts.setdefault(incident_id, {})[kind] = count
    return counts


async def reportable_engagements(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, limit: int = 100
) -> Sequence[tuple[Engagement, Influencer, Campaign]]:
    """Engagements the user may report on: on campaigns where they hold a brand role (admins: all)."""
    query = (
        select(Engagement, Influencer, Campaign)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .where(Engagement.team_id == team_id)
    )
    if not is_admin:
        query = query.where(
            select(CampaignRole.id)
            .where(CampaignRole.campaign_id == Campaign.id, CampaignRole.user_id == user_id)
            .exists()
        )
    rows = await s.exec(query.order_by(Campaign.start_date.desc(), Engagement.id).limit(limit))
    return [tuple(row) for row in rows.all()]


async def guidelines_of(s: AsyncSession, campaign_ids: Sequence[int]) -> Sequence[Guideline]:
    if not campaign_ids:
        return []
    result = await s.exec(
        select(Guideline)
        .where(Guideline.campaign_id.in_(list(campaign_ids)))
        .order_by(Guideline.campaign_id, Guideline.position)
    )
    return result.scalars().all()


async def exports_anything(s: AsyncSession, team_id: str, user_id: str) -> bool:
    """Whether the user is a manager or legal on any campaign (an empty export is still theirs)."""
    result = await s.exec(
        select(CampaignRole.id)
        .where(
            CampaignRole.team_id == team_id,
            CampaignRole.user_id == user_id,
            CampaignRole.role.in_(["manager", "legal"]),
        )
        .limit(1)
    )
    return result.first() is not None
