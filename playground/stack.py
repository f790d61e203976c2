"""The bot wired to the Slack emulator over real HTTP: used by the playground and by the tests,
so both drive the bot through one code path (signed requests in, Web API calls out)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import aiohttp
from aiohttp import web
from cryptography.fernet import Fernet

from bot.clock import Clock
from bot.runtime import Bot, build_bot
from bot.settings import Settings
from playground.emulator import SlackEmulator, SlackUserClient, serve_emulator
from storage.db import Database

#: The bearer token of the stack's `GET /metrics` (a local emulator's; tests scrape with it).
METRICS_TOKEN = "playground-metrics-token"


@dataclass
class Stack:
    emulator: SlackEmulator
    bot: Bot
    slack: SlackUserClient  # acts as any user; waits for the bot's background work after each request
    bot_url: str
    signing_secret: str = ""

    async def settle(self) -> None:
        await self.bot.services.background.drain(timeout=30)

    def in_team(self, team_id: str) -> Stack:
        """The same bot and emulator, acting as the people of another emulated workspace."""
        emulator = self.emulator.in_team(team_id)
        slack = SlackUserClient(
            emulator,
            self.slack.bot_events_url,
            self.signing_secret,
            after_request=self.settle,
            socket_mode=self.slack.socket_mode,
        )
        return replace(self, emulator=emulator, slack=slack)

    async def install(self, team_id: str | None = None) -> str:
        """Install the app into a workspace through OAuth v2 (see `install_through_oauth`)."""
        return await install_through_oauth(self.bot_url, team_id or self.emulator.team_id)


async def install_through_oauth(bot_url: str, team_id: str) -> str:
    """Install the app into a workspace through OAuth v2, as a browser would: the bot's
    `/slack/install` (state cookie) → Slack's authorize page (the emulator approves at once) →
    the bot's `/slack/oauth_redirect` with the code. Returns the page the installer sees."""
    async with aiohttp.ClientSession() as browser:
        async with browser.get(
            f"{bot_url}/slack/install", params={"team": team_id}, allow_redirects=False
        ) as started:
            if started.status != 302:
                raise RuntimeError(f"/slack/install answered {started.status}: {await started.text()}")
            cookie = started.headers["Set-Cookie"].split(";")[0]
            authorize = started.headers["Location"]
        async with browser.get(authorize, allow_redirects=False) as approved:
            if approved.status != 302:
                raise RuntimeError(
                    f"Slack's authorize page answered {approved.status}: {await approved.text()}"
                )
            redirect = approved.headers["Location"]
        async with browser.get(redirect, headers={"Cookie": cookie}, allow_redirects=False) as done:
            page = await done.text()
            if done.status != 200:
                raise RuntimeError(f"/slack/oauth_redirect answered {done.status}: {page[:300]}")
    return page


async def _serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, runner.addresses[0][1]


@asynccontextmanager
async def running_stack(
    emulator: SlackEmulator,
    *,
    database_url: str,
    clock: Clock,
    admin_user_ids: frozenset[str] = frozenset(),
    host: str = "127.0.0.1",
    socket_mode: bool = False,
    oauth: bool = False,
    db: Database | None = None,
) -> AsyncIterator[Stack]:
    """Emulator and bot, each on a free port of `host`. `socket_mode`: the bot takes requests
    over the emulator's Socket Mode websocket (SLACK_APP_TOKEN) instead of HTTP. `oauth`: the bot
    serves many workspaces, each installed through OAuth (`Stack.install`), instead of holding
    the first workspace's token. `db`: the bot's database handle (default: one on `database_url`
    with the usual pool)."""
    secret = secrets.token_hex(16)
    async with serve_emulator(emulator, host=host):
        credentials: dict[str, object] = {"slack_bot_token": emulator.bot_token}
        if oauth:
            credentials = {
                "slack_client_id": emulator.app.client_id,
                "slack_client_secret": emulator.app.client_secret,
                "slack_state_secret": secrets.token_hex(16),
                "token_encryption_keys": (Fernet.generate_key().decode(),),
            }
        settings = Settings(
            **credentials,
            slack_signing_secret=None if socket_mode else secret,
            slack_app_token=emulator.app.app_token if socket_mode else None,
            slack_api_url=emulator.api_url,
            database_url=database_url,
            admin_user_ids=admin_user_ids,
            metrics_token=METRICS_TOKEN,
            _env_file=None,
        )
        # tests tick the reminders themselves
        bot = build_bot(settings, clock=clock, db=db, tick_seconds=None)
        runner, port = await _serve(bot.web, host, 0)
        handler = None
        try:
            await bot.start()
            url = f"http://{host}:{port}"
            emulator.app.redirect_url = f"{url}/slack/oauth_redirect"
            if socket_mode:
                from bot.socket_mode import socket_mode_handler

                handler = socket_mode_handler(bot.bolt, settings)
                await handler.connect_async()
                await emulator.socket_mode.wait_connected()
            slack = SlackUserClient(
                emulator,
                None if socket_mode else f"{url}/slack/events",
                secret,
                after_request=lambda: bot.services.background.drain(timeout=30),
                socket_mode=socket_mode,
            )
            yield Stack(emulator=emulator, bot=bot, slack=slack, bot_url=url, signing_secret=secret)
        finally:
            if handler is not None:
                await handler.close_async()
            await runner.cleanup()
            await bot.close()
