"""Block Kit validation (via slack_sdk's models) and Slack's id assignment for blocks.

Error reporting is consistent with real Slack:
- message surfaces (chat.*, response_url): `{"ok": false, "error": "invalid_blocks",
  "errors": [msg, ...], "response_metadata": {"messages": ["[ERROR] msg", ...]}}`
- views (views.open/push/update/publish, view_submission responses): `{"ok": false,
  "error": "invalid_arguments", "response_metadata": {"messages": ["[ERROR] msg", ...]}}`
"""

from __future__ import annotations

import copy
import json
import secrets
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from .elements import element_slots
from .state import SlackError

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
_ELEMENT_SLOTS = ("accessory", "element")


def parse_json_arg(value: Any, *, error: str) -> Any:
    """Form-encoded requests carry JSON as strings, JSON requests carry real values."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise SlackError(error) from None


def block_errors(blocks: Any, *, limit: int | None) -> list[str]:
    """Everything slack_sdk's models find wrong with `blocks` (empty list when valid)."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return ["blocks must be an array of objects"]
    too_many = limit is not None and len(blocks) > limit
    errors = [f"no more than {limit} items allowed [json-pointer:/blocks]"] if too_many else []
    for index, raw in enumerate(blocks):
        errors.extend(f"{e} [json-pointer:/blocks/{index}]" for e in _single_block_errors(raw))
    return errors


def _single_block_errors(raw: dict) -> list[str]:
    block = Block.parse(raw)
    if block is None:
        return [f"unsupported type: {raw.get('type')!r}"]
    try:
        parsed = block.to_dict()  # validates recursively
    except SlackObjectFormationError as error:
        return [str(error)]
    except (AttributeError, TypeError, KeyError) as error:
        return [f"malformed block: {error}"]
    return _dropped_element_errors(raw, parsed)


def _dropped_element_errors(raw: dict, parsed: dict) -> list[str]:
    """slack_sdk silently drops elements of unknown types; Slack refuses them."""
    errors = [
        f"unsupported element type: {raw[slot].get('type')!r}"
        for slot in _ELEMENT_SLOTS
        if isinstance(raw.get(slot), dict) and slot not in parsed
    ]
    raw_elements = raw.get("elements") if raw.get("type") != "rich_text" else None
    for index, element in enumerate(parsed.get("elements") or []):
        if element is None and raw_elements:
            errors.append(f"unsupported element type: {raw_elements[index].get('type')!r}")
    return errors


def validate_message_blocks(blocks: Any) -> list[dict]:
    blocks = parse_json_arg(blocks, error="invalid_blocks_format")
    errors = block_errors(blocks, limit=MAX_MESSAGE_BLOCKS)
    if errors:
        raise SlackError(
            "invalid_blocks", errors=errors, response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
        )
    return with_generated_ids(blocks)


def validate_view(view: Any) -> dict:
    view = parse_json_arg(view, error="invalid_arguments")
    errors = view_errors(view)
    if errors:
        raise SlackError(
            "invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
        )
    return {**view, "blocks": with_generated_ids(view.get("blocks", []))}


def view_errors(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view must be an object [json-pointer:/view]"]
    if view.get("type") not in ("modal", "home"):
        return [f"unsupported view type: {view.get('type')!r} [json-pointer:/view/type]"]
    errors = block_errors(view.get("blocks", []), limit=MAX_VIEW_BLOCKS)
    try:
        # view-level fields only (blocks were checked above): one placeholder block satisfies 1..100
        View(**{**view, "blocks": [{"type": "divider"}]}).validate_json()
    except SlackObjectFormationError as error:
        errors.append(str(error))
    except TypeError as error:
        errors.append(f"malformed view: {error}")
    return [e if "json-pointer" in e else f"{e} [json-pointer:/view]" for e in errors]


def with_generated_ids(blocks: list[dict]) -> list[dict]:
    """Copy of `blocks` where every block and interactive element has an id, as Slack assigns."""
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        block.setdefault("block_id", _short_id())
        for element in element_slots(block):
            if element.get("type") == "image":
                continue
            element.setdefault("action_id", _short_id())
    return blocks


def _short_id() -> str:
    return secrets.token_urlsafe(4)[:5]
