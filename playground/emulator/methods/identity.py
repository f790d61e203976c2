"""auth.test, team.info, users.info, users.list, users.lookupByEmail, bots.info."""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..shapes import team_json, user_json
from ..state import SlackError
from .access import require_user
from .registry import ApiContext, api_method, paginate


@api_method("auth.test")
def auth_test(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    grant = ctx.emulator.app.grants.get(ctx.token or "") if ctx.emulator else None
    org = ws.organisation
    if grant is not None and grant.enterprise_id and org is not None:  # an org-wide token
        return {
            "url": f"https://{org.id.lower()}.enterprise.slack.com/",
            "team": org.name,
            "user": ws.bot_user.name,
            "team_id": org.id,
            "user_id": ws.bot_user.id,
            "bot_id": ws.bot_id,
            "enterprise_id": org.id,
            "app_id": ws.app_id,
            "is_enterprise_install": True,
        }
    answer = {
        "url": f"https://{ws.team_domain}.slack.com/",
        "team": ws.team_name,
        "user": ws.bot_user.name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user.id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "is_enterprise_install": False,
    }
    if org is not None:
        answer["enterprise_id"] = org.id
    return answer


@api_method("team.info")
def team_info(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """The workspace the token acts in, or the one `team` names. An org-wide token describes any
    workspace of its organisation; a workspace's token only its own. Any other team:
    `team_not_found`. (Real Slack also describes a team connected through a shared channel, without
    the organisation's `enterprise_id`; the emulator has no such answer, and the bot's org-wide
    check, which needs that `enterprise_id`, would not accept one anyway.)"""
    ws = ctx.ws
    wanted = args.str("team")
    grant = ctx.emulator.app.grants.get(ctx.token or "") if ctx.emulator else None
    if grant is not None and grant.enterprise_id and wanted:  # an org-wide token
        org = ctx.emulator.organisations.get(grant.enterprise_id) if ctx.emulator else None
        if org is None or wanted not in org.team_ids:
            raise SlackError("team_not_found")
        return {"team": team_json(ctx.emulator.workspaces[wanted])}
    if wanted and wanted != ws.team_id:
        raise SlackError("team_not_found")
    return {"team": team_json(ws)}


@api_method("users.info")
def users_info(ctx: ApiContext, args: Args) -> dict[str, Any]:
    return {"user": user_json(require_user(ctx.ws, args.str("user")))}


@api_method("users.list")
def users_list(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """The workspace's members (bots included, as Slack lists them), a page at a time."""
    ws = ctx.ws
    members = sorted((u for u in ws.users.values() if u.team_id == ws.team_id), key=lambda u: u.id)
    page, cursor = paginate(members, args, default_limit=1000)
    return {
        "members": [user_json(u) for u in page],
        "cache_ts": int(ws.wall_clock()),
        "response_metadata": {"next_cursor": cursor},
    }


@api_method("users.lookupByEmail")
def users_lookup_by_email(ctx: ApiContext, args: Args) -> dict[str, Any]:
    user = ctx.ws.user_by_email(args.str("email", "") or "")
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user_json(user)}


@api_method("bots.info")
def bots_info(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    if args.str("bot", ws.bot_id) != ws.bot_id:
        raise SlackError("bot_not_found")
    return {
        "bot": {
            "id": ws.bot_id,
            "deleted": False,
            "name": ws.bot_user.name,
            "updated": 0,
            "app_id": ws.app_id,
            "user_id": ws.bot_user.id,
            "icons": {},
        }
    }
