"""Wiring: settings → services → Bolt app → aiohttp app. Used by the CLI, the playground and tests."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot import operations
from bot.app import BotIdentity, create_app
from bot.clock import Clock, SystemClock
from bot.directory import Directory
from bot.installations import build_tenancy
from bot.metrics import Metrics
from bot.server import create_web_app
from bot.services import Services
from bot.settings import Settings
from bot.slack import create_client
from scheduler.dispatcher import DEFAULT_TICK_SECONDS, Dispatcher
from storage.db import Database
from storage.queries import workspaces


@dataclass
class Bot:
    services: Services
    bolt: AsyncApp
    identity: BotIdentity
    web: web.Application
    dispatcher: Dispatcher | None = None  # the reminder dispatcher (scheduler/)

    async def start(self) -> None:
        """Learn the bot's identity once, so no request waits on `auth.test`; start the reminders."""
        if self.services.settings.oauth:  # many workspaces: each request finds its installation
            if self.dispatcher is not None:
                self.dispatcher.start()
            self.services.ready = True
            return
        identity = await self.identity.load()
        self.services.tenancy.adopt(identity)
        async with self.services.db.transaction() as s:  # a token that works: the app is installed
            await workspaces.set_active(s, identity.team_id, True, self.services.clock.now())
        if self.dispatcher is not None:
            self.dispatcher.start()

    async def close(self) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        await self.services.background.drain(timeout=10)
        await self.services.db.dispose()


def build_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    tick_seconds: float | None = DEFAULT_TICK_SECONDS,
) -> Bot:
    """`tick_seconds`: the reminder dispatcher's interval; None = only explicit `dispatcher.tick()`."""
    metrics = Metrics()
    database = db or Database(settings.database_url)
    clock = clock or SystemClock()
    client = create_client(settings.slack_bot_token, settings.slack_api_url, metrics=metrics)
    services = Services(
        settings=settings,
        db=database,
        clock=clock,
        client=client,
        directory=Directory(client, settings.admin_user_ids),
        tenancy=build_tenancy(settings, database, clock, metrics),
        metrics=metrics,
    )
    bolt, identity = create_app(services)
    web_app = create_web_app(services, bolt)
    operations.attach(services, bolt, web_app)  # workspace scope, metrics, /metrics, OAuth routes
    return Bot(
        services=services,
        bolt=bolt,
        identity=identity,
        web=web_app,
        dispatcher=Dispatcher(services, tick_seconds=tick_seconds),
    )
