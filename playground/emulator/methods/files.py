"""files.getUploadURLExternal and files.completeUploadExternal (the upload v2 flow).

The upload itself (`POST /upload/{file_id}`) is served by webapi.py.
"""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..shapes import file_json
from ..state import SlackError, UploadedFile
from .access import post_target
from .registry import ApiContext, api_method


@api_method("files.getUploadURLExternal")
def get_upload_url(ctx: ApiContext, args: Args) -> dict[str, Any]:
    length = args.int("length", -1)
    if length < 0:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["[ERROR] length"]})
    uploaded = ctx.ws.new_file(
        args.str("filename", "") or "",
        length,
        alt_txt=args.str("alt_txt"),
        snippet_type=args.str("snippet_type"),
    )
    return {"upload_url": f"{ctx.base_url}/upload/{uploaded.id}", "file_id": uploaded.id}


def _uploaded_files(ctx: ApiContext, args: Args) -> list[UploadedFile]:
    entries = args.json("files")
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["[ERROR] files"]})
    found = []
    for entry in entries:
        uploaded = ctx.ws.files.get(str(entry.get("id")))
        if uploaded is None or uploaded.content is None:
            raise SlackError("file_not_found")
        uploaded.title = entry.get("title") or uploaded.filename
        found.append(uploaded)
    return found


@api_method("files.completeUploadExternal")
def complete_upload(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    uploads = _uploaded_files(ctx, args)
    refs = [args.str("channel_id")] if args.str("channel_id") else args.csv("channels")
    channels = [post_target(ws, ref) for ref in refs]
    for uploaded in uploads:
        uploaded.completed = True
    for channel in channels:
        ws.post(
            channel,
            thread_ts=args.str("thread_ts"),
            text=args.str("initial_comment", "") or "",
            user=ws.bot_user.id,
            bot_id=ws.bot_id,
            app_id=ws.app_id,
            team=ws.team_id,
            file_ids=[u.id for u in uploads],
        )
        for uploaded in uploads:
            uploaded.channels.append(channel.id)
    return {"files": [file_json(u) for u in uploads]}
