"""Payloads Slack sends to an app, shaped like the samples in specs/samples/bolt-python.

Slash commands (form fields), interactivity payloads (block_actions, view_submission,
view_closed, message_action) and Events API envelopes (event_callback).
"""

from __future__ import annotations

import uuid
from typing import Any

from .shapes import message_json, view_json
from .state import Channel, Message, User, View, Workspace

VERIFICATION_TOKEN = "verification-token-playground"  # deprecated by Slack but still sent


def team_ref(ws: Workspace) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": ws.team_id, "domain": ws.team_domain}
    if ws.organisation is not None:  # a workspace of an Enterprise Grid organisation
        ref.update(enterprise_id=ws.organisation.id, enterprise_name=ws.organisation.name)
    return ref


def enterprise_ref(ws: Workspace) -> dict[str, Any] | None:
    org = ws.organisation
    return None if org is None else {"id": org.id, "name": org.name}


def org_wide(ws: Workspace) -> bool:
    """The app reaches this workspace through its organisation's org-wide install."""
    return ws.organisation is not None and ws.organisation.installed_org_wide


def authorization(ws: Workspace) -> dict[str, Any]:
    """`authorizations[0]` of an event: the installation it is delivered through (org-wide: the
    organisation's, with no team)."""
    return {
        "enterprise_id": ws.organisation.id if ws.organisation else None,
        "team_id": None if org_wide(ws) else ws.team_id,
        "user_id": ws.bot_user.id,
        "is_bot": True,
        "is_enterprise_install": org_wide(ws),
    }


def user_ref(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def channel_ref(channel: Channel) -> dict[str, Any]:
    return {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name}


def _interaction(ws: Workspace, kind: str, user: User, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user_ref(user),
        "api_app_id": ws.app_id,
        "token": VERIFICATION_TOKEN,
        "team": team_ref(ws),
        "enterprise": enterprise_ref(ws),
        "is_enterprise_install": org_wide(ws),
        **fields,
    }


def slash_command(
    ws: Workspace,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    *,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team_id,
        "team_domain": ws.team_domain,
        "channel_id": channel.id,
        "channel_name": channel_ref(channel)["name"],
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "true" if org_wide(ws) else "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    if ws.organisation is not None:
        fields.update(enterprise_id=ws.organisation.id, enterprise_name=ws.organisation.name)
    return fields


def message_block_actions(
    ws: Workspace,
    user: User,
    channel: Channel,
    message: Message,
    action: dict[str, Any],
    *,
    state: dict[str, Any],
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    is_ephemeral = message.ephemeral_for is not None
    container = {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": channel.id,
        "is_ephemeral": is_ephemeral,
    }
    if message.thread_ts:
        container["thread_ts"] = message.thread_ts
    payload = _interaction(
        ws,
        "block_actions",
        user,
        container=container,
        trigger_id=trigger_id,
        channel=channel_ref(channel),
        state={"values": state},
        response_url=response_url,
        actions=[action],
    )
    if not is_ephemeral:
        payload["message"] = message_json(ws, message)
    return payload


def view_block_actions(
    ws: Workspace, user: User, view: View, action: dict[str, Any], *, trigger_id: str
) -> dict[str, Any]:
    return _interaction(
        ws,
        "block_actions",
        user,
        container={"type": "view", "view_id": view.id},
        trigger_id=trigger_id,
        view=view_json(ws, view),
        actions=[action],
    )


def view_submission(ws: Workspace, user: User, view: View, *, trigger_id: str) -> dict[str, Any]:
    return _interaction(
        ws, "view_submission", user, trigger_id=trigger_id, view=view_json(ws, view), response_urls=[]
    )


def view_closed(ws: Workspace, user: User, view: View, *, is_cleared: bool) -> dict[str, Any]:
    return _interaction(
        ws, "view_closed", user, view=view_json(ws, view), is_cleared=is_cleared, response_urls=[]
    )


def message_shortcut(
    ws: Workspace,
    user: User,
    channel: Channel,
    message: Message,
    callback_id: str,
    *,
    trigger_id: str,
    response_url: str,
    action_ts: str,
) -> dict[str, Any]:
    return _interaction(
        ws,
        "message_action",
        user,
        action_ts=action_ts,
        channel=channel_ref(channel),
        callback_id=callback_id,
        trigger_id=trigger_id,
        message_ts=message.ts,
        message=message_json(ws, message),
        response_url=response_url,
    )


def event_envelope(
    ws: Workspace, event: dict[str, Any], *, event_id: str, event_time: int, channel: Channel | None = None
) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": ws.organisation.id if ws.organisation else None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [authorization(ws)],
        "is_ext_shared_channel": bool(channel and channel.is_ext_shared),
    }
    if channel is not None:
        envelope["event_context"] = f"4-{event['type']}-{ws.team_id}-{channel.id}"
    if ws.organisation is not None:
        envelope["enterprise_id"] = ws.organisation.id
    return envelope


def deliver_as(payload: dict[str, Any], installed: Workspace | None) -> dict[str, Any]:
    """Slack Connect with the app installed on both sides: the request comes through the other
    workspace's installation (its team and bot in `team`, `team_id` and `authorizations`)."""
    if installed is None:
        return payload
    if payload.get("type") == "event_callback":
        payload["team_id"] = payload["context_team_id"] = installed.team_id
        payload["authorizations"] = [authorization(installed)]
    else:
        payload["team"] = team_ref(installed)
    return payload


def user_message_event(ws: Workspace, user: User, channel: Channel, message: Message) -> dict[str, Any]:
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": message.text,
        "user": user.id,
        "ts": message.ts,
        "team": user.team_id,
        "blocks": message.blocks,
        "channel": channel.id,
        "event_ts": message.ts,
        "channel_type": channel.channel_type,
    }
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
        parent = ws.find_message(channel.id, message.thread_ts)
        event["parent_user_id"] = parent.user if parent else None
    if user.team_id != ws.team_id:
        event["user_team"] = event["source_team"] = user.team_id
    return event


def member_joined_channel_event(
    ws: Workspace, user: User, channel: Channel, inviter: User | None, event_ts: str
) -> dict[str, Any]:
    """Slack's `member_joined_channel`: `channel_type` is "C" (public) or "G" (private) here,
    not the message event's "channel"/"group"."""
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user.id,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": user.team_id,
        "event_ts": event_ts,
    }
    if inviter is not None:
        event["inviter"] = inviter.id
    if ws.organisation is not None:
        event["enterprise"] = ws.organisation.id
    return event


def app_home_opened_event(ws: Workspace, user: User, dm: Channel, view: View | None, event_ts: str) -> dict:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": dm.id,
        "tab": "home",
        "event_ts": event_ts,
    }
    if view is not None:
        event["view"] = view_json(ws, view)
    return event


def rich_text_blocks(text: str) -> list[dict[str, Any]]:
    """The rich_text block Slack clients attach to what a user types."""
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return [{"type": "rich_text", "block_id": uuid.uuid4().hex[:4], "elements": [section]}]
