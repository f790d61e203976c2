"""The Bolt `AsyncApp` factory.

`process_before_response=True`: Bolt returns the ack as soon as the listener returns, instead of
polling every 10 ms for it; listeners ack first and hand everything slow to `Background`.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult

import handlers
from bot import oauth
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


def create_app(svc: Services) -> tuple[AsyncApp, BotIdentity]:
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
    handlers.register(app, svc)
    return app, identity
