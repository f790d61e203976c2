"""Operations: `/metrics`, `/readyz`, `LOG_FORMAT=json`, and stopping on SIGTERM with work in
flight (a real `campaign-guard serve` process against the emulator)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import socket
import sys
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text

from bot.ids import Field
from bot.log_format import ContextFilter, JsonFormatter, TextContextFormatter
from bot.operations import METRICS_OPEN, READINESS, _metrics_refusal
from playground import people
from playground.emulator import SlackEmulator, SlackUserClient, serve_emulator
from playground.stack import METRICS_TOKEN
from storage.db import Database
from storage.models import Campaign, Reminder
from storage.queries import reminders as q
from tests.e2e.harness import ADMIN, IVY, MANAGER, World, card_of, report, set_up_team

ROOT = Path(__file__).resolve().parents[2]


async def scrape(world: World) -> str:
    world.stack.bot.services.metrics._db_read_at = 0.0  # the database gauges: read afresh
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{world.stack.bot_url}/metrics", headers=bearer) as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        return await response.text()


async def test_metrics_are_for_the_token_bearer_only(world: World):
    """`serve`'s port faces the internet: counts of incidents and of Slack calls are the operator's."""
    url = f"{world.stack.bot_url}/metrics"
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer wrong-token-of-the-right-len"}, {"Authorization": "x"}):
            async with http.get(url, headers=headers) as response:
                assert response.status == 401, headers
                assert response.headers["WWW-Authenticate"] == "Bearer"
                assert "campaign_guard" not in await response.text()
    assert "campaign_guard_requests_total" in await scrape(world)


def test_serve_without_a_token_serves_no_metrics():
    app = web.Application()
    refused = _metrics_refusal(make_mocked_request("GET", "/metrics", app=app), None)
    assert refused is not None and refused.status == 403
    app = web.Application()
    app[METRICS_OPEN] = True  # a dispatcher's own --metrics-port
    assert _metrics_refusal(make_mocked_request("GET", "/metrics", app=app), None) is None


def sample(exposition: str, name: str, **labels: str) -> float:
    """The value of one sample (`name{labels}`), 0 when absent."""
    for family in text_string_to_metric_families(exposition):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


def calls(metrics: str, method: str, outcome: str) -> float:
    return sample(metrics, "campaign_guard_slack_api_calls_total", method=method, outcome=outcome)


async def eventually(condition, timeout: float = 10.0, every: float = 0.01) -> None:
    """Real time: waiting for the other side of a socket (another process, a hanging request)."""
    async with asyncio.timeout(timeout):
        while not await condition():  # noqa: ASYNC110 (a condition across a socket has no event)
            await asyncio.sleep(every)


async def test_metrics_count_requests_web_api_calls_reminders_and_incidents(world: World):
    channel = await set_up_team(world)
    await report(world)
    await world.slack.post_message(IVY, channel, "On it", thread_ts=card_of(world, channel).ts)
    metrics = await scrape(world)

    for listener in ("command", "action", "view_submission", "event"):
        assert sample(metrics, "campaign_guard_requests_total", listener=listener) >= 1, listener
        assert sample(metrics, "campaign_guard_ack_seconds_count", listener=listener) >= 1
    assert sample(metrics, "campaign_guard_ack_seconds_bucket", listener="command", le="3.0") == sample(
        metrics, "campaign_guard_requests_total", listener="command"
    )
    assert (
        sample(metrics, "campaign_guard_slack_api_calls_total", method="chat.postMessage", outcome="ok") >= 2
    )
    assert sample(metrics, "campaign_guard_slack_api_calls_total", method="views.open", outcome="ok") >= 1
    assert sample(metrics, "campaign_guard_incidents", status="reported") == 1
    assert sample(metrics, "campaign_guard_incidents", status="resolved") == 0  # open statuses only
    pending = sample(metrics, "campaign_guard_reminders", state="pending")
    assert pending >= 1 and sample(metrics, "campaign_guard_reminders_due") == 0

    # eight days later, nothing dispatched yet: a backlog, and how late its oldest row is
    world.clock.advance(timedelta(days=8))
    metrics = await scrape(world)
    due = sample(metrics, "campaign_guard_reminders_due")
    assert due >= 1 and sample(metrics, "campaign_guard_reminder_oldest_due_seconds") > 3600

    # a dispatcher claimed them and has not recorded anything yet
    async with world.db.transaction() as s:
        claimed = await q.claim(s, world.clock.now(), "worker-elsewhere", timedelta(minutes=2), 100)
    assert sample(await scrape(world), "campaign_guard_reminders_claimed_unsent") == len(claimed) == due
    async with world.db.transaction() as s:
        await q.release(s, "worker-elsewhere", world.clock.now())

    # Slack says slow down to the dispatcher: counted as ratelimited, the reminder waits
    world.emulator.inject_failure("chat.postMessage", status=429, retry_after=30)
    done = await world.stack.bot.dispatcher.tick()
    metrics = await scrape(world)
    assert (
        sample(
            metrics, "campaign_guard_slack_api_calls_total", method="chat.postMessage", outcome="ratelimited"
        )
        == 1
    )
    assert sample(metrics, "campaign_guard_reminders_processed_total", outcome="retried") == done.retried >= 1


async def test_readyz_checks_the_database_migrations_and_the_token(world: World):
    url = f"{world.stack.bot_url}/readyz"
    readiness = world.stack.bot.web[READINESS]

    async def ready() -> tuple[int, dict]:
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            return response.status, await response.json()

    assert await ready() == (200, {"ok": True})
    calls = len(world.emulator.calls_to("auth.test"))
    assert await ready() == (200, {"ok": True})
    assert len(world.emulator.calls_to("auth.test")) == calls  # the token's answer is cached

    async with world.db.transaction() as s:
        head = (await s.exec(text("SELECT version_num FROM alembic_version"))).scalar_one()
        await s.exec(text("UPDATE alembic_version SET version_num = '0003'"))
    status, body = await ready()
    assert status == 503 and body["migrations"].startswith("0003 (code expects")
    async with world.db.transaction() as s:
        await s.exec(text(f"UPDATE alembic_version SET version_num = '{head}'"))

    world.emulator.uninstall()  # the token stops working; the cached answer holds for a minute
    assert (await ready())[0] == 200
    readiness._token_checked = -1e9  # a minute later
    status, body = await ready()
    assert status == 503 and body["slack"] == "token refused: token_revoked"


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield handler, stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_json_logs_one_object_per_line_with_team_listener_and_correlation_id(
    world: World, captured_logs
):
    handler, stream = captured_logs
    handler.setFormatter(JsonFormatter())
    await world.run(MANAGER, "/breach show BR-99")  # refused after the ack, logged in the request
    try:
        raise RuntimeError("boom\nsecond line")
    except RuntimeError:
        logging.getLogger("campaign_guard.test").exception("outside any request")

    lines = [line for line in stream.getvalue().splitlines() if line]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    refused = next(r for r in records if r["message"].startswith("refused:"))
    assert refused["team"] == world.emulator.team_id
    assert refused["listener"] == "command"
    assert re.fullmatch(r"[0-9a-f]{12}", refused["correlation_id"])
    assert {"time", "level", "logger"} <= refused.keys()
    outside = records[-1]
    assert outside["correlation_id"] is None and "RuntimeError: boom" in outside["exc_info"]


async def test_text_logs_carry_the_request_context(world: World, captured_logs):
    handler, stream = captured_logs
    handler.setFormatter(TextContextFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s")))
    await world.run(MANAGER, "/breach show BR-99")
    line = next(li for li in stream.getvalue().splitlines() if "refused:" in li)
    assert re.search(rf"\[team={world.emulator.team_id} listener=command id=[0-9a-f]{{12}}\]$", line)


async def test_stopping_the_dispatcher_gives_back_the_reminders_it_claimed(world: World):
    channel = await set_up_team(world)
    await report(world)
    world.clock.advance(timedelta(hours=36))
    dispatcher = world.stack.bot.dispatcher
    world.emulator.inject_delay("chat.postMessage", 30, times=50)  # Slack hangs
    posted = len(world.emulator.calls_to("chat.postMessage"))
    ticking = asyncio.ensure_future(dispatcher.tick())
    await eventually(lambda: _true(len(world.emulator.calls_to("chat.postMessage")) > posted))
    async with world.db.transaction() as s:
        leased = (await s.exec(select(Reminder.id).where(Reminder.leased_by == dispatcher.name))).all()
    assert leased

    started = time.monotonic()
    await dispatcher.stop(timeout=0.2)
    assert time.monotonic() - started < 5
    await ticking
    async with world.db.transaction() as s:
        rows = (await s.exec(select(Reminder).where(Reminder.id.in_([r[0] for r in leased])))).scalars().all()
    assert all(r.status == "pending" and r.leased_by is None and r.lease_until is None for r in rows)

    world.emulator.clear_faults()  # another dispatcher sends them at once, not after the lease
    done = await dispatcher.tick()
    assert done.sent >= len(rows)
    assert channel


# ------------------------------------------------------------------------------------------------
# SIGTERM on a real process


async def _true(value: object) -> bool:
    return bool(value)


async def _is(pending, expected: object) -> bool:
    return await pending == expected


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _get(url: str) -> int | None:
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as r,
        ):
            return r.status
    except (aiohttp.ClientError, TimeoutError):
        return None


async def test_sigterm_finishes_the_request_in_flight_and_exits_0(database_url, tmp_path):
    emulator = SlackEmulator()
    people.populate(emulator)
    secret = "s" * 32
    async with serve_emulator(emulator):
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKEN_", "ADMIN_"))}
        env.update(
            SLACK_BOT_TOKEN=emulator.bot_token,
            SLACK_SIGNING_SECRET=secret,
            SLACK_API_URL=emulator.api_url,
            DATABASE_URL=database_url,
            PORT=str(port),
            LOG_FORMAT="json",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--tick", "3600",
            cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            await eventually(lambda: _is(_get(f"{base}/readyz"), 200), timeout=60, every=0.1)
            slack = SlackUserClient(emulator, f"{base}/slack/events", secret, timeout=30)
            await slack.command(ADMIN, "/campaign", "new")
            await eventually(lambda: _true(emulator.open_views(ADMIN)))
            view = emulator.open_views(ADMIN)[-1]

            # the submission waits on Slack before its ack (the escalation channel is checked)
            legal = emulator.channel_by_name("legal")
            legal.members.add(emulator.bot_user.id)
            emulator.inject_delay("conversations.info", 3.0)
            submitted = asyncio.ensure_future(
                slack.submit_view(
                    ADMIN,
                    view.id,
                    {
                        field: {field: value}
                        for field, value in (
                            (Field.NAME, "Autumn"),
                            (Field.SLUG, "autumn"),
                            (Field.BRAND, "Acme"),
                            (Field.START, "2027-03-01"),
                            (Field.END, "2027-05-31"),
                            (Field.MARKET, "US"),
                            (Field.ESCALATION_CHANNEL, legal.id),
                        )
                    },
                )
            )
            await eventually(lambda: _true(emulator.calls_to("conversations.info")))
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.5)
            assert await _get(f"{base}/healthz") is None  # no new requests are taken

            reply = await submitted  # the request in flight is answered
            assert reply.ok and not reply.body
            returncode = await asyncio.wait_for(process.wait(), timeout=25)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        stderr = (await process.stderr.read()).decode()
        assert returncode == 0, stderr[-2000:]

    db = Database(database_url)
    try:
        async with db.transaction() as s:
            assert (await s.exec(select(Campaign.slug))).scalars().all() == ["autumn"]
    finally:
        await db.dispose()
    # its announcement (after the ack) went out before the process exited
    assert any(c.method == "chat.postMessage" for c in emulator.calls)
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    keys = {"time", "level", "logger", "message", "team", "listener", "correlation_id"}
    assert records and all(keys <= r.keys() for r in records)
    assert any(r["message"].startswith("SIGTERM received") for r in records)


async def test_a_dispatcher_replica_serves_metrics_and_stops_on_sigterm(database_url, tmp_path):
    emulator = SlackEmulator()
    async with serve_emulator(emulator):
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKEN_", "ADMIN_"))}
        env.update(
            SLACK_BOT_TOKEN=emulator.bot_token,
            SLACK_SIGNING_SECRET="s" * 32,
            SLACK_API_URL=emulator.api_url,
            DATABASE_URL=database_url,
            PYTHONPATH=str(ROOT),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "scheduler", "--tick", "3600", "--metrics-port", str(port),
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            await eventually(lambda: _is(_get(f"{base}/readyz"), 200), timeout=60, every=0.1)
            async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as response:
                metrics = await response.text()
            assert sample(metrics, "campaign_guard_reminders", state="pending") == 0
            assert "campaign_guard_reminders_processed_total" in metrics
            process.send_signal(signal.SIGTERM)
            returncode = await asyncio.wait_for(process.wait(), timeout=25)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert returncode == 0, (await process.stderr.read()).decode()[-2000:]
