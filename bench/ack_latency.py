"""Ack latency of the bot: signed slash commands and button clicks over real HTTP on loopback.

    .venv/bin/python bench/ack_latency.py [--requests 500]

Measures the time from sending a signed request to `/slack/events` until the ack response is
read, for: `/campaign lsit` (a mistyped subcommand, answered in the ack with the closest one) and
`/campaign list` (ack, then a query and a response_url post in the background; `/campaign help`
too, since it shows each person what they may run). For comparison it measures a bare Bolt AsyncApp with its
default runner (which polls for the ack every 10 ms). Prints p50 / p95 / p99 / max in
milliseconds. A measurement, not a test.

Set-up, as in a real workspace: the workspace admin makes the manager a campaign creator
(`/campaign creators add`), then she creates the campaign `/campaign list` lists.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.clock import FakeClock
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.migrate import upgrade_async
from storage.models import Campaign


def _signed(secret: str, body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def _command(text: str, user: str, response_url: str = "http://127.0.0.1:9/unused") -> str:
    return urlencode(
        {
            "token": "x",
            "team_id": "T0CAMPAIGN",
            "team_domain": "cg",
            "channel_id": "D1",
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": "maya",
            "command": "/campaign",
            "text": text,
            "api_app_id": "A0CG",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


async def _measure(
    url: str,
    secret: str,
    body: str,
    n: int,
    content_type: str = "application/x-www-form-urlencoded",
    settle=None,
) -> list[float]:
    samples = []
    async with aiohttp.ClientSession() as http:
        for _ in range(n):
            headers = _signed(secret, body, content_type)
            start = time.perf_counter()
            async with http.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            samples.append((time.perf_counter() - start) * 1000)
            if settle:
                await settle()
    return samples


def _report(name: str, samples: list[float]) -> None:
    q = statistics.quantiles(samples, n=100)
    print(
        f"{name:<44} n={len(samples):<5} p50={q[49]:6.2f} ms  p95={q[94]:6.2f} ms  p99={q[98]:6.2f} ms  "
        f"max={max(samples):6.2f} ms"
    )


async def _bare_bolt(n: int) -> list[float]:
    secret = "bench-secret"

    async def authorize(enterprise_id, team_id):
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench", bot_user_id="UB"
        )

    app = AsyncApp(signing_secret=secret, authorize=authorize)

    @app.command("/campaign")
    async def handler(ack):
        await ack(text="ok")

    async def events(request):
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        return await _measure(f"http://127.0.0.1:{port}/slack/events", secret, _command("help", "U1"), n)
    finally:
        await runner.cleanup()


async def main(n: int) -> None:
    directory = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
    await upgrade_async(url)
    emulator = SlackEmulator()
    people.populate(emulator)
    clock = FakeClock(datetime(2027, 3, 1, 14, tzinfo=UTC))
    async with running_stack(emulator, database_url=url, clock=clock) as stack:
        secret = stack.slack._verifier.signing_secret
        events = f"{stack.bot_url}/slack/events"
        # a campaign to list, so /campaign list runs its real query: as in a real workspace, the
        # admin first makes the manager a campaign creator, then she creates it
        stack.slack.after_request = stack.settle
        manager = people.MANAGER.user_id
        await stack.slack.command(people.ADMIN.user_id, "/campaign", f"creators add <@{manager}|maya>")
        await stack.slack.command(manager, "/campaign", "new")
        views = emulator.open_views(manager)
        if not views:
            said = [m.text for m in emulator.ephemerals(manager)][-1:]
            raise SystemExit(f"set-up failed: no campaign form for the manager; the bot said {said}")
        view = views[-1]
        await stack.slack.submit_view(
            manager,
            view.id,
            {
                "name": {"name": "Bench"},
                "slug": {"slug": "bench"},
                "brand": {"brand": "Acme"},
                "start_date": {"start_date": "2027-03-01"},
                "end_date": {"end_date": "2027-04-01"},
            },
        )
        async with stack.bot.services.db.transaction() as session:
            if not (await session.exec(select(func.count()).select_from(Campaign))).one()[0]:
                raise SystemExit("set-up failed: the campaign was not created")
        print(f"Ack latency over loopback HTTP, {n} sequential requests each (SQLite, emulator as Slack)\n")
        dm = emulator.dm_channel(manager).id
        respond_to = emulator.issue_response_url(dm, manager)  # the bot accepts only Slack's
        _report(
            "/campaign lsit (answered in the ack)",
            await _measure(events, secret, _command("lsit", "U0MANAGER", respond_to), n),
        )
        _report(
            "/campaign list (ack, then query + respond)",
            await _measure(events, secret, _command("list", "U0MANAGER", respond_to), n, settle=stack.settle),
        )
    _report("bare Bolt AsyncApp, default runner", await _bare_bolt(n))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    asyncio.run(main(parser.parse_args().requests))
