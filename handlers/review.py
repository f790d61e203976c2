"""`/review`. Reviews and scorecards land with the reviews issue; until then it answers its usage."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.ids import Command
from bot.services import Services


def register(app: AsyncApp, svc: Services) -> None:
    @app.command(Command.REVIEW)
    async def review_command(ack, command: dict[str, Any]) -> None:
        await ack(text=f"{messages.REVIEW_USAGE}\n\n_{messages.NOT_YET}_")
