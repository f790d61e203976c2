"""Campaigns, their team, guidelines and engagements."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Exists,
    Select,
    String,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import CampaignStatus, DeliverableStatus, EngagementStatus, Role
from bot.domain.incidents import OPEN as OPEN_INCIDENT
from scheduler.planner import Subject
from storage.db import id_in_param, values_value
from storage.models import (
    AwaitedReply,
    Campaign,
    CampaignCreator,
    CampaignRole,
    Deliverable,
    Engagement,
    Guideline,
    Incident,
    Influencer,
)


async def by_slug(s: AsyncSession, team_id: str, slug: str) -> Campaign | None:
    result = await s.exec(select(Campaign).where(Campaign.team_id == team_id, Campaign.slug == slug))
    return result.scalars().first()


async def by_id(s: AsyncSession, team_id: str, campaign_id: int) -> Campaign | None:
    result = await s.exec(select(Campaign).where(Campaign.team_id == team_id, Campaign.id == campaign_id))
    return result.scalars().first()


async def by_ids(s: AsyncSession, team_id: str, campaign_ids: Iterable[int]) -> list[Campaign]:
    """The campaigns of `campaign_ids` in the workspace, by slug."""
    result = await s.exec(
        select(Campaign)
        .where(Campaign.team_id == team_id, Campaign.id.in_(list(campaign_ids)))
        .order_by(Campaign.slug)
    )
    return list(result.scalars().all())


async def granted_role(
    s: AsyncSession, campaign_id: int, user_id: str, email: str | None = None
) -> str | None:
    """The user's brand role on the campaign; None for someone who is an influencer anywhere in
    the workspace (a role stored before *one person, one side* counts for nothing). `email`: what
    Slack shows for the user, so that an influencer invited by e-mail whose Slack id is not bound
    yet is known as one too (`is_me`)."""
    result = await s.exec(
        select(CampaignRole.role).where(
            CampaignRole.campaign_id == campaign_id,
            CampaignRole.user_id == user_id,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id, email),
        )
    )
    return result.scalars().first()


async def lock_team(s: AsyncSession, campaign_id: int) -> None:
    """Hold the campaign's row (PostgreSQL's row lock, SQLite's write lock) until the transaction
    ends: changes to its team that first check the team (its last manager, `bot.flows.campaigns`)
    then run one at a time, each reading what the one before left. A column set to itself, not the
    key: inserts that reference the campaign are not held up."""
    await s.exec(update(Campaign).where(Campaign.id == campaign_id).values(owner_id=Campaign.owner_id))


async def team(s: AsyncSession, campaign_id: int) -> Sequence[CampaignRole]:
    """The campaign's brand team, oldest role first: never someone who is an influencer anywhere in
    the workspace (`an_influencer`), whose stored role counts for nothing (the bot invites this team
    into every new shared channel, where other influencers' incidents are posted)."""
    result = await s.exec(
        select(CampaignRole)
        .where(
            CampaignRole.campaign_id == campaign_id,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),
        )
        .order_by(CampaignRole.id)
    )
    return result.scalars().all()


async def roles_without_rights(s: AsyncSession, campaign_id: int) -> Sequence[CampaignRole]:
    """The campaign's brand roles held by someone who is an influencer anywhere in the workspace
    (stored before *one person, one side*), oldest first: what `team` leaves out. They give no
    rights; `/campaign show` lists them to the brand team so that a manager can clear them."""
    result = await s.exec(
        select(CampaignRole)
        .where(
            CampaignRole.campaign_id == campaign_id,
            an_influencer(CampaignRole.team_id, CampaignRole.user_id),
        )
        .order_by(CampaignRole.id)
    )
    return result.scalars().all()


async def stored_role(s: AsyncSession, campaign_id: int, user_id: str) -> CampaignRole | None:
    """The role row stored for the user on the campaign, whether or not it gives rights (unlike
    `granted_role`): what `/campaign role … none` deletes."""
    result = await s.exec(
        select(CampaignRole).where(CampaignRole.campaign_id == campaign_id, CampaignRole.user_id == user_id)
    )
    return result.scalars().first()


