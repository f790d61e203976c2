"""Installations: one deployment, many workspaces (OAuth v2), their tokens encrypted at rest.

- `TokenCipher`: Fernet keys from `TOKEN_ENCRYPTION_KEYS` (comma-separated). The first key
  encrypts; every key decrypts (cryptography's `MultiFernet`), so a new key goes first and the old
  ones stay until `campaign-guard reencrypt-tokens` has rewritten every stored token with it.
- `EncryptedInstallationStore`: slack_sdk's `AsyncSQLAlchemyInstallationStore` on our database
  (its tables are in our migrations, storage/slack_tables.py); tokens are encrypted on the way in
  and decrypted on the way out, nothing else changes.
- `Installations`: the bot of a workspace, cached for a minute, with token rotation through
  slack_sdk's `AsyncTokenRotator` when the installation has a refresh token (the rotated token is
  saved at once). Uninstalling removes the workspace's rows and forgets the cache; another replica
  stops using the token within the cache's minute (and Slack refuses it anyway).
- `InstallationAuthorize`: Bolt's authorisation from `Installations` (no `auth.test` per request).
  An org-wide installation authorises a request of a workspace only once Slack has confirmed the
  organisation covers that workspace (`Installations.org_covers`): a payload's `enterprise_id` and
  `is_enterprise_install` are its own word, and Bolt finds an org-wide bot by enterprise id alone.
- `Tenancy`: which token and bot user the current work uses (bot/tenancy.py), in OAuth mode and in
  single-token mode alike, and `scope_request`, the global middleware that sets it per request.
  In a Slack Connect channel shared by two workspaces that both installed the app, Slack delivers
  an event or a click through either installation; the request is handled for the workspace that
  owns the channel's campaign, with that workspace's token, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from sqlalchemy import delete, desc, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import tenancy
from bot.slack import TOKEN_REFUSED, slack_error
from bot.tenancy import Workspace
from storage import slack_tables
from storage.db import Database
from storage.queries import workspaces as workspace_rows

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
#: Rotate a token this long before it expires (Bolt's default too).
ROTATE_MINUTES_BEFORE = 120
CHANNEL_OWNER_SECONDS = 300.0
#: How long "this organisation does not cover that workspace" is remembered (a yes: CACHE_SECONDS).
NOT_COVERED_SECONDS = 15.0


# ------------------------------------------------------------------------------------------------
# Encryption at rest


class TokenCipher:
    """Fernet encryption of tokens; stored values read `fernet:<token>`."""

    PREFIX = "fernet:"

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is needed")
        self._fernet = MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value.startswith(self.PREFIX):
            return value
        return self.PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        if value is None or not value.startswith(self.PREFIX):
            return value  # written before encryption was configured: `reencrypt-tokens` encrypts it
        try:
            return self._fernet.decrypt(value[len(self.PREFIX) :].encode()).decode()
        except InvalidToken:
            raise InvalidToken(
                "a stored Slack token cannot be decrypted with TOKEN_ENCRYPTION_KEYS"
            ) from None

    def reencrypt(self, value: str | None) -> str | None:
        """The value encrypted with the first key (plain values get encrypted)."""
        if value is None:
            return None
        if not value.startswith(self.PREFIX):
            return self.encrypt(value)
        return self.PREFIX + self._fernet.rotate(value[len(self.PREFIX) :].encode()).decode()


_INSTALLATION_TOKENS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
_BOT_TOKENS = ("bot_token", "bot_refresh_token")


def _with(entity: Any, fields: Sequence[str], change: Callable[[str | None], str | None]) -> Any:
    copy = type(entity)(**entity.to_dict_for_copying())
    for name in fields:
        setattr(copy, name, change(getattr(copy, name, None)))
    return copy


class EncryptedInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy store on our tables, with tokens encrypted at rest."""

    def __init__(self, client_id: str, engine: AsyncEngine, cipher: TokenCipher) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logging.getLogger(__name__))
        self.metadata = slack_tables.installations.metadata
        self.installations = slack_tables.installations
        self.bots = slack_tables.bots
        self.cipher = cipher

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(_with(installation, _INSTALLATION_TOKENS, self.cipher.encrypt))

    async def async_save_bot(self, bot: Bot) -> None:
        await super().async_save_bot(_with(bot, _BOT_TOKENS, self.cipher.encrypt))

    async def async_find_bot(self, **kwargs: Any) -> Bot | None:
        found = await super().async_find_bot(**kwargs)
        return None if found is None else _with(found, _BOT_TOKENS, self.cipher.decrypt)

    async def async_find_installation(self, **kwargs: Any) -> Installation | None:
        found = await super().async_find_installation(**kwargs)
        return None if found is None else _with(found, _INSTALLATION_TOKENS, self.cipher.decrypt)

    async def find_bot_by_team(self, team_id: str) -> Bot | None:
        """The workspace's latest bot, whatever organisation it belongs to (index slack_bots_team_idx)."""
        c = self.bots.c
        query = (
            select(self.bots)
            .where(c.client_id == self.client_id, c.team_id == team_id, c.bot_token.is_not(None))
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return _with(SQLAlchemyInstallationStore.build_bot_entity(row), _BOT_TOKENS, self.cipher.decrypt)

    async def delete_team(self, team_id: str) -> None:
        """Every installation and bot row of the workspace, whatever its organisation."""
        async with self.engine.begin() as conn:
            for table in (self.bots, self.installations):
                c = table.c
                await conn.execute(delete(table).where(c.client_id == self.client_id, c.team_id == team_id))

    async def reencrypt_all(self) -> int:
        """Rewrite every stored token with the first key; returns the number of rows rewritten."""
        rewritten = 0
        for table, columns in ((self.installations, _INSTALLATION_TOKENS), (self.bots, _BOT_TOKENS)):
            async with self.engine.begin() as conn:
                rows = (await conn.execute(select(table.c.id, *(table.c[n] for n in columns)))).mappings()
                for row in list(rows):
                    values = {n: self.cipher.reencrypt(row[n]) for n in columns}
                    await conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
                    rewritten += 1
        return rewritten


# ------------------------------------------------------------------------------------------------
# Finding a workspace's bot


class Installations:
    def __init__(
        self,
        store: EncryptedInstallationStore,
        *,
        client_id: str,
        client_secret: str,
        rotator_client: Any,
        db: Database,
        ttl: float = CACHE_SECONDS,
        not_covered_ttl: float = NOT_COVERED_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.db = db
        self._client = rotator_client
        self._rotator = AsyncTokenRotator(
            client_id=client_id, client_secret=client_secret, client=rotator_client
        )
        self._ttl = ttl
        self._not_covered_ttl = not_covered_ttl
        self._clock = clock
        self._cache: dict[tuple[str | None, str | None], tuple[float, Bot | None]] = {}
        self._locks: dict[tuple[str | None, str | None], asyncio.Lock] = {}
        #: (enterprise id, team id) -> (until, whether the org-wide install covers the workspace)
        self._covers: dict[tuple[str, str], tuple[float, bool]] = {}
        self._cover_locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False
    ) -> Bot | None:
        """The installation's bot (an org-wide install: the organisation's), its token fresh."""
        key = (enterprise_id, None if is_enterprise_install else team_id)
        return await self._cached(
            key,
            lambda: self.store.async_find_bot(
                enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
            ),
        )

    async def bot_for_team(self, team_id: str) -> Bot | None:
        """The bot of a workspace known by its team id only (background work)."""
        found = await self._cached((None, team_id), lambda: self._find_by_team(team_id))
        return found

    async def _find_by_team(self, team_id: str) -> Bot | None:
        found = await self.store.find_bot_by_team(team_id)
        if found is not None:
            return found
        # an org-wide install covers it: the workspace's organisation is recorded only once Slack
        # confirmed it (`org_covers`, then `Tenancy._remember_organisation`)
        async with self.db.transaction() as s:
            enterprise_id = await workspace_rows.enterprise_of(s, team_id)
        if enterprise_id is None:
            return None
        return await self.store.async_find_bot(
            enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
        )

    async def org_covers(self, enterprise_id: str, team_id: str) -> bool:
        """Whether the organisation's org-wide install serves the workspace `team_id`.

        A payload's `enterprise_id` / `is_enterprise_install` are not proof: a workspace with its
        own installation never is covered; otherwise Slack is asked once with the organisation's
        token (`team.info team=<team_id>`, which must name `enterprise_id`). A yes is remembered for
        the bots' cache lifetime, a no for `not_covered_ttl`; a Slack error other than
        `team_not_found` is not remembered (this request is refused, the next asks again)."""
        key = (enterprise_id, team_id)
        hit = self._covers.get(key)
        if hit is not None and hit[0] > self._clock():
            return hit[1]
        async with self._cover_locks.setdefault(key, asyncio.Lock()):  # one team.info at a time
            hit = self._covers.get(key)
            if hit is not None and hit[0] > self._clock():
                return hit[1]
            answer = await self._ask_covers(enterprise_id, team_id)
            if answer is not None:
                lifetime = self._ttl if answer else self._not_covered_ttl
                self._covers[key] = (self._clock() + lifetime, answer)
            return bool(answer)

    def confirmed(self, enterprise_id: str, team_id: str) -> bool:
        """`org_covers` said yes, and that answer is still fresh (no lookup)."""
        hit = self._covers.get((enterprise_id, team_id))
        return hit is not None and hit[1] and hit[0] > self._clock()

    async def _ask_covers(self, enterprise_id: str, team_id: str) -> bool | None:
        """True / False, or None when it cannot be told now."""
        if await self.store.find_bot_by_team(team_id) is not None:
            return False  # its own installation serves it, whatever a payload claims
        org = await self.bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
        if org is None or not org.bot_token:
            return None
        try:
            answer = await self._client.team_info(token=org.bot_token, team=team_id)
        except SlackApiError as exc:
            if slack_error(exc) == "team_not_found":
                return False
            log.warning(
                "team.info for workspace %s (organisation %s) failed: %s",
                team_id,
                enterprise_id,
                slack_error(exc),
            )
            return None
        except Exception:  # the network, a timeout: not an answer
            log.exception("team.info for workspace %s (organisation %s) failed", team_id, enterprise_id)
            return None
        team = answer.get("team") or {}
        return team.get("id") == team_id and team.get("enterprise_id") == enterprise_id

    async def _cached(self, key, find: Callable[[], Awaitable[Bot | None]]) -> Bot | None:
        hit = self._cache.get(key)
        if hit is not None and hit[0] > self._clock():
            return hit[1]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one lookup (and one rotation) at a time per workspace
            hit = self._cache.get(key)
            if hit is not None and hit[0] > self._clock():
                return hit[1]
            found = await self._rotated(await find())
            self._cache[key] = (self._clock() + self._lifetime(found), found)
            return found

    def _lifetime(self, found: Bot | None) -> float:
        if found is None or found.bot_token_expires_at is None:
            return self._ttl
        until_rotation = found.bot_token_expires_at - ROTATE_MINUTES_BEFORE * 60 - time.time()
        return max(0.0, min(self._ttl, until_rotation))

    async def _rotated(self, found: Bot | None) -> Bot | None:
        if found is None or not found.bot_refresh_token:
            return found
        try:
            refreshed = await self._rotator.perform_bot_token_rotation(
                bot=found, minutes_before_expiration=ROTATE_MINUTES_BEFORE
            )
        except SlackTokenRotationError as exc:
            log.error("token rotation failed for workspace %s: %s", found.team_id or found.enterprise_id, exc)
            return None
        if refreshed is None:
            return found
        await self.store.async_save_bot(refreshed)
        log.info("rotated the bot token of workspace %s", found.team_id or found.enterprise_id)
        return refreshed

    def forget(self, *, enterprise_id: str | None = None, team_id: str | None = None) -> None:
        for key, (_, found) in list(self._cache.items()):
            org = enterprise_id is not None and (
                key[0] == enterprise_id or (found is not None and found.enterprise_id == enterprise_id)
            )  # a workspace found by team id through its organisation's install counts too
            if (team_id is not None and key[1] == team_id) or org:
                del self._cache[key]
        for pair in list(self._covers):
            if (enterprise_id is not None and pair[0] == enterprise_id) or (
                team_id is not None and pair[1] == team_id
            ):
                del self._covers[pair]

    async def remove(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The workspace uninstalled the app (or revoked its token): its installation goes."""
        await self.store.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        await self.store.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)
        self.forget(enterprise_id=enterprise_id, team_id=team_id)
        if team_id is not None:
            self.forget(team_id=team_id)


class InstallationAuthorize(AsyncAuthorize):
    """Bolt's authorisation, from the installation store through `Installations`' cache."""

    def __init__(self, installations: Installations) -> None:
        self._installations = installations

    async def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        found = await self._installations.bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=bool(context.is_enterprise_install),
        )
        if found is None:
            log.warning("no installation for workspace %s (organisation %s)", team_id, enterprise_id)
            return None
        if getattr(found, "is_enterprise_install", False):  # the organisation's bot
            if team_id and not await self._installations.org_covers(found.enterprise_id, team_id):
                refused(team_id, enterprise_id)
                return None
            if not team_id and not context.is_enterprise_install:
                refused(team_id, enterprise_id)
                return None
            # no team here (an org-wide event): Tenancy._team_of_org_wide_event checks the envelope's
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=found.bot_user_id,
            bot_id=found.bot_id,
            bot_token=found.bot_token,
            bot_scopes=found.bot_scopes,
            user_id=user_id,
        )


def refused(team_id: str | None, enterprise_id: str | None) -> None:
    log.warning(
        "org-wide authorisation refused: organisation %s is not confirmed to cover workspace %s",
        enterprise_id,
        team_id,
    )


# ------------------------------------------------------------------------------------------------
# The workspace of the current work


class Tenancy:
    """Which workspace (token, bot user) work acts for; see bot/tenancy.py.

    Single-token mode: every workspace is the one `auth.test` named (set by `adopt`).
    OAuth mode: each workspace's installation.
    """

    def __init__(self, db: Database, installations: Installations | None = None, clock: Any = None) -> None:
        self.db = db
        self.clock = clock
        self.installations = installations
        self.single: Workspace | None = None
        self._owners: dict[str, tuple[float, str | None]] = {}
        self._known_enterprises: set[tuple[str, str]] = set()

    @property
    def multi(self) -> bool:
        return self.installations is not None

    def adopt(self, result: AuthorizeResult) -> None:
        """Single-token mode: the identity `auth.test` gave at start-up."""
        self.single = _workspace_of(result)

    async def for_team(self, team_id: str) -> Workspace | None:
        """The workspace's token and bot user, or None when the app is not installed there."""
        if self.installations is None:
            return self.single
        found = await self.installations.bot_for_team(team_id)
        if found is None:
            return None
        org_wide = bool(getattr(found, "is_enterprise_install", False))
        return Workspace(
            team_id, found.enterprise_id, found.bot_token, found.bot_user_id, found.bot_id, org_wide=org_wide
        )

    async def uninstall_event(
        self, client: Any, team_id: str | None, organisation: str | None = None
    ) -> None:
        """`app_uninstalled` / `tokens_revoked`: each installation the event names goes, and the
        workspaces it served turn inactive (their data stays), only once *its own* token is refused
        (`auth.test`). Slack sends those events after the tokens stop working: one whose token still
        works is not Slack's, or is out of date. So an organisation the envelope claims is checked
        on the organisation's token, and the envelope's workspace on its own installation's: a
        claimed organisation never stands in for a workspace's own installation, and the
        organisation's uninstall leaves a workspace that installed the app itself installed. A
        Slack error other than a dead token counts as installed (the next event will tell)."""
        now = self.clock.now() if self.clock is not None else None
        if organisation is not None and self.installations is not None:
            org = await self.installations.bot(
                enterprise_id=organisation, team_id=None, is_enterprise_install=True
            )
            if org is not None and not await _token_works(client, org.bot_token):
                await self.installations.remove(enterprise_id=organisation, team_id=None)
                await set_org_active(self.db, organisation, False, now, store=self.installations.store)
                log.info("organisation %s uninstalled the app: its installation is removed", organisation)
        if team_id is None:
            return
        if self.installations is None:
            token = self.single.bot_token if self.single is not None else None
        else:  # the workspace's own installation, else the organisation's that serves it
            self.installations.forget(team_id=team_id)
            found = await self.installations.bot_for_team(team_id)
            token = found.bot_token if found is not None else None
        if await _token_works(client, token):
            log.warning("uninstall event for workspace %s, whose token still works: ignored", team_id)
            return
        async with self.db.transaction() as s:
            await workspace_rows.set_active(s, team_id, False, now)
        if self.installations is not None:
            await self.installations.store.delete_team(team_id)
            self.installations.forget(team_id=team_id)
        log.info("workspace %s uninstalled the app: its installation is removed", team_id)

    @contextlib.asynccontextmanager
    async def enter(self, team_id: str) -> AsyncIterator[Workspace | None]:
        """`async with svc.tenancy.enter(team)`: Web API calls inside use that workspace's token."""
        with tenancy.workspace(await self.for_team(team_id)) as scope:
            yield scope

    # ---- per request

    async def scope_request(
        self, context: Any, body: dict[str, Any], next: Callable[[], Awaitable[Any]]
    ) -> Any:
        """Global Bolt middleware: the request's workspace, after Bolt's authorisation."""
        result: AuthorizeResult | None = context.get("authorize_result")
        if result is not None and self.installations is not None:
            checked = await self._team_of_org_wide_event(context, body, result)
            if checked is None:  # an organisation claiming a workspace it does not cover
                return BoltResponse(status=200, body="")
            result = await self._owner_of_shared_channel(context, body, checked)
            await self._remember_organisation(context, result)
        if result is not None:
            scope = _workspace_of(result, fallback_team=context.get("team_id"))
            if context.is_enterprise_install:  # an org-wide token: some calls must name the workspace
                scope = replace(scope, org_wide=True)
            tenancy.set_workspace(scope)
        return await next()

    async def _team_of_org_wide_event(
        self, context: Any, body: dict[str, Any], result: AuthorizeResult
    ) -> AuthorizeResult | None:
        """An org-wide install's event names no team in `authorizations[0]` (the installation is the
        organisation's), so Bolt's context has none: the workspace is the envelope's `team_id`,
        once Slack confirmed the organisation covers it (else None: the request is not handled).
        Events Bolt does not authorise (`app_uninstalled`, `tokens_revoked`: no token) are left
        to their handlers, which check with `auth.test`."""
        if result.team_id or not context.is_enterprise_install:
            return result
        team_id = tenancy.team_of(body) or (body.get("context_team_id") if isinstance(body, dict) else None)
        if not team_id:
            return result
        installations = self.installations
        if (
            result.bot_token
            and installations is not None
            and not (result.enterprise_id and await installations.org_covers(result.enterprise_id, team_id))
        ):
            refused(team_id, result.enterprise_id)
            return None
        scoped = AuthorizeResult(
            enterprise_id=result.enterprise_id,
            team_id=team_id,
            bot_user_id=result.bot_user_id,
            bot_id=result.bot_id,
            bot_token=result.bot_token,
            bot_scopes=result.bot_scopes,
            user_id=result.user_id,
        )
        context["authorize_result"] = scoped
        context["team_id"] = team_id
        return scoped

    async def _owner_of_shared_channel(
        self, context: Any, body: dict[str, Any], result: AuthorizeResult
    ) -> AuthorizeResult:
        channel = _channel_of(body)
        if not channel or not result.bot_token:
            return result
        owner = await self._channel_owner(channel)
        if owner is None or owner == result.team_id:
            return result
        scope = await self.for_team(owner)
        if scope is None:  # the owner uninstalled: nothing of theirs is handled
            return result
        log.info(
            "request in a channel of workspace %s came through %s: handled for the owner",
            owner,
            result.team_id,
        )
        owned = AuthorizeResult(
            enterprise_id=scope.enterprise_id,
            team_id=owner,
            bot_user_id=scope.bot_user_id,
            bot_id=scope.bot_id,
            bot_token=scope.bot_token,
            user_id=result.user_id,
        )
        context["authorize_result"] = owned
        context["team_id"] = owner
        context["bot_token"] = context["token"] = scope.bot_token
        context["bot_user_id"], context["bot_id"] = scope.bot_user_id, scope.bot_id
        context.client.token = scope.bot_token
        return owned

    async def _channel_owner(self, channel: str) -> str | None:
        hit = self._owners.get(channel)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        async with self.db.transaction() as s:
            owner = await workspace_rows.owner_of_channel(s, channel)
        self._owners[channel] = (time.monotonic() + CHANNEL_OWNER_SECONDS, owner)
        return owner

    async def _remember_organisation(self, context: Any, result: AuthorizeResult) -> None:
        """An org-wide install: note the workspace's organisation, for work without a request.
        Only a pair `Installations.org_covers` confirmed is written (see `scope_request`)."""
        if not (context.is_enterprise_install and result.enterprise_id and result.team_id):
            return
        key = (result.team_id, result.enterprise_id)
        if key in self._known_enterprises:
            return
        if self.installations is None or not self.installations.confirmed(
            result.enterprise_id, result.team_id
        ):
            return
        async with self.db.transaction() as s:
            await workspace_rows.set_enterprise(
                s,
                result.team_id,
                result.enterprise_id,
                self.clock.now(),
                client_id=self.installations.store.client_id,
            )
        self._known_enterprises.add(key)


async def set_org_active(
    db: Database,
    enterprise_id: str,
    active: bool,
    now: Any,
    *,
    store: EncryptedInstallationStore | None = None,
) -> None:
    """Mark the workspaces an org-wide install serves (those noted with its enterprise id)
    active or inactive: inactive ones get no reminders. With `store`, a workspace that has its own
    installation (a bot of its own in slack_bots) is left as it is: the organisation's install does
    not serve it. Rare (an org-wide (un)install), so a plain update by enterprise id."""
    from storage.models import Workspace as WorkspaceRow

    values: dict[str, Any] = {"active": active, "uninstalled_at": None if active else now}
    statement = update(WorkspaceRow).where(WorkspaceRow.enterprise_id == enterprise_id)
    if store is not None:
        c = store.bots.c
        own = select(c.team_id).where(
            c.client_id == store.client_id, c.team_id.is_not(None), c.bot_token.is_not(None)
        )
        statement = statement.where(WorkspaceRow.team_id.not_in(own))
    async with db.transaction() as s:
        await s.exec(statement.values(**values))


async def _token_works(client: Any, token: str | None) -> bool:
    """Whether Slack accepts the token (`auth.test`); an error other than a refused token counts
    as yes."""
    if not token:
        return False
    try:
        await client.auth_test(token=token)
    except SlackApiError as exc:
        return slack_error(exc) not in TOKEN_REFUSED
    return True


def _workspace_of(result: AuthorizeResult, fallback_team: str | None = None) -> Workspace:
    return Workspace(
        team_id=result.team_id or fallback_team,
        enterprise_id=result.enterprise_id,
        bot_token=result.bot_token,
        bot_user_id=result.bot_user_id,
        bot_id=result.bot_id,
    )


#: Events about one channel's content or members: handled for the workspace that owns the channel.
_CHANNEL_EVENTS = frozenset({"message", "member_joined_channel", "member_left_channel"})


def _channel_of(body: dict[str, Any]) -> str | None:
    """The channel a message event, a member event or a message's button is in."""
    event = body.get("event")
    if isinstance(event, dict):
        if event.get("type") not in _CHANNEL_EVENTS:
            return None
        channel = event.get("channel")
        return channel if isinstance(channel, str) else None
    if body.get("type") in ("block_actions", "message_action"):
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        return channel if isinstance(channel, str) else None
    return None


def build_tenancy(settings: Any, db: Database, clock: Any, metrics: Any = None) -> Tenancy:
    """Single-token mode, or OAuth mode with the encrypted store on `db`."""
    if not settings.oauth:
        return Tenancy(db, clock=clock)
    from bot.slack import create_client

    store = EncryptedInstallationStore(
        settings.slack_client_id, db.engine, TokenCipher(settings.token_encryption_keys)
    )
    installations = Installations(
        store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        rotator_client=create_client(None, settings.slack_api_url, metrics=metrics),
        db=db,
    )
    return Tenancy(db, installations, clock)


@contextlib.asynccontextmanager
async def in_workspace(svc: Any, team_id: str) -> AsyncIterator[Workspace | None]:
    """Work without a request (the dispatcher's tick): Web API calls inside use `team_id`'s token."""
    tenancy_ = getattr(svc, "tenancy", None)
    if tenancy_ is None:
        yield None
        return
    async with tenancy_.enter(team_id) as scope:
        yield scope
