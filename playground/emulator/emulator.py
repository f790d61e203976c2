"""`SlackEmulator`: the fake Slack (workspace state + Web API app) and `serve_emulator`."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from .faults import FaultInjector
from .oauth import SlackApp
from .socket_mode import SocketModeHub
from .spec import DEFAULT_SPEC_PATH, ApiSpec
from .state import (
    EXTERNAL_TEAM_ID,
    Channel,
    IdFactory,
    Message,
    Organisation,
    ResponseUrl,
    UploadedFile,
    User,
    View,
    Workspace,
)
from .webapi import ApiCall, add_routes

log = logging.getLogger(__name__)


@dataclass
class _Served:
    """Where the emulator is served; shared by the views of it acting in other workspaces."""

    url: str | None = None


class SlackEmulator:
    """A Slack workspace the bot talks to over HTTP; tests set it up and inspect it directly."""

    def __init__(
        self,
        *,
        team_id: str = "T0CAMPAIGN",
        team_domain: str = "campaign-guard",
        team_name: str = "Campaign Guard",
        bot_token: str = "xoxb-playground",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        bot_name: str = "campaign-guard",
        app_id: str = "A0CG",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        spec_path: Path | str | None = DEFAULT_SPEC_PATH,
    ) -> None:
        self.bot_token = bot_token
        self._clock, self._wall_clock, self._ids = clock, wall_clock, IdFactory()
        self.workspace = Workspace(
            team_id=team_id,
            team_domain=team_domain,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            clock=clock,
            wall_clock=wall_clock,
            ids=self._ids,
        )
        #: Every emulated workspace by team id; `workspace` is the one this object acts in.
        self.workspaces: dict[str, Workspace] = {team_id: self.workspace}
        #: The app: client credentials, installations and the tokens issued (oauth.py).
        self.app = SlackApp(wall_clock=wall_clock)
        self.app.add_token(bot_token, team_id)  # the in-house install's long-lived token
        self.socket_mode = SocketModeHub(self)
        self.spec = _load_spec(spec_path)
        self.faults = FaultInjector()
        self.calls: list[ApiCall] = []
        self._served = _Served()
        #: Enterprise Grid organisations by enterprise id (`add_organisation`).
        self.organisations: dict[str, Organisation] = {}
        #: {"team": the workspace whose person last sent the app something}: where an org-wide
        #: token's call acts when its ids are in several workspaces (a person in both).
        self.acting: dict[str, str] = {}

    # ------------------------------------------------------------ workspaces

    def add_workspace(
        self,
        team_id: str,
        *,
        team_domain: str | None = None,
        team_name: str | None = None,
        bot_user_id: str | None = None,
        bot_id: str | None = None,
    ) -> SlackEmulator:
        """Another workspace (not yet installed: install it through OAuth, or `add_token`);
        returns the emulator acting in it (shares the server, the app, calls and faults)."""
        if team_id in self.workspaces:
            raise ValueError(f"workspace {team_id} exists")
        first = self.workspaces[next(iter(self.workspaces))]
        self.workspaces[team_id] = Workspace(
            team_id=team_id,
            team_domain=team_domain or team_id.lower(),
            team_name=team_name or team_id,
            bot_user_id=bot_user_id or self._ids.new("UBOT"),
            bot_id=bot_id or self._ids.new("BBOT"),
            bot_name=first.bot_user.name,
            app_id=first.app_id,
            clock=self._clock,
            wall_clock=self._wall_clock,
            ids=self._ids,
        )
        return self.in_team(team_id)

    def add_organisation(self, enterprise_id: str, name: str, team_ids: list[str]) -> Organisation:
        """An Enterprise Grid organisation (`E…`) holding these workspaces. They share the app's bot
        user (create them with the first one's `bot_user_id` and `bot_id`). Install the app
        org-wide through OAuth with `team=E…` on the authorize page; its one token then works in
        every workspace of the organisation, and their payloads carry `enterprise`."""
        bots = {(self.workspaces[t].bot_user.id, self.workspaces[t].bot_id) for t in team_ids}
        if len(bots) != 1:
            raise ValueError("the workspaces of an organisation share the app's bot user")
        org = self.organisations[enterprise_id] = Organisation(enterprise_id, name, list(team_ids))
        for team_id in team_ids:
            self.workspaces[team_id].organisation = org
        return org

    def org_workspace(self, grant_enterprise: str, values: dict[str, Any]) -> Workspace:
        """The workspace of the organisation an org-wide token's call acts in: the one its
        `team_id`, channel, view, trigger or person belongs to (ids are unique across workspaces
        here, but a person may belong to several: then the workspace someone last acted in)."""
        org = self.organisations[grant_enterprise]
        members = [self.workspaces[t] for t in org.team_ids]
        if values.get("team_id") in org.team_ids:
            return self.workspaces[values["team_id"]]
        probes = (
            ("channel", lambda ws, v: v in ws.channels),
            ("channel_id", lambda ws, v: v in ws.channels),
            ("view_id", lambda ws, v: v in ws.views),
            ("trigger_id", lambda ws, v: v in ws.triggers),
            ("user_id", lambda ws, v: v in ws.users),
            ("user", lambda ws, v: v in ws.users),
            ("users", lambda ws, v: str(v).split(",")[0] in ws.users),
        )
        for name, holds in probes:
            value = values.get(name)
            if not isinstance(value, str) or not value:
                continue
            found = [ws for ws in members if holds(ws, value)]
            for ws in found:  # a person in several: where someone last acted (the request's)
                if ws.team_id == self.acting.get("team"):
                    return ws
            if found:
                return found[0]
        # nothing names a workspace (conversations.create, users.list): the request in flight's.
        # Slack wants `team_id` on these with an org-wide token; the bundled spec predates it.
        acting = self.acting.get("team")
        return self.workspaces[acting] if acting in org.team_ids else members[0]

    def in_team(self, team_id: str) -> SlackEmulator:
        """This emulator acting in another of its workspaces (same server, app, calls and faults):
        tests and `SlackUserClient` use it to act as that workspace's people."""
        view = copy.copy(self)
        view.workspace = self.workspaces[team_id]
        return view

    def tokens(self, team_id: str | None = None) -> list[str]:
        """Bot tokens of the workspace (default: this one) that still work."""
        return self.app.bot_tokens(team_id or self.team_id)

    def uninstall(self, team_id: str | None = None) -> None:
        """The workspace (or, given an enterprise id, the organisation) removes the app: its tokens
        stop working. Deliver `app_uninstalled` / `tokens_revoked` to the bot yourself
        (SlackUserClient.app_uninstalled)."""
        self.app.uninstall(team_id or self.team_id)

    # ------------------------------------------------------------------ serving

    @property
    def base_url(self) -> str | None:
        return self._served.url

    @base_url.setter
    def base_url(self, value: str | None) -> None:
        self._served.url = value

    @property
    def api_url(self) -> str:
        """Base URL for slack_sdk clients: `AsyncWebClient(base_url=emulator.api_url)`."""
        return f"{self._served_url()}/api/"

    @property
    def authorize_url(self) -> str:
        """Slack's install page (`https://slack.com/oauth/v2/authorize`), emulated."""
        return f"{self._served_url()}/oauth/v2/authorize"

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        add_routes(app, self)

        async def close_sockets(_app: web.Application) -> None:
            await self.socket_mode.close()

        app.on_shutdown.append(close_sockets)
        return app

    def _served_url(self) -> str:
        if self.base_url is None:
            raise RuntimeError("the emulator is not served yet (use serve_emulator)")
        return self.base_url

    # ------------------------------------------------------------------- set up

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_user(self) -> User:
        return self.workspace.bot_user

    def add_user(self, name: str, **fields: Any) -> User:
        """See Workspace.add_user: user_id, real_name, display_name, email, tz, is_admin, is_owner,
        is_bot, team_id (another team id makes a Slack Connect external user), is_restricted and
        is_ultra_restricted (guests)."""
        return self.workspace.add_user(name, **fields)

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        creator: str | None = None,
        members: Any = (),
        is_general: bool = False,
    ) -> Channel:
        """A channel created by `creator` (default: the bot). Add the bot to `members` if needed."""
        return self.workspace.add_channel(
            name, is_private=is_private, creator=creator, members=members, is_general=is_general
        )

    def archive_channel(self, channel: str) -> None:
        self.channel(channel).is_archived = True

    def accept_shared_invite(self, email: str, *, team_id: str = EXTERNAL_TEAM_ID) -> User:
        """An external user (created or reused by email) joins every channel invited to."""
        return self.workspace.accept_shared_invite(email, team_id=team_id)

    # --------------------------------------------------------- fault injection

    def inject_failure(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail: HTTP 429 + Retry-After (retry_after given),
        HTTP `status`, or HTTP 200 `{"ok": false, "error": error}`. Methods include "response_url"
        and "file_upload"."""
        self.faults.add_failure(method, error=error, status=status, retry_after=retry_after, times=times)

    def inject_delay(self, method: str, seconds: float, times: int = 1) -> None:
        self.faults.add_delay(method, seconds, times=times)

    def inject_late_answer(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out (a message posted …), and answered
        `seconds` late: a client with a shorter timeout gives up without hearing that they were."""
        self.faults.add_late_answer(method, seconds, times=times)

    def inject_dropped_answer(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out (a message posted …), then the
        connection closes without an answer: the client sees it drop, not knowing they were."""
        self.faults.add_dropped_answer(method, times=times)

    def clear_faults(self) -> None:
        self.faults.clear()

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Arguments of every recorded call of `method`, oldest first."""
        return [call.args for call in self.calls if call.method == method]

    # ---------------------------------------------------- interaction support

    def issue_trigger(self, user_id: str) -> str:
        return self.workspace.issue_trigger(user_id)

    def issue_response_url(
        self, channel_id: str, user_id: str, *, message_ts: str | None = None, is_ephemeral: bool = False
    ) -> str:
        target = self.workspace.issue_response_url(
            channel_id, user_id, message_ts=message_ts, is_ephemeral=is_ephemeral
        )
        return self.response_url(target)

    def response_url(self, target: ResponseUrl) -> str:
        return f"{self._served_url()}/response_url/{target.id}"

    # ------------------------------------------------------------------ queries

    def user(self, user_id: str) -> User:
        return self.workspace.users[user_id]

    def channel_by_name(self, name: str) -> Channel | None:
        return self.workspace.channel_by_name(name)

    def history(self, channel: str) -> list[Message]:
        """Top-level messages of a channel (id or name), oldest first."""
        return self.workspace.history(self.channel(channel).id)

    def replies(self, channel: str, ts: str) -> list[Message]:
        """The thread parent and its replies, oldest first."""
        return self.workspace.replies(self.channel(channel).id, ts)

    def ephemerals(self, user: str, channel: str | None = None) -> list[Message]:
        channel_id = self.channel(channel).id if channel else None
        return self.workspace.ephemerals(user, channel_id)

    def dm_channel(self, user: str) -> Channel:
        """The DM between the bot and `user` (opened on first use)."""
        return self.workspace.open_dm(user)

    def dm(self, user: str) -> list[Message]:
        """Every message (replies included) in the DM between the bot and `user`."""
        return list(self.workspace.messages.get(self.workspace.open_dm(user).id, []))

    def open_views(self, user: str) -> list[View]:
        return self.workspace.open_views(user)

    def home(self, user: str) -> View | None:
        return self.workspace.home(user)

    def view(self, view_id: str) -> View:
        return self.workspace.views[view_id]

    def find_message(self, channel: str, ts: str) -> Message | None:
        return self.workspace.find_message(self.channel(channel).id, ts)

    def permalink(self, message: Message) -> str:
        return self.workspace.permalink(message)

    def find_permalink(self, url: str) -> Message | None:
        return self.workspace.find_permalink(url)

    @property
    def files(self) -> dict[str, UploadedFile]:
        return self.workspace.files

    def channel(self, ref: str) -> Channel:
        """A channel by id or name; KeyError when there is none."""
        channel = self.workspace.channels.get(ref) or self.workspace.channel_by_name(ref)
        if channel is None:
            raise KeyError(f"no channel {ref!r}")
        return channel


def _load_spec(path: Path | str | None) -> ApiSpec | None:
    if path is None:
        return None
    try:
        return ApiSpec.load(path)
    except FileNotFoundError:
        log.warning("Slack OpenAPI spec not found at %s; arguments are not checked", path)
        return None


@asynccontextmanager
async def serve_emulator(
    emulator: SlackEmulator, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[SlackEmulator]:
    """Serve `emulator.web_app()` (port 0: any free port) and set `base_url`/`api_url`."""
    runner = web.AppRunner(emulator.web_app())
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    emulator.base_url = f"http://{host}:{bound_port}"
    try:
        yield emulator
    finally:
        await runner.cleanup()
        emulator.base_url = None