async def guidelines(s: AsyncSession, campaign_id: int) -> Sequence[Guideline]:
    result = await s.exec(
        select(Guideline)
        .where(Guideline.campaign_id == campaign_id)
        .order_by(Guideline.position, Guideline.id)
    )
    return result.scalars().all()


async def engagements(s: AsyncSession, campaign_id: int) -> Sequence[tuple[Engagement, Influencer]]:
    result = await s.exec(
        select(Engagement, Influencer)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .where(Engagement.campaign_id == campaign_id)
        .order_by(Engagement.id)
    )
    return [tuple(row) for row in result.all()]


async def live_engagements(s: AsyncSession, campaign_id: int) -> Sequence[tuple[Engagement, Influencer]]:
    return [row for row in await engagements(s, campaign_id) if row[0].status != EngagementStatus.TERMINATED]


async def engagement(
    s: AsyncSession, team_id: str, engagement_id: int
) -> tuple[Engagement, Influencer] | None:
    result = await s.exec(
        select(Engagement, Influencer)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .where(Engagement.team_id == team_id, Engagement.id == engagement_id)
    )
    row = result.first()
    return tuple(row) if row else None


async def influencer_by_user(s: AsyncSession, team_id: str, user_id: str) -> Influencer | None:
    result = await s.exec(
        select(Influencer).where(Influencer.team_id == team_id, Influencer.slack_user_id == user_id)
    )
    return result.scalars().first()


async def influencer_by_email(s: AsyncSession, team_id: str, email: str) -> Influencer | None:
    result = await s.exec(select(Influencer).where(Influencer.team_id == team_id, Influencer.email == email))
    return result.scalars().first()


async def bind_influencer(
    s: AsyncSession, team_id: str, influencer_id: int, user_id: str, name: str | None = None
) -> bool:
    """Store the Slack id of an influencer invited by e-mail, once Slack has shown that `user_id`
    carries that e-mail (one statement). The first to bind wins, as at acknowledgement: a row
    already bound stays as it is. Nor is an id bound twice in the workspace (unique (team_id,
    slack_user_id)): someone already an influencer by that id is known as one without it. True
    when this bound it."""
    other = aliased(Influencer)  # not the row updated: a subquery of its own table
    bound_elsewhere = exists(select(other.id).where(other.team_id == team_id, other.slack_user_id == user_id))
    values: dict[str, Any] = {"slack_user_id": user_id}
    if name:
        values["display_name"] = name[:150]
    result = await s.exec(
        update(Influencer)
        .where(
            Influencer.id == influencer_id,
            Influencer.team_id == team_id,
            Influencer.slack_user_id.is_(None),
            ~bound_elsewhere,
        )
        .values(**values)
    )
    return result.rowcount == 1


async def engagement_of(s: AsyncSession, campaign_id: int, influencer_id: int) -> Engagement | None:
    result = await s.exec(
        select(Engagement).where(
            Engagement.campaign_id == campaign_id, Engagement.influencer_id == influencer_id
        )
    )
    return result.scalars().first()


def is_me(user_id: Any, email: Any) -> Any:
    """SQL: this influencer row is the user: by Slack id, or by the e-mail an external influencer
    was invited with while Slack has not told us their id (bound when they acknowledge, or when
    they join their shared channel: `bind_influencer`). `email`: a string, or a named parameter of
    a statement built once (its value then given lower-cased, or None)."""
    who = Influencer.slack_user_id == user_id
    email = invited(email)
    return who if email is None else or_(who, _invited_as(email))


def invited(email: Any) -> Any:
    """`email` as influencers are invited with it: lower-cased, None when empty (a named
    parameter of a statement built once is given as it is)."""
    return (email.lower() or None) if isinstance(email, str) else email


def _invited_as(email: Any) -> Any:
    """SQL: this influencer row was invited with `email` and Slack has not told us their id."""
    return and_(Influencer.slack_user_id.is_(None), Influencer.email == email)


