"""Events API: workspace lifecycle (`tokens_revoked`, `app_uninstalled`) and message events.

Message events in mediation threads feed incident timelines. App Home lives in handlers/home.py.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from sqlalchemy import update

from bot.flows import incidents
from bot.ids import Event
from bot.services import Services
from handlers._runtime import team_of
from storage.models import Workspace


def register(app: AsyncApp, svc: Services) -> None:
    async def deactivate(team_id: str) -> None:
        now = svc.clock.now()
        async with svc.db.transaction() as s:
            result = await s.exec(
                update(Workspace).where(Workspace.team_id == team_id).values(active=False, uninstalled_at=now)
            )
            if result.rowcount == 0:
                s.add(Workspace(team_id=team_id, active=False, uninstalled_at=now, created_at=now))

    @app.event(Event.APP_UNINSTALLED)
    async def app_uninstalled(context) -> None:
        svc.background.run(deactivate(team_of(context)))

    @app.event(Event.TOKENS_REVOKED)
    async def tokens_revoked(event: dict[str, Any], context) -> None:
        if event.get("tokens", {}).get("bot"):
            svc.background.run(deactivate(team_of(context)))

    @app.event(Event.MESSAGE)
    async def message(body: dict[str, Any], event: dict[str, Any], context) -> None:
        if event.get("thread_ts") and not event.get("subtype"):
            svc.background.run(
                incidents.record_thread_reply(svc, team_of(context), body.get("event_id", ""), event)
            )
