"""chat.* over real HTTP with slack_sdk: posting, threads, ephemerals, updates, permalinks, limits."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import SlackEmulator

BUTTON = {"type": "button", "text": {"type": "plain_text", "text": "Approve"}, "action_id": "approve"}


async def error_of(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value


async def test_post_message_lands_in_history(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    blocks = [{"type": "actions", "elements": [BUTTON]}]
    response = await web_client.chat_postMessage(channel=general.id, text="hello", blocks=blocks)
    assert response["channel"] == general.id
    assert response["message"]["bot_id"] == "B0BOT"
    [message] = emulator.history("general")
    assert (message.ts, message.text, message.user) == (response["ts"], "hello", "U0BOT")
    assert message.blocks[0]["block_id"]  # Slack assigns missing block ids


async def test_timestamps_strictly_increase(web_client: AsyncWebClient, general):
    stamps = [(await web_client.chat_postMessage(channel=general.id, text=str(i)))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5


async def test_threads(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    parent = await web_client.chat_postMessage(channel=general.id, text="parent")
    reply = await web_client.chat_postMessage(channel=general.id, text="reply", thread_ts=parent["ts"])
    nested = await web_client.chat_postMessage(channel=general.id, text="again", thread_ts=reply["ts"])
    orphan = await web_client.chat_postMessage(channel=general.id, text="orphan", thread_ts="1.000001")
    assert [m.text for m in emulator.history("general")] == ["parent", "orphan"]
    assert [m.text for m in emulator.replies("general", parent["ts"])] == ["parent", "reply", "again"]
    assert nested["message"]["thread_ts"] == parent["ts"]
    assert "thread_ts" not in orphan["message"]
    thread = await web_client.conversations_replies(channel=general.id, ts=parent["ts"])
    assert thread["messages"][0]["reply_count"] == 2
    history = await web_client.conversations_history(channel=general.id)
    assert [m["text"] for m in history["messages"]] == ["orphan", "parent"]  # newest first


async def test_ephemeral_only_for_members(
    web_client: AsyncWebClient, emulator: SlackEmulator, general, alice
):
    outsider = emulator.add_user("carol")
    response = await web_client.chat_postEphemeral(channel=general.id, user=alice.id, text="psst")
    [ephemeral] = emulator.ephemerals(alice.id, "general")
    assert ephemeral.ts == response["message_ts"] and ephemeral.text == "psst"
    assert emulator.history("general") == []
    error = await error_of(web_client.chat_postEphemeral(channel=general.id, user=outsider.id, text="x"))
    assert error.response["error"] == "user_not_in_channel"


async def test_update_and_delete(web_client: AsyncWebClient, emulator: SlackEmulator, general, alice):
    posted = await web_client.chat_postMessage(channel=general.id, text="v1")
    updated = await web_client.chat_update(channel=general.id, ts=posted["ts"], text="v2")
    assert updated["message"]["edited"]["user"] == "U0BOT"
    assert emulator.find_message("general", posted["ts"]).text == "v2"
    missing = await error_of(web_client.chat_update(channel=general.id, ts="1.000002", text="x"))
    assert missing.response["error"] == "message_not_found"
    human = emulator.workspace.post(general, user=alice.id, text="mine")
    refused = await error_of(web_client.chat_update(channel=general.id, ts=human.ts, text="x"))
    assert refused.response["error"] == "cant_update_message"
    await web_client.chat_delete(channel=general.id, ts=posted["ts"])
    assert [m.text for m in emulator.history("general")] == ["mine"]


async def test_permalink_round_trip(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    posted = await web_client.chat_postMessage(channel=general.id, text="link me")
    link = (await web_client.chat_getPermalink(channel=general.id, message_ts=posted["ts"]))["permalink"]
    assert link == f"https://campaign-guard.slack.com/archives/{general.id}/p{posted['ts'].replace('.', '')}"
    assert emulator.find_permalink(link).text == "link me"


async def test_post_to_user_id_opens_dm(web_client: AsyncWebClient, emulator: SlackEmulator, alice):
    response = await web_client.chat_postMessage(channel=alice.id, text="hi alice")
    assert response["channel"].startswith("D")
    assert [m.text for m in emulator.dm(alice.id)] == ["hi alice"]
    opened = await web_client.conversations_open(users=alice.id)
    assert opened["channel"]["id"] == response["channel"]


async def test_channel_access_errors(web_client: AsyncWebClient, emulator: SlackEmulator, alice):
    public = emulator.add_channel("public", creator=alice.id)
    secret = emulator.add_channel("secret", creator=alice.id, is_private=True)
    assert (await error_of(web_client.chat_postMessage(channel=public.id, text="x"))).response[
        "error"
    ] == "not_in_channel"
    assert (await error_of(web_client.chat_postMessage(channel=secret.id, text="x"))).response[
        "error"
    ] == "channel_not_found"
    assert (await error_of(web_client.chat_postMessage(channel="C404", text="x"))).response[
        "error"
    ] == "channel_not_found"
    archived = emulator.add_channel("old", members=[alice.id])
    emulator.archive_channel("old")
    assert (await error_of(web_client.chat_postMessage(channel=archived.id, text="x"))).response[
        "error"
    ] == "is_archived"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, "no_text"),
        ({"text": "x" * 40_001}, "msg_too_long"),
        ({"text": "x", "blocks": [{"type": "nonsense"}]}, "invalid_blocks"),
        (
            {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}]},
            "invalid_blocks",
        ),
        (
            {
                "text": "x",
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [{**BUTTON, "text": {"type": "plain_text", "text": "z" * 76}}],
                    }
                ],
            },
            "invalid_blocks",
        ),
        ({"text": "x", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_message_refusals(web_client: AsyncWebClient, general, kwargs, error):
    refused = await error_of(web_client.chat_postMessage(channel=general.id, **kwargs))
    assert refused.response["error"] == error
    if error == "invalid_blocks":
        assert refused.response["errors"] and refused.response["response_metadata"]["messages"]


async def test_misspelled_argument_is_refused(web_client: AsyncWebClient, general):
    refused = await error_of(
        web_client.api_call("chat.postMessage", json={"channel": general.id, "txt": "x"})
    )
    assert refused.response["error"] == "invalid_arguments"
    assert refused.response["response_metadata"]["messages"] == ["[ERROR] unknown argument 'txt'"]


async def test_newer_arguments_are_accepted(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    metadata = {"event_type": "breach", "event_payload": {"id": 7}}
    await web_client.chat_postMessage(channel=general.id, text="x", metadata=metadata)
    assert emulator.history("general")[0].metadata == metadata


async def test_form_and_json_bodies_and_auth(emulator: SlackEmulator, general):
    url = f"{emulator.api_url}chat.postMessage"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            url, data={"token": "xoxb-playground", "channel": general.id, "text": "f"}
        ) as r:
            assert (await r.json())["ok"] is True
        headers = {"Authorization": "Bearer xoxb-playground"}
        async with session.post(url, json={"channel": general.id, "text": "j"}, headers=headers) as r:
            assert (await r.json())["ok"] is True
        async with session.post(url, json={"channel": general.id, "text": "j"}) as r:
            assert (await r.json())["error"] == "invalid_auth"
        async with session.post(f"{emulator.api_url}chat.postMessages", headers=headers) as r:
            assert (await r.json())["error"] == "unknown_method"
    assert [m.text for m in emulator.history("general")] == ["f", "j"]
    assert [call.method for call in emulator.calls].count("chat.postMessage") == 3


async def test_users_and_team(web_client: AsyncWebClient, alice, bob):
    info = (await web_client.users_info(user=alice.id))["user"]
    assert info["profile"]["email"] == "alice@example.com"
    assert info["tz"] == "Europe/Berlin" and info["tz_offset"] in (3600, 7200) and info["tz_label"]
    assert (await web_client.users_lookupByEmail(email="BOB@example.com"))["user"]["is_admin"] is True
    missing = await error_of(web_client.users_lookupByEmail(email="nobody@example.com"))
    assert missing.response["error"] == "users_not_found"
    auth = await web_client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("U0BOT", "B0BOT", "T0CAMPAIGN")
    assert (await web_client.team_info())["team"]["domain"] == "campaign-guard"
