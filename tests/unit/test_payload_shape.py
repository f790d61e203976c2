"""The payload shape check (bot/payloads.py) is total: any JSON value gets an answer, never an error."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import payloads

KEYS = [
    "type",
    "user",
    "id",
    "team",
    "team_id",
    "user_id",
    "channel",
    "channel_id",
    "view",
    "state",
    "values",
    "actions",
    "action_id",
    "value",
    "selected_option",
    "event",
    "tokens",
    "bot",
    "authorizations",
    "response_url",
    "response_urls",
    "trigger_id",
    "command",
    "text",
    "callback_id",
    "message",
    "ts",
    "enterprise",
    "is_ext_shared_channel",
    "private_metadata",
    "challenge",
    "ssl_check",
    "user_team",
]
TYPES = [
    "block_actions",
    "view_submission",
    "view_closed",
    "message_action",
    "shortcut",
    "event_callback",
    "url_verification",
    "app_home_opened",
    "message",
    "tokens_revoked",
    "app_uninstalled",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from([*TYPES, "/campaign", "https://hooks.slack.com/x", "T1", "U1"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(json_values)
def test_any_json_gets_an_answer_and_never_an_error(value):
    answer = payloads.problem(value)
    assert answer is None or isinstance(answer, str)
    if isinstance(value, dict):
        payloads.describe(value)
    assert payloads.parse(json.dumps(value), "application/json") == (
        value if isinstance(value, dict) else None
    )
