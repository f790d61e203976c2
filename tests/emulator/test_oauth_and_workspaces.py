"""The emulator's app: many workspaces, the OAuth v2 flow with token rotation, tokens per
workspace, uninstalling, and Socket Mode's connection URL."""

from __future__ import annotations

import time

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import SlackEmulator, serve_emulator


@pytest.fixture
async def served():
    now = [time.time()]
    emulator = SlackEmulator(wall_clock=lambda: now[0])
    emulator.add_workspace("T0SECOND", team_name="Second Brand")
    async with serve_emulator(emulator):
        yield emulator, now


async def install(emulator: SlackEmulator, team: str) -> dict:
    """The browser's trip: authorize (approved at once) → redirect with a code → oauth.v2.access."""
    emulator.app.redirect_url = "http://bot.example/slack/oauth_redirect"
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            emulator.authorize_url,
            params={"client_id": emulator.app.client_id, "team": team, "state": "s1"},
            allow_redirects=False,
        ) as response,
    ):
        assert response.status == 302
        location = response.headers["Location"]
    assert location.startswith("http://bot.example/slack/oauth_redirect?")
    code = dict(p.split("=") for p in location.split("?")[1].split("&"))
    assert code["state"] == "s1"
    client = AsyncWebClient(base_url=emulator.api_url)
    app = emulator.app
    return (
        await client.oauth_v2_access(
            client_id=app.client_id, client_secret=app.client_secret, code=code["code"]
        )
    ).data


async def test_each_token_acts_in_its_own_workspace(served):
    emulator, _ = served
    second = emulator.in_team("T0SECOND")
    granted = await install(emulator, "T0SECOND")
    assert granted["team"] == {"id": "T0SECOND", "name": "Second Brand"}
    assert granted["bot_user_id"] == second.bot_user.id != emulator.bot_user.id
    first = AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url)
    other = AsyncWebClient(token=granted["access_token"], base_url=emulator.api_url)
    assert (await first.auth_test())["team_id"] == "T0CAMPAIGN"
    assert (await other.auth_test())["team_id"] == "T0SECOND"
    channel = second.add_channel("brand-two")
    await other.chat_postMessage(channel=channel.id, text="hello two")
    assert [m.text for m in second.history("brand-two")] == ["hello two"]
    with pytest.raises(SlackApiError) as refused:  # the first workspace's token sees none of it
        await first.chat_postMessage(channel=channel.id, text="x")
    assert refused.value.response["error"] == "channel_not_found"
    assert emulator.calls[-1].token == emulator.bot_token


async def test_codes_work_once_and_need_the_client_secret(served):
    emulator, _ = served
    client = AsyncWebClient(base_url=emulator.api_url)
    code = emulator.app.authorize("T0SECOND", "U1", None).code
    with pytest.raises(SlackApiError) as bad:
        await client.oauth_v2_access(client_id=emulator.app.client_id, client_secret="wrong", code=code)
    assert bad.value.response["error"] == "bad_client_secret"
    app = emulator.app
    await client.oauth_v2_access(client_id=app.client_id, client_secret=app.client_secret, code=code)
    with pytest.raises(SlackApiError) as reused:
        await client.oauth_v2_access(client_id=app.client_id, client_secret=app.client_secret, code=code)
    assert reused.value.response["error"] == "invalid_code"


async def test_rotating_tokens_expire_and_refresh(served):
    emulator, now = served
    emulator.app.token_rotation, emulator.app.token_expires_in = True, 3600
    granted = await install(emulator, "T0SECOND")
    assert granted["access_token"].startswith("xoxe.xoxb-") and granted["expires_in"] == 3600
    old = AsyncWebClient(token=granted["access_token"], base_url=emulator.api_url)
    await old.auth_test()
    now[0] += 3601
    with pytest.raises(SlackApiError) as expired:
        await old.auth_test()
    assert expired.value.response["error"] == "token_expired"
    app = emulator.app
    refreshed = await AsyncWebClient(base_url=emulator.api_url).oauth_v2_access(
        client_id=app.client_id,
        client_secret=app.client_secret,
        grant_type="refresh_token",
        refresh_token=granted["refresh_token"],
    )
    assert refreshed["token_type"] == "bot" and refreshed["refresh_token"] != granted["refresh_token"]
    new = AsyncWebClient(token=refreshed["access_token"], base_url=emulator.api_url)
    assert (await new.auth_test())["team_id"] == "T0SECOND"
    with pytest.raises(SlackApiError) as reused:  # a refresh token works once
        await AsyncWebClient(base_url=emulator.api_url).oauth_v2_access(
            client_id=app.client_id,
            client_secret=app.client_secret,
            grant_type="refresh_token",
            refresh_token=granted["refresh_token"],
        )
    assert reused.value.response["error"] == "invalid_refresh_token"


async def test_uninstall_revokes_the_workspace_tokens_only(served):
    emulator, _ = served
    granted = await install(emulator, "T0SECOND")
    emulator.uninstall("T0SECOND")
    with pytest.raises(SlackApiError) as revoked:
        await AsyncWebClient(token=granted["access_token"], base_url=emulator.api_url).auth_test()
    assert revoked.value.response["error"] == "token_revoked"
    assert emulator.in_team("T0SECOND").tokens() == []
    assert (await AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url).auth_test())["ok"]


async def test_socket_mode_url_needs_the_app_token(served):
    emulator, _ = served
    client = AsyncWebClient(base_url=emulator.api_url)
    opened = await client.apps_connections_open(app_token=emulator.app.app_token)
    assert opened["url"].startswith("ws://127.0.0.1:") and "ticket=" in opened["url"]
    with pytest.raises(SlackApiError) as refused:
        await client.apps_connections_open(app_token=emulator.bot_token)
    assert refused.value.response["error"] == "invalid_auth"


async def test_team_info_describes_only_the_teams_a_token_may_see(served):
    """`team.info team=…`, which the bot asks before trusting an org-wide claim: an org-wide token
    describes each workspace of its organisation (with the organisation's id and name) and no other
    team; a workspace's token describes its own workspace only."""
    emulator, _ = served
    first = emulator.workspace
    emulator.add_workspace("T0SISTER", team_name="Sister", bot_user_id=first.bot_user.id, bot_id=first.bot_id)
    emulator.add_organisation("E0GRID", "Grid Org", ["T0CAMPAIGN", "T0SISTER"])
    org = AsyncWebClient(token=(await install(emulator, "E0GRID"))["access_token"], base_url=emulator.api_url)
    second = AsyncWebClient(
        token=(await install(emulator, "T0SECOND"))["access_token"], base_url=emulator.api_url
    )

    for team_id in ("T0CAMPAIGN", "T0SISTER"):
        team = (await org.team_info(team=team_id))["team"]
        assert (team["id"], team["enterprise_id"], team["enterprise_name"]) == (team_id, "E0GRID", "Grid Org")
    with pytest.raises(SlackApiError) as outside:
        await org.team_info(team="T0SECOND")
    assert outside.value.response["error"] == "team_not_found"

    own = (await second.team_info())["team"]
    assert own["id"] == "T0SECOND" and "enterprise_id" not in own
    assert (await second.team_info(team="T0SECOND"))["team"]["id"] == "T0SECOND"
    for other in ("T0CAMPAIGN", "E0GRID", "T0NOWHERE"):
        with pytest.raises(SlackApiError) as refused:
            await second.team_info(team=other)
        assert refused.value.response["error"] == "team_not_found"
