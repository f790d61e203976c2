"""HTTP layer: aiohttp routes for `/api/{method}`, `/response_url/{id}` and `/upload/{file_id}`.

Each Web API call is recorded, may be delayed or failed by injected faults, is authenticated
with the bot token, checked against the OpenAPI spec and then dispatched to methods.REGISTRY.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp import web

from .args import Args, read_request_args
from .methods import REGISTRY, ApiContext
from .responses import apply_response
from .state import SlackError

if TYPE_CHECKING:
    from .emulator import SlackEmulator

log = logging.getLogger(__name__)
EMULATOR_KEY: web.AppKey[SlackEmulator] = web.AppKey("slack_emulator")


class ApiCall(NamedTuple):
    method: str
    args: dict[str, Any]


def add_routes(app: web.Application, emulator: SlackEmulator) -> None:
    app[EMULATOR_KEY] = emulator
    app.router.add_route("*", "/api/{method}", handle_api)
    app.router.add_post("/response_url/{id}", handle_response_url)
    app.router.add_post("/upload/{file_id}", handle_upload)


def _slack_json(
    body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(body, status=status, headers=headers)


def _error_response(error: SlackError) -> web.Response:
    return _slack_json({"ok": False, "error": error.error, **error.extra}, status=error.status)


async def _injected_fault(emulator: SlackEmulator, name: str) -> web.Response | None:
    await emulator.faults.apply_delay(name)
    failure = emulator.faults.take_failure(name)
    if failure is None:
        return None
    return _slack_json(failure.body(), status=failure.status, headers=failure.headers())


async def handle_api(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    method = request.match_info["method"]
    values, token = await read_request_args(request)
    emulator.calls.append(ApiCall(method, values))
    log.debug("%s %s", method, values)
    fault = await _injected_fault(emulator, method)
    if fault is not None:
        return fault
    try:
        return _slack_json({"ok": True, **_dispatch(emulator, method, values, token)})
    except SlackError as error:
        return _error_response(error)


def _dispatch(emulator: SlackEmulator, method: str, values: dict[str, Any], token: str | None) -> dict:
    handler = REGISTRY.get(method)
    if handler is None:
        raise SlackError("unknown_method")
    if token != emulator.bot_token:
        raise SlackError("invalid_auth")
    if emulator.spec is not None:
        problems = emulator.spec.check(method, values)
        if problems:
            raise SlackError("invalid_arguments", response_metadata={"messages": problems})
    context = ApiContext(emulator.workspace, emulator.base_url or "")
    return handler(context, Args(values))


async def handle_response_url(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    fault = await _injected_fault(emulator, "response_url")
    if fault is not None:
        return fault
    target = emulator.workspace.response_urls.get(request.match_info["id"])
    if target is None:
        return _error_response(SlackError("expired_url", status=404))
    try:
        body = json.loads(await request.text() or "{}")
        apply_response(emulator.workspace, target, body)
    except ValueError:
        return _error_response(SlackError("invalid_payload", status=400))
    except SlackError as error:
        error.status = 400 if error.status == 200 else error.status
        return _error_response(error)
    return _slack_json({"ok": True})


async def handle_upload(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    fault = await _injected_fault(emulator, "file_upload")
    if fault is not None:
        return fault
    uploaded = emulator.workspace.files.get(request.match_info["file_id"])
    if uploaded is None:
        return web.Response(status=404, text="file_not_found")
    uploaded.content = await _upload_bytes(request)
    return web.Response(text=f"OK - {len(uploaded.content)}")


async def _upload_bytes(request: web.Request) -> bytes:
    if not request.content_type.startswith("multipart/"):
        return await request.read()
    reader = await request.multipart()
    async for part in reader:
        if part.filename is not None or part.name == "file":  # type: ignore[union-attr]
            return bytes(await part.read())  # type: ignore[union-attr]
    return b""
