"""Enterprise Grid: what a payload's organisation claim is worth.

A payload names its organisation (`enterprise_id`) and whether it comes through an org-wide install
(`is_enterprise_install`, or the `authorizations` of an event), and Bolt finds an org-wide bot by
the enterprise id alone. The organisation's token is used for a workspace only once Slack, asked
with that token (`team.info`), confirmed the workspace is the organisation's; a workspace with its
own installation is never served by an organisation's. These tests build an organisation E0AGENCY
installed org-wide over Acme and Initech, and Globex (its own people) installed on its own."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.ids import Field
from bot.installations import CACHE_SECONDS, NOT_COVERED_SECONDS
from playground import people
from playground.emulator import SlackEmulator, payloads
from playground.stack import running_stack
from storage.models import Workspace
from storage.queries import workspaces as workspace_rows
from tests.e2e.conftest import START
from tests.e2e.harness import MANAGER, World

ORG, ORG_NAME = "E0AGENCY", "Agency Grid"
ACME, INITECH, GLOBEX = "T0CAMPAIGN", "T0INITECH", people.GLOBEX_TEAM_ID
GRACE, HANA = people.GLOBEX_MANAGER.user_id, people.GLOBEX_ADMIN.user_id
REFUSED = "org-wide authorisation refused"


@pytest.fixture
async def org_and_globex(database_url) -> AsyncIterator[dict[str, World]]:
    """Acme and Initech in an Enterprise Grid organisation installed org-wide; Globex (its own
    people) installed on its own."""
    emulator = SlackEmulator()
    people.populate(emulator)
    bot = emulator.workspace
    initech = emulator.add_workspace(
        INITECH, team_name="Initech", bot_user_id=bot.bot_user.id, bot_id=bot.bot_id
    )
    people.populate(initech)
    emulator.add_organisation(ORG, ORG_NAME, [ACME, INITECH])
    people.add_globex(emulator)
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock, oauth=True) as stack:
        for installing in (ORG, GLOBEX):
            page = await stack.install(installing)
            assert "Thank you!" in page or "success" in page.lower(), page[:200]
        yield {team: World(stack=stack.in_team(team), clock=clock) for team in (ACME, INITECH, GLOBEX)}


async def claiming_command(world: World, user: str, command: str, text: str = "", **fields: str):
    """A signed slash command of `world`'s workspace as `user`, with some fields replaced."""
    ws = world.slack.ws
    actor = ws.users[user]
    where = ws.open_dm(actor.id)
    target = ws.issue_response_url(where.id, actor.id)
    body = payloads.slash_command(
        ws,
        actor,
        where,
        command,
        text,
        response_url=world.emulator.response_url(target),
        trigger_id=ws.issue_trigger(actor.id),
    )
    body.update(fields)
    return await world.slack.send_raw(urlencode(body), "application/x-www-form-urlencoded")


ORG_CLAIM = {"enterprise_id": ORG, "enterprise_name": ORG_NAME, "is_enterprise_install": "true"}


async def enterprise_rows(world: World) -> dict[str, tuple[str | None, bool]]:
    async with world.db.transaction() as s:
        rows = (await s.exec(select(Workspace.team_id, Workspace.enterprise_id, Workspace.active))).all()
    return {t: (e, a) for t, e, a in rows}


def team_infos(emulator: SlackEmulator, token: str, since: int = 0) -> Counter:
    """`team.info` calls made with `token`, by the team they asked about."""
    return Counter(
        c.args.get("team") for c in emulator.calls[since:] if c.method == "team.info" and c.token == token
    )


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(REFUSED)]


def installations_clock(world: World) -> list[float]:
    """The installations cache's clock, moved by hand: `now[0] += seconds`."""
    installations = world.stack.bot.services.tenancy.installations
    now = [time.monotonic()]
    installations._clock = lambda: now[0]
    return now


