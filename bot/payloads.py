"""The shape of a request body, checked once before any listener (or Bolt itself) reads it.

Pure functions in the spirit of slack_bolt's `request/payload_utils.py`. `parse` reads a body the
way Bolt does (`slack_bolt.request.internals.parse_body`) but never raises; `problem` says what
is wrong with a parsed body in a few words, or None when every field that Bolt's context
extraction, its listener matchers or one of our listeners reads has the type Slack sends:

- everywhere: `team`, `user`, `enterprise`, `channel` (a string or an object with a string `id`),
  `view`, `message`, `event` (objects), `authorizations`, `response_urls` (lists of objects),
  `response_url` and the `*_id` fields (strings);
- slash commands: `command`, `user_id`, `team_id`, `channel_id`, `trigger_id`, `response_url`,
  and `text` no longer than Slack lets anyone type (`MAX_COMMAND_TEXT`);
- `block_actions`: `user.id`, `trigger_id`, one action object with a string `action_id`, a string
  `value` and an object `selected_option` when present, and where the click happened (`view` or
  `channel`);
- `view_submission` / `view_closed`: `user.id`, `view.id`, `view.callback_id`, `view.state.values`
  (blocks of inputs, each input an object whose known fields have Slack's types);
- `message_action` / `shortcut`: `user.id`, `callback_id`, `trigger_id`, and for a message
  shortcut `channel.id`, `message.ts`, `response_url`;
- `event_callback`: `event.type`, and per event what the listeners read (`app_home_opened`: `user`;
  `message`: `channel`, `ts`; `member_joined_channel`: `user`, `channel`, `inviter` if any;
  `tokens_revoked`: `tokens` an object of lists).

Messages name the field and the type found, never a value: they go to the log.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.request.internals import extract_team_id, parse_body

STR, OBJ, LIST, NUM = "string", "object", "list", "number"
ID, TS = "Slack id", "Slack timestamp"  # strings of a fixed form
_TYPES: dict[str, type | tuple[type, ...]] = {STR: str, OBJ: dict, LIST: list, NUM: (int, float)}
#: Ids (`U0123ABCD`, `T…`, `C…`, `V…`) and message timestamps (`1700000000.000100`). Checked so
#: that no listener passes a 100 kB "user id" on to the Web API (some calls put it in a URL).
_FORMS = {ID: re.compile(r"[A-Z][A-Z0-9]{1,39}"), TS: re.compile(r"[0-9]{1,12}\.[0-9]{1,9}")}

#: Fields read wherever they appear: path -> accepted kinds. A path goes through objects only.
#: Null is refused except where Slack sends it (`NULLABLE`): Bolt tests some of these with `in`.
_EVERYWHERE: dict[str, tuple[str, ...]] = {
    "type": (STR,),
    "team": (ID, OBJ),
    "team.id": (ID,),
    "team.enterprise_id": (ID,),
    "enterprise": (ID, OBJ),
    "enterprise.id": (ID,),
    "user": (ID, OBJ),
    "user.id": (ID,),
    "user.team_id": (ID,),
    "channel": (ID, OBJ),
    "channel.id": (ID,),
    "team_id": (ID,),
    "user_id": (ID,),
    "channel_id": (ID,),
    "enterprise_id": (ID,),
    "context_team_id": (ID,),
    "context_enterprise_id": (ID,),
    "api_app_id": (ID,),
    "trigger_id": (STR,),
    "response_url": (STR,),
    "response_urls": (LIST,),
    "authorizations": (LIST,),
    "thread_ts": (TS,),
    "actions": (LIST,),
    "view": (OBJ,),
    "view.id": (ID,),
    "view.app_installed_team_id": (ID,),
    "view.team_id": (ID,),
    "view.callback_id": (STR,),
    "message": (OBJ,),
    "previous_message": (OBJ,),
    "item": (OBJ,),
    "assistant_thread": (OBJ,),
    "event": (OBJ,),
    "function_execution_id": (STR,),
    "function_data": (OBJ,),
    "bot_access_token": (STR,),
}
_EVERYWHERE_BY_ROOT: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _path, _kinds in _EVERYWHERE.items():
    _EVERYWHERE_BY_ROOT.setdefault(_path.split(".")[0], []).append((_path, _kinds))
NULLABLE = frozenset(
    {"team", "team.enterprise_id", "enterprise", "enterprise_id", "context_enterprise_id", "user.team_id"}
)
#: Fields of `event` (and of `message`, `previous_message`) that Bolt or a listener reads.
_EVENT_EVERYWHERE: dict[str, tuple[str, ...]] = {
    "type": (STR,),
    "user": (ID,),
    "user_id": (ID,),
    "team": (ID,),
    "user_team": (ID,),
    "channel": (ID,),
    "channel_id": (ID,),
    "ts": (TS,),
    "thread_ts": (TS,),
    "event_ts": (TS,),
    "subtype": (STR,),
    "bot_id": (ID,),
    "text": (STR,),
    "function_execution_id": (STR,),
    "bot_access_token": (STR,),
}
#: Known fields of one input's state in `view.state.values`, by the kind Slack sends.
_INPUT_FIELDS: dict[str, tuple[str, ...]] = {
    "type": (STR,),
    "value": (STR,),
    "selected_option": (OBJ,),
    "selected_options": (LIST,),
    "selected_date": (STR,),
    "selected_time": (STR,),
    "selected_date_time": (NUM, STR),
    "selected_conversation": (STR,),
    "selected_channel": (STR,),
    "selected_user": (STR,),
    "selected_conversations": (LIST,),
    "selected_channels": (LIST,),
    "selected_users": (LIST,),
}

#: Slack caps what a user types at 40,000 characters; command text is split with `shlex`, whose
#: time grows with the square of a long word's length.
MAX_COMMAND_TEXT = 40_000

_HTTP_URL = re.compile(r"https?://[^\s/]+/", re.IGNORECASE)
_TEAM_ID = re.compile(rb'team_id(?:=|"\s{0,3}:\s{0,3}")(T[A-Z0-9]{1,20})(?![A-Za-z0-9])')
#: How far into a body `team_hint` looks: the team id comes early in every Slack payload.
TEAM_HINT_WINDOW = 8192


def parse(raw: str, content_type: str | None) -> dict[str, Any] | None:
    """The body as Bolt will read it, or None when that is not a JSON object (or does not parse)."""
    try:
        body = parse_body(raw, content_type)
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        return None
    return body if isinstance(body, dict) else None


def kind(body: dict[str, Any]) -> str:
    """ "command" for a slash command, else the payload's `type` (or "unknown")."""
    if "command" in body:
        return "command"
    payload_type = body.get("type")
    return payload_type if isinstance(payload_type, str) and len(payload_type) <= 40 else "unknown"


