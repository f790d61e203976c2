"""The conduct monitor's store: monitored channels, flags and their snapshots, awaited replies.

Every message event of a channel the bot is in asks `monitored` first: one indexed lookup
(engagement (team_id, channel_id)); nothing else is read or written for a channel of a campaign
whose monitor is off, or for a message that is neither flagged nor a brand question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import EngagementStatus, GuidelineCategory, ReminderStatus, Role
from scheduler.planner import AwaitedFacts, Subject
from storage.models import (
    AwaitedReply,
    Campaign,
    CampaignRole,
    ConductFlag,
    Engagement,
    FlaggedMessage,
    Guideline,
    Influencer,
    Reminder,
)
from storage.queries.campaigns import an_influencer, brand_contacts


def dialect(s: AsyncSession) -> str:
    return s.get_bind().dialect.name


async def lock(s: AsyncSession, model, row_id: int) -> None:
    """Serialise writers on one row until the transaction ends: `SELECT … FOR NO KEY UPDATE` on
    PostgreSQL; on SQLite, a no-op UPDATE, which takes the database's single write lock now
    rather than at the first real write (so what is read next is what the next writer sees)."""
    if dialect(s) == "postgresql":
        await s.exec(select(model.id).where(model.id == row_id).with_for_update(key_share=True))
    else:
        await s.exec(update(model).where(model.id == row_id).values(id=model.id))


@dataclass(frozen=True, slots=True)
class Channel:
    """A shared channel of an engagement, with its influencer and campaign."""

    engagement: Engagement
    influencer: Influencer
    campaign: Campaign


async def channel(s: AsyncSession, team_id: str, channel_id: str) -> Channel | None:
    """The engagement whose shared channel this is (index engagement (team_id, channel_id))."""
    row = (
        await s.exec(
            select(Engagement, Influencer, Campaign)
            .join(Influencer, Influencer.id == Engagement.influencer_id)
            .join(Campaign, Campaign.id == Engagement.campaign_id)
            .where(Engagement.team_id == team_id, Engagement.channel_id == channel_id)
            .order_by(Engagement.id.desc())
            .limit(1)
        )
    ).first()
    return Channel(*row) if row else None


async def monitored(s: AsyncSession, team_id: str, channel_id: str) -> Channel | None:
    """The channel, when its campaign's monitor is on and the engagement is not terminated."""
    found = await channel(s, team_id, channel_id)
    if found is None or not found.campaign.conduct_monitor:
        return None
    if found.engagement.status == EngagementStatus.TERMINATED:
        return None
    return found


async def shared_channels(s: AsyncSession, campaign_id: int) -> list[str]:
    """The campaign's shared channels still in use (engagements not terminated), oldest first."""
    rows = await s.exec(
        select(Engagement.channel_id)
        .where(Engagement.campaign_id == campaign_id, Engagement.status != EngagementStatus.TERMINATED)
        .order_by(Engagement.id)
    )
    return list(dict.fromkeys(rows.scalars().all()))


async def people(s: AsyncSession, campaign_id: int, roles: Iterable[Role]) -> list[str]:
    """Who holds one of `roles` on the campaign, oldest grant first; never an influencer
    (`an_influencer`): flags are brand-side."""
    rows = await s.exec(
        select(CampaignRole.user_id)
        .where(
            CampaignRole.campaign_id == campaign_id,
            CampaignRole.role.in_([r.value for r in roles]),
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),
        )
        .order_by(CampaignRole.id)
    )
    return list(dict.fromkeys(rows.scalars().all()))


# ---------------------------------------------------------------------------------------------
# flags


async def current_flag(
    s: AsyncSession, team_id: str, channel_id: str, author_id: str, since: datetime
) -> ConductFlag | None:
    """The flag about this person in this channel raised since `since`, if any."""
    result = await s.exec(
        select(ConductFlag)
        .where(
            ConductFlag.team_id == team_id,
            ConductFlag.channel_id == channel_id,
            ConductFlag.author_id == author_id,
            ConductFlag.created_at > since,
        )
        .order_by(ConductFlag.created_at.desc())
        .limit(1)
    )
    return result.scalars().first()


async def flagged(s: AsyncSession, team_id: str, channel_id: str, ts: str) -> FlaggedMessage | None:
    result = await s.exec(
        select(FlaggedMessage).where(
            FlaggedMessage.team_id == team_id,
            FlaggedMessage.channel_id == channel_id,
            FlaggedMessage.ts == ts,
        )
    )
    return result.scalars().first()


