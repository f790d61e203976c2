"""One deployment, many workspaces: OAuth v2 installs, each request and each reminder scoped to
its workspace, tokens encrypted and rotated, uninstalling, purging, and Slack Connect with the app
on both sides — all through the emulator, each workspace installed by the OAuth flow."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot import cli
from bot.clock import FakeClock
from bot.flows.insights import plan_digests
from bot.ids import Action, Field
from bot.installations import TokenCipher
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.models import Campaign, Engagement, Incident, IncidentEvent, UserTimeZone, Workspace
from tests.e2e.conftest import START
from tests.e2e.harness import (
    ADMIN,
    EVE_EMAIL,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    World,
    card_of,
    option_value,
    report,
    text_of,
)

ACME, GLOBEX = "T0CAMPAIGN", "T0GLOBEX"
NAMES = {ACME: "Acme Spring", GLOBEX: "Globex Spring"}
SLUG = "spring-launch"


async def two_brands(database_url: str, *, rotation: bool = False) -> AsyncIterator[tuple[World, World]]:
    emulator = SlackEmulator()
    people.populate(emulator)
    people.populate(emulator.add_workspace(GLOBEX, team_name="Globex", team_domain="globex"))
    if rotation:  # tokens that expire within the two hours before which Bolt rotates them
        emulator.app.token_rotation, emulator.app.token_expires_in = True, 3600
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock, oauth=True) as stack:
        for team in (ACME, GLOBEX):
            page = await stack.install(team)
            assert "Thank you!" in page or "success" in page.lower(), page[:200]
        yield World(stack=stack, clock=clock), World(stack=stack.in_team(GLOBEX), clock=clock)


@pytest.fixture(autouse=True)
def logging_restored():
    """`cli.main` sets up the process's logging; put the test runner's back afterwards."""
    root = logging.getLogger()
    handlers, level, factory = root.handlers[:], root.level, logging.getLogRecordFactory()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)


@pytest.fixture
async def brands(database_url) -> AsyncIterator[tuple[World, World]]:
    async for pair in two_brands(database_url):
        yield pair


def team(world: World) -> str:
    return world.emulator.team_id


async def set_up(world: World) -> str:
    """`spring-launch` with a member and legal, Ivy invited and acknowledged; the shared channel."""
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(world.emulator.bot_user.id)
    await world.new_campaign(SLUG, **{Field.NAME: NAMES[team(world)], Field.ESCALATION_CHANNEL: legal.id})
    await world.run(MANAGER, f"/campaign role {SLUG} <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role {SLUG} <@{LEGAL}> legal")
    await world.invite(IVY, SLUG)
    channel = world.emulator.channel_by_name(f"cg-{SLUG}-ivy").id
    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    return channel


async def report_breach(world: World) -> None:
    name = NAMES[team(world)]
    reply = await report(world, engagement_label=f"{name} · Ivy", description=f"{name}: reel without #ad")
    assert reply.ok and not reply.body, reply.body


def misdirected(emulator: SlackEmulator) -> list[tuple[str, dict]]:
    """Web API calls whose channel, user, view or trigger is not in the workspace of their token."""
    wrong = []
    for call in emulator.calls:
        grant = emulator.app.grants.get(call.token or "")
        if grant is None or grant.kind != "bot":
            continue
        ws = emulator.workspaces[grant.team_id]
        known = {
            "channel": lambda v, ws=ws: v in ws.channels or v in ws.users,
            "channel_id": lambda v, ws=ws: v in ws.channels,
            "user": lambda v, ws=ws: v in ws.users,
            "view_id": lambda v, ws=ws: v in ws.views,
            "trigger_id": lambda v, ws=ws: v in ws.triggers,
        }
        for name, ok in known.items():
            value = call.args.get(name)
            if isinstance(value, str) and value and not ok(value):
                wrong.append((call.method, call.args))
    return wrong


def calls_with_tokens_of(emulator: SlackEmulator, team_id: str, since: int = 0) -> list[str]:
    return [
        call.method
        for call in emulator.calls[since:]
        if (grant := emulator.app.grants.get(call.token or "")) is not None and grant.team_id == team_id
    ]


# ------------------------------------------------------------------------------------------------


async def test_two_workspaces_each_have_their_own_spring_launch_and_br_1(brands):
    acme, globex = brands
    channels = {}
    for world in brands:
        channels[team(world)] = await set_up(world)
        await report_breach(world)

    async with acme.db.transaction() as s:
        campaigns = (await s.exec(select(Campaign.team_id, Campaign.slug, Campaign.name))).all()
        incidents = (await s.exec(select(Incident.team_id, Incident.number))).all()
    assert sorted(campaigns) == [(ACME, SLUG, NAMES[ACME]), (GLOBEX, SLUG, NAMES[GLOBEX])]
    assert sorted(incidents) == [(ACME, 1), (GLOBEX, 1)]

    for world, other in ((acme, globex), (globex, acme)):
        mine, theirs = NAMES[team(world)], NAMES[team(other)]
        card = text_of(card_of(world, channels[team(world)]))
        assert "BR-1" in card and theirs not in card

        # commands
        await world.run(MANAGER, "/campaign list")
        assert mine in world.said_to(MANAGER) and theirs not in world.said_to(MANAGER)
        await world.run(MANAGER, "/breach list all")
        assert "BR-1" in world.said_to(MANAGER) and theirs not in world.said_to(MANAGER)
        await world.run(MANAGER, f"/campaign show {SLUG}")
        assert theirs not in world.said_to(MANAGER)

        # a modal's options
        await world.run(MEMBER, "/breach")
        view = world.top_view(MEMBER)
        option_value(view, Field.ENGAGEMENT, f"{mine} · Ivy")
        assert theirs not in str(view.blocks)
        await world.slack.close_view(MEMBER, view.id)

        # App Home
        await world.slack.open_home(MANAGER)
        home = text_of({"blocks": world.emulator.home(MANAGER).blocks})
        assert "Open incidents* (1)" in home and home.count("`BR-1`") == 1 and theirs not in home

        # exports
        await world.run(MANAGER, f"/breach export {SLUG}")
        exported = list(world.emulator.files.values())[-1].content.decode()
        assert f"{mine}: reel without #ad" in exported and theirs not in exported
        assert "BR-1" in exported and "BR-2" not in exported

    # reminders: a day later each workspace's mediation reminder goes out with its own token
    before = {t: len(acme.emulator.calls_to("chat.postMessage")) for t in (ACME, GLOBEX)}
    acme.clock.advance(timedelta(hours=30))
    done = await acme.stack.bot.dispatcher.tick()
    assert done.sent >= 2 and not done.failed, done
    posted = acme.emulator.calls[-done.sent * 3 :]
    assert {c.token for c in posted if c.method == "chat.postMessage"} >= {
        acme.emulator.tokens(ACME)[-1],
        globex.emulator.tokens(GLOBEX)[-1],
    }
    assert len(acme.emulator.calls_to("chat.postMessage")) > before[ACME]

    # every call used the token of the workspace it acted in
    assert misdirected(acme.emulator) == []


async def test_an_uninstalled_workspace_keeps_its_data_and_its_token_is_never_used_again(brands):
    acme, globex = brands
    for world in brands:
        await set_up(world)
        await report_breach(world)
    installations = acme.stack.bot.services.tenancy.installations

    globex.emulator.uninstall()
    reply = await globex.slack.app_uninstalled()
    assert reply.ok
    assert await installations.store.find_bot_by_team(GLOBEX) is None
    async with acme.db.transaction() as s:
        state = (await s.exec(select(Workspace.active).where(Workspace.team_id == GLOBEX))).scalar_one()
        kept = (await s.exec(select(Campaign).where(Campaign.team_id == GLOBEX))).scalars().all()
    assert state is False and len(kept) == 1  # the data stays, marked inactive

    since = len(acme.emulator.calls)
    acme.clock.advance(timedelta(hours=30))
    done = await acme.stack.bot.dispatcher.tick()
    await globex.run(MANAGER, "/campaign list")  # a stale client still sends a command
    await acme.run(MANAGER, "/campaign list")
    assert calls_with_tokens_of(acme.emulator, GLOBEX, since) == []
    assert calls_with_tokens_of(acme.emulator, ACME, since)  # Acme carries on
    assert done.sent >= 1 and done.cancelled >= 1  # Acme's reminder sent, Globex's cancelled

    # installing again brings the workspace back, with a new token
    await acme.stack.install(GLOBEX)
    await globex.run(MANAGER, "/campaign list")
    assert NAMES[GLOBEX] in globex.said_to(MANAGER)
    async with acme.db.transaction() as s:
        assert (await s.exec(select(Workspace.active).where(Workspace.team_id == GLOBEX))).scalar_one()


async def test_purge_workspace_deletes_its_rows_after_a_typed_confirmation(
    brands, database_url, monkeypatch, capsys
):
    acme, _ = brands
    for world in brands:
        await set_up(world)
        await report_breach(world)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    monkeypatch.setattr("sys.stdin", io.StringIO("T0WRONG\n"))
    assert await asyncio.to_thread(cli.main, ["purge-workspace", GLOBEX]) == 1
    assert "nothing was deleted" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{GLOBEX}\n"))
    assert await asyncio.to_thread(cli.main, ["purge-workspace", GLOBEX]) == 0
    out = capsys.readouterr().out
    assert "incident" in out and "campaign" in out
    async with acme.db.transaction() as s:
        teams = set((await s.exec(select(Campaign.team_id))).scalars())
        events = set((await s.exec(select(IncidentEvent.team_id))).scalars())
        workspaces = set((await s.exec(select(Workspace.team_id))).scalars())
    assert teams == events == {ACME} and GLOBEX not in workspaces
    await acme.run(MANAGER, "/campaign list")
    assert NAMES[ACME] in acme.said_to(MANAGER)


async def test_tokens_are_encrypted_at_rest_and_rotated_when_they_expire(database_url, monkeypatch):
    async for acme, _ in two_brands(database_url, rotation=True):
        emulator = acme.emulator
        emulator.app.token_expires_in = 43_200  # what the refresh hands out: valid for 12 h
        issued = [g.token for g in emulator.app.grants.values() if g.team_id == ACME]

        await acme.run(ADMIN, "/campaign new")  # any request: its token is refreshed first
        refreshes = [c for c in emulator.calls if c.method == "oauth.v2.access"]
        assert [c.args.get("grant_type") for c in refreshes].count("refresh_token") == 1
        fresh = [t for t in emulator.tokens(ACME) if t.startswith("xoxe.")]  # not the in-house token
        assert len(fresh) == 1 and fresh[0] not in issued  # the old token no longer works
        assert emulator.calls_to("views.open") and emulator.calls[-1].token == fresh[0]

        async with acme.db.transaction() as s:
            query = text("SELECT team_id, bot_token, bot_refresh_token FROM slack_bots")
            stored = (await s.exec(query)).all()
        keys = acme.stack.bot.services.settings.token_encryption_keys
        cipher = TokenCipher(keys)
        for _team, token, refresh_token in stored:
            # stored encrypted: not the token in clear, not even its prefix (a Fernet token's base64
            # may contain the letters "xox" anywhere else by chance)
            assert token.startswith("fernet:") and refresh_token.startswith("fernet:")
            assert not token.startswith("fernet:xox") and not refresh_token.startswith("fernet:xox")
            plain, plain_refresh = cipher.decrypt(token), cipher.decrypt(refresh_token)
            assert plain not in token and plain_refresh not in refresh_token
            assert plain.startswith("xoxe.xoxb-")
        latest = {team_id: cipher.decrypt(token) for team_id, token, _ in stored}
        assert fresh[0] in latest.values()

        # a new key first, the old one after: `reencrypt-tokens` rewrites every token with the new one
        new_key = Fernet.generate_key().decode()
        settings = acme.stack.bot.services.settings
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("SLACK_CLIENT_ID", settings.slack_client_id)
        monkeypatch.setenv("SLACK_CLIENT_SECRET", settings.slack_client_secret)
        monkeypatch.setenv("SLACK_STATE_SECRET", settings.slack_state_secret)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "x" * 32)
        monkeypatch.setenv("TOKEN_ENCRYPTION_KEYS", f"{new_key},{keys[0]}")
        monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
        assert await asyncio.to_thread(cli.main, ["reencrypt-tokens"]) == 0
        async with acme.db.transaction() as s:
            rewritten = (await s.exec(text("SELECT bot_token FROM slack_bots"))).scalars().all()
        only_new = TokenCipher([new_key])
        assert {only_new.decrypt(t) for t in rewritten} == {cipher.decrypt(t) for _, t, _ in stored}


async def test_slack_connect_with_the_app_on_both_sides_is_handled_once_by_the_owner(brands):
    acme, _ = brands
    since = len(acme.emulator.calls)  # after both installs
    await acme.new_campaign(SLUG, **{Field.NAME: NAMES[ACME]})
    await acme.invite(EVE_EMAIL, SLUG)
    channel = acme.emulator.channel_by_name(f"cg-{SLUG}-eve")
    eve = acme.emulator.accept_shared_invite(EVE_EMAIL, team_id=GLOBEX)  # Eve works at Globex
    assert GLOBEX in channel.shared_team_ids

    clicked = await acme.slack.click(
        eve.id, channel.id, acme.guidelines_message(channel.id).ts, Action.ACKNOWLEDGE_GUIDELINES
    )
    assert clicked.payload["team"]["id"] == GLOBEX  # it came through Globex's installation
    async with acme.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().one()
    assert (engagement.team_id, engagement.acknowledged_version) == (ACME, 1)

    reply = await report(acme, MANAGER, engagement_label=f"{NAMES[ACME]} · eve")
    assert reply.ok and not reply.body
    card = card_of(acme, channel.id)
    sent = await acme.slack.post_message(eve.id, channel.id, "I will fix it today", thread_ts=card.ts)
    assert sent.payload["team_id"] == GLOBEX
    # the same event through Acme's installation too (each side's delivery): recorded once
    again = {**sent.envelope, "team_id": ACME, "authorizations": [{**sent.envelope["authorizations"][0]}]}
    again["authorizations"][0].update(team_id=ACME, user_id=acme.emulator.bot_user.id)
    await acme.slack.redeliver(again, retry_num=0, reason="")

    async with acme.db.transaction() as s:
        replies = (await s.exec(select(IncidentEvent).where(IncidentEvent.kind == "thread_reply"))).scalars()
        incidents = (await s.exec(select(Incident.team_id))).scalars().all()
    assert [(r.team_id, r.text) for r in replies] == [(ACME, "I will fix it today")]
    assert incidents == [ACME]
    cards = [m for m in acme.emulator.history(channel.id) if "BR-1" in text_of(m)[:80]]
    assert len(cards) == 1
    assert misdirected(acme.emulator) == []
    assert calls_with_tokens_of(acme.emulator, GLOBEX, since) == []  # Globex's token never acted here


async def test_the_digests_are_planned_in_each_workspaces_managers_zone(brands, caplog):
    """The dispatcher plans the Monday digests outside any request: the managers' time zones are
    asked of Slack with each workspace's own token, not with none (which left every digest at the
    zone stored before, or none)."""
    for world in brands:
        await set_up(world)
    acme, globex = brands
    async with acme.db.transaction() as s:
        await s.exec(text("DELETE FROM user_time_zone"))
    with caplog.at_level(logging.INFO, logger="bot.flows.insights"):
        await plan_digests(acme.stack.bot.services)
    async with acme.db.transaction() as s:
        zones = set((await s.exec(select(UserTimeZone.team_id, UserTimeZone.user_id))).all())
    assert {(team(acme), MANAGER), (team(globex), MANAGER)} <= zones
    assert "no time zone" not in caplog.text
