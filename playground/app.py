"""The playground: the real bot and an emulated Slack workspace on one port, no Slack app needed.

`campaign-guard serve` runs this when no Slack credentials are set. The bot is exactly the
production bot: it receives signed requests on `/slack/events` and calls the Web API at
`/api/…`, which the emulator answers. The browser UI is at `/` (playground/web.py).
"""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from bot.clock import OffsetClock
from bot.runtime import Bot, build_bot
from bot.settings import Settings
from playground import people, snapshot
from playground.emulator import SlackEmulator, SlackUserClient
from playground.emulator.webapi import add_routes
from playground.web import PlaygroundWeb
from playground.web import add_routes as add_web_routes


@dataclass
class Playground:
    emulator: SlackEmulator
    bot: Bot
    slack: SlackUserClient
    clock: OffsetClock
    url: str
    web: PlaygroundWeb | None = None
    snapshot_path: Path | None = None
    _save_pending: bool = field(default=False, repr=False)

    async def settle(self) -> None:
        await self.bot.services.background.drain(timeout=30)

    def save_soon(self) -> None:
        """Save the workspace shortly after a burst of changes (and once more at shutdown)."""
        if self.snapshot_path is None or self._save_pending:
            return
        self._save_pending = True

        def save() -> None:
            self._save_pending = False
            self.save()

        asyncio.get_running_loop().call_later(0.5, save)

    def save(self) -> None:
        if self.snapshot_path is not None:
            snapshot.save(self.emulator.workspace, self.snapshot_path)


def build_playground(settings: Settings, host: str, port: int, *, persist: bool = False) -> Playground:
    url = f"http://{host}:{port}"
    clock = OffsetClock()
    # message timestamps follow the playground's clock, so "advance 1 day" reads as a day later
    emulator = SlackEmulator(wall_clock=lambda: clock.now().timestamp())
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
    bot = build_bot(bot_settings, clock=clock)
    add_routes(bot.web, emulator)
    slack = SlackUserClient(
        emulator,
        f"{url}/slack/events",
        secret,
        after_request=lambda: bot.services.background.drain(timeout=30),
    )
    playground = Playground(emulator=emulator, bot=bot, slack=slack, clock=clock, url=url)
    playground.web = add_web_routes(bot.web, playground)
    if persist:
        playground.snapshot_path = snapshot.snapshot_path(settings.database_url)
        playground.web.on_change.append(playground.save_soon)
    return playground


def say(line: str) -> None:
    print(line, flush=True)


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


async def start_playground(
    settings: Settings,
    host: str,
    port: int,
    *,
    persist: bool = True,
    seed_if_empty: bool = True,
    progress: Callable[[str], None] = say,
) -> tuple[Playground, web.AppRunner]:
    """Serve the playground on `host:port` (0: any free port) and seed a fresh database."""
    from playground.seed import has_campaign, seed

    port = port or free_port(host)
    progress("Starting the bot and the emulated Slack workspace …")
    playground = build_playground(settings, host, port, persist=persist)
    runner = web.AppRunner(playground.bot.web, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    await playground.bot.start()
    seeded = await has_campaign(playground)
    path = playground.snapshot_path
    if seeded and path is not None:
        if snapshot.load(playground.emulator.workspace, path):
            progress(f"Restored the workspace from {path}")
        else:
            progress(
                "The database has campaigns but the emulated workspace was not saved; channels start empty. "
                "Delete the database for a fresh demo."
            )
    if not seeded and seed_if_empty:
        progress("Fresh database: seeding the demo story through the bot …")
        await seed(playground, progress=progress)
        playground.save()
        progress("Demo seeded.")
    return playground, runner


async def run_playground(settings: Settings, host: str) -> None:
    playground, runner = await start_playground(settings, host, settings.port)
    print(f"  bot endpoint {playground.url}/slack/events · Web API {playground.url}/api/", flush=True)
    print(f"\nCampaign Guard playground is ready: open {playground.url}/\n", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        playground.save()
        await runner.cleanup()
        await playground.bot.close()


async def demo_seed(settings: Settings, host: str = "127.0.0.1") -> int:
    """`campaign-guard demo-seed`: seed the playground database (if it has no campaign yet)."""
    from playground.seed import has_campaign

    playground, runner = await start_playground(settings, host, 0, seed_if_empty=False)
    try:
        if await has_campaign(playground):
            print("The database already has campaigns; nothing to seed.", flush=True)
            return 0
        from playground.seed import seed

        print("Seeding the demo story through the bot …", flush=True)
        await seed(playground)
        playground.save()
        print(f"Demo seeded; the workspace is saved at {playground.snapshot_path}.", flush=True)
        return 0
    finally:
        await runner.cleanup()
        await playground.bot.close()