async def test_an_org_claim_in_a_workspace_with_its_own_installation_is_refused(org_and_globex, caplog):
    """A command of Globex (installed on its own) claiming to come through the organisation's
    org-wide install is not handled: not with the organisation's token, and Globex is not recorded
    as the organisation's, so the organisation's uninstall leaves Globex running."""
    caplog.set_level(logging.WARNING, logger="bot.installations")
    acme, globex = org_and_globex[ACME], org_and_globex[GLOBEX]
    emulator = acme.emulator
    org_token = emulator.app.org_tokens(ORG)[-1]
    assert (await enterprise_rows(acme))[GLOBEX] == (None, True)

    since = len(emulator.calls)
    await claiming_command(globex, GRACE, "/campaign", "new", **ORG_CLAIM)
    used = {c.token for c in emulator.calls[since:] if c.token}
    rows = await enterprise_rows(acme)
    assert org_token not in used, "Globex's request was handled with the organisation's token"
    assert rows[GLOBEX][0] is None, f"Globex recorded as a workspace of {rows[GLOBEX][0]}"
    assert not team_infos(emulator, org_token, since)  # its own installation settles it
    assert any(ORG in m and GLOBEX in m for m in refusals(caplog)), caplog.text
    async with acme.db.transaction() as s:  # the store never ties it to an organisation either
        assert await workspace_rows.set_enterprise(s, GLOBEX, ORG, acme.clock.now()) is False
    assert (await enterprise_rows(acme))[GLOBEX] == (None, True)

    # the organisation's uninstall (genuine: its token stops working) does not touch Globex
    emulator.uninstall(ORG)
    assert (await acme.slack.app_uninstalled()).ok
    after = await enterprise_rows(acme)
    assert after[GLOBEX][1] is True, "the organisation's uninstall took Globex offline"


async def test_an_org_claim_never_makes_a_workspace_act_with_the_organisations_token(org_and_globex):
    """The same claim, then ordinary life: Globex uninstalls the app, later the organisation
    reinstalls it. Globex stays uninstalled, and its reminders (its campaign, its people) never go
    out with the organisation's token."""
    acme, globex = org_and_globex[ACME], org_and_globex[GLOBEX]
    emulator = acme.emulator
    noor = people.GLOBEX_INFLUENCER.user_id
    await globex.run(HANA, f"/campaign creators add <@{GRACE}>")
    globex.creators.add(GRACE)
    await globex.new_campaign("velo", user=GRACE, **{Field.NAME: "Velo Week"})
    await globex.run(GRACE, f"/campaign invite velo <@{noor}>")
    assert "was invited" in globex.said_to(GRACE), globex.said_to(GRACE)

    await claiming_command(globex, GRACE, "/campaign", "list", **ORG_CLAIM)
    emulator.uninstall(GLOBEX)
    assert (await globex.slack.app_uninstalled()).ok
    await acme.stack.install(ORG)
    org_token = emulator.app.org_tokens(ORG)[-1]

    since = len(emulator.calls)
    acme.clock.advance(timedelta(hours=30))
    await acme.stack.bot.dispatcher.tick()
    globex_people, globex_channels = (
        set(globex.emulator.workspace.users),
        set(globex.emulator.workspace.channels),
    )
    acting_for_globex = [
        (c.method, c.args)
        for c in emulator.calls[since:]
        if c.token == org_token
        and (
            {c.args.get("channel"), c.args.get("user"), c.args.get("users")}
            & (globex_people | globex_channels)
        )
    ]
    assert acting_for_globex == [], "Globex's reminders went out with the organisation's token"
    assert (await enterprise_rows(acme))[GLOBEX][1] is False, "the org's reinstall woke Globex up"


@pytest.mark.parametrize("authorised_team", [None, GLOBEX], ids=["no-team", "globex-team"])
async def test_an_event_claiming_the_organisations_installation_runs_nothing_outside_it(
    org_and_globex, caplog, authorised_team
):
    """An Events API envelope of Globex whose `authorizations` are the organisation's org-wide
    install (naming no team, as Slack's do, or naming Globex): no listener runs, nothing is done
    with the organisation's token, and Globex is not recorded as the organisation's."""
    caplog.set_level(logging.WARNING, logger="bot.installations")
    acme, globex = org_and_globex[ACME], org_and_globex[GLOBEX]
    emulator = acme.emulator
    org_token = emulator.app.org_tokens(ORG)[-1]
    ws = globex.slack.ws
    grace = ws.users[GRACE]
    event = payloads.app_home_opened_event(ws, grace, ws.open_dm(GRACE), ws.home(GRACE), ws.ts_clock.next())
    envelope = payloads.event_envelope(ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()))
    envelope["enterprise_id"] = envelope["context_enterprise_id"] = ORG
    envelope["authorizations"] = [
        {
            "enterprise_id": ORG,
            "team_id": authorised_team,
            "user_id": acme.emulator.bot_user.id,
            "is_bot": True,
            "is_enterprise_install": True,
        }
    ]
    since = len(emulator.calls)
    assert (await globex.slack.send_raw(json.dumps(envelope), "application/json")).status == 200
    await globex.stack.settle()
    assert emulator.calls[since:] == [], "a listener ran for the event"
    assert org_token not in {c.token for c in emulator.calls[since:] if c.token}
    assert (await enterprise_rows(acme))[GLOBEX][0] is None
    assert any(ORG in m and GLOBEX in m for m in refusals(caplog)), caplog.text


