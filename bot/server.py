"""The aiohttp server: `POST /slack/events` for everything Slack sends, `GET /healthz`."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.services import Services

SERVICES = web.AppKey("services", Services)
BOLT = web.AppKey("bolt", AsyncApp)


async def slack_events(request: web.Request) -> web.Response:
    bolt_response = await request.app[BOLT].async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def healthz(request: web.Request) -> web.Response:
    if await request.app[SERVICES].db.ping():
        return web.json_response({"ok": True, "database": "up"})
    return web.json_response({"ok": False, "database": "down"}, status=503)


def create_web_app(svc: Services, bolt: AsyncApp) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[SERVICES] = svc
    app[BOLT] = bolt
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)

    async def finish_work(_app: web.Application) -> None:
        await svc.background.drain(timeout=10)

    app.on_shutdown.append(finish_work)
    return app