async def is_influencer_on(s: AsyncSession, campaign_id: int, user_id: str, email: str | None = None) -> bool:
    result = await s.exec(
        select(Engagement.id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .where(Engagement.campaign_id == campaign_id, is_me(user_id, email))
        .limit(1)
    )
    return result.first() is not None


async def visible_to(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, email: str | None = None, limit: int = 40
) -> tuple[list[tuple[Campaign, str]], int]:
    """Campaigns the user may see, newest first, with their role on each; and the total count.
    `email`: what Slack shows for the user, to know an influencer invited by e-mail (`is_me`). A
    brand role stored for someone who is an influencer anywhere in the workspace shows them no
    campaign (`an_influencer`, checked once per campaign through its indexes)."""
    role = (
        select(CampaignRole.role)
        .where(
            CampaignRole.campaign_id == Campaign.id,
            CampaignRole.user_id == user_id,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id, email),
        )
        .scalar_subquery()
    )
    influencer = (
        select(Engagement.id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .where(Engagement.campaign_id == Campaign.id, is_me(user_id, email))
        .exists()
    )
    where = [Campaign.team_id == team_id]
    if not is_admin:
        where.append(or_(role.is_not(None), influencer))
    total = (await s.exec(select(func.count()).select_from(Campaign).where(*where))).one()[0]
    rows = await s.exec(
        select(Campaign, role, influencer)
        .where(*where)
        .order_by(Campaign.start_date.desc(), Campaign.id.desc())
        .limit(limit)
    )
    out = []
    for campaign, granted, is_influencer in rows.all():
        label = granted or (Role.INFLUENCER if is_influencer else Role.ADMIN)
        out.append((campaign, str(label)))
    return out, total


async def bump_guidelines_version(s: AsyncSession, campaign_id: int, expected: int) -> bool:
    """Conditional bump: False if someone else saved a new version meanwhile."""
    result = await s.exec(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.guidelines_version == expected)
        .values(guidelines_version=expected + 1)
    )
    return result.rowcount == 1


async def set_status(s: AsyncSession, campaign_id: int, expected: Iterable[str], to: str) -> bool:
    """Conditional move: False if the campaign is no longer in one of the `expected` statuses (two
    managers closing it at once: one moves it, the other is told)."""
    result = await s.exec(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.status.in_([str(e) for e in expected]))
        .values(status=str(to))
    )
    return result.rowcount == 1


async def subjects(s: AsyncSession, campaign_id: int) -> list[tuple[str, int]]:
    """Every reminder subject that a change of the campaign's status re-plans: the campaign (its
    digest), its engagements, their deliverables and the replies awaited in their channels. Open
    incidents are not among them: their reminders run until they are closed, whatever the campaign."""
    of_campaign = select(Engagement.id).where(Engagement.campaign_id == campaign_id)
    engagement_ids = (await s.exec(of_campaign)).scalars().all()
    deliverables = select(Deliverable.id).where(Deliverable.engagement_id.in_(of_campaign))
    deliverable_ids = (await s.exec(deliverables)).scalars().all()
    awaited = select(AwaitedReply.id).where(AwaitedReply.campaign_id == campaign_id)
    awaited_ids = (await s.exec(awaited)).scalars().all()
    return [
        (Subject.CAMPAIGN.value, campaign_id),
        *((Subject.ENGAGEMENT.value, i) for i in engagement_ids),
        *((Subject.DELIVERABLE.value, i) for i in deliverable_ids),
        *((Subject.AWAITED.value, i) for i in awaited_ids),
    ]


async def open_incidents(s: AsyncSession, campaign_id: int) -> int:
    result = await s.exec(
        select(func.count())
        .select_from(Incident)
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .where(Engagement.campaign_id == campaign_id, Incident.status.in_([str(x) for x in OPEN_INCIDENT]))
    )
    return result.one()[0]


async def cancelled_deliverables(s: AsyncSession, campaign_id: int) -> int:
    """The campaign's cancelled deliverables of influencers still on it (those cancelled when it
    closed, and any cancelled before): reopening the campaign does not bring them back."""
    result = await s.exec(
        select(func.count())
        .select_from(Deliverable)
        .join(Engagement, Engagement.id == Deliverable.engagement_id)
        .where(
            Engagement.campaign_id == campaign_id,
            Engagement.status != EngagementStatus.TERMINATED.value,
            Deliverable.status == DeliverableStatus.CANCELLED.value,
        )
    )
    return result.one()[0]


# ---------------------------------------------------------------------------------------------
# trust boundaries: campaign creators, one person one side, channels in use


