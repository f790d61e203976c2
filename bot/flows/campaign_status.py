"""`/campaign complete | cancel | reopen <slug>`: a campaign's status, its reminders and its channels.

A closed campaign (completed or cancelled) sends no more reminders about its guidelines,
deliverables, reviews, digest or awaited replies (`scheduler.planner.ended`); its open incidents
keep theirs until they are closed. The status moves with a conditional UPDATE, so two managers
closing the campaign at once move it once and the second is told. Every subject of the campaign is
re-planned in the same transaction: pending rows are cancelled on closing, and planned again (those
still ahead) on reopening. Closing also cancels the deliverables still owed (planned or late):
nothing more is owed on a closed campaign, and they leave everyone's App Home; reopening does not
bring them back (the answer to the close says how many there were; the answer to the reopen, how
many stay cancelled and that `/campaign deliverable` adds them again). Each shared channel is told
afterwards; the cancelled deliverables' cards are updated after the answer.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.domain import campaigns as rules
from bot.domain.campaigns import CampaignMove
from bot.domain.deliverables import OWED
from bot.domain.permissions import Act
from bot.errors import Conflict
from bot.flows.access import campaign_for
from bot.flows.deliverables import refresh_card
from bot.flows.home import refresh_home
from bot.services import Services
from bot.slack import NO_UNFURL, slack_error
from bot.views import campaign as views
from scheduler import plans
from storage.queries import campaigns as q
from storage.queries import deliverables as deliverable_q

log = logging.getLogger(__name__)


async def change(svc: Services, team_id: str, user_id: str, slug: str, move: CampaignMove) -> str:
    now = svc.clock.now()
    sources, to = rules.MOVES[move]
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.CHANGE_CAMPAIGN_STATUS)
        was = campaign.status
        if refusal := rules.move_refusal(move, was, campaign.slug):
            raise Conflict(refusal)
        if not await q.set_status(s, campaign.id, sources, to):
            await s.refresh(campaign)
            raise Conflict(rules.move_refusal(move, campaign.status, campaign.slug) or "Try again.")
        await s.refresh(campaign)
        # nothing more is owed on a closed campaign (nor shown as due on anyone's home)
        dropped = await deliverable_q.cancel_all(s, campaign.id, OWED) if rules.closes(move) else []
        synced = await plans.campaign_closed_or_reopened(s, campaign, now)
        open_incidents = await q.open_incidents(s, campaign.id)
        kept_cancelled = await q.cancelled_deliverables(s, campaign.id) if move == CampaignMove.REOPEN else 0
        rows = await q.live_engagements(s, campaign.id)
    told, failed = 0, []
    for channel_id in dict.fromkeys(e.channel_id for e, _ in rows if e.channel_id):
        try:
            await svc.client.chat_postMessage(
                channel=channel_id, text=views.status_notice(campaign), **NO_UNFURL
            )
            told += 1
        except SlackApiError as exc:
            log.warning("campaign status notice not posted in %s: %s", channel_id, slack_error(exc))
            failed.append(channel_id)
    if dropped:  # their cards say so, after the answer (a card is one `chat.update` each)
        svc.background.run(_refresh_cards(svc, team_id, dropped))
    log.info("campaign %s: %s → %s by %s", campaign.id, was, campaign.status, user_id)
    # bounded: everyone else's home is rebuilt from the store when they next open it
    await refresh_home(svc, team_id, [user_id, campaign.owner_id])
    return views.status_changed(
        campaign,
        was,
        told,
        failed,
        reminders_cancelled=synced.cancelled,
        reminders_planned=synced.inserted + synced.moved,
        deliverables_cancelled=len(dropped),
        deliverables_kept_cancelled=kept_cancelled,
        open_incidents=open_incidents,
    )


async def _refresh_cards(svc: Services, team_id: str, deliverable_ids: list[int]) -> None:
    for deliverable_id in deliverable_ids:
        try:
            await refresh_card(svc, team_id, deliverable_id)
        except Exception:  # stored; the card catches up on its next change
            log.exception("card of deliverable %s not updated", deliverable_id)
