"""OAuth v2 installs: `/slack/install` and `/slack/oauth_redirect` through Bolt's `AsyncOAuthFlow`.

On when `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET` are set (with
`TOKEN_ENCRYPTION_KEYS`). Installations and OAuth states are kept by slack_sdk's SQLAlchemy stores
in our database (bot/installations.py, storage/slack_tables.py). `/slack/install` answers with a
redirect to Slack's authorize page and a state cookie; Slack sends the installer back to
`/slack/oauth_redirect` with a code, which Bolt trades for the bot token (`oauth.v2.access`) and
saves, encrypted. A completed install marks the workspace active.

Slack's authorize page is derived from `SLACK_API_URL` (`https://slack.com/api/` →
`https://slack.com/oauth/v2/authorize`), so the emulator serves the whole flow in tests.
The OAuth `state` (against cross-site request forgery) is checked three ways: the installer's
browser carries it in a cookie (Bolt), it is signed with `SLACK_STATE_SECRET` (HMAC-SHA256, with an
expiry), and it is a row of slack_sdk's SQL state store, consumed once. A forged or tampered state
is refused before the database is asked; a replayed one finds no row.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from bot.installations import EncryptedInstallationStore, Installations, set_org_active
from bot.settings import Settings
from storage import slack_tables
from storage.db import Database
from storage.queries import workspaces

log = logging.getLogger(__name__)

#: The bot scopes of manifest.yml (tests/unit/test_oauth_settings.py keeps the two equal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:read",
    "channels:manage",
    "channels:history",
    "groups:read",
    "groups:write",
    "groups:history",
    "im:write",
    "users:read",
    "users:read.email",
    "conversations.connect:write",
    "files:write",
)
STATE_SECONDS = 600


def authorize_url(api_url: str) -> str:
    """Slack's install page next to its Web API: https://slack.com/api/ → …/oauth/v2/authorize."""
    base = api_url.rstrip("/")
    base = base.removesuffix("/api")
    return f"{base}/oauth/v2/authorize"


class SignedStateStore(AsyncSQLAlchemyOAuthStateStore):
    """slack_sdk's SQL state store (one row per state, consumed once) whose states are signed."""

    def __init__(self, db: Database, secret: str, expiration_seconds: int = STATE_SECONDS) -> None:
        super().__init__(
            expiration_seconds=expiration_seconds, engine=db.engine, logger=logging.getLogger(__name__)
        )
        self.metadata = slack_tables.oauth_states.metadata
        self.oauth_states = slack_tables.oauth_states
        self._secret = secret.encode()

    def _signature(self, message: str) -> str:
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    def signed(self, state: str) -> bool:
        nonce, _, rest = state.partition(".")
        expires, _, signature = rest.partition(".")
        if not (nonce and re.fullmatch(r"[0-9]{1,12}", expires) and signature):
            return False
        valid = hmac.compare_digest(signature, self._signature(f"{nonce}.{expires}"))
        return valid and int(expires) >= time.time()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        nonce, expires = secrets.token_hex(16), int(time.time()) + self.expiration_seconds
        state = f"{nonce}.{expires}.{self._signature(f'{nonce}.{expires}')}"
        expire_at = datetime.fromtimestamp(expires, tz=UTC).replace(tzinfo=None)  # the store's naive UTC
        async with self.engine.begin() as conn:
            await conn.execute(self.oauth_states.insert(), {"state": state, "expire_at": expire_at})
        return state

    async def async_consume(self, state: str) -> bool:
        if not self.signed(state or ""):
            log.warning("an install came back with a state this deployment did not sign")
            return False
        return await super().async_consume(state)


def oauth_settings(
    settings: Settings,
    db: Database,
    store: EncryptedInstallationStore,
    installations: Installations,
    clock: Any,
) -> AsyncOAuthSettings:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        team_id = installation.team_id
        installations.forget(enterprise_id=installation.enterprise_id, team_id=team_id)
        if team_id:
            async with db.transaction() as s:  # (re)installed: its reminders go out again
                await workspaces.set_active(s, team_id, True, clock.now())
        elif installation.is_enterprise_install and installation.enterprise_id:  # org-wide
            await set_org_active(db, installation.enterprise_id, True, clock.now())
        log.info("installed in workspace %s (organisation %s)", team_id, installation.enterprise_id)
        return await args.default.success(args)

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        log.warning("an install failed: %s", args.reason)
        return await args.default.failure(args)

    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_page_rendering_enabled=False,  # straight to Slack's page
        authorization_url=authorize_url(settings.slack_api_url),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=SignedStateStore(db, settings.slack_state_secret or ""),
        state_cookie_name="campaign-guard-oauth-state",
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=success, failure=failure),
        logger=logging.getLogger("slack_bolt.oauth"),
    )


def add_routes(app: web.Application, bolt: AsyncApp) -> None:
    """`GET /slack/install` and `GET /slack/oauth_redirect` (only when OAuth is configured)."""
    flow = bolt.oauth_flow
    if flow is None:
        return

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    app.router.add_get(flow.install_path, install)
    app.router.add_get(flow.redirect_uri_path, redirect)


def authorization(svc: Any, identity: Any) -> dict[str, Any]:
    """Bolt's `authorize` (and `oauth_settings`): the installation store with OAuth, else the one
    token's identity."""
    tenancy = svc.tenancy
    if tenancy is None or not tenancy.multi:
        return {"authorize": identity.authorize_function()}
    from bot.installations import InstallationAuthorize

    installations = tenancy.installations
    settings = svc.settings
    return {
        "authorize": InstallationAuthorize(installations),
        "oauth_settings": oauth_settings(settings, svc.db, installations.store, installations, svc.clock),
    }