async def is_creator(s: AsyncSession, team_id: str, user_id: str) -> bool:
    """Granted the campaign creator right (unique (team_id, user_id))."""
    result = await s.exec(
        select(CampaignCreator.id).where(
            CampaignCreator.team_id == team_id, CampaignCreator.user_id == user_id
        )
    )
    return result.first() is not None


async def creators(s: AsyncSession, team_id: str, limit: int = 100) -> tuple[Sequence[CampaignCreator], int]:
    """The workspace's campaign creators, oldest grant first; and how many there are."""
    where = CampaignCreator.team_id == team_id
    total = (await s.exec(select(func.count()).select_from(CampaignCreator).where(where))).one()[0]
    rows = await s.exec(select(CampaignCreator).where(where).order_by(CampaignCreator.id).limit(limit))
    return rows.scalars().all(), total


async def remove_creator(s: AsyncSession, team_id: str, user_id: str) -> bool:
    result = await s.exec(
        delete(CampaignCreator).where(CampaignCreator.team_id == team_id, CampaignCreator.user_id == user_id)
    )
    return result.rowcount == 1


class Standing(NamedTuple):
    """What the trust rules read of a user in the store (`standing`)."""

    is_influencer: bool
    is_creator: bool
    has_brand_role: bool


async def standing(s: AsyncSession, team_id: str, user_id: str, email: str | None = None) -> Standing:
    """`is_influencer_anywhere`, `is_creator` and `has_brand_role` in one statement, built once:
    every command, form and home asks them first (bot/flows/trust.py `someone`), and as three
    statements built each time they cost three round trips and about a millisecond of the bot's
    CPU to build and look up."""
    values = {"team_id": team_id, "user_id": user_id, "email": invited(email)}
    row = (await (await s.connection()).execute(_standing(), values)).one()
    return Standing(*map(bool, row))


@functools.cache
def _standing() -> Select:
    team_id, user_id = bindparam("team_id", type_=String), bindparam("user_id", type_=String)
    return select(
        an_influencer(team_id, user_id, bindparam("email", type_=String)),
        exists(
            select(CampaignCreator.id).where(
                CampaignCreator.team_id == team_id, CampaignCreator.user_id == user_id
            )
        ),
        exists(
            select(CampaignRole.id).where(CampaignRole.team_id == team_id, CampaignRole.user_id == user_id)
        ),
    )


async def is_influencer_anywhere(
    s: AsyncSession, team_id: str, user_id: str, email: str | None = None
) -> bool:
    """An influencer on an engagement (any status) of the workspace (`an_influencer`)."""
    return bool(await s.scalar(select(an_influencer(team_id, user_id, email))))


def an_influencer(team_id: Any, user_id: Any, email: Any = None) -> ColumnElement[bool]:
    """SQL: `user_id` (a value or a column) is an influencer on an engagement (any status) of
    workspace `team_id`: by Slack id, or by the `email` an external influencer was invited with
    before Slack told us their id (influencer (team_id, slack_user_id) / (team_id, email), then
    engagement (team_id, influencer_id)). Where both sides meet in one person (a brand role stored
    before *one person, one side*), brand-side reading and brand-side messages skip them with
    `~an_influencer(CampaignRole.team_id, CampaignRole.user_id)`: with the e-mail Slack shows for
    the user when the rights decided are their own; a list of other people has no one's e-mail and
    relies on the Slack id being bound (at acknowledgement or on joining the shared channel).

    One EXISTS per way of being the user, so that each reads its own unique index under any plan:
    as one EXISTS of `slack_user_id = … OR (slack_user_id IS NULL AND email = …)`, a plan made
    without the values (a report's, storage/db.py `generic_plans`) read every influencer of the
    workspace, 8,000 rows and 2 ms in the million-incident bench."""

    def on_an_engagement(who: Any) -> Exists:
        return exists(
            select(Engagement.id)
            .join(Influencer, Influencer.id == Engagement.influencer_id)
            .where(Influencer.team_id == team_id, Engagement.team_id == team_id, who)
        )

    by_id = on_an_engagement(Influencer.slack_user_id == user_id)
    email = invited(email)
    return by_id if email is None else or_(by_id, on_an_engagement(_invited_as(email)))