async def test_an_org_claim_for_a_workspace_outside_the_organisation_is_checked_with_slack(
    org_and_globex, caplog
):
    """Globex, once it removed its own installation, claims the organisation: Slack, asked with the
    organisation's token, does not know Globex as the organisation's (`team_not_found`), so the
    command is refused. That answer is remembered for a short while (a burst of such requests asks
    once), then Slack is asked again."""
    caplog.set_level(logging.WARNING, logger="bot.installations")
    acme, globex = org_and_globex[ACME], org_and_globex[GLOBEX]
    emulator = acme.emulator
    emulator.uninstall(GLOBEX)
    assert (await globex.slack.app_uninstalled()).ok
    org_token = emulator.app.org_tokens(ORG)[-1]
    now = installations_clock(acme)

    since = len(emulator.calls)
    for _ in range(3):
        await claiming_command(globex, GRACE, "/campaign", "list", **ORG_CLAIM)
    calls = emulator.calls[since:]
    assert team_infos(emulator, org_token, since) == {GLOBEX: 1}
    assert [c.method for c in calls if c.token == org_token] == ["team.info"]
    assert len([m for m in refusals(caplog) if GLOBEX in m and ORG in m]) == 3
    assert (await enterprise_rows(acme))[GLOBEX] == (None, False)

    now[0] += NOT_COVERED_SECONDS + 1
    await claiming_command(globex, GRACE, "/campaign", "list", **ORG_CLAIM)
    assert team_infos(emulator, org_token, since) == {GLOBEX: 2}


async def test_the_organisations_own_workspaces_are_confirmed_once_per_cache_lifetime(org_and_globex, caplog):
    """Acme and Initech, genuinely served by the org-wide install: commands and events work, each
    workspace costs one `team.info` per cache lifetime (not one per request), and each is recorded
    as the organisation's. A Slack error while confirming refuses that request only: it is not
    remembered, and the next request asks again."""
    caplog.set_level(logging.WARNING, logger="bot.installations")
    acme, initech = org_and_globex[ACME], org_and_globex[INITECH]
    emulator = acme.emulator
    org_token = emulator.app.org_tokens(ORG)[-1]
    now = installations_clock(acme)

    since = len(emulator.calls)
    for world in (acme, initech):
        for _ in range(3):
            reply = await world.run(MANAGER, "/campaign list")
            assert reply.ok
        published = len(emulator.calls_to("views.publish"))
        assert (await world.slack.open_home(MANAGER)).ok  # an event: the envelope's team
        assert len(emulator.calls_to("views.publish")) > published
    assert team_infos(emulator, org_token, since) == {ACME: 1, INITECH: 1}
    assert {c.token for c in emulator.calls[since:] if c.token} == {org_token}
    rows = await enterprise_rows(acme)
    assert rows[ACME][0] == rows[INITECH][0] == ORG and rows[GLOBEX][0] is None
    answered = acme.said_to(MANAGER)

    now[0] += CACHE_SECONDS + 1
    await acme.run(MANAGER, "/campaign list")
    await initech.slack.open_home(MANAGER)
    assert team_infos(emulator, org_token, since) == {ACME: 2, INITECH: 2}
    assert refusals(caplog) == []

    now[0] += CACHE_SECONDS + 1
    emulator.faults.add_failure("team.info", error="internal_error")
    await acme.run(MANAGER, "/campaign list")
    assert acme.said_to(MANAGER) != answered  # Bolt's "not installed" answer
    assert refusals(caplog) and ACME in refusals(caplog)[-1]
    await acme.run(MANAGER, "/campaign list")
    assert acme.said_to(MANAGER) == answered
    assert team_infos(emulator, org_token, since)[ACME] == 4
