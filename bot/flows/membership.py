"""Someone joins a channel the bot posts brand-side or one influencer's content in.

The channels are checked when they are chosen (bot/flows/trust.py), but Slack lets any member add
people later. An influencer added to another influencer's shared channel reads that influencer's
incidents, strikes and shared reviews; one added to an escalation channel would read legal's notices
(those are held back before each post, `trust.escalation_hold_reason`, so nothing more leaks there).
Either way the brand team is told at once, by DM, so they can remove the person: `member_joined_channel`
is the signal. Only influencers matter here (the brand side reads both channels by design), known by
their Slack id or, invited by e-mail and not yet seen, by the e-mail Slack shows for them. The join is
read back from Slack before anyone is told, so an event that is stale or not Slack's tells nobody
anything; when Slack won't say who is in the channel, the alert goes out anyway (not knowing is not
safe).

The same event is where Slack first confirms who an influencer invited by e-mail is: her own shared
channel's influencer row, still without a Slack id, is bound to the id of whoever joined with that
e-mail (`storage.queries.campaigns.bind_influencer`, first to bind wins, as when she acknowledges).
From then on every check by Slack id sees her, also those that list other people and can't know
each one's e-mail (a campaign's team, the recipients of brand-side messages).
"""

from __future__ import annotations

import logging
from typing import Any

from bot import messages
from bot.domain.enums import Role
from bot.flows.access import is_them, known_email
from bot.flows.trust import is_member
from bot.services import Services
from bot.slack import dm_quietly
from bot.views.text import esc, user
from storage.models import Influencer
from storage.queries import campaigns as campaign_q
from storage.queries import conduct as conduct_q
from storage.queries import incidents as incident_q

log = logging.getLogger(__name__)


async def on_member_joined(svc: Services, team_id: str, event_id: str, event: dict[str, Any]) -> None:
    """`event_id`: Slack's, so that a delivery Slack retries (or someone replays) alerts nobody twice."""
    joined, channel, by = event.get("user"), event.get("channel"), event.get("inviter")
    if not (isinstance(joined, str) and isinstance(channel, str)) or joined == svc.bot_user_id:
        return
    by = by if isinstance(by, str) else None
    async with svc.db.transaction() as s:  # is the channel one of ours at all? (no Slack call if not)
        shared = await conduct_q.channel(s, team_id, channel)
        escalating = await campaign_q.escalating_to(s, team_id, channel)
    if shared is None and not escalating:
        return
    await svc.directory.prefetch(joined)  # the e-mail Slack shows, to know one invited by e-mail
    # Slack not saying who joined: they may be an influencer invited by e-mail, and not knowing is
    # not safe: the managers are told, in words that say it was not checked
    unknown = svc.directory.lookup_failed(joined)
    email = known_email(svc.directory, joined, unknown_ok=True)
    alerts: dict[str, list[str]] = {}  # person -> what they are told: one DM each
    async with svc.db.transaction() as s:
        if not unknown and not await campaign_q.is_influencer_anywhere(s, team_id, joined, email):
            return  # the brand side, or someone the store does not know: nothing to say
        if (
            shared is not None
            and shared.influencer.slack_user_id is None
            and is_them(shared.influencer, joined, email)
        ):
            # Slack says who carries the e-mail she was invited with: she is known by her id now
            found = svc.directory.cached(joined)
            await campaign_q.bind_influencer(
                s, team_id, shared.influencer.id, joined, found.name if found else None
            )
        if shared is not None and not is_them(shared.influencer, joined, email):
            c = shared.campaign
            owner = _name(shared.influencer)
            text = messages.influencer_joined_shared_channel(
                joined, by, channel, owner, c.name, c.slug, unknown=unknown
            )
            for person in await conduct_q.people(s, c.id, [Role.MANAGER]):
                alerts.setdefault(person, []).append(text)
        escalation: dict[str, list[tuple[str, str]]] = {}  # one alert for all the person's campaigns
        for c in escalating:
            for person in await conduct_q.people(s, c.id, [Role.MANAGER, Role.LEGAL]):
                escalation.setdefault(person, []).append((c.name, c.slug))
        for person, campaigns in escalation.items():
            text = messages.influencer_joined_escalation_channel(
                joined, by, channel, campaigns, unknown=unknown
            )
            alerts.setdefault(person, []).append(text)
        alerts.pop(joined, None)
        if not alerts:
            return
        if event_id and not await incident_q.first_delivery(s, team_id, event_id, svc.clock.now()):
            return  # this delivery was handled already
    if not await is_member(svc, channel, joined, unknown=True):  # not knowing is not safe: alert
        return
    for person, texts in alerts.items():
        await dm_quietly(svc.client, person, "\n\n".join(texts), what=f"join alert ({channel}, {joined})")


def _name(influencer: Influencer) -> str:
    """As the alert names the channel's influencer: a mention, or the name they were invited by."""
    return user(influencer.slack_user_id) if influencer.slack_user_id else esc(influencer.display_name)
