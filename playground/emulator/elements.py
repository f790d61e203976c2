"""Block Kit elements as a Slack client sees them: finding them, and their state values.

Convenient test values map to Slack's shapes:
plain_text_input / email / url / number → "text"; static/external select, radio buttons,
overflow → option value; checkboxes and multi selects → list of values / ids; users_select →
user id; conversations_select / channels_select → channel id; datepicker → "YYYY-MM-DD";
timepicker → "HH:MM"; datetimepicker → epoch int; rich_text_input → "text".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class EmulatorUsageError(AssertionError):
    """A test asked the fake user to do something the Slack client would not allow."""


# element type -> (key in state/action payloads, key of the initial value in the element)
_SIMPLE_KEYS = {
    "plain_text_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "rich_text_input": ("rich_text_value", "initial_value"),
}
_SINGLE_OPTION = {"static_select", "external_select", "radio_buttons", "overflow"}
_MULTI_OPTION = {"multi_static_select", "multi_external_select", "checkboxes"}
_NOT_STATEFUL = {"button", "overflow", "image", "workflow_button"}


def element_slots(block: dict) -> list[dict]:
    """Interactive elements of one block: actions elements, a section accessory, an input element."""
    if block.get("type") == "actions":
        return [e for e in block.get("elements", []) if isinstance(e, dict)]
    return [block[slot] for slot in ("accessory", "element") if isinstance(block.get(slot), dict)]


def iter_elements(blocks: list[dict]) -> Iterator[tuple[dict, dict]]:
    for block in blocks:
        for element in element_slots(block):
            yield block, element


def find_element(
    blocks: list[dict], action_id: str, *, block_id: str | None = None, value: str | None = None
) -> tuple[dict, dict]:
    """The (block, element) with `action_id` (and `block_id`, and for buttons `value`)."""
    candidates = [
        (block, element)
        for block, element in iter_elements(blocks)
        if element.get("action_id") == action_id and block_id in (None, block.get("block_id"))
    ]
    buttons = [c for c in candidates if c[1].get("type") == "button" and value is not None]
    if buttons:
        candidates = [c for c in buttons if c[1].get("value") == value]
    if not candidates:
        available = sorted(f"{b.get('block_id')}/{e.get('action_id')}" for b, e in iter_elements(blocks))
        wanted = f"{block_id or '*'}/{action_id}" + (f" (value {value!r})" if value is not None else "")
        raise EmulatorUsageError(f"no element {wanted} here; available: {available}")
    return candidates[0]


def _options(element: dict) -> list[dict]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return options


def _option(element: dict, value: Any) -> dict:
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": str(value)}
    for option in _options(element):
        if option.get("value") == value:
            return option
    known = [o.get("value") for o in _options(element)]
    raise EmulatorUsageError(f"{element.get('action_id')}: no option {value!r}; options: {known}")


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _rich_text(text: str) -> dict:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {"type": "rich_text", "elements": [section]}


def selected_state(element: dict, value: Any) -> dict[str, Any]:
    """The state entry (`{"type": ..., <selected key>: ...}`) for a convenient value."""
    element_type = element.get("type", "")
    state: dict[str, Any] = {"type": element_type}
    if element_type in _SINGLE_OPTION:
        state["selected_option"] = _option(element, value)
    elif element_type in _MULTI_OPTION:
        state["selected_options"] = [_option(element, v) for v in _as_list(value)]
    elif element_type in _SIMPLE_KEYS:
        key = _SIMPLE_KEYS[element_type][0]
        state[key] = _simple_value(element_type, key, value)
    else:
        raise EmulatorUsageError(f"{element.get('action_id')}: cannot set a value on a {element_type}")
    return state


def _simple_value(element_type: str, key: str, value: Any) -> Any:
    if element_type == "rich_text_input":
        return _rich_text(str(value)) if isinstance(value, str) else value
    if key.endswith("s"):  # selected_users, selected_channels, ...
        return _as_list(value)
    if element_type == "datetimepicker":
        return int(value)
    return str(value)


def initial_state(element: dict) -> dict[str, Any]:
    """The state entry of an element the user did not touch (its initial value, or empty)."""
    element_type = element.get("type", "")
    if element_type in _SINGLE_OPTION:
        return {"type": element_type, "selected_option": element.get("initial_option")}
    if element_type in _MULTI_OPTION:
        return {"type": element_type, "selected_options": element.get("initial_options", [])}
    key, initial_key = _SIMPLE_KEYS.get(element_type, ("value", "initial_value"))
    empty: Any = [] if key.endswith("s") and element_type.startswith("multi_") else None
    return {"type": element_type, key: element.get(initial_key, empty)}


def is_stateful(element: dict) -> bool:
    return element.get("type") not in _NOT_STATEFUL


def state_values(
    blocks: list[dict], current: dict[str, dict[str, Any]], values: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Slack's `state.values`: initial values, overlaid by `current` state, overlaid by `values`."""
    _check_known(blocks, values)
    state: dict[str, dict[str, Any]] = {}
    for block, element in iter_elements(blocks):
        if not is_stateful(element):
            continue
        block_id, action_id = block["block_id"], element["action_id"]
        entry = current.get(block_id, {}).get(action_id) or initial_state(element)
        if action_id in values.get(block_id, {}):
            entry = selected_state(element, values[block_id][action_id])
        state.setdefault(block_id, {})[action_id] = entry
    return state


def _check_known(blocks: list[dict], values: dict[str, dict[str, Any]]) -> None:
    known = {(b.get("block_id"), e.get("action_id")) for b, e in iter_elements(blocks) if is_stateful(e)}
    for block_id, actions in values.items():
        for action_id in actions:
            if (block_id, action_id) not in known:
                raise EmulatorUsageError(
                    f"no input {block_id}/{action_id} in this view; inputs: {sorted(map(str, known))}"
                )


def missing_required(blocks: list[dict], state: dict[str, dict[str, Any]]) -> list[str]:
    """Input blocks not marked optional that are still empty (Slack refuses to submit them)."""
    missing = []
    for block in blocks:
        element = block.get("element")
        if block.get("type") != "input" or block.get("optional") or not isinstance(element, dict):
            continue
        entry = state.get(block["block_id"], {}).get(element["action_id"], {})
        if all(v in (None, "", []) for k, v in entry.items() if k != "type"):
            missing.append(block["block_id"])
    return missing


def action_entry(block: dict, element: dict, value: Any, action_ts: str) -> dict[str, Any]:
    """One item of a block_actions payload's `actions`."""
    base = {"action_id": element["action_id"], "block_id": block["block_id"]}
    if element.get("type") == "button":
        entry = {**base, "text": element.get("text"), "value": element.get("value"), "type": "button"}
        if element.get("style"):
            entry["style"] = element["style"]
        return {**entry, "action_ts": action_ts}
    if value is None:
        raise EmulatorUsageError(f"{element['action_id']}: a {element.get('type')} needs a value to act on")
    return {**base, **selected_state(element, value), "action_ts": action_ts}
