"""Message content checks shared by chat.* methods, response URLs and command acks."""

from __future__ import annotations

from typing import Any

from .blocks import parse_json_arg, validate_message_blocks
from .state import SlackError

MAX_TEXT_LENGTH = 40_000


def message_content(
    *,
    text: str | None,
    blocks: Any = None,
    attachments: Any = None,
    metadata: Any = None,
    require_content: bool = True,
) -> dict[str, Any]:
    """Validated `Message` fields; only those given are returned (chat.update keeps the rest)."""
    if require_content and not text and not blocks and not attachments:
        raise SlackError("no_text")
    if text and len(text) > MAX_TEXT_LENGTH:
        raise SlackError("msg_too_long")
    content: dict[str, Any] = {}
    if text is not None:
        content["text"] = text
    if blocks is not None:
        content["blocks"] = validate_message_blocks(blocks)
    if attachments is not None:
        content["attachments"] = parse_json_arg(attachments, error="invalid_attachments")
    if metadata is not None:
        content["metadata"] = parse_json_arg(metadata, error="invalid_metadata_format")
    return content
