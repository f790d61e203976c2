"""chat.postMessage, chat.postEphemeral, chat.update, chat.delete, chat.getPermalink."""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..content import message_content
from ..shapes import message_json
from ..state import Message, SlackError, Workspace
from .access import post_target, require_user, visible_channel
from .registry import ApiContext, api_method


def _content_from(args: Args, *, require_content: bool = True) -> dict[str, Any]:
    return message_content(
        text=args.str("text"),
        blocks=args.get("blocks") or None,
        attachments=args.get("attachments") or None,
        metadata=args.get("metadata") or None,
        require_content=require_content,
    )


def _bot_fields(ws: Workspace) -> dict[str, Any]:
    return {"user": ws.bot_user.id, "bot_id": ws.bot_id, "app_id": ws.app_id, "team": ws.team_id}


def _own_message(ws: Workspace, args: Args, ts_arg: str, not_yours: str) -> Message:
    channel = visible_channel(ws, args.str("channel"))
    message = ws.find_message(channel.id, args.str(ts_arg, "") or "")
    if message is None:
        raise SlackError("message_not_found")
    if message.bot_id != ws.bot_id:
        raise SlackError(not_yours)
    return message


@api_method("chat.postMessage")
def post_message(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    channel = post_target(ws, args.str("channel"))
    content = _content_from(args)
    message = ws.post(channel, thread_ts=args.str("thread_ts"), **_bot_fields(ws), **content)
    return {"channel": channel.id, "ts": message.ts, "message": message_json(ws, message)}


@api_method("chat.postEphemeral")
def post_ephemeral(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    channel = post_target(ws, args.str("channel"))
    user = require_user(ws, args.str("user"))
    if user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    content = _content_from(args)
    message = ws.post_ephemeral(
        channel, user.id, thread_ts=args.str("thread_ts"), **_bot_fields(ws), **content
    )
    return {"message_ts": message.ts}


@api_method("chat.update")
def update(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    message = _own_message(ws, args, "ts", "cant_update_message")
    content = _content_from(args)
    for name, value in content.items():
        setattr(message, name, value)
    message.edited = {"user": ws.bot_user.id, "ts": ws.ts_clock.next()}
    return {
        "channel": message.channel,
        "ts": message.ts,
        "text": message.text,
        "message": message_json(ws, message),
    }


@api_method("chat.delete")
def delete(ctx: ApiContext, args: Args) -> dict[str, Any]:
    message = _own_message(ctx.ws, args, "ts", "cant_delete_message")
    ctx.ws.delete_message(message)
    return {"channel": message.channel, "ts": message.ts}


@api_method("chat.getPermalink")
def get_permalink(ctx: ApiContext, args: Args) -> dict[str, Any]:
    channel = visible_channel(ctx.ws, args.str("channel"))
    message = ctx.ws.find_message(channel.id, args.str("message_ts", "") or "")
    if message is None:
        raise SlackError("message_not_found")
    return {"channel": channel.id, "permalink": ctx.ws.permalink(message)}
