"""Messages sent through a response_url, and slash command acks, applied as Slack applies them.

Body fields: text/blocks/attachments, `response_type` ("ephemeral" by default, or "in_channel"),
`replace_original`, `delete_original`, `thread_ts`.
"""

from __future__ import annotations

from typing import Any

from .content import message_content
from .state import Message, ResponseUrl, SlackError, Workspace


def apply_response(ws: Workspace, target: ResponseUrl, body: dict[str, Any]) -> Message | None:
    """Post, replace or delete as the body asks; return the message posted or changed."""
    original = _original(ws, target)
    if _flag(body.get("delete_original")):
        if original is not None:
            ws.delete_message(original)
        return None
    content = message_content(
        text=body.get("text"),
        blocks=body.get("blocks"),
        attachments=body.get("attachments"),
        require_content=True,
    )
    if _flag(body.get("replace_original")) and original is not None:
        original.text, original.blocks = content.get("text", ""), content.get("blocks", [])
        original.attachments = content.get("attachments", [])
        return original
    channel = ws.channels.get(target.channel_id)
    if channel is None:
        raise SlackError("channel_not_found", status=404)
    bot = {"user": ws.bot_user.id, "bot_id": ws.bot_id, "app_id": ws.app_id, "team": ws.team_id}
    if body.get("response_type") == "in_channel":
        return ws.post(channel, thread_ts=body.get("thread_ts"), **bot, **content)
    return ws.post_ephemeral(channel, target.user_id, thread_ts=body.get("thread_ts"), **bot, **content)


def _original(ws: Workspace, target: ResponseUrl) -> Message | None:
    if target.message_ts is None:
        return None
    if target.is_ephemeral:
        return ws.find_ephemeral(target.channel_id, target.message_ts, target.user_id)
    return ws.find_message(target.channel_id, target.message_ts)


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