def is_event_callback(body: dict[str, Any]) -> bool:
    return body.get("type") == "event_callback"


def team_hint(raw: bytes) -> str | None:
    """A team id picked out of raw bytes (for a refusal's log line); no parsing, bounded."""
    match = _TEAM_ID.search(raw, 0, TEAM_HINT_WINDOW)
    return match.group(1).decode("ascii") if match else None


# ------------------------------------------------------------------------------------------------
# small readers


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for name, types in _TYPES.items():
        if isinstance(value, types):
            return name
    return type(value).__name__


def _is(value: Any, kinds: tuple[str, ...]) -> bool:
    if isinstance(value, bool):
        return False
    for kind in kinds:
        if kind in _FORMS:
            if isinstance(value, str) and _FORMS[kind].fullmatch(value):
                return True
        elif isinstance(value, _TYPES[kind]):
            return True
    return False


@cache
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _resolve(body: dict[str, Any], path: str) -> tuple[bool, Any]:
    """(found, value) for a dotted path through objects; a non-object on the way: not found."""
    node: Any = body
    for part in _parts(path):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _typed(
    body: dict[str, Any], path: str, kinds: tuple[str, ...], *, required: bool, nullable: bool = True
) -> str | None:
    """A problem when the field at `path` is missing (if required) or has another type. Null
    counts as missing, unless `nullable=False` (for fields read with `.get(key, default)`)."""
    found, value = _resolve(body, path)
    if found and value is None and not nullable:
        return f"{path} is null"
    if not found or value is None:
        return f"{path} is missing" if required else None
    if not _is(value, kinds):
        found = f"a {type_name(value)}" if not isinstance(value, str) else "a string of another form"
        return f"{path} is {found}, not a {' or '.join(kinds)}"
    return None


def _first(*problems: str | None) -> str | None:
    """The first problem found. Every check is computed (each is safe on any input); the order
    only decides which one is reported."""
    return next((p for p in problems if p), None)


def _all_typed(body: dict[str, Any], fields: dict[str, tuple[str, ...]], *, required: bool) -> str | None:
    return _first(*(_typed(body, path, kinds, required=required) for path, kinds in fields.items()))


def _list_of_objects(body: dict[str, Any], path: str, *, required: bool = False, non_empty: bool = False):
    problem = _typed(body, path, (LIST,), required=required)
    if problem:
        return problem
    _, items = _resolve(body, path)
    if items is None:
        return None
    if non_empty and not items:
        return f"{path} is empty"
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            return f"{path}[{index}] is a {type_name(item)}, not an object"
    return None


# ------------------------------------------------------------------------------------------------
# the check


