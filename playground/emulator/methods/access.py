"""What the bot may see and touch: Slack's channel/user lookups and their error codes."""

from __future__ import annotations

from ..state import Channel, SlackError, User, Workspace


def require_user(ws: Workspace, user_id: str | None) -> User:
    user = ws.users.get(user_id or "")
    if user is None:
        raise SlackError("user_not_found")
    return user


def find_channel(ws: Workspace, ref: str | None) -> Channel | None:
    """A channel by id, or by name ("#general" or "general")."""
    if not ref:
        return None
    return ws.channels.get(ref) or ws.channel_by_name(ref)


def visible_channel(ws: Workspace, ref: str | None) -> Channel:
    """Channels the bot can see: public ones, and private ones / DMs it is a member of."""
    channel = find_channel(ws, ref)
    if channel is None or (channel.is_private and ws.bot_user.id not in channel.members):
        raise SlackError("channel_not_found")
    return channel


def joined_channel(ws: Workspace, ref: str | None) -> Channel:
    """A channel the bot is a member of (`not_in_channel` for public ones it is not in)."""
    channel = visible_channel(ws, ref)
    if ws.bot_user.id not in channel.members:
        raise SlackError("not_in_channel")
    return channel


def post_target(ws: Workspace, ref: str | None) -> Channel:
    """Where chat.postMessage lands: a user id means the DM between the bot and that user."""
    if ref and ref in ws.users and not ws.users[ref].is_bot:
        return ws.open_dm(ref)
    channel = joined_channel(ws, ref)
    if channel.is_archived:
        raise SlackError("is_archived")
    return channel
