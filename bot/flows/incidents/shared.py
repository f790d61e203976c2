"""What every incident flow shares: the legal channel, permalinks, reminders and homes."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot import messages
from bot.domain.enums import Role
from bot.flows import trust
from bot.flows.access import known_email
from bot.flows.home import refresh_home
from bot.services import Services
from bot.slack import dm_quietly, slack_error
from bot.views import incidents as views
from scheduler import plans
from storage.models import HeldNotice, Incident
from storage.queries import campaigns as campaign_q
from storage.queries.incidents import IncidentContext

log = logging.getLogger(__name__)


URL = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)
REPORTERS = frozenset({Role.ADMIN, Role.MANAGER, Role.MEMBER, Role.LEGAL})


async def permalink(svc: Services, ctx: IncidentContext) -> str | None:
    if not ctx.incident.card_ts:
        return None
    try:
        response = await svc.client.chat_getPermalink(
            channel=ctx.incident.channel_id, message_ts=ctx.incident.card_ts
        )
        return response["permalink"]
    except SlackApiError:
        return None


async def to_legal(svc: Services, ctx: IncidentContext, text: str, *, actor: str | None = None) -> None:
    """Post to the campaign's escalation channel; without one, DM the owner (`_to_owner`).

    The channel is checked again before every post (bot/domain/trust.py `hold_reason`): one that
    has since become public or shared with another organisation, or that the bot left, gets
    nothing. The notice is held back: stored (`held_notice`) and sent to the campaign's managers
    by DM, with the reason, so nothing is lost and nothing leaks.

    A notice that reaches nobody on the campaign's brand side (no escalation channel and no manager
    who is not an influencer, or Slack refused every DM) is never only logged: it is stored, the
    workspace admins who are not influencers get it by DM (`_undelivered`), and `actor`, the person
    whose move set it off (pressing Escalate, reporting), is told that legal was not, why, and how
    to fix it, without the notice itself.
    """
    channel = ctx.campaign.escalation_channel_id
    if not channel:
        await _to_owner(svc, ctx, text, actor)
        return
    reason = await trust.escalation_hold_reason(svc, ctx.campaign.team_id, channel)
    if reason is None:
        try:
            await svc.client.chat_postMessage(channel=channel, text=text)
            return
        except SlackApiError as exc:
            log.warning("escalation channel %s refused: %s", channel, slack_error(exc))
            reason = f"Slack refused the post ({slack_error(exc)})"
    await _hold_back(svc, ctx, channel, reason, text, actor)


async def _to_owner(svc: Services, ctx: IncidentContext, text: str, actor: str | None) -> None:
    """Legal's notice for a campaign without an escalation channel: to its owner by DM, or, when the
    owner is an influencer anywhere in the workspace, to its managers who are not
    (`brand_recipients`); the notice names the influencer and why the brand escalated. With nobody
    to send it to, or when Slack refuses every DM, it is kept and goes to the admins (`_undelivered`)."""
    async with svc.db.transaction() as s:
        recipients = await campaign_q.brand_recipients(s, ctx.campaign.id)
    if not recipients:
        await _undelivered(svc, ctx, text, messages.NO_LEGAL_RECIPIENT, actor, store=True)
        return
    delivered, error = False, ""
    for recipient in recipients:
        role = "its owner" if recipient == ctx.campaign.owner_id else "one of its managers"
        note = f"\n_(`{ctx.campaign.slug}` has no escalation channel, so this comes to you, {role}.)_"
        try:
            await svc.client.chat_postMessage(channel=recipient, text=text + note)
            delivered = True
        except SlackApiError as exc:
            error = slack_error(exc)
            log.warning("legal notice not delivered to %s: %s", recipient, error)
    if not delivered:
        reason = messages.legal_dms_refused(error)
        await _undelivered(svc, ctx, text, reason, actor, store=True, refused=True)


async def _hold_back(
    svc: Services, ctx: IncidentContext, channel: str, reason: str, text: str, actor: str | None = None
) -> None:
    """Record the notice that was not posted, and give it to the campaign's managers by DM (to the
    admins when no manager gets it: `_undelivered`)."""
    async with svc.db.transaction() as s:
        s.add(_held(svc, ctx, channel, reason, text))
        managers = await campaign_q.managers(s, ctx.campaign.id)
    log.warning("escalation notice for campaign %s held back: %s", ctx.campaign.id, reason)
    note = (
        f"\n_(:lock: I held this back from <#{channel}>: {reason}. Legal's notices only go to a private "
        "channel of the brand team that I am in and that is shared with nobody, so it comes to you, "
        f"a manager of `{ctx.campaign.slug}`, instead.)_"
    )
    # the owner is one of the managers; an owner who is an influencer gets nothing (not even as
    # the last one left): the notice is brand-side
    delivered = False
    what = f"held-back notice (incident {ctx.incident.id})"
    for manager in managers:
        delivered = await dm_quietly(svc.client, manager, text + note, what=what) or delivered
    if not delivered:  # already stored, with the channel's reason
        missing = messages.legal_manager_missing(reason)
        await _undelivered(svc, ctx, text, missing, actor, store=False, refused=bool(managers))


def _held(svc: Services, ctx: IncidentContext, channel: str, reason: str, text: str) -> HeldNotice:
    """The stored notice (`channel` empty when it had no channel to be held back from)."""
    return HeldNotice(
        team_id=ctx.campaign.team_id,
        campaign_id=ctx.campaign.id,
        incident_id=ctx.incident.id,
        channel_id=channel,
        reason=reason[:200],
        text=text[:40000],
        created_at=svc.clock.now(),
    )


async def _undelivered(
    svc: Services,
    ctx: IncidentContext,
    text: str,
    reason: str,
    actor: str | None,
    *,
    store: bool,
    refused: bool = False,
) -> None:
    """Legal's notice reached nobody on the campaign's brand side: keep it (`held_notice`, without a
    channel: `channel_id` is empty), give it by DM to the workspace admins who are not influencers
    (bot/flows/conduct.py `brand_admins`, who may read every campaign's incidents), and tell `actor` (who
    set it off) that legal was not told, unless they are one of those admins. Never to an
    influencer: the admins are filtered, and so is `actor`."""
    from bot.flows.conduct import brand_admins  # conduct imports the incident flows (evidence)

    if store:
        async with svc.db.transaction() as s:
            s.add(_held(svc, ctx, "", reason, text))
    log.warning("legal notice for campaign %s kept, not delivered: %s", ctx.campaign.id, reason)
    channel = bool(ctx.campaign.escalation_channel_id)
    note = messages.legal_notice_kept(ctx.campaign.slug, reason, refused=refused, channel=channel)
    told: set[str] = set()
    what = f"kept legal notice (incident {ctx.incident.id})"
    for admin in await brand_admins(svc, ctx.campaign.team_id, exclude=""):
        if await dm_quietly(svc.client, admin, text + note, what=what):
            told.add(admin)
    if not told:
        log.error("legal notice for campaign %s reached nobody: no admin could be sent it", ctx.campaign.id)
    if not actor or actor in told:
        return
    async with svc.db.transaction() as s:
        email = known_email(svc.directory, actor)
        if await campaign_q.is_influencer_anywhere(s, ctx.campaign.team_id, actor, email):
            return
    number = views.number(ctx.incident.number) if ctx.incident.number else "an incident"
    said = messages.legal_not_told(
        number, ctx.campaign.slug, reason, admins=bool(told), refused=refused, channel=channel
    )
    await dm_quietly(svc.client, actor, said, what=f"legal not told (incident {ctx.incident.id})")


async def plan(s, incident: Incident, now: datetime) -> None:
    """Reminders for the incident, written in the same transaction (the scheduler's planner)."""
    await plans.incident(s, incident, now)


async def refresh_homes(svc: Services, ctx: IncidentContext) -> None:
    """Everyone whose App Home lists this incident: the brand team, the reporter, the influencer."""
    async with svc.db.transaction() as s:
        team = [r.user_id for r in await campaign_q.team(s, ctx.campaign.id)]
    await refresh_home(
        svc, ctx.incident.team_id, [*team, ctx.incident.reporter_id, ctx.influencer.slack_user_id]
    )
