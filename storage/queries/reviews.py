"""Reviews and the scorecard: which engagements a user may review, one influencer's history."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, Select, String, bindparam, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.scorecard import DeliverableRow, IncidentRow, ReviewRow
from storage.models import Campaign, CampaignRole, Deliverable, Engagement, Incident, Influencer, Review
from storage.queries.campaigns import brand_campaigns, invited, is_me

#: Options of one static select (Slack's limit).
PICKER_MAX = 100
#: Candidates listed when a name matches several influencers.
CANDIDATES_MAX = 10


@dataclass(frozen=True, slots=True)
class EngagementRow:
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign


def _with_context():
    return (
        select(Engagement, Influencer, Campaign)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
    )


def brand_campaign_ids(team_id: str, user_id: str):
    """Subquery: ids of the campaigns where the user holds a brand role (`brand_campaigns`)."""
    return brand_campaigns(team_id, user_id)


async def has_brand_role(s: AsyncSession, team_id: str, user_id: str) -> bool:
    result = await s.exec(
        select(CampaignRole.id)
        .where(CampaignRole.team_id == team_id, CampaignRole.user_id == user_id)
        .limit(1)
    )
    return result.first() is not None


async def reviewable(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, limit: int = PICKER_MAX
) -> tuple[list[EngagementRow], int]:
    """Engagements on campaigns where the user has a brand role (every campaign for an admin),
    newest campaigns first; and how many there are in all."""
    where = [Engagement.team_id == team_id]
    if not is_admin:
        where.append(Engagement.campaign_id.in_(brand_campaign_ids(team_id, user_id)))
    total = (await s.exec(select(func.count()).select_from(Engagement).where(*where))).one()[0]
    rows = await s.exec(
        _with_context()
        .where(*where)
        .order_by(Campaign.start_date.desc(), Campaign.id.desc(), Influencer.display_name, Engagement.id)
        .limit(limit)
    )
    return [EngagementRow(*row) for row in rows.all()], total


async def engagement_row(s: AsyncSession, team_id: str, engagement_id: int) -> EngagementRow | None:
    row = (
        await s.exec(_with_context().where(Engagement.team_id == team_id, Engagement.id == engagement_id))
    ).first()
    return EngagementRow(*row) if row else None


async def last_review(s: AsyncSession, team_id: str, engagement_id: int) -> Review | None:
    """The newest review of the engagement (index review (team_id, engagement_id, created_at))."""
    result = await s.exec(
        select(Review)
        .where(Review.team_id == team_id, Review.engagement_id == engagement_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    return result.scalars().first()


async def last_review_end(s: AsyncSession, team_id: str, engagement_id: int) -> date | None:
    review = await last_review(s, team_id, engagement_id)
    return review.period_end if review else None


# ---------------------------------------------------------------------------------------------
# the scorecard


async def influencer_by_user(
    s: AsyncSession, team_id: str, user_id: str, email: str | None = None
) -> Influencer | None:
    """The influencer who is `user_id`: by Slack id; with `email` (what Slack shows for the user),
    also an external influencer invited by that e-mail whose Slack id is not bound yet
    (`campaigns.is_me`). The row with the Slack id first."""
    values = {"team_id": team_id, "user_id": user_id, "email": invited(email)}
    return (await s.exec(_influencer_by_user(), params=values)).scalars().first()


@functools.cache
def _influencer_by_user() -> Select:
    """`influencer_by_user`'s statement, built once (the scorecard's first look-up)."""
    return (
        select(Influencer)
        .where(
            Influencer.team_id == bindparam("team_id", type_=String),
            is_me(bindparam("user_id", type_=String), bindparam("email", type_=String)),
        )
        .order_by(Influencer.slack_user_id.is_(None), Influencer.id)
        .limit(1)
    )


def _engaged_with(team_id: str, viewer_id: str):
    """Subquery: ids of the influencers engaged on a campaign where `viewer_id` holds a brand role
    (campaign_role (team_id, user_id), then engagement by campaign)."""
    return select(Engagement.influencer_id).where(
        Engagement.team_id == team_id, Engagement.campaign_id.in_(brand_campaign_ids(team_id, viewer_id))
    )


async def works_with(s: AsyncSession, team_id: str, viewer_id: str, influencer_id: int) -> bool:
    """Is the influencer engaged (any status) on a campaign where `viewer_id` holds a brand role?"""
    values = {"team_id": team_id, "viewer_id": viewer_id, "influencer_id": influencer_id}
    return (await (await s.connection()).execute(_works_with(), values)).first() is not None


@functools.cache
def _works_with() -> Select:
    """`works_with`'s statement, built once: its dozen SQL expressions, built on each call, were
    about a fifth of the scorecard's CPU in a sampling profile (py-spy) of the bench's scorecard."""
    team_id, viewer_id = bindparam("team_id", type_=String), bindparam("viewer_id", type_=String)
    return (
        select(Engagement.id)
        .where(
            Engagement.team_id == team_id,
            Engagement.influencer_id == bindparam("influencer_id", type_=Integer),
            Engagement.campaign_id.in_(brand_campaigns(team_id, viewer_id)),
        )
        .limit(1)
    )


async def influencers_named(
    s: AsyncSession, team_id: str, name: str, viewer_id: str | None = None
) -> Sequence[Influencer]:
    """Influencers whose display name is `name` (any case); failing that, those whose name starts
    with it. Uses the (team_id, lower(display_name)) index; at most CANDIDATES_MAX + 1 rows.
    With `viewer_id`, only the influencers that brand-role holder works with (`works_with`)."""
    wanted = name.strip().lower()
    lowered = func.lower(Influencer.display_name)
    where = [Influencer.team_id == team_id]
    if viewer_id is not None:
        where.append(Influencer.id.in_(_engaged_with(team_id, viewer_id)))
    exact = await s.exec(
        select(Influencer).where(*where, lowered == wanted).order_by(Influencer.id).limit(CANDIDATES_MAX + 1)
    )
    found = exact.scalars().all()
    if found:
        return found
    pattern = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    prefix = await s.exec(
        select(Influencer)
        .where(*where, lowered.like(pattern, escape="\\"))
        .order_by(Influencer.display_name, Influencer.id)
        .limit(CANDIDATES_MAX + 1)
    )
    return prefix.scalars().all()


async def influencers_named_any(
    s: AsyncSession, team_id: str, names: Sequence[str], viewer_id: str | None = None
) -> Sequence[Influencer]:
    """Influencers with a Slack id whose display name is one of `names` (lower case), as
    `influencers_named` (same index, same viewer scope); at most CANDIDATES_MAX + 1 rows."""
    where = [
        Influencer.team_id == team_id,
        func.lower(Influencer.display_name).in_(list(names)),
        Influencer.slack_user_id.is_not(None),
    ]
    if viewer_id is not None:
        where.append(Influencer.id.in_(_engaged_with(team_id, viewer_id)))
    found = await s.exec(select(Influencer).where(*where).order_by(Influencer.id).limit(CANDIDATES_MAX + 1))
    return found.scalars().all()


@dataclass(frozen=True, slots=True)
class History:
    campaigns: list[tuple[str, str, str]]  # (slug, name, engagement status), newest first
    incidents: list[IncidentRow]
    reviews: list[ReviewRow]
    deliverables: list[DeliverableRow]


def history_reads(team_id: str, influencer_id: int) -> tuple[Callable[[AsyncSession], Awaitable[list]], ...]:
    """One influencer's rows across the workspace's campaigns, as the four independent reads of
    `History`, in its fields' order, for `Database.read_each`: the influencer's engagements
    (engagement (team_id, influencer_id)), then their incidents, reviews and deliverables by
    engagement, only the columns the scorecard needs."""
    engagements = (
        select(Engagement.id).where(Engagement.team_id == team_id, Engagement.influencer_id == influencer_id)
    ).scalar_subquery()

    async def campaigns(s: AsyncSession) -> list[tuple[str, str, str]]:
        rows = await s.exec(
            select(Campaign.slug, Campaign.name, Engagement.status)
            .join(Campaign, Campaign.id == Engagement.campaign_id)
            .where(Engagement.team_id == team_id, Engagement.influencer_id == influencer_id)
            .order_by(Campaign.start_date.desc(), Campaign.id.desc())
        )
        return [tuple(row) for row in rows.all()]

    async def incidents(s: AsyncSession) -> list[IncidentRow]:
        # grouped in SQL, counted rows (IncidentRow.count): an influencer with 8,000 incidents is a
        # few dozen rows, not 8,000
        kinds = (Incident.severity, Incident.status, Incident.outcome, Incident.strikes)
        rows = await s.exec(
            select(*kinds, func.count())
            .where(Incident.team_id == team_id, Incident.engagement_id.in_(engagements))
            .group_by(*kinds)
        )
        return [IncidentRow(*row) for row in rows.all()]

    async def reviews(s: AsyncSession) -> list[ReviewRow]:
        rows = await s.exec(
            select(
                Review.created_at,
                Review.conduct,
                Review.communication,
                Review.timeliness,
                Review.content_quality,
                Review.would_work_again,
            )
            .where(Review.team_id == team_id, Review.engagement_id.in_(engagements))
            .order_by(Review.created_at, Review.id)
        )
        return [ReviewRow(*row) for row in rows.all()]

    async def deliverables(s: AsyncSession) -> list[DeliverableRow]:
        rows = await s.exec(
            select(
                Deliverable.due_at, Deliverable.status, Deliverable.submitted_at, Deliverable.published_at
            ).where(Deliverable.team_id == team_id, Deliverable.engagement_id.in_(engagements))
        )
        return [DeliverableRow(*row) for row in rows.all()]

    return campaigns, incidents, reviews, deliverables
