"""conversations.create/invite/inviteShared/join/info/members/history/replies/open."""

from __future__ import annotations

import re
from typing import Any

from ..args import Args
from ..shapes import channel_json, message_json
from ..state import Channel, Message, SlackError, Workspace
from .access import find_channel, joined_channel, require_user, visible_channel
from .registry import ApiContext, api_method, paginate

MAX_NAME_LENGTH = 80
_NAME_PATTERN = re.compile(r"^[a-z0-9_-]+$")
_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_channel_name(name: str | None) -> str:
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > MAX_NAME_LENGTH:
        raise SlackError("invalid_name_maxlength")
    if not _NAME_PATTERN.match(name):
        raise SlackError("invalid_name_specials")
    return name


def _invitable_channel(ws: Workspace, ref: str | None) -> Channel:
    channel = joined_channel(ws, ref)
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    return channel


@api_method("conversations.create")
def create(ctx: ApiContext, args: Args) -> dict[str, Any]:
    name = _check_channel_name(args.str("name"))
    channel = ctx.ws.add_channel(name, is_private=args.bool("is_private"))
    return {"channel": channel_json(ctx.ws, channel)}


def _invite_error(ws: Workspace, channel: Channel, user_id: str) -> str | None:
    if user_id == ws.bot_user.id:
        return "cant_invite_self"
    if user_id not in ws.users:
        return "user_not_found"
    if user_id in channel.members:
        return "already_in_channel"
    return None


@api_method("conversations.invite")
def invite(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """Without `force` the first failing user fails the call; with it, valid users are added."""
    ws = ctx.ws
    channel = _invitable_channel(ws, args.str("channel"))
    user_ids = args.csv("users")
    if not user_ids:
        raise SlackError("no_user")
    errors = []
    for user_id in user_ids:
        error = _invite_error(ws, channel, user_id)
        if error and not args.bool("force"):
            raise SlackError(error, errors=[{"user": user_id, "ok": False, "error": error}])
        if error:
            errors.append({"user": user_id, "ok": False, "error": error})
    channel.members.update(u for u in user_ids if _invite_error(ws, channel, u) is None)
    result: dict[str, Any] = {"channel": channel_json(ws, channel)}
    if errors:
        result["errors"] = errors
    return result


@api_method("conversations.inviteShared")
def invite_shared(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    channel = _invitable_channel(ws, args.str("channel"))
    emails, user_ids = args.csv("emails"), args.csv("user_ids")
    if not emails and not user_ids:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["[ERROR] emails or user_ids"]})
    if any(not _EMAIL_PATTERN.match(email) for email in emails):
        raise SlackError("invalid_email")
    for user_id in user_ids:
        require_user(ws, user_id)
    invitation = ws.invite_shared(channel, emails, user_ids)
    return {"invite_id": invitation.id, "is_legacy_shared_channel": False}


@api_method("conversations.join")
def join(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    channel = find_channel(ws, args.str("channel"))
    if channel is None or (channel.is_private and ws.bot_user.id not in channel.members):
        raise SlackError("channel_not_found")
    if channel.is_private:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    result: dict[str, Any] = {}
    if ws.bot_user.id in channel.members:
        result = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
    channel.members.add(ws.bot_user.id)
    return {"channel": channel_json(ws, channel), **result}


@api_method("conversations.info")
def info(ctx: ApiContext, args: Args) -> dict[str, Any]:
    channel = visible_channel(ctx.ws, args.str("channel"))
    return {"channel": channel_json(ctx.ws, channel, include_num_members=args.bool("include_num_members"))}


@api_method("conversations.members")
def members(ctx: ApiContext, args: Args) -> dict[str, Any]:
    channel = visible_channel(ctx.ws, args.str("channel"))
    page, cursor = paginate(sorted(channel.members), args)
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


def _in_window(message: Message, args: Args) -> bool:
    oldest, latest = float(args.str("oldest", "0") or 0), args.str("latest")
    inclusive = args.bool("inclusive")
    ts = float(message.ts)
    after_oldest = ts >= oldest if inclusive else ts > oldest
    before_latest = latest is None or (ts <= float(latest) if inclusive else ts < float(latest))
    return after_oldest and before_latest


def _message_page(ws: Workspace, messages: list[Message], args: Args) -> dict[str, Any]:
    page, cursor = paginate([m for m in messages if _in_window(m, args)], args)
    return {
        "messages": [message_json(ws, m) for m in page],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


@api_method("conversations.history")
def history(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """Top-level messages, newest first (as Slack answers)."""
    channel = joined_channel(ctx.ws, args.str("channel"))
    return _message_page(ctx.ws, list(reversed(ctx.ws.history(channel.id))), args)


@api_method("conversations.replies")
def replies(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """The parent and its replies, oldest first."""
    channel = joined_channel(ctx.ws, args.str("channel"))
    thread = ctx.ws.replies(channel.id, args.str("ts", "") or "")
    if not thread:
        raise SlackError("thread_not_found")
    return _message_page(ctx.ws, thread, args)


@api_method("conversations.open")
def open_conversation(ctx: ApiContext, args: Args) -> dict[str, Any]:
    """Only 1:1 DMs between the bot and one user (group DMs are not emulated)."""
    ws = ctx.ws
    user_ids = args.csv("users")
    if args.str("channel"):
        channel = visible_channel(ws, args.str("channel"))
    elif len(user_ids) == 1:
        existing = {c.id for c in ws.channels.values() if c.is_im}
        channel = ws.open_dm(require_user(ws, user_ids[0]).id)
        if channel.id in existing:
            return {"no_op": True, "already_open": True, "channel": _opened(ws, channel, args)}
    elif not user_ids:
        raise SlackError("users_list_not_supplied")
    else:
        raise SlackError("not_supported_by_emulator")
    return {"channel": _opened(ws, channel, args)}


def _opened(ws: Workspace, channel: Channel, args: Args) -> dict[str, Any]:
    return channel_json(ws, channel) if args.bool("return_im") else {"id": channel.id}
