"""Uploading a file to Slack from disk, streamed: `files.getUploadURLExternal`, the upload, then
`files.completeUploadExternal` (the flow of slack_sdk's `files_upload_v2`).

`files_upload_v2` reads the whole file into memory first; an export of a million incidents is
hundreds of megabytes, so here the body streams from the open file in chunks and the process
holds only one chunk at a time. The two Web API calls are slack_sdk's own.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import SlackRefused

#: The upload itself may take minutes for a large file: no total limit, only on silence.
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=300)


async def upload_file(
    client: AsyncWebClient,
    file: BinaryIO,
    *,
    filename: str,
    title: str,
    channel: str,
    initial_comment: str | None = None,
) -> dict[str, Any]:
    """Share `file` (open, binary, read from its current position) in `channel`."""
    length = os.fstat(file.fileno()).st_size - file.tell()
    ticket = await client.files_getUploadURLExternal(filename=filename, length=length)
    async with (
        aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as http,
        http.post(ticket["upload_url"], data=file) as response,
    ):
        if response.status != 200:
            raise SlackRefused(
                f":warning: Slack did not take `{filename}` (HTTP {response.status}); try again later.",
                f"upload_{response.status}",
            )
    completed = await client.files_completeUploadExternal(
        files=[{"id": ticket["file_id"], "title": title}], channel_id=channel, initial_comment=initial_comment
    )
    return dict(completed.data) if hasattr(completed, "data") else dict(completed)
