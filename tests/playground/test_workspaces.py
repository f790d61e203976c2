"""The playground's two workspaces: Acme (the demo) and Globex, each installed through the OAuth v2
flow into one bot, each acting with its own token, each page state holding its own workspace only;
a restart keeps the installations, and a lost record of their tokens installs them again."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.settings import Settings
from playground import people
from playground.app import Playground, sidecar, start_playground, stop_playground
from playground.emulator import SlackEmulator

ACME, GLOBEX = people.TEAM_ID, people.GLOBEX_TEAM_ID
MAYA, GRACE = people.MANAGER.user_id, people.GLOBEX_MANAGER.user_id
ACME_WORDS = ("Spring Launch", "spring-launch", "Acme Outdoor", "Ivy", "Maya", "Eve External")
GLOBEX_WORDS = ("Velo Week", "velo-week", "Globex Cycles", "Noor", "Grace", "Hana")


@pytest.fixture
async def pg(database_url) -> AsyncIterator[Playground]:
    settings = Settings(database_url=database_url, _env_file=None)
    playground, runner = await start_playground(
        settings, "127.0.0.1", 0, persist=False, progress=lambda _line: None
    )
    try:
        yield playground
    finally:
        await stop_playground(playground, runner)


def misdirected(emulator: SlackEmulator) -> list[tuple[str, dict]]:
    """Web API calls naming a channel, user or view that is not in the workspace of their token."""
    wrong = []
    for call in emulator.calls:
        grant = emulator.app.grants.get(call.token or "")
        if grant is None or grant.kind != "bot":
            continue
        ws = emulator.workspaces[grant.team_id]
        for name, known in (
            ("channel", {*ws.channels, *ws.users}),
            ("user", ws.users),
            ("view_id", ws.views),
        ):
            value = call.args.get(name)
            if isinstance(value, str) and value and value not in known:
                wrong.append((call.method, call.args))
    return wrong


def said_to(pg: Playground, team: str, user: str) -> str:
    return " ".join(str(m.blocks or m.text) for m in pg.in_team(team).emulator.ephemerals(user)[-1:])


async def test_each_workspace_is_installed_through_oauth_and_uses_its_own_token(pg: Playground):
    settings = pg.bot.services.settings
    assert settings.oauth and settings.slack_bot_token is None  # one deployment, many workspaces
    app = pg.emulator.app
    codes = sorted(code.team_id for code in app.codes.values() if code.used)
    assert codes == [ACME, GLOBEX]  # each installed through Slack's authorize page and oauth.v2.access
    assert len(pg.emulator.calls_to("oauth.v2.access")) == 2

    store = pg.bot.services.tenancy.installations.store
    tokens = {team: (await store.find_bot_by_team(team)).bot_token for team in (ACME, GLOBEX)}
    assert tokens[ACME] != tokens[GLOBEX]
    assert {team: app.workspace_of(token) for team, token in tokens.items()} == {ACME: ACME, GLOBEX: GLOBEX}
    used = {call.token for call in pg.emulator.calls if call.method == "chat.postMessage"}
    assert used == set(tokens.values())  # both seeds posted, each with its workspace's token
    assert misdirected(pg.emulator) == []

    # a command in Globex answers with Globex's campaign; in Acme with Acme's
    for team, user, mine, theirs in (
        (GLOBEX, GRACE, "velo-week", "spring-launch"),
        (ACME, MAYA, "spring", "velo"),
    ):
        await pg.web.in_team(team).command({"user": user, "text": "/campaign list"})
        await pg.settle()
        assert mine in said_to(pg, team, user) and theirs not in said_to(pg, team, user)
    assert misdirected(pg.emulator) == []


async def test_a_page_state_holds_its_own_workspace_only(pg: Playground):
    for team, user, others in ((ACME, MAYA, GLOBEX_WORDS), (GLOBEX, GRACE, ACME_WORDS)):
        page = pg.web.in_team(team)
        await page.home({"user": user})
        await pg.settle()
        states = [page.state(user, None, None, start=True)]
        states += [page.state(user, channel["id"], None) for channel in states[0]["channels"]]
        states.append(page.state(user, states[0]["app"]["dm"], None))
        assert states[0]["team"]["id"] == team and states[0]["me"]["id"] == user
        assert states[0]["home"] is not None
        assert [w["name"] for w in states[0]["workspaces"]] == [people.TEAM_NAME, people.GLOBEX_NAME]
        assert all(w["installed"] for w in states[0]["workspaces"])
        for state in states:
            text = json.dumps({k: v for k, v in state.items() if k != "workspaces"})
            assert not [word for word in others if word in text], (team, state.get("channel"))
    # the Globex story is there: Noor acknowledged and said hello in her shared channel
    globex = pg.web.in_team(GLOBEX)
    channel = next(c for c in globex.state(GRACE, None, None)["channels"] if c["name"] == "cg-velo-week-noor")
    html = " ".join(m["html"] for m in globex.state(GRACE, channel["id"], None)["channel"]["messages"])
    assert "Velo Week 2027" in html and "ride films start Monday" in html


async def test_the_page_api_names_its_workspace(pg: Playground):
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{pg.url}/playground/api/command",
            json={"team": "T0NOPE", "user": GRACE, "text": "/campaign list"},
        ) as response:
            assert response.status == 400 and "no workspace" in (await response.json())["error"]
        # Grace is not a person of Acme: without Globex named, her command is refused
        async with http.post(
            f"{pg.url}/playground/api/command", json={"user": GRACE, "text": "/campaign list"}
        ) as response:
            assert response.status == 400
        # a state for an unknown workspace (a page from an older playground) shows the first one
        async with http.get(f"{pg.url}/playground/api/state", params={"team": "T0NOPE"}) as response:
            assert (await response.json())["team"]["id"] == ACME

        # Grace's export is shared in her DM in Globex; she downloads it, Maya cannot
        async with http.post(
            f"{pg.url}/playground/api/command",
            json={"team": GLOBEX, "user": GRACE, "text": "/breach export"},
        ) as response:
            assert response.status == 200, await response.text()
        await pg.settle()
        dm = pg.web.in_team(GLOBEX).state(GRACE, None, None)["app"]["dm"]
        messages = pg.web.in_team(GLOBEX).state(GRACE, dm, None)["channel"]["messages"]
        shared = next(m for m in messages if 'class="file-card"' in m["html"])
        href = re.search(r'class="file-name" href="([^"]+)"', shared["html"])[1].replace("&amp;", "&")
        async with http.get(f"{pg.url}{href}") as response:
            assert response.status == 200 and (await response.text()).startswith("number,")
        async with http.get(f"{pg.url}{href.split('?')[0]}?user={MAYA}") as response:
            assert response.status == 404


async def test_a_restart_keeps_the_installations_and_a_lost_token_record_installs_again(
    sqlite_template, tmp_path
):
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)

    async def start() -> tuple[Playground, object, list[str]]:
        lines: list[str] = []
        playground, runner = await start_playground(settings, "127.0.0.1", 0, progress=lines.append)
        return playground, runner, lines

    async def globex_lists_its_campaign(playground: Playground) -> None:
        await playground.web.in_team(GLOBEX).command({"user": GRACE, "text": "/campaign list"})
        await playground.settle()
        assert "velo-week" in said_to(playground, GLOBEX, GRACE)

    pg, runner, lines = await start()
    try:
        assert [line for line in lines if line.startswith("Installing")] == [
            "Installing Campaign Guard in the Acme workspace through OAuth …",
            "Installing Campaign Guard in the Globex workspace through OAuth …",
        ]
        assert lines[-1] == "Demo seeded."
        key = sidecar(pg.snapshot_path, ".token-key")
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    finally:
        await stop_playground(pg, runner)

    pg, runner, lines = await start()  # the stored installations are used as they are
    try:
        assert not [line for line in lines if line.startswith(("Installing", "Fresh database"))]
        assert any(line.startswith("Restored the Globex workspace") for line in lines)
        await globex_lists_its_campaign(pg)
        slack_app = sidecar(pg.snapshot_path, ".slack-app.pickle")
    finally:
        await stop_playground(pg, runner)

    # Slack's side forgot the tokens, then the key that encrypts them is lost: each time both
    # workspaces are installed again, and their stories go on
    for lost in (slack_app, key):
        lost.unlink()
        pg, runner, lines = await start()
        try:
            assert len([line for line in lines if line.startswith("Installing")]) == 2
            assert not [line for line in lines if line.startswith("Fresh database")]
            await globex_lists_its_campaign(pg)
            assert misdirected(pg.emulator) == []
        finally:
            await stop_playground(pg, runner)


async def test_a_save_cancels_the_save_still_pending(sqlite_template, tmp_path):
    """A debounced save that fired after shutdown wrote that run's Slack tokens over what the next
    run had started from (so a lost token record was "found" again)."""
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)
    pg, runner = await start_playground(settings, "127.0.0.1", 0, progress=lambda _line: None)
    try:
        pg.save_soon()
        pending = pg._save_pending
        assert pending is not None and not pending.cancelled()
        pg.save()  # the final save at shutdown
        assert pending.cancelled() and pg._save_pending is None
        pg.save_soon()  # and later changes are saved again
        assert pg._save_pending is not None
    finally:
        await stop_playground(pg, runner)
