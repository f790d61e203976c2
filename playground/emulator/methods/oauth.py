"""oauth.v2.access (code and refresh-token grants), auth.revoke, apps.connections.open."""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..oauth import BOT_SCOPES, Grant
from .registry import ApiContext, api_method


def _token_fields(grant: Grant, app: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"access_token": grant.token, "token_type": "bot", "scope": BOT_SCOPES}
    if grant.refresh_token:
        fields["refresh_token"] = grant.refresh_token
        fields["expires_in"] = app.token_expires_in
    return fields


@api_method("oauth.v2.access", auth="client")
def oauth_v2_access(ctx: ApiContext, args: Args) -> dict[str, Any]:
    emulator = ctx.emulator
    app = emulator.app
    app.check_client(args.str("client_id"), args.str("client_secret"))
    if args.str("grant_type") == "refresh_token":
        grant = app.refresh(args.str("refresh_token"))
        return _token_fields(grant, app)
    code, grant = app.exchange_code(args.str("code"), args.str("redirect_uri"))
    if code.enterprise_id:  # org-wide: the organisation, no team (Slack's answer for Enterprise Grid)
        org = emulator.organisations[code.enterprise_id]
        org.installed_org_wide = True
        first = emulator.workspaces[org.team_ids[0]]
        return {
            **_token_fields(grant, app),
            "app_id": first.app_id,
            "bot_user_id": first.bot_user.id,
            "team": None,
            "enterprise": {"id": org.id, "name": org.name},
            "is_enterprise_install": True,
            "authed_user": {"id": code.installer_id},
        }
    ws = emulator.workspaces[code.team_id]
    return {
        **_token_fields(grant, app),
        "app_id": ws.app_id,
        "bot_user_id": ws.bot_user.id,
        "team": {"id": ws.team_id, "name": ws.team_name},
        "enterprise": {"id": ws.organisation.id, "name": ws.organisation.name} if ws.organisation else None,
        "is_enterprise_install": False,
        "authed_user": {"id": code.installer_id},
    }


@api_method("auth.revoke")
def auth_revoke(ctx: ApiContext, args: Args) -> dict[str, Any]:
    if not args.bool("test"):
        ctx.emulator.app.grants[ctx.token].revoked = True
    return {"revoked": not args.bool("test")}


@api_method("apps.connections.open", auth="app")
def apps_connections_open(ctx: ApiContext, args: Args) -> dict[str, Any]:
    return {"url": ctx.emulator.socket_mode.new_url()}
