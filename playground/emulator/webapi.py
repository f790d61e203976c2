"""HTTP layer: aiohttp routes for `/api/{method}`, `/response_url/{id}` and `/upload/{file_id}`.

Each Web API call is recorded, may be delayed, failed or answered late by injected faults, is
authenticated with the bot token, checked against the OpenAPI spec and then dispatched to
methods.REGISTRY.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp import web
from yarl import URL

from .args import Args, read_request_args
from .methods import AUTH, REGISTRY, ApiContext
from .responses import apply_response
from .state import SlackError

if TYPE_CHECKING:
    from .emulator import SlackEmulator

log = logging.getLogger(__name__)
EMULATOR_KEY: web.AppKey[SlackEmulator] = web.AppKey("slack_emulator")


class ApiCall(NamedTuple):
    method: str
    args: dict[str, Any]
    token: str | None = None  # the bearer token it came with


def add_routes(app: web.Application, emulator: SlackEmulator) -> None:
    app[EMULATOR_KEY] = emulator
    app.router.add_route("*", "/api/{method}", handle_api)
    app.router.add_post("/response_url/{id}", handle_response_url)
    app.router.add_post("/upload/{file_id}", handle_upload)
    app.router.add_get("/oauth/v2/authorize", handle_authorize)
    app.router.add_get("/socket-mode/link", emulator.socket_mode.handle_websocket)


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
    emulator.calls.append(ApiCall(method, values, token))
    log.debug("%s %s", method, values)
    fault = await _injected_fault(emulator, method)
    if fault is not None:
        return fault
    try:
        answer = _slack_json({"ok": True, **_dispatch(emulator, method, values, token)})
    except SlackError as error:
        answer = _error_response(error)
    await emulator.faults.apply_late_answer(method)  # done already, whoever is still waiting
    if emulator.faults.take_dropped(method) and request.transport is not None:
        request.transport.close()  # done, and the connection drops before the answer
    return answer


#: Methods the bundled (2020) spec describes as they were before token rotation: oauth.v2.access
#: now also takes grant_type/refresh_token instead of a code.
_SPEC_PREDATES = frozenset({"oauth.v2.access"})


def _dispatch(emulator: SlackEmulator, method: str, values: dict[str, Any], token: str | None) -> dict:
    handler = REGISTRY.get(method)
    if handler is None:
        raise SlackError("unknown_method")
    auth = AUTH.get(method, "bot")
    ws = emulator.workspace
    if auth == "bot":  # each token belongs to one workspace (or one organisation): the call acts there
        grant = emulator.app.grant_of(token)
        if grant.enterprise_id:
            ws = emulator.org_workspace(grant.enterprise_id, values)
        else:
            ws = emulator.workspaces[grant.team_id]
    elif auth == "app":
        emulator.app.check_app_token(token)
    if emulator.spec is not None and method not in _SPEC_PREDATES:
        problems = emulator.spec.check(method, values)
        if problems:
            raise SlackError("invalid_arguments", response_metadata={"messages": problems})
    context = ApiContext(ws, emulator.base_url or "", emulator=emulator, token=token)
    return handler(context, Args(values))


async def handle_authorize(request: web.Request) -> web.Response:
    """Slack's install page, approved at once: `team` names the workspace installing (default:
    the first), `user` the installer (default: an admin of it). Redirects the browser to the
    app's redirect URL with `code` and `state`, as Slack does after "Allow"."""
    emulator = request.app[EMULATOR_KEY]
    query = request.query
    if query.get("client_id") != emulator.app.client_id:
        return web.Response(status=400, text="invalid_client_id")
    team_id = query.get("team") or emulator.team_id
    org = emulator.organisations.get(team_id)  # `team=E…`: an org-wide install by an org admin
    ws = emulator.workspaces.get(org.team_ids[0] if org else team_id)
    if ws is None:
        return web.Response(status=400, text="unknown team")
    installer = query.get("user") or next(
        (u.id for u in ws.users.values() if u.is_admin and u.team_id == ws.team_id), ws.bot_user.id
    )
    redirect_uri = query.get("redirect_uri") or emulator.app.redirect_url
    if not redirect_uri:
        return web.Response(status=400, text="no redirect_uri and no Redirect URL configured")
    if org is not None:
        code = emulator.app.authorize("", installer, query.get("redirect_uri"), enterprise_id=org.id)
    else:
        code = emulator.app.authorize(team_id, installer, query.get("redirect_uri"))
    target = URL(redirect_uri).update_query(code=code.code, state=query.get("state", ""))
    raise web.HTTPFound(target)


async def handle_response_url(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    fault = await _injected_fault(emulator, "response_url")
    if fault is not None:
        return fault
    found = next(
        (
            (ws, ws.response_urls[request.match_info["id"]])
            for ws in emulator.workspaces.values()
            if request.match_info["id"] in ws.response_urls
        ),
        None,
    )
    if found is None:
        return _error_response(SlackError("expired_url", status=404))
    ws, target = found
    try:
        body = json.loads(await request.text() or "{}")
        apply_response(ws, target, body)
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
    file_id = request.match_info["file_id"]
    uploaded = next((ws.files[file_id] for ws in emulator.workspaces.values() if file_id in ws.files), None)
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
