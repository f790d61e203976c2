"""`campaign-guard` (or `python -m bot`): serve, migrate, scheduler, and administrators' commands
(bot/admin_commands.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from bot import admin_commands, lifecycle, log_format, logs
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("campaign_guard")
DEFAULT_TICK = 5.0  # = scheduler.dispatcher.DEFAULT_TICK_SECONDS (not imported: keeps `--help` light)


def _migrate(settings: Settings) -> None:
    from storage.migrate import upgrade

    print(f"Migrating {_redact(settings.database_url)} …", flush=True)
    upgrade(settings.database_url)
    print("Database is at the newest schema.", flush=True)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def _scheduler(
    settings: Settings, tick: float, metrics_port: int | None = None, host: str = "127.0.0.1"
) -> None:
    """The reminder dispatcher alone: any number may run against one PostgreSQL. With
    `--metrics-port` it also serves `/metrics`, `/healthz` and `/readyz` (bot/operations.py)."""
    from aiohttp import web

    from bot.operations import operations_app
    from bot.runtime import build_bot

    stop = lifecycle.stop_on_signals()
    bot = build_bot(settings, tick_seconds=tick)
    runner = None
    if metrics_port:
        runner = web.AppRunner(operations_app(bot.services), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, metrics_port).start()
    lifecycle.settle(classifier=False)
    bot.dispatcher.start()
    bot.services.ready = True
    print(f"Campaign Guard reminder dispatcher ticking every {tick:g} s", flush=True)
    try:
        await stop.wait()
    finally:  # bot/lifecycle.py: the batch in progress finishes (or is cut at 10 s), leases back
        bot.services.ready = False
        if runner is not None:
            await runner.cleanup()
        await bot.close()
        print("Reminder dispatcher stopped.", flush=True)


async def _serve(settings: Settings, host: str, tick: float | None = DEFAULT_TICK) -> None:
    from aiohttp import web

    if settings.playground:
        from playground.app import run_playground

        await run_playground(settings, host)
        return
    from bot.runtime import build_bot

    stop = lifecycle.stop_on_signals()
    bot = build_bot(settings, tick_seconds=tick)
    lifecycle.settle(classifier=True)
    # HTTP first: /healthz answers and /readyz says "not ready" while Slack is being reached
    runner = web.AppRunner(bot.web, shutdown_timeout=lifecycle.DRAIN_SECONDS)
    await runner.setup()
    await web.TCPSite(runner, host, settings.port).start()
    socket_mode = None
    try:
        # retries while Slack is out of reach; a refused token raises InvalidToken
        if not await lifecycle.started(stop, bot.start()):
            return
        if settings.slack_app_token:
            # Socket Mode: Slack pushes requests over a websocket; /healthz stays on HTTP.
            from bot.socket_mode import socket_mode_handler

            socket_mode = socket_mode_handler(bot.bolt, settings)
            await socket_mode.connect_async()
            print(f"Campaign Guard connected in Socket Mode; health on http://{host}:{settings.port}/healthz")
        else:
            print(f"Campaign Guard listening on http://{host}:{settings.port}/slack/events", flush=True)
        await stop.wait()
    finally:  # bot/lifecycle.py: not ready, no new requests, in-flight work finishes, leases back
        bot.services.ready = False
        if socket_mode is not None:
            await socket_mode.close_async()
        await runner.cleanup()
        await bot.close()
        print("Campaign Guard stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="campaign-guard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot (the playground when no Slack credentials are set)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--tick", type=float, default=DEFAULT_TICK, help="reminder dispatch interval, seconds")
    serve.add_argument(
        "--no-dispatcher", action="store_true", help="serve Slack only; `scheduler` replicas send reminders"
    )
    scheduler = sub.add_parser("scheduler", help="run only the reminder dispatcher (no HTTP server)")
    scheduler.add_argument("--tick", type=float, default=DEFAULT_TICK, help="dispatch interval, seconds")
    scheduler.add_argument("--metrics-port", type=int, help="serve /metrics, /healthz, /readyz on this port")
    scheduler.add_argument("--host", default="127.0.0.1", help="where --metrics-port listens")
    sub.add_parser("migrate", help="bring the database to the newest schema")
    sub.add_parser("demo-seed", help="seed the playground's demo story through the bot (fresh database)")
    admin_commands.add_parsers(sub)
    args = parser.parse_args(argv)
    if args.command in admin_commands.NO_SETTINGS:
        return admin_commands.run_without_settings(args)
    logs.configure(logging.INFO)  # one line per record, no credentials, no request bodies

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"campaign-guard: {exc}", file=sys.stderr)
        return 2
    log_format.configure(settings.log_format)
    if args.command == "migrate":
        _migrate(settings)
        return 0
    _migrate(settings)
    if args.command in admin_commands.COMMANDS:
        return admin_commands.run(args, settings)
    if args.command == "demo-seed":
        from playground.app import demo_seed

        return asyncio.run(demo_seed(settings))
    if args.tick <= 0:
        print("campaign-guard: --tick must be positive", file=sys.stderr)
        return 2
    from bot.runtime import InvalidToken

    with contextlib.suppress(KeyboardInterrupt):
        try:
            if args.command == "scheduler":
                asyncio.run(_scheduler(settings, args.tick, args.metrics_port, args.host))
            else:
                asyncio.run(_serve(settings, args.host, None if args.no_dispatcher else args.tick))
        except InvalidToken as exc:
            print(f"campaign-guard: {exc}", file=sys.stderr)
            return 1
    return 0
