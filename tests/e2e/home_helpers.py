"""A click on the home tab that its buttons no longer offer (a stale tab, or a payload by hand)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from playground.emulator import payloads
from tests.e2e.harness import World


async def forged_home_click(world: World, user: str, action_id: str, value: str) -> None:
    """A signed block_actions from the user's published home tab, with any action and value."""
    ws = world.slack.ws
    actor = ws.users[user]
    action = {"action_id": action_id, "block_id": "forged", "value": value, "type": "button"}
    action["action_ts"] = ws.ts_clock.next()
    payload = payloads.view_block_actions(
        ws, actor, world.emulator.home(user), action, trigger_id=ws.issue_trigger(actor.id)
    )
    reply = await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )
    assert reply.ok