def brand_campaigns(team_id: str, user_id: str, roles: Iterable[str] | None = None, email: str | None = None):
    """Subquery: ids of the campaigns where the user holds a brand role (one of `roles`, when
    given); none for someone who is an influencer anywhere in the workspace, whatever role is
    stored for them, also one known only by the `email` Slack shows for them (campaign_role
    (team_id, user_id); docs/trust-boundaries.md)."""
    query = select(CampaignRole.campaign_id).where(
        CampaignRole.team_id == team_id,
        CampaignRole.user_id == user_id,
        ~an_influencer(team_id, user_id, email),
    )
    if roles is not None:
        query = query.where(CampaignRole.role.in_([str(r) for r in roles]))
    return query


async def has_brand_role(s: AsyncSession, team_id: str, user_id: str) -> bool:
    """Manager, member or legal on any campaign of the workspace (campaign_role (team_id, user_id))."""
    result = await s.exec(
        select(CampaignRole.id)
        .where(CampaignRole.team_id == team_id, CampaignRole.user_id == user_id)
        .limit(1)
    )
    return result.first() is not None


async def brand_roles_held(s: AsyncSession, team_id: str, user_id: str, email: str | None = None) -> set[str]:
    """The brand roles (manager, member, legal) the user holds on any campaign of the workspace;
    none for someone who is an influencer anywhere, also by `email` (`brand_campaigns`)."""
    result = await s.exec(
        select(CampaignRole.role)
        .where(
            CampaignRole.team_id == team_id,
            CampaignRole.user_id == user_id,
            ~an_influencer(team_id, user_id, email),
        )
        .distinct()
    )
    return set(result.scalars().all())


async def is_engagement_channel(s: AsyncSession, team_id: str, channel_id: str) -> bool:
    """The shared channel of an engagement, any status (engagement (team_id, channel_id))."""
    result = await s.exec(
        select(Engagement.id)
        .where(Engagement.team_id == team_id, Engagement.channel_id == channel_id)
        .limit(1)
    )
    return result.first() is not None


async def is_escalation_channel(s: AsyncSession, team_id: str, channel_id: str) -> bool:
    """Some campaign's escalation channel (campaign (team_id, escalation_channel_id))."""
    result = await s.exec(
        select(Campaign.id)
        .where(Campaign.team_id == team_id, Campaign.escalation_channel_id == channel_id)
        .limit(1)
    )
    return result.first() is not None


async def escalation_channels(s: AsyncSession, team_id: str, limit: int = 50) -> list[tuple[str, str]]:
    """(channel, slug of a campaign using it) of the workspace's escalation channels, one row per
    channel, of campaigns still running or to come: only those hear legal's notices."""
    slug = func.min(Campaign.slug)
    result = await s.exec(
        select(Campaign.escalation_channel_id, slug)
        .where(
            Campaign.team_id == team_id,
            Campaign.escalation_channel_id.is_not(None),
            Campaign.status.in_([CampaignStatus.DRAFT, CampaignStatus.ACTIVE]),
        )
        .group_by(Campaign.escalation_channel_id)
        .order_by(Campaign.escalation_channel_id)
        .limit(limit)
    )
    return [(channel, name) for channel, name in result.all()]


async def influencers_among(s: AsyncSession, team_id: str, user_ids: Iterable[str]) -> frozenset[str]:
    """Those of `user_ids` who are influencers on an engagement (any status) of the workspace
    (influencer (team_id, slack_user_id), then engagement (team_id, influencer_id)); the ids come
    from a channel's members, read a thousand at a time."""
    ids, found = sorted(set(user_ids)), set()
    for start in range(0, len(ids), 1000):
        result = await s.exec(
            select(Influencer.slack_user_id)
            .join(Engagement, Engagement.influencer_id == Influencer.id)
            .where(
                Influencer.team_id == team_id,
                Engagement.team_id == team_id,
                Influencer.slack_user_id.in_(ids[start : start + 1000]),
            )
            .distinct()
        )
        found.update(result.scalars().all())
    return frozenset(found)


