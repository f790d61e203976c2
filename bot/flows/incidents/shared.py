"""What every incident flow shares: the legal channel, permalinks, reminders and homes."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.domain.enums import Role
from bot.flows.home import refresh_home
from bot.services import Services
from bot.slack import slack_error
from scheduler import plans
from storage.models import Incident
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
    """Post to the campaign's escalation channel; without one (or if Slack refuses), DM the owner."""
    channel = ctx.campaign.escalation_channel_id
    if channel:
        try:
            await svc.client.chat_postMessage(channel=channel, text=text)
            return
        except SlackApiError as exc:
            log.warning("escalation channel %s refused: %s", channel, slack_error(exc))
            text += (
                f"\n_(I could not post in <#{channel}>: `{slack_error(exc)}`. Add me to it with "
                "`/invite @Campaign Guard`.)_"
            )
    else:
        text += f"\n_(`{ctx.campaign.slug}` has no escalation channel, so this comes to you, its owner.)_"
    await svc.client.chat_postMessage(channel=ctx.campaign.owner_id, text=text)


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
