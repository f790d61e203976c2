"""What a deployment needs besides Slack's requests: metrics, readiness, the OAuth routes, and the
per-request machinery (workspace scope, request metrics) attached to the Bolt app.

- `GET /metrics`: Prometheus text format (bot/metrics.py), for whoever sends
  `Authorization: Bearer $METRICS_TOKEN`. The port of `serve` faces Slack, and so the internet:
  without a token set it serves no metrics (403). A dispatcher's `--metrics-port` is a port of
  the operator's choosing: there the token is asked for when one is set.
- `GET /readyz` (bot/server.py asks `Readiness`): the database answers, its schema is at the
  newest migration, and Slack accepts the bot token — asked with `auth.test` at most once a
  minute and remembered. A token Slack refuses (revoked, invalid) makes the replica not ready; Slack
  out of reach keeps the last answer, so an outage at Slack does not take every replica out of
  the load balancer at once. In OAuth mode there is no one token: readiness checks the database
  (which holds the installations).
- `GET /healthz` stays liveness: the process answers and so does its database.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aiohttp import web
from slack_sdk.errors import SlackApiError

from bot import oauth
from bot.metrics import CONTENT_TYPE, instrument
from bot.slack import TOKEN_REFUSED
from storage.queries import health

log = logging.getLogger(__name__)

TOKEN_CHECK_SECONDS = 60.0


@cache
def head_revision() -> str:
    """The newest Alembic revision of this code (read once from the migration scripts)."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return head or ""


@dataclass
class Readiness:
    svc: Any
    _token_ok: bool | None = None
    _token_checked: float = field(default=-1e9)
    _token_note: str = "not checked"

    async def check(self) -> tuple[bool, dict[str, Any]]:
        svc = self.svc
        report: dict[str, Any] = {}
        ok = True
        if getattr(svc, "ready", True) is False:
            ok, report["started"] = False, "starting or stopping"
        if not await svc.db.ping():
            return False, {**report, "database": "down"}
        report["database"] = "up"
        async with svc.db.transaction() as s:
            revision = await health.migration_revision(s)
        report["migrations"] = revision
        if revision != head_revision():
            ok, report["migrations"] = False, f"{revision} (code expects {head_revision()})"
        slack_ok, report["slack"] = await self._slack()
        return ok and slack_ok, {"ok": ok and slack_ok, **report}

    async def _slack(self) -> tuple[bool, str]:
        svc = self.svc
        if svc.settings.oauth:
            return True, "per-workspace tokens (OAuth)"
        if time.monotonic() - self._token_checked < TOKEN_CHECK_SECONDS and self._token_ok is not None:
            return self._token_ok, self._token_note
        try:
            response = await svc.client.auth_test()
            self._token_ok, self._token_note = True, f"token valid for {response.get('team_id')}"
        except SlackApiError as exc:
            error = (exc.response or {}).get("error") if exc.response is not None else None
            if error in TOKEN_REFUSED:
                self._token_ok, self._token_note = False, f"token refused: {error}"
            else:
                log.warning("readiness: Slack did not answer auth.test (%s); keeping the last answer", error)
                return (self._token_ok is not False), self._token_note + " (Slack unreachable now)"
        except Exception as exc:  # network trouble: keep what we knew
            log.warning("readiness: Slack unreachable (%s); keeping the last answer", exc)
            return (self._token_ok is not False), self._token_note + " (Slack unreachable now)"
        self._token_checked = time.monotonic()
        return self._token_ok, self._token_note


READINESS = web.AppKey("readiness", Readiness)


METRICS_OPEN = web.AppKey("metrics_open_without_token", bool)


def _metrics_refusal(request: web.Request, token: str | None) -> web.Response | None:
    """401 without the right bearer token; 403 on a port that serves no metrics without one."""
    if token is None:
        if request.app.get(METRICS_OPEN, False):
            return None
        return web.Response(status=403, text="Metrics go to the bearer of METRICS_TOKEN; none is set.")
    sent = request.headers.get("Authorization", "")
    scheme, _, credentials = sent.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), token.encode()):
        return None
    return web.Response(status=401, text="Bearer token required.", headers={"WWW-Authenticate": "Bearer"})


async def metrics_endpoint(request: web.Request) -> web.Response:
    svc = request.app[SERVICES_KEY]
    refusal = _metrics_refusal(request, getattr(svc.settings, "metrics_token", None))
    if refusal is not None:
        return refusal
    metrics = svc.metrics
    metrics.background.set(svc.background.pending)
    try:
        await metrics.read_database(svc.db, svc.clock)
    except Exception:  # the counters still say something; the gauges keep their last values
        log.exception("metrics: the database gauges could not be read")
    return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


async def readyz(request: web.Request) -> web.Response:
    """`{"ok": true}`, or 503 with what is wrong."""
    ok, report = await request.app[READINESS].check()
    return web.json_response({"ok": True} if ok else report, status=200 if ok else 503)


SERVICES_KEY = web.AppKey("operations_services", object)


def attach(svc: Any, bolt: Any, web_app: web.Application | None) -> None:
    """Per-request workspace scope and metrics on `bolt`; `/metrics`, `/readyz` and the OAuth
    routes on `web_app`."""
    if svc.tenancy is not None:
        bolt.middleware(svc.tenancy.scope_request)
    instrument(bolt, svc.metrics)
    if web_app is None:
        return
    web_app[SERVICES_KEY] = svc
    web_app[READINESS] = Readiness(svc)
    web_app.router.add_get("/metrics", metrics_endpoint)
    if not any(
        getattr(r, "resource", None) and r.resource.canonical == "/readyz" for r in web_app.router.routes()
    ):
        web_app.router.add_get("/readyz", readyz)
    oauth.add_routes(web_app, bolt)


def operations_app(svc: Any) -> web.Application:
    """`/metrics`, `/healthz` and `/readyz` alone: what a dispatcher-only replica serves."""
    app = web.Application()
    app[SERVICES_KEY] = svc
    app[READINESS] = Readiness(svc)
    app[METRICS_OPEN] = True  # the operator's own port (`--metrics-port`): the token only if set

    async def healthz(_request: web.Request) -> web.Response:
        if await svc.db.ping():
            return web.json_response({"ok": True, "database": "up"})
        return web.json_response({"ok": False, "database": "down"}, status=503)

    app.router.add_get("/metrics", metrics_endpoint)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app
