"""The HTTP surface: signatures, stale requests, health, and the ack coming before any work."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from bot.runtime import build_bot
from bot.settings import Settings
from storage.models import Campaign
from tests.databases import _admin
from tests.e2e.harness import MANAGER, World


async def test_unsigned_and_stale_requests_are_refused_and_write_nothing(world: World):
    view = await world.open_new_campaign()
    before = await world.row_counts()
    calls = len(world.emulator.calls)
    values = {
        "name": {"name": "x"},
        "slug": {"slug": "forged"},
        "brand": {"brand": "b"},
        "start_date": {"start_date": "2027-03-01"},
        "end_date": {"end_date": "2027-03-02"},
    }

    unsigned = await world.slack.with_signature(signed=False).submit_view(MANAGER, view.id, values)
    assert unsigned.status == 401
    stale = await world.slack.with_signature(timestamp=int(time.time()) - 6 * 60).submit_view(
        MANAGER, view.id, values
    )
    assert stale.status == 401
    command = await world.slack.with_signature(signed=False).command(MANAGER, "/campaign", "list")
    assert command.status == 401

    assert await world.row_counts() == before
    assert len(world.emulator.calls) == calls  # and no Web API call either
    assert await world.count(Campaign) == 0


async def test_healthz_with_the_database_up(world: World):
    async with aiohttp.ClientSession() as http, http.get(f"{world.stack.bot_url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True, "database": "up"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite:///file:/nonexistent-dir/cg.db?mode=ro&uri=true",
        "postgresql+asyncpg://postgres@127.0.0.1:1/nothing",
    ],
)
async def test_healthz_when_the_database_never_answered(url):
    bot = build_bot(
        Settings(slack_bot_token="xoxb-x", slack_signing_secret="s", database_url=url, _env_file=None)
    )
    async with TestClient(TestServer(bot.web)) as client:
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"ok": False, "database": "down"}
    await bot.close()


def _replace_with_directory(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    path.mkdir()


async def test_healthz_goes_down_when_the_database_does(world: World, database_url):
    """The database disappears under the running bot: dropped (PostgreSQL), or its file replaced by a
    directory SQLite cannot open."""
    await world.db.engine.dispose()
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        await _admin(database_url, f"DROP DATABASE {url.database} WITH (FORCE)")
    else:
        await asyncio.to_thread(_replace_with_directory, Path(url.database))
    async with aiohttp.ClientSession() as http, http.get(f"{world.stack.bot_url}/healthz") as response:
        assert response.status == 503


async def test_web_api_rate_limits_and_server_errors_are_retried(world: World):
    """The bot's client honours Retry-After on 429 and retries a 5xx (slack_sdk's retry handlers)."""
    from tests.e2e.harness import IVY

    await world.new_campaign()
    world.emulator.inject_failure("conversations.create", status=429, retry_after=1)
    world.emulator.inject_failure("chat.postMessage", status=503)
    said = await world.invite(IVY)
    assert said.startswith(f":handshake: <@{IVY}> was invited to `spring`")
    assert len(world.emulator.calls_to("conversations.create")) == 2  # refused once, then retried


async def test_uninstall_then_reinstall(world: World):
    """`app_uninstalled` marks the workspace inactive once its token no longer works (an event
    whose token still works changes nothing); a (re)started bot with a working token marks it
    active again."""
    from storage.models import Workspace
    from tests.e2e.harness import uninstall

    async def active() -> bool:
        async with world.db.transaction() as s:
            return (await s.get(Workspace, world.emulator.team_id)).active

    assert await active()
    await uninstall(world, revoke=False)  # signed, but the bot's token still works: not Slack's word
    assert await active()
    await uninstall(world)  # the token stops working, and Slack says so
    assert not await active()
    world.emulator.app.add_token(world.emulator.bot_token, world.emulator.team_id)  # installed again
    await world.stack.bot.start()
    assert await active()
