"""Enterprise Grid: the app installed org-wide (one token for every workspace of the
organisation) beside a workspace that installed it on its own. Each workspace of the organisation
keeps its own campaigns and numbers; uninstalling the organisation stops all of its workspaces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.clock import FakeClock
from bot.ids import Action, Field
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.models import Campaign, Incident, Workspace
from tests.e2e.conftest import START
from tests.e2e.harness import IVY, LEGAL, MANAGER, MEMBER, World, card_of, report, text_of

ORG, ORG_NAME = "E0AGENCY", "Agency Grid"
ACME, INITECH, GLOBEX = "T0CAMPAIGN", "T0INITECH", "T0GLOBEX"  # Globex is not in the organisation
NAMES = {ACME: "Acme Spring", INITECH: "Initech Spring", GLOBEX: "Globex Spring"}
SLUG = "spring-launch"


@pytest.fixture
async def worlds(database_url) -> AsyncIterator[dict[str, World]]:
    emulator = SlackEmulator()
    people.populate(emulator)
    bot = emulator.workspace
    # the organisation's workspaces share the app's bot user; the same people belong to both
    initech = emulator.add_workspace(
        INITECH, team_name="Initech", bot_user_id=bot.bot_user.id, bot_id=bot.bot_id
    )
    people.populate(initech)
    emulator.add_organisation(ORG, ORG_NAME, [ACME, INITECH])
    people.populate(emulator.add_workspace(GLOBEX, team_name="Globex", team_domain="globex"))
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock, oauth=True) as stack:
        for installing in (ORG, GLOBEX):  # the organisation org-wide, Globex on its own
            page = await stack.install(installing)
            assert "Thank you!" in page or "success" in page.lower(), page[:200]
        yield {team: World(stack=stack.in_team(team), clock=clock) for team in (ACME, INITECH, GLOBEX)}


def team(world: World) -> str:
    return world.emulator.team_id


async def set_up(world: World) -> str:
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(world.emulator.bot_user.id)
    await world.new_campaign(SLUG, **{Field.NAME: NAMES[team(world)], Field.ESCALATION_CHANNEL: legal.id})
    await world.run(MANAGER, f"/campaign role {SLUG} <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role {SLUG} <@{LEGAL}> legal")
    await world.invite(IVY, SLUG)
    channel = world.emulator.channel_by_name(f"cg-{SLUG}-ivy").id
    clicked = await world.slack.click(
        IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES
    )
    in_org = team(world) != GLOBEX
    # as Slack sends them: the organisation and the workspace, through the org-wide install
    assert clicked.payload["team"]["id"] == team(world)
    assert (clicked.payload["enterprise"] or {}).get("id") == (ORG if in_org else None)
    assert clicked.payload["is_enterprise_install"] is in_org
    name = NAMES[team(world)]
    reply = await report(world, engagement_label=f"{name} · Ivy", description=f"{name}: reel without #ad")
    assert reply.ok and not reply.body, reply.body
    return channel


def tokens_used(emulator: SlackEmulator, since: int = 0) -> set[str]:
    return {call.token for call in emulator.calls[since:] if call.token}


async def stored_bots(world: World) -> list[tuple]:
    query = text("SELECT enterprise_id, team_id, is_enterprise_install FROM slack_bots ORDER BY id")
    async with world.db.transaction() as s:
        return [tuple(row) for row in (await s.exec(query)).all()]


async def test_workspaces_of_an_org_wide_install_each_have_their_own_spring_launch_and_br_1(worlds):
    emulator = worlds[ACME].emulator
    org_token = emulator.app.org_tokens(ORG)[-1]
    globex_token = emulator.tokens(GLOBEX)[-1]
    channels = {t: await set_up(w) for t, w in worlds.items()}

    rows = await stored_bots(worlds[ACME])
    assert [(e, t, bool(o)) for e, t, o in rows] == [(ORG, None, True), (None, GLOBEX, False)]
    # with the org-wide token, creating a shared channel names the workspace it is created in
    created = [(c.args.get("team_id"), c.token) for c in emulator.calls if c.method == "conversations.create"]
    assert sorted(created, key=str) == sorted(
        [(ACME, org_token), (INITECH, org_token), (None, globex_token)], key=str
    )
    async with worlds[ACME].db.transaction() as s:
        campaigns = (await s.exec(select(Campaign.team_id, Campaign.slug, Campaign.name))).all()
        incidents = (await s.exec(select(Incident.team_id, Incident.number))).all()
        orgs = dict((await s.exec(select(Workspace.team_id, Workspace.enterprise_id))).all())
    assert sorted(campaigns) == sorted((t, SLUG, NAMES[t]) for t in worlds)
    assert sorted(incidents) == sorted((t, 1) for t in worlds)
    assert orgs[ACME] == orgs[INITECH] == ORG and orgs.get(GLOBEX) is None

    for mine_team, world in worlds.items():
        mine = NAMES[mine_team]
        theirs = [NAMES[t] for t in worlds if t != mine_team]
        since = len(emulator.calls)
        card = text_of(card_of(world, channels[mine_team]))
        assert "BR-1" in card and not any(n in card for n in theirs)

        await world.run(MANAGER, "/campaign list")
        said = world.said_to(MANAGER)
        assert mine in said and not any(n in said for n in theirs), said
        await world.run(MANAGER, "/breach list all")
        said = world.said_to(MANAGER)
        assert "BR-1" in said and not any(n in said for n in theirs), said

        published = len(emulator.calls_to("views.publish"))
        opened = await world.slack.open_home(MANAGER)  # an event: through the org-wide install
        assert opened.ok and len(emulator.calls_to("views.publish")) > published
        home = text_of({"blocks": world.emulator.home(MANAGER).blocks})
        assert "Open incidents* (1)" in home and home.count("`BR-1`") == 1, home
        assert not any(n in home for n in theirs)

        await world.run(MANAGER, f"/breach export {SLUG}")
        exported = list(world.emulator.workspace.files.values())[-1].content.decode()
        assert f"{mine}: reel without #ad" in exported and not any(n in exported for n in theirs)
        assert "BR-2" not in exported

        # the organisation's workspaces act with its one token; Globex with its own
        assert tokens_used(emulator, since) == ({globex_token} if mine_team == GLOBEX else {org_token})

    # reminders a day later: each workspace's goes out, with the token of its installation
    since = len(emulator.calls)
    worlds[ACME].clock.advance(timedelta(hours=30))
    done = await worlds[ACME].stack.bot.dispatcher.tick()
    assert done.sent >= 3 and not done.failed, done
    assert tokens_used(emulator, since) == {org_token, globex_token}


async def test_uninstalling_the_organisation_removes_its_installation_and_stops_its_reminders(worlds):
    for world in worlds.values():
        await set_up(world)
    acme, globex = worlds[ACME], worlds[GLOBEX]
    emulator = acme.emulator
    org_token, globex_token = emulator.app.org_tokens(ORG)[-1], emulator.tokens(GLOBEX)[-1]

    emulator.uninstall(ORG)
    reply = await acme.slack.app_uninstalled()
    assert reply.ok
    assert [row[1] for row in await stored_bots(acme)] == [GLOBEX]  # Globex's own install stays
    async with acme.db.transaction() as s:
        active = dict((await s.exec(select(Workspace.team_id, Workspace.active))).all())
        kept = (await s.exec(select(Campaign.team_id))).scalars().all()
    assert active[ACME] is False and active[INITECH] is False and active[GLOBEX] is True
    assert sorted(kept) == sorted(worlds)  # the data stays, inactive

    since = len(emulator.calls)
    acme.clock.advance(timedelta(hours=30))
    done = await acme.stack.bot.dispatcher.tick()
    await worlds[INITECH].run(MANAGER, "/campaign list")  # a stale client still sends a command
    await globex.run(MANAGER, "/campaign list")
    assert NAMES[GLOBEX] in globex.said_to(MANAGER)
    assert org_token not in tokens_used(emulator, since)
    assert globex_token in tokens_used(emulator, since)
    assert done.sent >= 1 and done.cancelled >= 2 and not done.failed, done  # only Globex's went out

    # installing the organisation again brings its workspaces back, with a new token
    await acme.stack.install(ORG)
    async with acme.db.transaction() as s:
        active = dict((await s.exec(select(Workspace.team_id, Workspace.active))).all())
    assert active == {ACME: True, INITECH: True, GLOBEX: True}
    assert sorted(row[0] or "" for row in await stored_bots(acme)) == ["", ORG]
    assert emulator.app.org_tokens(ORG) and org_token not in emulator.app.org_tokens(ORG)
    await worlds[INITECH].run(MANAGER, "/campaign list")
    assert NAMES[INITECH] in worlds[INITECH].said_to(MANAGER)
