"""App Home (`app_home_opened`)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Event
from bot.services import Services


def register(app: AsyncApp, svc: Services) -> None:
    @app.event(Event.APP_HOME_OPENED)
    async def app_home_opened() -> None:
        return None  # acknowledged; the home tab itself is built by the App Home work (issue 5)
