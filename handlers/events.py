"""Events API: workspace lifecycle (`tokens_revoked`, `app_uninstalled`), message events, and
`member_joined_channel` (bot/flows/membership.py: an influencer added where they must not read).

Message events in mediation threads feed incident timelines; messages of bots and other apps are
ignored there (see `is_a_person_replying`). Every message event also goes to the conduct monitor
(bot/flows/conduct.py: abusive language, ghosting, edits and deletions of evidence), after the ack.
App Home lives in handlers/home.py.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.flows import conduct, incidents, membership
from bot.flows.incidents.lifecycle import is_a_person_replying
from bot.ids import Event
from bot.services import Services
from handlers._runtime import team_of
from storage.queries import workspaces

log = logging.getLogger(__name__)


def register(app: AsyncApp, svc: Services) -> None:
    async def deactivate(team_id: str, context: Any = None) -> None:
        organisation = context.enterprise_id if context and context.is_enterprise_install else None
        if svc.tenancy is not None:
            await svc.tenancy.uninstall_event(svc.client, team_id, organisation)
            return
        async with svc.db.transaction() as s:  # no tenancy (tests of the bare app): mark it inactive
            await workspaces.set_active(s, team_id, False, svc.clock.now())

    @app.event(Event.APP_UNINSTALLED)
    async def app_uninstalled(context) -> None:
        svc.background.run(deactivate(team_of(context), context))

    @app.event(Event.TOKENS_REVOKED)
    async def tokens_revoked(event: dict[str, Any], context) -> None:
        if event.get("tokens", {}).get("bot"):
            svc.background.run(deactivate(team_of(context), context))

    @app.event(Event.MESSAGE)
    async def message(body: dict[str, Any], event: dict[str, Any], context) -> None:
        # Only people's replies: another app's message (or one an app posts with a person's
        # token) is never the influencer's reply, so it is not recorded at all.
        if is_a_person_replying(event, svc.bot_user_id):
            svc.background.run(
                incidents.record_thread_reply(svc, team_of(context), body.get("event_id", ""), event)
            )
        # The conduct monitor, ghosting, and edits or deletions of evidence: after the ack.
        svc.background.run(conduct.on_message(svc, team_of(context), body.get("event_id", ""), event))

    @app.event(Event.MEMBER_JOINED_CHANNEL)
    async def member_joined(body: dict[str, Any], event: dict[str, Any], context) -> None:
        # an influencer added to another's shared channel or to an escalation channel: tell the brand
        svc.background.run(
            membership.on_member_joined(svc, team_of(context), body.get("event_id", ""), event)
        )
