"""The aiohttp server: `POST /slack/events` for everything Slack sends, `GET /healthz`.

A request reaches Bolt only once it is proven to come from Slack and to be a payload the
listeners can read (docs/security.md):

1. `verified_body`: at most `MAX_BODY_BYTES` (declared `Content-Length` and bytes actually read:
   413), then Slack's signature over the raw bytes with slack_sdk's `SignatureVerifier`, whose
   five-minute window refuses replays (401). Nothing is parsed before this.
2. `bot.payloads`: the body parses to an object whose fields have the types Slack sends (400; an
   Events API callback gets an acknowledged 200 instead, so Slack does not retry it).

Each refusal is one log line: the reason, the team id when it can be picked out of the raw bytes
with a bounded pattern, and the size. Never the body.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import payloads
from bot.services import Services

log = logging.getLogger(__name__)

SERVICES = web.AppKey("services", Services)
BOLT = web.AppKey("bolt", AsyncApp)
VERIFIER = web.AppKey("verifier", SignatureVerifier | None)
#: Slack's response_url hosts, and the configured Web API's (the playground's emulator).
RESPONSE_HOSTS = web.AppKey("response_hosts", frozenset)

#: Slack's largest payloads (a modal submission with many inputs, a long message event) are tens
#: of kilobytes; nothing Slack sends comes near 1 MB.
MAX_BODY_BYTES = 1024 * 1024

_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: `int()` would take "١٢" too
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Verified:
    text: str
    size: int
    team: str | None  # picked out of the raw bytes, for log lines


@dataclass
class Refused(Exception):
    status: int
    reason: str
    size: str
    team: str | None = None

    def log_and_answer(self) -> web.Response:
        log.warning(
            "refused a request: %s (team %s, %s bytes)", self.reason, self.team or "unknown", self.size
        )
        error = "request too large" if self.status == 413 else "invalid request"
        return web.json_response({"error": error}, status=self.status)


async def verified_body(request: web.Request, verifier: SignatureVerifier | None) -> Verified:
    """The body of a request Slack signed, decoded; raises `Refused` (413, 401) before any parsing."""
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        raise Refused(413, "body over the size limit", str(declared))
    try:
        raw = await request.read()  # the app's client_max_size stops reading past the limit
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, "body over the size limit", f">{MAX_BODY_BYTES}") from None
    size, team = str(len(raw)), payloads.team_hint(raw)
    if len(raw) > MAX_BODY_BYTES:
        raise Refused(413, "body over the size limit", size, team)
    timestamp = request.headers.get("X-Slack-Request-Timestamp")
    signature = request.headers.get("X-Slack-Signature")
    if verifier is None:
        raise Refused(401, "no signing secret is configured", size, team)
    if not timestamp or not signature:
        raise Refused(401, "unsigned", size, team)
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        raise Refused(401, "malformed signature headers", size, team)
    try:
        body = raw.decode("utf-8")  # Slack sends UTF-8; the signature is computed over the text
    except UnicodeDecodeError:
        raise Refused(401, "body is not UTF-8", size, team) from None
    if verifier.is_valid(body, timestamp, signature):
        return Verified(body, len(raw), team)
    if verifier.generate_signature(timestamp=timestamp, body=body) == signature:
        raise Refused(401, "stale timestamp (more than 5 minutes off)", size, team)
    raise Refused(401, "bad signature", size, team)


def malformed(body: dict | None, verified: Verified, response_hosts: frozenset[str]) -> web.Response | None:
    """The answer to a signed body the listeners cannot read (or whose response_url is not
    Slack's), or None when it is well formed."""
    if body is None:
        problem: str | None = "the body is not a JSON object"
    else:
        problem = payloads.problem(body) or payloads.foreign_response_url(body, response_hosts)
    if problem is None:
        return None
    what = payloads.describe(body) if body is not None else "unparsable"
    team, size = verified.team or "unknown", verified.size
    log.warning("malformed %s payload: %s (team %s, %d bytes)", what, problem, team, size)
    if body is not None and payloads.is_event_callback(body):
        return web.Response(status=200)  # acknowledged, so Slack does not deliver it again
    return web.json_response({"error": "malformed request"}, status=400)


async def slack_events(request: web.Request) -> web.Response:
    try:
        verified = await verified_body(request, request.app[VERIFIER])
    except Refused as refused:
        return refused.log_and_answer()
    content_type = (request.headers.get("Content-Type") or "").split(";")[0] or None  # as Bolt reads it
    body = payloads.parse(verified.text, content_type)
    refusal = malformed(body, verified, request.app[RESPONSE_HOSTS])
    if refusal is not None:
        return refusal
    bolt_request = AsyncBoltRequest(body=verified.text, query=request.query_string, headers=request.headers)
    return await to_aiohttp_response(await request.app[BOLT].async_dispatch(bolt_request))


async def healthz(request: web.Request) -> web.Response:
    if await request.app[SERVICES].db.ping():
        return web.json_response({"ok": True, "database": "up"})
    return web.json_response({"ok": False, "database": "down"}, status=503)


def create_web_app(svc: Services, bolt: AsyncApp) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SERVICES] = svc
    app[BOLT] = bolt
    secret = svc.settings.slack_signing_secret
    app[VERIFIER] = SignatureVerifier(secret) if secret else None
    api_host = urlsplit(svc.settings.slack_api_url).netloc.lower()
    app[RESPONSE_HOSTS] = payloads.SLACK_RESPONSE_HOSTS | {api_host}
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)

    async def finish_work(_app: web.Application) -> None:
        await svc.background.finish(10)

    app.on_shutdown.append(finish_work)
    return app
