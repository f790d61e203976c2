"""views.* over real HTTP: triggers (fresh, expired, reused), stacks, updates, home tab."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import SlackEmulator

from .conftest import FakeClock


def modal(title: str = "Report", **extra) -> dict:
    return {
        "type": "modal",
        "callback_id": "report",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "what",
                "label": {"type": "plain_text", "text": "What happened?"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
        ],
        **extra,
    }


async def slack_error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value


async def test_open_with_fresh_trigger(
    web_client: AsyncWebClient, emulator: SlackEmulator, clock: FakeClock, alice
):
    trigger = emulator.issue_trigger(alice.id)
    clock.advance(2.9)
    view = (await web_client.views_open(trigger_id=trigger, view=modal()))["view"]
    assert view["id"].startswith("V") and view["root_view_id"] == view["id"]
    assert [v.id for v in emulator.open_views(alice.id)] == [view["id"]]
    assert len(emulator.calls_to("views.open")) == 1


async def test_expired_reused_and_unknown_triggers(
    web_client: AsyncWebClient, emulator: SlackEmulator, clock: FakeClock, alice
):
    stale = emulator.issue_trigger(alice.id)
    clock.advance(3.1)
    assert (await slack_error(web_client.views_open(trigger_id=stale, view=modal()))).response[
        "error"
    ] == "trigger_expired"
    used = emulator.issue_trigger(alice.id)
    await web_client.views_open(trigger_id=used, view=modal())
    assert (await slack_error(web_client.views_open(trigger_id=used, view=modal()))).response[
        "error"
    ] == "trigger_expired"
    assert (await slack_error(web_client.views_open(trigger_id="1.2.nope", view=modal()))).response[
        "error"
    ] == "invalid_trigger_id"


async def test_push_update_and_hash(web_client: AsyncWebClient, emulator: SlackEmulator, alice):
    root = (await web_client.views_open(trigger_id=emulator.issue_trigger(alice.id), view=modal()))["view"]
    pushed = (await web_client.views_push(trigger_id=emulator.issue_trigger(alice.id), view=modal("Step 2")))[
        "view"
    ]
    assert pushed["previous_view_id"] == root["id"] and pushed["root_view_id"] == root["id"]
    updated = await web_client.views_update(view_id=root["id"], view=modal("Edited"), hash=root["hash"])
    assert updated["view"]["title"]["text"] == "Edited"
    conflict = await slack_error(web_client.views_update(view_id=root["id"], view=modal(), hash=root["hash"]))
    assert conflict.response["error"] == "hash_conflict"
    external = (
        await web_client.views_open(
            trigger_id=emulator.issue_trigger(alice.id), view=modal(external_id="ext-1")
        )
    )["view"]
    by_external = await web_client.views_update(external_id="ext-1", view=modal("Ext", external_id="ext-1"))
    assert by_external["view"]["id"] == external["id"]
    again = await web_client.views_update(external_id="ext-1", view=modal("Ext 2", external_id="ext-1"))
    assert again["view"]["external_id"] == "ext-1"
    taken = await slack_error(
        web_client.views_open(trigger_id=emulator.issue_trigger(alice.id), view=modal(external_id="ext-1"))
    )
    assert taken.response["error"] == "duplicate_external_id"


async def test_invalid_view_is_refused(web_client: AsyncWebClient, emulator: SlackEmulator, alice):
    refused = await slack_error(
        web_client.views_open(
            trigger_id=emulator.issue_trigger(alice.id), view=modal("A title far too long here")
        )
    )
    assert refused.response["error"] == "invalid_arguments"
    assert "title" in refused.response["response_metadata"]["messages"][0]


async def test_publish_home(web_client: AsyncWebClient, emulator: SlackEmulator, alice):
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    first = (await web_client.views_publish(user_id=alice.id, view=home))["view"]
    again = (await web_client.views_publish(user_id=alice.id, view=home))["view"]
    assert first["id"] == again["id"] == emulator.home(alice.id).id
    wrong = await slack_error(web_client.views_publish(user_id=alice.id, view=modal()))
    assert wrong.response["error"] == "invalid_arguments"
