"""`serve` at start-up: Slack out of reach is retried with backoff while `/readyz` says not ready;
only a token Slack refuses stops it, with a message that says what to fix."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.runtime import InvalidToken, build_bot
from bot.settings import Settings
from playground import people
from playground.emulator import SlackEmulator, serve_emulator
from tests.e2e.conftest import START


@pytest.fixture
async def emulator():
    emulator = SlackEmulator()
    people.populate(emulator)
    async with serve_emulator(emulator):
        yield emulator


@pytest.fixture
async def bot(emulator, database_url):
    from bot.clock import FakeClock

    settings = Settings(
        slack_bot_token=emulator.bot_token,
        slack_signing_secret="s" * 32,
        slack_api_url=emulator.api_url,
        database_url=database_url,
        _env_file=None,
    )
    bot = build_bot(settings, clock=FakeClock(START), tick_seconds=None)
    runner = web.AppRunner(bot.web, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    bot.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield bot
    finally:
        await runner.cleanup()
        await bot.close()


async def _status(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.json()


async def test_slack_unreachable_at_start_is_retried_with_backoff_while_not_ready(bot, emulator):
    emulator.inject_failure("auth.test", error="service_unavailable", times=4)
    waits: list[float] = []
    seen: list[int] = []

    async def sleep(seconds: float) -> None:  # instead of waiting: record, and ask /readyz meanwhile
        waits.append(seconds)
        seen.append((await _status(f"{bot.url}/readyz"))[0])

    assert (await _status(f"{bot.url}/readyz"))[0] == 503
    assert (await _status(f"{bot.url}/healthz"))[0] == 200  # alive, just not ready
    await bot.start(sleep=sleep, max_delay=4)
    # exponential, capped (the readiness probe asks auth.test too, so it may use up a failure)
    assert len(waits) >= 2 and waits == [min(2**k, 4) for k in range(len(waits))]
    assert set(seen) == {503}
    assert await _status(f"{bot.url}/readyz") == (200, {"ok": True})
    assert bot.services.bot_user_id == emulator.bot_user.id


async def test_a_refused_token_stops_start_up_with_a_clear_message(bot, emulator):
    emulator.inject_failure("auth.test", error="invalid_auth")

    async def sleep(seconds: float) -> None:
        raise AssertionError("a refused token is not retried")

    with pytest.raises(InvalidToken) as refused:
        await bot.start(sleep=sleep)
    assert "SLACK_BOT_TOKEN" in str(refused.value) and "invalid_auth" in str(refused.value)
    assert (await _status(f"{bot.url}/readyz"))[0] == 503
