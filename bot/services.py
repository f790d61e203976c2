"""What every flow needs, built once per process and handed to the handlers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import tenancy as _tenancy
from bot.background import Background
from bot.clock import Clock
from bot.directory import Directory
from bot.settings import Settings
from storage.db import Database

#: Exports a process prepares at once (each streams batches from the database to a temporary file
#: and then to Slack): more wait their turn, so a burst of exports can't crowd out everyone else.
EXPORTS_AT_ONCE = 2


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    client: AsyncWebClient
    directory: Directory
    background: Background = field(default_factory=Background)
    #: The bot user of single-token mode (`auth.test`); see `bot_user_id`.
    default_bot_user_id: str | None = None
    #: Set once the bot knows who it is in Slack (`auth.test` answered) and its dispatcher runs:
    #: `GET /readyz` says 503 until then.
    ready: bool = False
    #: Which workspace work acts for, and its token (bot/installations.py `Tenancy`).
    tenancy: Any = None
    #: Prometheus metrics of this process (bot/metrics.py).
    metrics: Any = None
    #: Exports being prepared by this process, by (workspace, user): one at a time each.
    exports: set[tuple[str, str]] = field(default_factory=set)
    #: How many exports this process prepares at once; the next waits for a slot
    #: (bot/flows/incidents/reading.py `export`).
    export_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(EXPORTS_AT_ONCE))

    @property
    def bot_user_id(self) -> str | None:
        """The bot user in the workspace of the current work (each installation has its own)."""
        scope = _tenancy.current()
        return scope.bot_user_id if scope is not None and scope.bot_user_id else self.default_bot_user_id

    @bot_user_id.setter
    def bot_user_id(self, value: str | None) -> None:
        self.default_bot_user_id = value
