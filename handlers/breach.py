"""`/breach` and the `report_breach` message shortcut.

Breach reporting lands with the incident-lifecycle issue; until then the command answers its
usage and says plainly that reporting is not available, and the shortcut says the same.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.ids import Command, Shortcut
from bot.services import Services
from handlers._runtime import ephemeral


def register(app: AsyncApp, svc: Services) -> None:
    @app.command(Command.BREACH)
    async def breach_command(ack, command: dict[str, Any]) -> None:
        await ack(text=f"{messages.BREACH_USAGE}\n\n_{messages.NOT_YET}_")

    @app.shortcut(Shortcut.REPORT_BREACH)
    async def report_breach_shortcut(ack, respond) -> None:
        await ack()
        svc.background.run(ephemeral(respond)(messages.NOT_YET))