async def managers(s: AsyncSession, campaign_id: int) -> list[str]:
    """The campaign's managers (the owner is stored as one), oldest first; never an influencer
    (`an_influencer`): what goes to them is brand-side."""
    result = await s.exec(
        select(CampaignRole.user_id)
        .where(
            CampaignRole.campaign_id == campaign_id,
            CampaignRole.role == Role.MANAGER,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),
        )
        .order_by(CampaignRole.id)
    )
    return list(result.scalars().all())


async def escalating_to(s: AsyncSession, team_id: str, channel_id: str, limit: int = 50) -> list[Campaign]:
    """The running or coming campaigns whose escalation channel this is (campaign (team_id,
    escalation_channel_id))."""
    result = await s.exec(
        select(Campaign)
        .where(
            Campaign.team_id == team_id,
            Campaign.escalation_channel_id == channel_id,
            Campaign.status.in_([CampaignStatus.DRAFT, CampaignStatus.ACTIVE]),
        )
        .order_by(Campaign.id)
        .limit(limit)
    )
    return list(result.scalars().all())


def brand_recipient_ids(campaign_id: Any) -> Select:
    """SQL: who the brand side's messages about campaign `campaign_id` (a value or a column) go to,
    oldest role first: its owner; or, when the owner is an influencer anywhere in the workspace (a
    campaign owned from before *one person, one side*), its managers who are not. Nobody rather than
    an influencer. The owner is always stored as a manager (`/campaign role` keeps them one)."""
    campaign = aliased(Campaign)  # its own row: `campaign_id` may be the column of an outer query
    return (
        select(CampaignRole.user_id)
        .join(campaign, campaign.id == CampaignRole.campaign_id)
        .where(
            CampaignRole.campaign_id == campaign_id,
            CampaignRole.role == Role.MANAGER,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),
            or_(
                CampaignRole.user_id == campaign.owner_id,
                an_influencer(campaign.team_id, campaign.owner_id),
            ),
        )
        .order_by(CampaignRole.id)
    )


async def brand_recipients(s: AsyncSession, campaign_id: int) -> list[str]:
    """`brand_recipient_ids` of one campaign: whom to DM what is for the campaign's owner."""
    return list((await s.exec(brand_recipient_ids(campaign_id))).scalars().all())


async def brand_contacts(s: AsyncSession, campaigns: Iterable[Campaign]) -> dict[int, str | None]:
    """The first of each campaign's `brand_recipient_ids`, for a batch (the facts the reminder
    planner reads, 500 at a time): which owners are influencers is one statement per workspace of
    the batch (`_influencer_owners`); only a campaign whose owner is one (legacy data) costs a
    statement of its own. (The same subquery per row of the facts cost the claim pass about 5 ms in
    500 rows.)"""
    by_id = {c.id: c for c in campaigns}
    owners: dict[str, set[str]] = {}
    for c in by_id.values():
        owners.setdefault(c.team_id, set()).add(c.owner_id)
    dialect = s.get_bind().dialect.name
    influencers: set[tuple[str, str]] = set()
    for team_id, users in owners.items():
        result = await (await s.connection()).execute(
            _influencer_owners(dialect), {"team_id": team_id, "users": values_value(dialect, sorted(users))}
        )
        influencers.update((team_id, user) for (user,) in result.all())
    out: dict[int, str | None] = {}
    for c in by_id.values():
        if (c.team_id, c.owner_id) in influencers:
            out[c.id] = next(iter(await brand_recipients(s, c.id)), None)
        else:
            out[c.id] = c.owner_id
    return out


@functools.cache
def _influencer_owners(dialect: str) -> Select:
    """Which of the Slack ids `users` are influencers of workspace `team_id` (influencer (team_id,
    slack_user_id), then engagement (team_id, influencer_id)), built once, the ids as one array
    parameter. A row-value `IN` of (team, user) pairs was a bind parameter per owner, a statement
    per number of owners and an index probe planned per owner: 1.5 ms of PostgreSQL's planning
    for twenty owners, and the bot's CPU to expand it, in every batch of the claim pass."""
    return select(Influencer.slack_user_id).where(
        Influencer.team_id == bindparam("team_id", type_=String),
        id_in_param(dialect, Influencer.slack_user_id, "users", String),
        exists(
            select(Engagement.id).where(
                Engagement.team_id == Influencer.team_id, Engagement.influencer_id == Influencer.id
            )
        ),
    )
