"""What every flow needs, built once per process and handed to the handlers."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.background import Background
from bot.clock import Clock
from bot.directory import Directory
from bot.settings import Settings
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    client: AsyncWebClient
    directory: Directory
    background: Background = field(default_factory=Background)
    bot_user_id: str | None = None
