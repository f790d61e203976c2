"""conversations.* over real HTTP: private channels, invites, Slack Connect, join, history."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import SlackEmulator


async def slack_error(call) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value.response["error"]


async def test_create_private_channel_and_invite(
    web_client: AsyncWebClient, emulator: SlackEmulator, alice, bob
):
    created = (await web_client.conversations_create(name="breach-42", is_private=True))["channel"]
    assert created["id"].startswith("C") and created["is_private"] and created["creator"] == "U0BOT"
    invited = await web_client.conversations_invite(channel=created["id"], users=f"{alice.id},{bob.id}")
    assert invited["ok"]
    assert emulator.channel("breach-42").members == {"U0BOT", alice.id, bob.id}
    members = await web_client.conversations_members(channel=created["id"])
    assert sorted(members["members"]) == sorted(["U0BOT", alice.id, bob.id])


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("Breach!", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
    ],
)
async def test_channel_name_rules(web_client: AsyncWebClient, name, error):
    assert await slack_error(web_client.conversations_create(name=name)) == error


async def test_name_taken(web_client: AsyncWebClient):
    await web_client.conversations_create(name="dup")
    assert await slack_error(web_client.conversations_create(name="dup")) == "name_taken"


async def test_invite_errors(web_client: AsyncWebClient, emulator: SlackEmulator, alice, bob):
    channel = (await web_client.conversations_create(name="room"))["channel"]["id"]
    await web_client.conversations_invite(channel=channel, users=alice.id)
    assert await slack_error(web_client.conversations_invite(channel=channel, users=alice.id)) == (
        "already_in_channel"
    )
    assert (
        await slack_error(web_client.conversations_invite(channel=channel, users="U0BOT"))
        == "cant_invite_self"
    )
    assert (
        await slack_error(web_client.conversations_invite(channel=channel, users="U404")) == "user_not_found"
    )
    assert (
        await slack_error(web_client.conversations_invite(channel="C404", users=bob.id))
        == "channel_not_found"
    )
    theirs = emulator.add_channel("theirs", creator=alice.id, is_private=True)
    assert await slack_error(web_client.conversations_invite(channel=theirs.id, users=bob.id)) == (
        "channel_not_found"
    )
    public = emulator.add_channel("town", creator=alice.id)
    assert (
        await slack_error(web_client.conversations_invite(channel=public.id, users=bob.id))
        == "not_in_channel"
    )
    forced = await web_client.conversations_invite(channel=channel, users=f"{alice.id},{bob.id}", force=True)
    assert forced["errors"] == [{"user": alice.id, "ok": False, "error": "already_in_channel"}]
    assert bob.id in emulator.channel("room").members


async def test_invite_shared_then_accept(web_client: AsyncWebClient, emulator: SlackEmulator):
    channel = (await web_client.conversations_create(name="connect", is_private=True))["channel"]["id"]
    response = await web_client.conversations_inviteShared(channel=channel, emails=["inf@agency.example"])
    assert response["invite_id"].startswith("I") and response["is_legacy_shared_channel"] is False
    external = emulator.accept_shared_invite("inf@agency.example")
    assert external.team_id == "T0EXTERNAL"
    assert external.id in emulator.channel("connect").members
    info = (await web_client.conversations_info(channel=channel))["channel"]
    assert info["is_ext_shared"] is True
    stranger = emulator.add_channel("stranger", creator=external.id, is_private=True)
    assert await slack_error(web_client.conversations_inviteShared(channel=stranger.id, emails="a@b.co")) == (
        "channel_not_found"
    )


async def test_join_public_only(web_client: AsyncWebClient, emulator: SlackEmulator, alice):
    public = emulator.add_channel("lobby", creator=alice.id)
    secret = emulator.add_channel("vault", creator=alice.id, is_private=True, members=["U0BOT"])
    joined = await web_client.conversations_join(channel=public.id)
    assert joined["channel"]["is_member"] is True
    assert await slack_error(web_client.conversations_join(channel=secret.id)) == (
        "method_not_supported_for_channel_type"
    )


async def test_history_pagination(web_client: AsyncWebClient, general):
    for i in range(5):
        await web_client.chat_postMessage(channel=general.id, text=f"m{i}")
    first = await web_client.conversations_history(channel=general.id, limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"] and first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    second = await web_client.conversations_history(channel=general.id, limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]
