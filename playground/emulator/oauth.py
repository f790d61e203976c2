"""The app as Slack knows it: client credentials, installations, and every token it issued.

One Slack app (client id/secret, an app-level `xapp-` token for Socket Mode) installed into any
number of emulated workspaces. An install is Slack's OAuth v2 flow: `/oauth/v2/authorize`
approves at once for the workspace named by `team` (the redirect a person's browser would
follow), hands out a one-time `code`, and `oauth.v2.access` trades it for a bot token. With
token rotation on, bot tokens expire after `token_expires_in` seconds and come with a refresh
token that `oauth.v2.access` (grant_type=refresh_token) trades for a new pair; the old access
token stops working then, as Slack's does once refreshed.

Uninstalling revokes every token of the workspace: Web API calls with them answer
`token_revoked`, which is how tests prove a token is no longer used.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .state import SlackError

BOT_SCOPES = (
    "commands,chat:write,chat:write.public,channels:manage,channels:read,groups:read,groups:write,"
    "im:write,users:read,users:read.email,team:read,files:write,conversations.connect:write"
)


@dataclass
class Grant:
    """An access token the emulator issued."""

    token: str
    team_id: str
    kind: str = "bot"  # "bot" or "app" (an app-level token for Socket Mode)
    expires_at: float | None = None  # wall-clock seconds; None = never
    refresh_token: str | None = None
    revoked: bool = False
    #: An org-wide install's token (Enterprise Grid): valid in every workspace of the organisation;
    #: `team_id` is then "".
    enterprise_id: str | None = None


@dataclass
class AuthorizationCode:
    code: str
    team_id: str
    installer_id: str
    redirect_uri: str | None
    used: bool = False
    enterprise_id: str | None = None  # an org-wide install (then `team_id` is "")


@dataclass
class SlackApp:
    client_id: str = "1111.2222"
    client_secret: str = "emulated-client-secret"
    app_token: str = "xapp-1-A0CG-emulated"
    #: Token rotation: bot tokens expire after `token_expires_in` seconds (Slack: 12 h).
    token_rotation: bool = False
    token_expires_in: int = 43_200
    #: Where `/oauth/v2/authorize` sends the browser when the request names no redirect_uri
    #: (Slack uses the app's configured Redirect URL).
    redirect_url: str | None = None
    wall_clock: Callable[[], float] = time.time
    grants: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token → team id
    installed: set[str] = field(default_factory=set)  # team ids where the app is installed
    installed_orgs: set[str] = field(default_factory=set)  # enterprise ids of org-wide installs

    def __post_init__(self) -> None:
        self.grants[self.app_token] = Grant(self.app_token, team_id="", kind="app")

    # ------------------------------------------------------------------ tokens

    def add_token(self, token: str, team_id: str) -> Grant:
        """A long-lived bot token (an in-house install, `SLACK_BOT_TOKEN`)."""
        grant = self.grants[token] = Grant(token, team_id)
        self.installed.add(team_id)
        return grant

    def bot_tokens(self, team_id: str) -> list[str]:
        """The workspace's bot tokens that still work, newest last."""
        return [g.token for g in self.grants.values() if g.team_id == team_id and self._valid(g)]

    def workspace_of(self, token: str | None) -> str:
        """The team id a bot token belongs to ("" for an org-wide token); Slack's error codes when
        it does not work."""
        return self.grant_of(token).team_id

    def org_tokens(self, enterprise_id: str) -> list[str]:
        """The organisation's org-wide bot tokens that still work, newest last."""
        return [g.token for g in self.grants.values() if g.enterprise_id == enterprise_id and self._valid(g)]

    def grant_of(self, token: str | None) -> Grant:
        """The working bot grant of a token; Slack's error codes when it does not work."""
        grant = self.grants.get(token or "")
        if grant is None or grant.kind != "bot":
            raise SlackError("invalid_auth")
        if grant.revoked:
            raise SlackError("token_revoked")
        if grant.expires_at is not None and self.wall_clock() >= grant.expires_at:
            raise SlackError("token_expired")
        return grant

    def check_app_token(self, token: str | None) -> None:
        grant = self.grants.get(token or "")
        if grant is None or grant.kind != "app" or grant.revoked:
            raise SlackError("invalid_auth")

    def _valid(self, grant: Grant) -> bool:
        if grant.kind != "bot" or grant.revoked:
            return False
        return grant.expires_at is None or self.wall_clock() < grant.expires_at

    # ------------------------------------------------------------------ OAuth v2

    def authorize(
        self, team_id: str, installer_id: str, redirect_uri: str | None, enterprise_id: str | None = None
    ) -> AuthorizationCode:
        code = AuthorizationCode(
            secrets.token_hex(12), team_id, installer_id, redirect_uri, enterprise_id=enterprise_id
        )
        self.codes[code.code] = code
        return code

    def check_client(self, client_id: str | None, client_secret: str | None) -> None:
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != self.client_secret:
            raise SlackError("bad_client_secret")

    def exchange_code(self, code: str | None, redirect_uri: str | None) -> tuple[AuthorizationCode, Grant]:
        found = self.codes.get(code or "")
        if found is None or found.used:
            raise SlackError("invalid_code")
        if found.redirect_uri and redirect_uri and redirect_uri != found.redirect_uri:
            raise SlackError("bad_redirect_uri")
        found.used = True
        if found.enterprise_id:
            self.installed_orgs.add(found.enterprise_id)
            return found, self._issue(found.enterprise_id, org=True)
        self.installed.add(found.team_id)
        return found, self._issue(found.team_id)

    def refresh(self, refresh_token: str | None) -> Grant:
        owner = self.refresh_tokens.get(refresh_token or "")  # a team id, or an enterprise id
        if owner is None or not (owner in self.installed or owner in self.installed_orgs):
            raise SlackError("invalid_refresh_token")
        for grant in self.grants.values():  # the refreshed token replaces the old ones
            if (grant.enterprise_id or grant.team_id) == owner and grant.refresh_token == refresh_token:
                grant.revoked = True
        del self.refresh_tokens[refresh_token]  # type: ignore[arg-type]
        return self._issue(owner, org=owner in self.installed_orgs)

    def _issue(self, owner: str, *, org: bool = False) -> Grant:
        """A bot token for a workspace (T…) or, org-wide, for an organisation (E…)."""
        team_id = "" if org else owner
        if self.token_rotation:
            token = f"xoxe.xoxb-1-{secrets.token_hex(16)}"
            refresh_token = f"xoxe-1-{secrets.token_hex(20)}"
            grant = Grant(token, team_id, expires_at=self.wall_clock() + self.token_expires_in)
            grant.refresh_token = refresh_token
            self.refresh_tokens[refresh_token] = owner
        else:
            grant = Grant(f"xoxb-{owner}-{secrets.token_hex(12)}", team_id)
        grant.enterprise_id = owner if org else None
        self.grants[grant.token] = grant
        return grant

    # ------------------------------------------------------------------ uninstall

    def uninstall(self, team_id: str) -> None:
        """Every token of the workspace (or, given an enterprise id, of the org-wide install) stops
        working (Slack then sends app_uninstalled)."""
        self.installed.discard(team_id)
        self.installed_orgs.discard(team_id)
        for grant in self.grants.values():
            if (grant.enterprise_id or grant.team_id) == team_id:
                grant.revoked = True
        for refresh_token, owner in list(self.refresh_tokens.items()):
            if owner == team_id:
                del self.refresh_tokens[refresh_token]
