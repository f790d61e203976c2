"""Bolt's global error handler (bot/app.py): what escapes a listener never becomes a 500."""

from __future__ import annotations

import json
import logging

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.app import handle_error

CLICK = {
    "type": "block_actions",
    "user": {"id": "U0IVY"},
    "team": {"id": "T0CAMPAIGN"},
    "trigger_id": "1.1700000000.0123456789abcdef",
    "channel": {"id": "C0SHARED"},
    "actions": [{"action_id": "incident_acknowledge", "value": "1"}],
}


def request(body: dict) -> AsyncBoltRequest:
    return AsyncBoltRequest(body=json.dumps(body), headers={"content-type": "application/json"})


async def test_a_bug_is_logged_once_with_an_id_and_acknowledged(caplog):
    caplog.set_level(logging.INFO)
    response = await handle_error(RuntimeError("boom"), request(CLICK), AsyncBoltContext())
    assert response.status == 200
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].getMessage().startswith("unexpected error ") and errors[0].exc_info


async def test_a_malformed_payload_is_400_with_one_warning_and_no_traceback(caplog):
    caplog.set_level(logging.INFO)
    response = await handle_error(KeyError("id"), request({**CLICK, "actions": []}), AsyncBoltContext())
    assert response.status == 400
    assert [r.getMessage() for r in caplog.records] == ["malformed block_actions payload: actions is empty"]
    assert not any(r.exc_info for r in caplog.records)


async def test_a_malformed_event_is_acknowledged(caplog):
    event = {"type": "event_callback", "team_id": "T0CAMPAIGN", "event": {"type": "app_home_opened"}}
    response = await handle_error(KeyError("user"), request(event), AsyncBoltContext())
    assert response.status == 200
    assert [r.getMessage() for r in caplog.records] == [
        "malformed event_callback/app_home_opened payload: event.user is missing"
    ]
