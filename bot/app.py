"""The Bolt `AsyncApp` factory.

`process_before_response=True`: Bolt returns the ack as soon as the listener returns, instead of
polling every 10 ms for it; listeners ack first and hand everything slow to `Background`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

import handlers
from bot import logs, oauth, payloads
from bot.background import report
from bot.services import Services
from bot.slack import create_client

log = logging.getLogger(__name__)


class BotIdentity:
    """Single-token authorisation: `auth.test` once (at start-up), then answered from memory."""

    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._result: AuthorizeResult | None = None

    async def load(self) -> AuthorizeResult:
        if self._result is None:
            response = await self._svc.client.auth_test()
            self._result = AuthorizeResult(
                enterprise_id=response.get("enterprise_id"),
                team_id=response.get("team_id"),
                bot_user_id=response.get("user_id"),
                bot_id=response.get("bot_id"),
                bot_token=self._svc.client.token,
            )
            self._svc.bot_user_id = response.get("user_id")
            self._svc.directory.team_id = response.get("team_id")
        return self._result

    def authorize_function(self):
        """A plain function: Bolt passes arguments by the names in its signature."""

        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            return await self.load()

        return authorize


# ------------------------------------------------------------------------------------------------
# Malformed payloads and errors that escape a listener


def check_before_dispatch(app: AsyncApp) -> None:
    """Answer a payload the listeners cannot read before Bolt dispatches it, with one warning.

    Not a Bolt global middleware: Bolt builds every middleware's arguments (`action`, `view`…)
    from the body first, so `actions: []` would crash it before any middleware ran. Over HTTP,
    bot/server.py has refused such bodies already (Bolt cannot even build a request from some);
    this covers Socket Mode, where Slack's payloads arrive parsed. Bolt has no hook around
    dispatch, so the bound method is wrapped.
    """
    dispatch = app.async_dispatch

    async def checked(req: AsyncBoltRequest) -> BoltResponse:
        problem = payloads.problem(req.body) if req.mode != "http" else None
        if problem is None:
            return await dispatch(req)
        log.warning("malformed %s payload: %s", payloads.describe(req.body), problem)
        return _refusal(req)

    app.async_dispatch = checked  # type: ignore[method-assign]


def _refusal(req: AsyncBoltRequest) -> BoltResponse:
    """400; an acknowledged no-op for an Events API callback (Slack would retry anything else),
    and over Socket Mode, where only an ack (200) stops Slack from delivering it again."""
    acknowledged = req.mode != "http" or payloads.is_event_callback(req.body)
    return BoltResponse(status=200 if acknowledged else 400, body="")


async def handle_error(error: Exception, request: AsyncBoltRequest, context: Any) -> BoltResponse:
    """Bolt's global error handler: no 500 and no traceback for a payload the listeners could not
    read; anything else is a bug, reported once with an id (bot/background.py), and acknowledged
    so that Slack neither retries it nor shows its generic failure."""
    problem = payloads.problem(request.body)
    if problem is not None:
        log.warning("malformed %s payload: %s", payloads.describe(request.body), problem)
        return _refusal(request)
    reply = None
    if context.response_url:
        respond = context.respond

        async def reply(text: str) -> None:
            await respond(text=text, response_type="ephemeral", replace_original=False)

    await report(error, reply)
    return BoltResponse(status=200, body="")


def create_app(svc: Services) -> tuple[AsyncApp, BotIdentity]:
    settings = svc.settings
    logs.install()
    logs.register_secret(settings.slack_signing_secret, settings.slack_bot_token, settings.slack_app_token)
    identity = BotIdentity(svc)
    app = AsyncApp(
        # Bolt's own per-request clients copy this one (base URL, retry handlers); the token comes
        # from `authorize`, so this template carries none.
        client=create_client(None, svc.settings.slack_api_url),
        signing_secret=svc.settings.slack_signing_secret,
        **oauth.authorization(svc, identity),  # one token, or each workspace's installation
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
    )
    check_before_dispatch(app)
    app.error(handle_error)
    handlers.register(app, svc)
    return app, identity
