"""`campaign-guard` (or `python -m bot`): serve, migrate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("campaign_guard")


def _migrate(settings: Settings) -> None:
    from storage.migrate import upgrade

    print(f"Migrating {_redact(settings.database_url)} …", flush=True)
    upgrade(settings.database_url)
    print("Database is at the newest schema.", flush=True)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def _serve(settings: Settings, host: str) -> None:
    from aiohttp import web

    if settings.playground:
        from playground.app import run_playground

        await run_playground(settings, host)
        return
    from bot.runtime import build_bot

    bot = build_bot(settings)
    await bot.start()
    runner = web.AppRunner(bot.web)
    await runner.setup()
    await web.TCPSite(runner, host, settings.port).start()
    print(f"Campaign Guard listening on http://{host}:{settings.port}/slack/events", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await bot.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="campaign-guard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot (the playground when no Slack credentials are set)")
    serve.add_argument("--host", default="127.0.0.1")
    sub.add_parser("migrate", help="bring the database to the newest schema")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"campaign-guard: {exc}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        _migrate(settings)
        return 0
    _migrate(settings)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings, args.host))
    return 0
