"""Slack JSON shapes for workspace objects (users, channels, messages, views, files).

Field names follow the Web API responses (see java-slack-sdk/api samples); only fields the
emulator can fill meaningfully are present.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from .state import Channel, Message, UploadedFile, User, View, Workspace


def team_json(ws: Workspace) -> dict[str, Any]:
    """`team.info`'s team; a workspace of an Enterprise Grid organisation names it."""
    team: dict[str, Any] = {
        "id": ws.team_id,
        "name": ws.team_name,
        "domain": ws.team_domain,
        "email_domain": "",
        "icon": {"image_default": True},
    }
    if ws.organisation is not None:
        team.update(enterprise_id=ws.organisation.id, enterprise_name=ws.organisation.name)
    return team


def user_json(user: User) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.display_name,
        "display_name_normalized": user.display_name,
        "team": user.team_id,
    }
    if user.email:
        profile["email"] = user.email
    if user.bot_id:
        profile["bot_id"] = user.bot_id
    return {
        "id": user.id,
        "team_id": user.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": user.tz_label,
        "tz_offset": user.tz_offset,
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": False,
        "is_restricted": user.is_restricted,
        "is_ultra_restricted": user.is_ultra_restricted,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "is_stranger": False,
    }


def channel_json(ws: Workspace, channel: Channel, *, include_num_members: bool = False) -> dict[str, Any]:
    if channel.is_im:
        return {
            "id": channel.id,
            "created": channel.created,
            "is_im": True,
            "is_org_shared": False,
            "user": channel.im_user,
            "is_archived": False,
            "is_open": True,
        }
    shaped: dict[str, Any] = {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "is_channel": not channel.is_private,
        "is_group": channel.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "created": channel.created,
        "creator": channel.creator,
        "is_archived": channel.is_archived,
        "is_general": channel.is_general,
        "is_shared": channel.is_ext_shared,
        "is_ext_shared": channel.is_ext_shared,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "shared_team_ids": sorted(channel.shared_team_ids) or [ws.team_id],
        "context_team_id": ws.team_id,
        "is_member": ws.bot_user.id in channel.members,
        "topic": {"value": channel.topic, "creator": "", "last_set": 0},
        "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
        "previous_names": [],
    }
    if include_num_members:
        shaped["num_members"] = len(channel.members)
    return shaped


def message_json(ws: Workspace, message: Message) -> dict[str, Any]:
    shaped: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
    if message.subtype:
        shaped["subtype"] = message.subtype
    if message.user:
        shaped["user"] = message.user
    if message.bot_id:
        shaped["bot_id"] = message.bot_id
        shaped["app_id"] = message.app_id
        shaped["bot_profile"] = {
            "id": message.bot_id,
            "app_id": message.app_id,
            "name": ws.bot_user.name,
            "team_id": ws.team_id,
            "deleted": False,
        }
    shaped["team"] = message.team or ws.team_id
    if message.blocks:
        shaped["blocks"] = message.blocks
    if message.attachments:
        shaped["attachments"] = message.attachments
    if message.thread_ts:
        shaped["thread_ts"] = message.thread_ts
    if message.is_reply:
        parent = ws.find_message(message.channel, message.thread_ts)  # type: ignore[arg-type]
        if parent is not None:
            shaped["parent_user_id"] = parent.user
    elif message.reply_ts:
        replies = [ws.find_message(message.channel, ts) for ts in message.reply_ts]
        shaped["reply_count"] = len(message.reply_ts)
        shaped["reply_users"] = sorted({r.user for r in replies if r and r.user})
        shaped["reply_users_count"] = len(shaped["reply_users"])
        shaped["latest_reply"] = message.reply_ts[-1]
    if message.metadata:
        shaped["metadata"] = message.metadata
    if message.file_ids:
        shaped["files"] = [file_json(ws.files[file_id]) for file_id in message.file_ids]
        shaped["upload"] = True
    if message.edited:
        shaped["edited"] = message.edited
    return shaped


def view_json(ws: Workspace, view: View) -> dict[str, Any]:
    definition = view.definition
    return {
        "id": view.id,
        "team_id": ws.team_id,
        "type": view.type,
        "blocks": view.blocks,
        "private_metadata": definition.get("private_metadata", ""),
        "callback_id": view.callback_id,
        "state": view.state,
        "hash": view.hash,
        "title": definition.get("title"),
        "clear_on_close": definition.get("clear_on_close", False),
        "notify_on_close": definition.get("notify_on_close", False),
        "close": definition.get("close"),
        "submit": definition.get("submit"),
        "previous_view_id": view.previous_view_id,
        "root_view_id": view.root_view_id,
        "app_id": ws.app_id,
        "external_id": view.external_id,
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }


def file_json(uploaded: UploadedFile) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(uploaded.filename)[0] or "application/octet-stream"
    return {
        "id": uploaded.id,
        "created": uploaded.created,
        "timestamp": uploaded.created,
        "name": uploaded.filename,
        "title": uploaded.title or uploaded.filename,
        "mimetype": mimetype,
        "filetype": uploaded.filename.rsplit(".", 1)[-1] if "." in uploaded.filename else "binary",
        "user": uploaded.user,
        "size": len(uploaded.content or b""),
        "is_external": False,
        "channels": [c for c in uploaded.channels if c.startswith("C")],
        "groups": [],
        "ims": [c for c in uploaded.channels if c.startswith("D")],
        "alt_txt": uploaded.alt_txt,
    }
