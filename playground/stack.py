"""The bot wired to the Slack emulator over real HTTP: used by the playground and by the tests,
so both drive the bot through one code path (signed requests in, Web API calls out)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from bot.clock import Clock
from bot.runtime import Bot, build_bot
from bot.settings import Settings
from playground.emulator import SlackEmulator, SlackUserClient, serve_emulator


@dataclass
class Stack:
    emulator: SlackEmulator
    bot: Bot
    slack: SlackUserClient  # acts as any user; waits for the bot's background work after each request
    bot_url: str

    async def settle(self) -> None:
        await self.bot.services.background.drain(timeout=30)


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
) -> AsyncIterator[Stack]:
    """Emulator and bot, each on a free port of `host`. `socket_mode`: the bot takes requests
    over the emulator's Socket Mode websocket (SLACK_APP_TOKEN) instead of HTTP."""
    secret = secrets.token_hex(16)
    async with serve_emulator(emulator, host=host):
        settings = Settings(
            slack_bot_token=emulator.bot_token,
            slack_signing_secret=None if socket_mode else secret,
            slack_app_token=emulator.app.app_token if socket_mode else None,
            slack_api_url=emulator.api_url,
            database_url=database_url,
            admin_user_ids=admin_user_ids,
            _env_file=None,
        )
        bot = build_bot(settings, clock=clock, tick_seconds=None)  # tests tick the reminders themselves
        runner, port = await _serve(bot.web, host, 0)
        handler = None
        try:
            await bot.start()
            url = f"http://{host}:{port}"
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
            yield Stack(emulator=emulator, bot=bot, slack=slack, bot_url=url)
        finally:
            if handler is not None:
                await handler.close_async()
            await runner.cleanup()
            await bot.close()
