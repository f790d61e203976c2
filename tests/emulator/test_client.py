"""The user-side client: signed requests shaped like Slack's samples, and Slack's reactions."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import EmulatorUsageError, SlackEmulator, SlackUserClient

from .conftest import SIGNING_SECRET, SPECS_DIR, FakeBot, sample

ENTERPRISE_KEYS = {"enterprise_id", "enterprise_name"}


def modal() -> dict:
    def input_block(block_id: str, element: dict, *, optional: bool = False) -> dict:
        label = {"type": "plain_text", "text": block_id}
        return {
            "type": "input",
            "block_id": block_id,
            "label": label,
            "element": element,
            "optional": optional,
        }

    option = lambda value: {"text": {"type": "plain_text", "text": value.title()}, "value": value}  # noqa: E731
    return {
        "type": "modal",
        "callback_id": "campaign",
        "notify_on_close": True,
        "title": {"type": "plain_text", "text": "Campaign"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            input_block("name", {"type": "plain_text_input", "action_id": "v"}),
            input_block(
                "market", {"type": "static_select", "action_id": "v", "options": [option("uk"), option("us")]}
            ),
            input_block("owner", {"type": "users_select", "action_id": "v"}),
            input_block("room", {"type": "conversations_select", "action_id": "v"}),
            input_block("start", {"type": "datepicker", "action_id": "v", "initial_date": "2025-01-01"}),
            input_block("at", {"type": "timepicker", "action_id": "v"}, optional=True),
            input_block(
                "flags",
                {"type": "checkboxes", "action_id": "v", "options": [option("a"), option("b")]},
                optional=True,
            ),
        ],
    }


async def open_modal(web_client: AsyncWebClient, emulator: SlackEmulator, user: str) -> str:
    response = await web_client.views_open(trigger_id=emulator.issue_trigger(user), view=modal())
    return response["view"]["id"]


def json_reply(body: dict) -> web.Response:
    return web.json_response(body)


async def test_command_is_signed_and_shaped_like_slack(users: SlackUserClient, bot: FakeBot, alice, general):
    reply = await users.command(alice.id, "/campaign", "new", channel="general")
    assert reply.ok
    fields = bot.last.payload
    expected = set(sample("slash_command.parsed.json")) - ENTERPRISE_KEYS
    assert expected <= set(fields)
    assert (fields["command"], fields["text"], fields["channel_id"]) == ("/campaign", "new", general.id)
    assert fields["response_url"].startswith(users.emulator.base_url + "/response_url/")
    assert bot.last.headers["X-Slack-Signature"].startswith("v0=")


async def test_command_ack_is_shown_ephemerally(
    users: SlackUserClient, bot: FakeBot, emulator, alice, general
):
    bot.responder = lambda _: json_reply({"text": "Only you can see this"})
    await users.as_user(alice.id).command("/campaign", channel=general.id)
    assert [m.text for m in emulator.ephemerals(alice.id, "general")] == ["Only you can see this"]
    assert emulator.history("general") == []


async def test_response_url_posts_and_replaces(
    users: SlackUserClient, bot: FakeBot, emulator, alice, general
):
    reply = await users.command(alice.id, "/campaign", channel="general")
    async with aiohttp.ClientSession() as session:
        await session.post(reply.response_url, json={"text": "public", "response_type": "in_channel"})
        await session.post(reply.response_url, json={"text": "private"})
        async with session.post(reply.response_url, json={"blocks": [{"type": "bogus"}]}) as refused:
            assert refused.status == 400 and (await refused.json())["error"] == "invalid_blocks"
    assert [m.text for m in emulator.history("general")] == ["public"]
    assert [m.text for m in emulator.ephemerals(alice.id)] == ["private"]


async def test_click_builds_block_actions(
    users: SlackUserClient, bot: FakeBot, web_client: AsyncWebClient, emulator, alice, general
):
    buttons = [
        {
            "type": "button",
            "action_id": "decide",
            "value": "yes",
            "text": {"type": "plain_text", "text": "Yes"},
        },
        {
            "type": "button",
            "action_id": "decide",
            "value": "no",
            "text": {"type": "plain_text", "text": "No"},
        },
    ]
    posted = await web_client.chat_postMessage(
        channel=general.id, text="decide", blocks=[{"type": "actions", "block_id": "b", "elements": buttons}]
    )
    await users.click(alice.id, "general", posted["ts"], "decide", value="no")
    payload = bot.last.payload
    assert set(sample("block_actions.button.json")) <= set(payload)
    assert payload["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": general.id,
        "is_ephemeral": False,
    }
    [action] = payload["actions"]
    assert (action["action_id"], action["block_id"], action["value"], action["type"]) == (
        "decide",
        "b",
        "no",
        "button",
    )
    assert payload["message"]["ts"] == posted["ts"] and payload["user"]["team_id"] == "T0CAMPAIGN"
    with pytest.raises(EmulatorUsageError, match="no element"):
        await users.click(alice.id, "general", posted["ts"], "not-there")


async def test_click_response_url_replaces_original(
    users: SlackUserClient, web_client: AsyncWebClient, emulator, alice, general
):
    button = {"type": "button", "action_id": "ok", "text": {"type": "plain_text", "text": "OK"}}
    posted = await web_client.chat_postMessage(
        channel=general.id, text="x", blocks=[{"type": "actions", "elements": [button]}]
    )
    reply = await users.click(alice.id, general.id, posted["ts"], "ok")
    async with aiohttp.ClientSession() as session:
        await session.post(reply.response_url, json={"replace_original": True, "text": "done"})
    assert emulator.find_message("general", posted["ts"]).text == "done"


async def test_submit_view_converts_values(
    users: SlackUserClient, bot: FakeBot, web_client: AsyncWebClient, emulator, alice, bob, general
):
    view_id = await open_modal(web_client, emulator, alice.id)
    values = {
        "name": {"v": "Spring"},
        "market": {"v": "uk"},
        "owner": {"v": bob.id},
        "room": {"v": general.id},
        "flags": {"v": ["b"]},
    }
    await users.submit_view(alice.id, view_id, values)
    payload = bot.last.payload
    assert set(sample("view_submission.json")) <= set(payload)
    assert set(sample("view_submission.json")["view"]) <= set(payload["view"])
    state = payload["view"]["state"]["values"]
    assert state["name"]["v"] == {"type": "plain_text_input", "value": "Spring"}
    assert state["market"]["v"]["selected_option"]["text"]["text"] == "Uk"
    assert state["owner"]["v"] == {"type": "users_select", "selected_user": bob.id}
    assert state["room"]["v"]["selected_conversation"] == general.id
    assert state["start"]["v"] == {"type": "datepicker", "selected_date": "2025-01-01"}  # untouched: initial
    assert state["at"]["v"] == {"type": "timepicker", "selected_time": None}
    assert [o["value"] for o in state["flags"]["v"]["selected_options"]] == ["b"]
    assert emulator.open_views(alice.id) == []  # empty ack closes the modal


async def test_submit_view_refusals(users: SlackUserClient, web_client: AsyncWebClient, emulator, alice):
    view_id = await open_modal(web_client, emulator, alice.id)
    with pytest.raises(EmulatorUsageError, match="no input"):
        await users.submit_view(alice.id, view_id, {"nmae": {"v": "typo"}})
    with pytest.raises(EmulatorUsageError, match="required"):
        await users.submit_view(alice.id, view_id, {"name": {"v": "x"}})
    with pytest.raises(EmulatorUsageError, match="no option"):
        await users.submit_view(alice.id, view_id, {"market": {"v": "fr"}})


async def test_submit_response_actions(
    users: SlackUserClient, bot: FakeBot, web_client: AsyncWebClient, emulator, alice, bob, general
):
    view_id = await open_modal(web_client, emulator, alice.id)
    values = {"name": {"v": "x"}, "market": {"v": "us"}, "owner": {"v": bob.id}, "room": {"v": general.id}}
    bot.responder = lambda _: json_reply({"response_action": "errors", "errors": {"name": "Too short"}})
    await users.submit_view(alice.id, view_id, values)
    assert emulator.view(view_id).errors == {"name": "Too short"}
    pushed = {**modal(), "title": {"type": "plain_text", "text": "Confirm"}}
    bot.responder = lambda _: json_reply({"response_action": "push", "view": pushed})
    await users.submit_view(alice.id, view_id, values)
    stack = emulator.open_views(alice.id)
    assert [v.definition["title"]["text"] for v in stack] == ["Campaign", "Confirm"]
    bot.responder = lambda _: json_reply({"response_action": "clear"})
    await users.submit_view(alice.id, stack[-1].id, values)
    assert emulator.open_views(alice.id) == []


async def test_close_view_notifies(
    users: SlackUserClient, bot: FakeBot, web_client: AsyncWebClient, emulator, alice
):
    view_id = await open_modal(web_client, emulator, alice.id)
    await users.close_view(alice.id, view_id)
    assert bot.last.payload["type"] == "view_closed"
    assert set(sample("view_closed.json")) <= set(bot.last.payload)
    assert emulator.open_views(alice.id) == []


async def test_message_shortcut(users: SlackUserClient, bot: FakeBot, emulator, alice, general):
    message = emulator.workspace.post(general, user=alice.id, text="report this")
    await users.message_shortcut(alice.id, "general", message.ts, "report_breach")
    payload = bot.last.payload
    assert set(sample("message_action.message_shortcut.json")) <= set(payload)
    assert (payload["callback_id"], payload["message"]["text"]) == ("report_breach", "report this")


async def test_post_message_event_and_redelivery(
    users: SlackUserClient, bot: FakeBot, emulator, alice, general
):
    reply = await users.post_message(alice.id, "general", "hello bot")
    envelope = bot.last.payload
    sample_envelope = sample("event_callback.message.user.json")
    assert set(sample_envelope) - ENTERPRISE_KEYS <= set(envelope)
    assert set(sample_envelope["event"]) <= set(envelope["event"])
    assert envelope["event"]["channel_type"] == "channel" and envelope["event_id"].startswith("Ev")
    await users.redeliver(reply.envelope, retry_num=1, reason="http_timeout")
    assert bot.last.body == bot.received[0].body
    assert (bot.last.headers["X-Slack-Retry-Num"], bot.last.headers["X-Slack-Retry-Reason"]) == (
        "1",
        "http_timeout",
    )
    outside = emulator.add_channel("quiet", creator=alice.id)
    assert not (await users.post_message(alice.id, outside.id, "unseen")).delivered


async def test_add_to_channel_tells_the_bot_member_joined_channel(
    users: SlackUserClient, bot: FakeBot, emulator, alice, general
):
    bob = emulator.add_user("bob")
    await users.add_to_channel(bob.id, "general", by=alice.id)
    envelope = bot.last.payload
    shape = json.loads(
        (SPECS_DIR / "samples/java-slack-sdk/events/MemberJoinedChannelPayload.json").read_text()
    )
    assert set(shape) - ENTERPRISE_KEYS - {"context_enterprise_id"} <= set(envelope)
    assert set(shape["event"]) - {"enterprise"} <= set(envelope["event"])  # only in an organisation
    event = envelope["event"]
    assert (event["type"], event["user"], event["inviter"]) == ("member_joined_channel", bob.id, alice.id)
    assert event["channel_type"] == "C" and bob.id in emulator.channel("general").members
    quiet = emulator.add_channel("quiet", creator=alice.id, is_private=True)
    assert not (await users.add_to_channel(bob.id, quiet.id, by=alice.id)).delivered  # the bot is not in it


async def test_open_home(users: SlackUserClient, bot: FakeBot, web_client: AsyncWebClient, alice):
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    await web_client.views_publish(user_id=alice.id, view=home)
    await users.open_home(alice.id)
    event = bot.last.payload["event"]
    assert (event["type"], event["tab"]) == ("app_home_opened", "home")
    assert event["view"]["type"] == "home" and event["channel"].startswith("D")


async def test_after_request_hook_is_awaited(emulator, bot: FakeBot, alice):
    calls = []

    async def settle() -> None:
        calls.append("settled")

    client = SlackUserClient(emulator, bot.url, SIGNING_SECRET, after_request=settle)
    await client.open_home(alice.id)
    assert calls == ["settled"]


async def test_stale_and_unsigned_requests(users: SlackUserClient, bot: FakeBot, alice):
    stale = await users.with_signature(timestamp=int(time.time()) - 600).command(alice.id, "/campaign")
    unsigned = await users.with_signature(signed=False).send_raw(json.dumps({"type": "event_callback"}))
    assert (stale.status, unsigned.status) == (401, 401)
    assert bot.received == []  # the bot's SignatureVerifier refused both
