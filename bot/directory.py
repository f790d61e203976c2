"""Who is who in Slack: `users.info` with a short cache, and who counts as an admin (docs/roles.md)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import tenancy
from bot.errors import NotFound
from bot.slack import note_if_in_transaction, slack_error

log = logging.getLogger(__name__)

TTL_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class SlackUser:
    id: str
    team_id: str | None
    name: str
    email: str | None
    tz: str | None
    is_admin: bool
    is_bot: bool
    deleted: bool
    #: A Slack guest: `is_restricted` (multi-channel) or `is_ultra_restricted` (single-channel).
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    #: Every name Slack shows for the person (display name, real name, handle), for lookups by name.
    names: tuple[str, ...] = ()

    @property
    def is_guest(self) -> bool:
        return self.is_restricted or self.is_ultra_restricted


def _from_api(user: dict) -> SlackUser:
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    )
    return SlackUser(
        id=user["id"],
        team_id=user.get("team_id"),
        name=name or user["id"],
        email=(profile.get("email") or "").lower() or None,
        tz=user.get("tz"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")) or user["id"] == "USLACKBOT",
        deleted=bool(user.get("deleted")),
        is_restricted=bool(user.get("is_restricted")),
        is_ultra_restricted=bool(user.get("is_ultra_restricted")),
        names=tuple(
            n for n in (profile.get("display_name"), profile.get("real_name"), user.get("real_name")) if n
        )
        + ((user["name"],) if user.get("name") else ()),
    )


class Directory:
    """`users.info`, cached per workspace and user for `TTL_SECONDS`.

    Never asked inside a database transaction: a transaction holds one of the pool's connections
    (there are ten, storage/db.py) and the rows it locked, and `users.info` takes as long as Slack
    takes (a 429 waits out its Retry-After). A flow that may need to know who its user is (a
    workspace admin? an invited influencer's email?) calls `prefetch` before its transaction, and
    the checks inside it answer from the cache. A lookup that still has to ask Slack inside a
    transaction is noted (`bot.slack.note_if_in_transaction`), whatever the client.
    """

    def __init__(self, client: AsyncWebClient, admin_user_ids: frozenset[str]) -> None:
        self._client = client
        self._admins = admin_user_ids
        #: By (workspace, user): what a user looks like depends on who asks (visibility, Connect).
        self._cache: dict[tuple[str | None, str], tuple[float, SlackUser]] = {}
        #: The workspace the app is installed in (set once `auth.test` answered). Slack reports a
        #: Slack Connect guest's admin rights in *their own* workspace; those count for nothing here.
        self._team_id: str | None = None
        #: Who could not be looked up lately (`prefetch`), until a lookup succeeds: what depends on
        #: their e-mail is refused rather than guessed (`bot.flows.access.known_email`).
        self._failed: dict[tuple[str | None, str], float] = {}

    @property
    def team_id(self) -> str | None:
        """The workspace of the current work (bot/tenancy.py; many with OAuth installs), else the
        one `auth.test` named."""
        return tenancy.current_team() or self._team_id

    @team_id.setter
    def team_id(self, value: str | None) -> None:
        self._team_id = value

    async def user(self, user_id: str) -> SlackUser:
        hit = self._cache.get((self.team_id, user_id))
        if hit and hit[0] > time.monotonic():
            return hit[1]
        note_if_in_transaction("users.info")
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            # `slack_error`, not `exc.response.get`: a proxy's non-JSON error page (an HTML or text
            # 405) has no "error" to read, and must not turn into an AttributeError here
            if slack_error(exc) in ("user_not_found", "user_not_visible"):
                raise NotFound(f"I can't find <@{user_id}> in this workspace.") from exc
            raise
        found = _from_api(response["user"])
        self._cache[(self.team_id, user_id)] = (time.monotonic() + TTL_SECONDS, found)
        self._failed.pop((self.team_id, user_id), None)
        return found

    async def prefetch(self, user_id: str) -> None:
        """Look `user_id` up now, before a transaction, so that the checks made inside it (`is_admin`,
        `user`, the e-mail) answer from the cache. A failure is left for the check that needs the
        answer, and remembered (`lookup_failed`): a check that reads the user's e-mail then refuses
        rather than guess (`bot.flows.access.known_email`), since an influencer invited by e-mail is
        known by it, and a brand role stored for her would count again without it."""
        try:
            await self.user(user_id)
        except (TimeoutError, NotFound, SlackApiError, aiohttp.ClientError) as exc:
            log.info("could not look up %s ahead of a check: %s", user_id, exc)
            self._failed[(self.team_id, user_id)] = time.monotonic() + TTL_SECONDS

    def lookup_failed(self, user_id: str) -> bool:
        """Did the latest `prefetch` of `user_id` fail (and none succeed since)?"""
        until = self._failed.get((self.team_id, user_id))
        return until is not None and until > time.monotonic()

    async def by_email(self, email: str) -> SlackUser | None:
        """The workspace member with this email, or None (an external influencer)."""
        try:
            response = await self._client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if slack_error(exc) == "users_not_found":
                return None
            raise
        found = _from_api(response["user"])
        self._cache[(self.team_id, found.id)] = (time.monotonic() + TTL_SECONDS, found)
        return found

    async def is_admin(self, user_id: str) -> bool:
        """`ADMIN_USER_IDS`, or a Slack workspace owner/admin: either only as a member of the
        workspace acted in. A Slack Connect guest's rights are their own organisation's, and in a
        deployment serving several workspaces (OAuth) the list names people of one of them, not an
        admin of every customer."""
        found = await self.user(user_id)
        if found.team_id != self.team_id:
            return False
        return user_id in self._admins or found.is_admin

    def cached(self, user_id: str) -> SlackUser | None:
        """The user as last looked up, if that was less than `TTL_SECONDS` ago (no Slack call)."""
        hit = self._cache.get((self.team_id, user_id))
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def forget(self, user_id: str) -> None:
        self._cache.pop((self.team_id, user_id), None)
