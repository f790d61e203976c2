"""App Home (`app_home_opened`) and its buttons that are not shared with other surfaces."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.flows import campaigns as campaign_flows
from bot.flows import home as flows
from bot.ids import Action, Event
from bot.services import Services
from handlers._runtime import on_click, team_of


def register(app: AsyncApp, svc: Services) -> None:
    run = svc.background.run

    @app.event(Event.APP_HOME_OPENED)
    async def app_home_opened(event: dict[str, Any], context) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab
        run(flows.publish_home(svc, team_of(context), event["user"]))

    on_click(app, svc, Action.HOME_VIEW_ALL, lambda c: flows.view_all(svc, c.team_id, c.user_id, c.value))
    # an incident line's "Open": its card as a modal (errors by DM: a home click has no response_url)
    on_click(
        app,
        svc,
        Action.HOME_OPEN_INCIDENT,
        lambda c: flows.open_incident(svc, c.team_id, c.user_id, c.value, c.trigger_id),
    )
    on_click(  # the same door as `/campaign new`: only admins and campaign creators get the form
        app,
        svc,
        Action.HOME_NEW_CAMPAIGN,
        lambda c: campaign_flows.open_new_campaign(svc, c.team_id, c.user_id, c.trigger_id, None),
    )
