"""Wiring: settings → services → Bolt app → aiohttp app. Used by the CLI, the playground and tests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot import operations
from bot.app import BotIdentity, create_app
from bot.clock import Clock, SystemClock
from bot.directory import Directory
from bot.installations import build_tenancy
from bot.metrics import Metrics
from bot.server import create_web_app
from bot.services import Services
from bot.settings import Settings
from bot.slack import TOKEN_REFUSED as DEAD_TOKEN
from bot.slack import create_client, slack_error
from scheduler.dispatcher import DEFAULT_TICK_SECONDS, Dispatcher
from storage.db import Database
from storage.queries import workspaces

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]
#: The longest wait between two `auth.test` attempts at start-up.
MAX_CONNECT_DELAY = 60.0
#: `auth.test` errors no retry can fix: the token is wrong, revoked, or its workspace is gone.
TOKEN_REFUSED = DEAD_TOKEN | {"team_not_found"}


class InvalidToken(RuntimeError):
    """Slack refused the bot token at start-up: nothing to retry, someone must fix the setting."""


@dataclass
class Bot:
    services: Services
    bolt: AsyncApp
    identity: BotIdentity
    web: web.Application
    dispatcher: Dispatcher | None = None  # the reminder dispatcher (scheduler/)

    async def start(self, *, sleep: Sleep = asyncio.sleep, max_delay: float = MAX_CONNECT_DELAY) -> None:
        """Learn the bot's identity once, so no request waits on `auth.test`; start the reminders;
        then say ready. Slack out of reach at start-up is retried (see `connect`)."""
        if self.services.settings.oauth:  # many workspaces: each request finds its installation
            if self.dispatcher is not None:
                self.dispatcher.start()
            self.services.ready = True
            return
        identity = await self.connect(sleep=sleep, max_delay=max_delay)
        self.services.tenancy.adopt(identity)
        async with self.services.db.transaction() as s:  # a token that works: the app is installed
            await workspaces.set_active(s, identity.team_id, True, self.services.clock.now())
        if self.dispatcher is not None:
            self.dispatcher.start()
        self.services.ready = True

    async def connect(self, *, sleep: Sleep = asyncio.sleep, max_delay: float = MAX_CONNECT_DELAY):
        """`auth.test` until Slack answers: a network error, a timeout, a 5xx or a rate limit at
        start-up (a deploy during an outage, a proxy not up yet) is retried with exponential
        backoff (1 s, 2 s, 4 s … at most `max_delay`), each failure logged; meanwhile `/healthz`
        answers and `/readyz` says not ready. Only a token Slack refuses stops it: `InvalidToken`,
        whose message says which variable to fix."""
        delay, attempt = 1.0, 0
        while True:
            try:
                return await self.identity.load()
            except SlackApiError as exc:
                error = slack_error(exc)
                if error in TOKEN_REFUSED:
                    raise InvalidToken(
                        f"Slack refused SLACK_BOT_TOKEN ({error}): check the token (xoxb-…) of the app's "
                        "installation in this workspace."
                    ) from exc
                status = getattr(exc.response, "status_code", None)
                problem = error or f"HTTP {status}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            attempt += 1
            log.warning(
                "Slack is not reachable at start-up (%s); attempt %d, next in %.0f s", problem, attempt, delay
            )
            await sleep(delay)
            delay = min(delay * 2, max_delay)

    async def close(self) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        await self.services.background.finish(10)
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