def problem(body: Any) -> str | None:
    """What is wrong with a parsed body, or None."""
    if not isinstance(body, dict):
        return f"the body is a {type_name(body)}, not an object"
    if not body:
        return "the body is empty"
    found = _first(
        _everywhere(body),
        _list_of_objects(body, "authorizations"),
        _list_of_objects(body, "response_urls"),
        _response_urls(body),
        _authorizations(body),
        _event_fields(body, "event"),
        _event_fields(body, "message"),
        _event_fields(body, "previous_message"),
    )
    if found:
        return found
    which = kind(body)
    if which == "url_verification" or "ssl_check" in body:
        return _url_verification(body) if which == "url_verification" else None
    if which == "unknown":
        return "no type and no command"
    check = _BY_KIND.get(which)
    found = check(body) if check else None
    # an org-wide install's event names no team in `authorizations`: the envelope's `team_id` does
    team_id = (extract_team_id(body) or body.get("team_id")) if found is None else None
    if found is None and not (isinstance(team_id, str) and team_id):
        return "no team id"  # listeners fall back on it when Bolt skips authorisation
    return found


def _url(value: Any, where: str) -> str | None:
    if isinstance(value, str) and not _HTTP_URL.match(value):
        return f"{where} is not an http(s) URL"
    return None


def _everywhere(body: dict[str, Any]) -> str | None:
    for key in body:  # only the fields present: a body has a dozen keys, `_EVERYWHERE` three dozen
        for path, kinds in _EVERYWHERE_BY_ROOT.get(key, ()):
            if (found := _typed(body, path, kinds, required=False, nullable=path in NULLABLE)) is not None:
                return found
    return None


def _response_urls(body: dict[str, Any]) -> str | None:
    found = _url(body.get("response_url"), "response_url")
    if found:
        return found
    items = body.get("response_urls")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            return f"response_urls[{index}] is a {type_name(item)}, not an object"
        if (p := _typed(item, "response_url", (STR,), required=False)) is not None:
            return f"response_urls[{index}].{p}"
        if (p := _url(item.get("response_url"), "response_url")) is not None:
            return f"response_urls[{index}].{p}"
    return None


#: Where Slack's response_urls point (commercial Slack and GovSlack).
SLACK_RESPONSE_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


def foreign_response_url(body: dict[str, Any], hosts: Collection[str]) -> str | None:
    """A problem when a response_url of a well-formed body points anywhere but `hosts`. The bot
    POSTs its answers to it: a forged one would have it send them to any address it can reach."""
    items = body.get("response_urls")
    urls = [body.get("response_url")] + [i.get("response_url") for i in items or () if isinstance(i, dict)]
    for url in urls:
        if isinstance(url, str) and urlsplit(url).netloc.lower() not in hosts:
            return "a response_url is not Slack's"
    return None


def _authorizations(body: dict[str, Any]) -> str | None:
    items = body.get("authorizations")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            return f"authorizations[{index}] is a {type_name(item)}, not an object"
        for field in ("team_id", "enterprise_id", "user_id"):
            if (p := _typed(item, field, (ID,), required=False)) is not None:
                return f"authorizations[{index}].{p}"
    return None


def _event_fields(body: dict[str, Any], key: str) -> str | None:
    inner = body.get(key)
    if not isinstance(inner, dict):
        return None
    return _first(
        *(_typed(body, f"{key}.{f}", kinds, required=False) for f, kinds in _EVENT_EVERYWHERE.items())
    )


def _user(body: dict[str, Any]) -> str | None:
    return _first(_typed(body, "user", (OBJ,), required=True), _typed(body, "user.id", (ID,), required=True))


def _command(body: dict[str, Any]) -> str | None:
    found = _all_typed(
        body,
        {
            "command": (STR,),
            "user_id": (ID,),
            "team_id": (ID,),
            "channel_id": (ID,),
            "trigger_id": (STR,),
            "response_url": (STR,),
        },
        required=True,
    )
    found = _first(found, _typed(body, "text", (STR,), required=False))
    if found is None and len(body.get("text") or "") > MAX_COMMAND_TEXT:
        return f"text is longer than {MAX_COMMAND_TEXT} characters"
    return found


def _view(body: dict[str, Any], *, submitted: bool) -> str | None:
    """The view of a submission (`callback_id` and `state.values` required) or of a click."""
    found = _first(
        _typed(body, "view", (OBJ,), required=True),
        _typed(body, "view.id", (ID,), required=True),
        _typed(body, "view.callback_id", (STR,), required=submitted),
        _all_typed(
            body,
            {"view.private_metadata": (STR,), "view.hash": (STR,), "view.type": (STR,), "view.state": (OBJ,)},
            required=False,
        ),
        _typed(body, "view.state.values", (OBJ,), required=submitted),
    )
    if found:
        return found
    _, values = _resolve(body, "view.state.values")
    for block in (values or {}).values():
        if not isinstance(block, dict):
            return f"view.state.values has a block that is a {type_name(block)}, not an object"
        for element in block.values():
            if not isinstance(element, dict):
                return f"view.state.values has an input that is a {type_name(element)}, not an object"
            for key, value in element.items():  # an input has a few keys: check those
                kinds = _INPUT_FIELDS.get(key)
                if kinds is not None and value is not None and not _is(value, kinds):
                    return (
                        f"view.state.values input: {key} is a {type_name(value)}, not a {' or '.join(kinds)}"
                    )
            option = element.get("selected_option")
            if isinstance(option, dict) and (p := _typed(option, "value", (STR,), required=False)):
                return f"view.state.values input: selected_option.{p}"
    return None


