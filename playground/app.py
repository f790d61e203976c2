"""The playground: the real bot and an emulated Slack workspace on one port, no Slack app needed.

`campaign-guard serve` runs this when no Slack credentials are set. The bot is exactly the
production bot: it receives signed requests on `/slack/events` and calls the Web API at
`/api/…`, which the emulator answers.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from aiohttp import web

from bot.clock import OffsetClock
from bot.runtime import Bot, build_bot
from bot.settings import Settings
from playground import people
from playground.emulator import SlackEmulator, SlackUserClient
from playground.emulator.webapi import add_routes


@dataclass
class Playground:
    emulator: SlackEmulator
    bot: Bot
    slack: SlackUserClient
    clock: OffsetClock
    url: str


def build_playground(settings: Settings, host: str, port: int) -> Playground:
    url = f"http://{host}:{port}"
    emulator = SlackEmulator()
    emulator.base_url = url
    people.populate(emulator)
    secret = secrets.token_hex(16)
    bot_settings = settings.model_copy(
        update={
            "slack_bot_token": emulator.bot_token,
            "slack_signing_secret": secret,
            "slack_api_url": f"{url}/api/",
        }
    )
    clock = OffsetClock()
    bot = build_bot(bot_settings, clock=clock)
    add_routes(bot.web, emulator)
    slack = SlackUserClient(emulator, f"{url}/slack/events", secret)
    return Playground(emulator=emulator, bot=bot, slack=slack, clock=clock, url=url)


async def run_playground(settings: Settings, host: str) -> None:
    playground = build_playground(settings, host, settings.port)
    runner = web.AppRunner(playground.bot.web, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, settings.port).start()
    await playground.bot.start()
    print(f"Campaign Guard playground (emulated Slack workspace) at {playground.url}/", flush=True)
    print(f"  bot endpoint {playground.url}/slack/events · Web API {playground.url}/api/", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await playground.bot.close()
