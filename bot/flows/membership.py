"""Someone joins a channel the bot posts brand-side or one influencer's content in.

The channels are checked when they are chosen (bot/flows/trust.py), but Slack lets any member add
people later. An influencer added to another influencer's shared channel reads that influencer's
incidents, strikes and shared reviews; one added to an escalation channel would read legal's notices
(those are held back before each post, `trust.escalation_hold_reason`, so nothing more leaks there).
Either way the brand team is told at once, by DM, so they can remove the person: `member_joined_channel`
is the signal. Only influencers matter here (the brand side reads both channels by design), and the
join is read back from Slack before anyone is told, so an event that is stale or not Slack's tells
nobody anything.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import messages
from bot.domain.enums import Role
from bot.flows.trust import is_member
from bot.services import Services
from bot.slack import slack_error
from storage.queries import campaigns as campaign_q
from storage.queries import conduct as conduct_q

log = logging.getLogger(__name__)


async def on_member_joined(svc: Services, team_id: str, event: dict[str, Any]) -> None:
    user, channel, by = event.get("user"), event.get("channel"), event.get("inviter")
    if not (isinstance(user, str) and isinstance(channel, str)) or user == svc.bot_user_id:
        return
    by = by if isinstance(by, str) else None
    alerts: list[tuple[list[str], str]] = []
    async with svc.db.transaction() as s:
        if not await campaign_q.influencers_among(s, team_id, [user]):
            return  # the brand side, or someone the store does not know: nothing to say
        shared = await conduct_q.channel(s, team_id, channel)
        if shared is not None and shared.influencer.slack_user_id != user:
            c = shared.campaign
            text = messages.influencer_joined_shared_channel(
                user, by, channel, shared.influencer.slack_user_id or "", c.name, c.slug
            )
            alerts.append((await conduct_q.people(s, c.id, [Role.MANAGER]), text))
        for c in await campaign_q.escalating_to(s, team_id, channel):
            text = messages.influencer_joined_escalation_channel(user, by, channel, c.name, c.slug)
            alerts.append((await conduct_q.people(s, c.id, [Role.MANAGER, Role.LEGAL]), text))
    if not alerts or not await is_member(svc, channel, user):
        return
    for people, text in alerts:
        for person in people:
            if person == user:
                continue
            try:
                await svc.client.chat_postMessage(channel=person, text=text)
            except SlackApiError as exc:
                log.warning("join alert not delivered to %s: %s", person, slack_error(exc))