def _block_actions(body: dict[str, Any]) -> str | None:
    found = _first(
        _user(body),
        _typed(body, "trigger_id", (STR,), required=True),
        _list_of_objects(body, "actions", required=True, non_empty=True),
        _typed(body, "container", (OBJ,), required=False),
    )
    if found:
        return found
    for index, action in enumerate(body["actions"]):
        where = f"actions[{index}]"
        found = _first(
            _typed(action, "action_id", (STR,), required=True),
            _all_typed(
                action, {"block_id": (STR,), "value": (STR,), "selected_option": (OBJ,)}, required=False
            ),
            _typed(action, "selected_option.value", (STR,), required=False),
        )
        if found:
            return f"{where}.{found}"
    if isinstance(body.get("view"), dict):
        return _view(body, submitted=False)
    return _typed(body, "channel.id", (ID,), required=True)


def _view_submission(body: dict[str, Any]) -> str | None:
    return _first(_user(body), _view(body, submitted=True))


def _view_closed(body: dict[str, Any]) -> str | None:
    return _first(
        _user(body), _view(body, submitted=False), _typed(body, "view.callback_id", (STR,), required=True)
    )


def _shortcut(body: dict[str, Any]) -> str | None:
    return _first(_user(body), _all_typed(body, {"callback_id": (STR,), "trigger_id": (STR,)}, required=True))


def _message_action(body: dict[str, Any]) -> str | None:
    return _first(
        _shortcut(body),
        _all_typed(
            body,
            {
                "channel": (OBJ,),
                "channel.id": (STR,),
                "message": (OBJ,),
                "message.ts": (TS,),
                "response_url": (STR,),
            },
            required=True,
        ),
    )


def _event_callback(body: dict[str, Any]) -> str | None:
    found = _first(
        _typed(body, "event", (OBJ,), required=True),
        _typed(body, "event.type", (STR,), required=True),
        _typed(body, "event_id", (STR,), required=False, nullable=False),
    )
    if found:
        return found
    check = _BY_EVENT.get(body["event"]["type"])
    return check(body) if check else None


def _app_home_opened(body: dict[str, Any]) -> str | None:
    return _first(
        _typed(body, "event.user", (ID,), required=True),
        _all_typed(body, {"event.tab": (STR,), "event.view": (OBJ,)}, required=False),
    )


def _message_event(body: dict[str, Any]) -> str | None:
    return _first(
        _all_typed(body, {"event.channel": (ID,), "event.ts": (TS,)}, required=True),
    )


def _member_joined_channel(body: dict[str, Any]) -> str | None:
    return _first(
        _all_typed(body, {"event.user": (ID,), "event.channel": (ID,)}, required=True),
        _typed(body, "event.inviter", (ID,), required=False),
    )


def _tokens_revoked(body: dict[str, Any]) -> str | None:
    return _first(
        _typed(body, "event.tokens", (OBJ,), required=False, nullable=False),
        _all_typed(body, {"event.tokens.bot": (LIST,), "event.tokens.oauth": (LIST,)}, required=False),
    )


def _url_verification(body: dict[str, Any]) -> str | None:
    return _typed(body, "challenge", (STR,), required=True)


_BY_KIND = {
    "command": _command,
    "block_actions": _block_actions,
    "view_submission": _view_submission,
    "view_closed": _view_closed,
    "shortcut": _shortcut,
    "message_action": _message_action,
    "event_callback": _event_callback,
}
_BY_EVENT = {
    "app_home_opened": _app_home_opened,
    "message": _message_event,
    "member_joined_channel": _member_joined_channel,
    "tokens_revoked": _tokens_revoked,
}


def describe(body: dict[str, Any]) -> str:
    """The payload's kind in a few words for a log line (event type, never a value)."""
    which = kind(body)
    if which == "event_callback" and isinstance(body.get("event"), dict):
        event_type = body["event"].get("type")
        if isinstance(event_type, str) and len(event_type) <= 40 and event_type.isidentifier():
            return f"event_callback/{event_type}"
    return which if which.isidentifier() or which == "command" else "unknown"