async def end_lease(s: AsyncSession, message_id: int, lease: datetime, until: datetime | None) -> None:
    """The writer that holds the flagged message's lease (`lease`, as it took it) ends it: None when
    the message's flag was sent, or `until` (now) to give it back to the next retry. A lease another
    writer took over meanwhile is theirs: left as it is."""
    await s.exec(
        update(FlaggedMessage)
        .where(FlaggedMessage.id == message_id, FlaggedMessage.lease_until == lease)
        .values(lease_until=until)
    )


async def purge(s: AsyncSession, team_id: str, before: datetime) -> None:
    """Retention: the workspace's flags raised before `before`, with their snapshots (index
    conduct_flag (team_id, created_at))."""
    old = select(ConductFlag.id).where(ConductFlag.team_id == team_id, ConductFlag.created_at < before)
    await s.exec(delete(FlaggedMessage).where(FlaggedMessage.flag_id.in_(old.scalar_subquery())))
    await s.exec(delete(ConductFlag).where(ConductFlag.team_id == team_id, ConductFlag.created_at < before))


# ---------------------------------------------------------------------------------------------
# awaited replies (ghosting)


async def awaited(s: AsyncSession, engagement_id: int) -> AwaitedReply | None:
    result = await s.exec(select(AwaitedReply).where(AwaitedReply.engagement_id == engagement_id))
    return result.scalars().first()


async def awaited_of_campaign(s: AsyncSession, team_id: str, campaign_id: int) -> Sequence[int]:
    result = await s.exec(
        select(AwaitedReply.id).where(
            AwaitedReply.team_id == team_id, AwaitedReply.campaign_id == campaign_id
        )
    )
    return result.scalars().all()


async def drop_awaited(s: AsyncSession, team_id: str, ids: Sequence[int], now: datetime) -> None:
    """Forget these awaited replies and cancel their reminders still pending."""
    if not ids:
        return
    await s.exec(
        update(Reminder)
        .where(
            Reminder.team_id == team_id,
            Reminder.subject_type == Subject.AWAITED.value,
            Reminder.subject_id.in_(list(ids)),
            Reminder.status == ReminderStatus.PENDING.value,
        )
        .values(
            status=ReminderStatus.CANCELLED.value,
            lease_until=None,
            leased_by=None,
            last_error="answered, or the monitor was switched off",
            updated_at=now,
        )
    )
    await s.exec(delete(AwaitedReply).where(AwaitedReply.id.in_(list(ids))))


async def awaited_facts(s: AsyncSession, ids: Iterable[int]) -> dict[int, AwaitedFacts]:
    """The planner's facts of awaited replies (the dispatcher's loader for `awaited_reply`)."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (
        await s.exec(
            select(AwaitedReply, Engagement, Influencer, Campaign)
            .join(Engagement, Engagement.id == AwaitedReply.engagement_id)
            .join(Influencer, Influencer.id == Engagement.influencer_id)
            .join(Campaign, Campaign.id == AwaitedReply.campaign_id)
            .where(AwaitedReply.id.in_(ids))
            .execution_options(populate_existing=True)
        )
    ).all()
    campaign_ids = sorted({c.id for *_, c in rows})
    managers: dict[int, list[str]] = {}
    # who gets the flag when no one is a manager: the owner, unless an influencer (then no one)
    contacts = await brand_contacts(s, [c for *_, c in rows])
    if campaign_ids:
        for campaign_id, user_id in (
            await s.exec(
                select(CampaignRole.campaign_id, CampaignRole.user_id)
                .where(
                    CampaignRole.campaign_id.in_(campaign_ids),
                    CampaignRole.role == Role.MANAGER.value,
                    ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),
                )
                .order_by(CampaignRole.id)
            )
        ).all():
            managers.setdefault(campaign_id, []).append(user_id)
    return {
        a.id: AwaitedFacts(a, e, i, c, tuple(managers.get(c.id) or filter(None, [contacts[c.id]])))
        for a, e, i, c in rows
    }


async def conduct_clause(s: AsyncSession, campaign_id: int) -> str | None:
    """The code of the campaign's conduct clause (G4 in every template), if it has one."""
    result = await s.exec(
        select(Guideline.code)
        .where(Guideline.campaign_id == campaign_id, Guideline.category == GuidelineCategory.CONDUCT.value)
        .order_by(Guideline.position, Guideline.id)
        .limit(1)
    )
    return result.scalars().first()


async def first_and_latest(s: AsyncSession, flag_id: int) -> tuple[FlaggedMessage, FlaggedMessage]:
    """The first and the newest message a flag covers."""
    query = select(FlaggedMessage).where(FlaggedMessage.flag_id == flag_id)
    first = (await s.exec(query.order_by(FlaggedMessage.id).limit(1))).scalars().one()
    latest = (await s.exec(query.order_by(FlaggedMessage.id.desc()).limit(1))).scalars().one()
    return first, latest
