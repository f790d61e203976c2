"""What every incident flow shares: the legal channel, permalinks, reminders and homes."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.domain.enums import Role
from bot.flows import trust
from bot.flows.home import refresh_home
from bot.services import Services
from bot.slack import slack_error
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


async def to_legal(svc: Services, ctx: IncidentContext, text: str) -> None:
    """Post to the campaign's escalation channel; without one, DM the owner (`_to_owner`).

    The channel is checked again before every post (bot/domain/trust.py `hold_reason`): one that
    has since become public or shared with another organisation, or that the bot left, gets
    nothing. The notice is held back: stored (`held_notice`) and sent to the campaign's managers
    by DM, with the reason, so nothing is lost and nothing leaks.
    """
    channel = ctx.campaign.escalation_channel_id
    if not channel:
        await _to_owner(svc, ctx, text)
        return
    reason = await trust.escalation_hold_reason(svc, ctx.campaign.team_id, channel)
    if reason is None:
        try:
            await svc.client.chat_postMessage(channel=channel, text=text)
            return
        except SlackApiError as exc:
            log.warning("escalation channel %s refused: %s", channel, slack_error(exc))
            reason = f"Slack refused the post ({slack_error(exc)})"
    await _hold_back(svc, ctx, channel, reason, text)


async def _to_owner(svc: Services, ctx: IncidentContext, text: str) -> None:
    """Legal's notice for a campaign without an escalation channel: to its owner by DM, or, when the
    owner is an influencer anywhere in the workspace, to its managers who are not
    (`brand_recipients`); the notice names the influencer and why the brand escalated."""
    async with svc.db.transaction() as s:
        recipients = await campaign_q.brand_recipients(s, ctx.campaign.id)
    if not recipients:
        log.warning(
            "legal notice for campaign %s not sent: no manager who is not an influencer", ctx.campaign.id
        )
    for recipient in recipients:
        role = "its owner" if recipient == ctx.campaign.owner_id else "one of its managers"
        note = f"\n_(`{ctx.campaign.slug}` has no escalation channel, so this comes to you, {role}.)_"
        try:
            await svc.client.chat_postMessage(channel=recipient, text=text + note)
        except SlackApiError as exc:
            log.warning("legal notice not delivered to %s: %s", recipient, slack_error(exc))


async def _hold_back(svc: Services, ctx: IncidentContext, channel: str, reason: str, text: str) -> None:
    """Record the notice that was not posted, and give it to the campaign's managers by DM."""
    async with svc.db.transaction() as s:
        s.add(
            HeldNotice(
                team_id=ctx.campaign.team_id,
                campaign_id=ctx.campaign.id,
                incident_id=ctx.incident.id,
                channel_id=channel,
                reason=reason[:200],
                text=text[:40000],
                created_at=svc.clock.now(),
            )
        )
        managers = await campaign_q.managers(s, ctx.campaign.id)
    log.warning("escalation notice for campaign %s held back: %s", ctx.campaign.id, reason)
    note = (
        f"\n_(:lock: I held this back from <#{channel}>: {reason}. Legal's notices only go to a private "
        "channel of the brand team that I am in and that is shared with nobody, so it comes to you, "
        f"a manager of `{ctx.campaign.slug}`, instead.)_"
    )
    # the owner is one of the managers; an owner who is an influencer gets nothing (not even as
    # the last one left): the notice is brand-side
    for manager in managers:
        try:
            await svc.client.chat_postMessage(channel=manager, text=text + note)
        except SlackApiError as exc:
            log.warning("held-back notice not delivered to %s: %s", manager, slack_error(exc))


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
