"""Several workspaces on one deployment, and Slack Connect between them.

Acme (the brand, the first emulated workspace) and Globex (its own people: Hana its admin, Grace a
manager) each install the app through OAuth. Eve, an influencer of Acme invited by e-mail, works at
Globex: she joins Acme's shared channel from Globex, so what she does there may reach the app
through Globex's installation. Each test says what the attacker does and what must happen instead.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.ids import Field
from playground import people
from playground.emulator import SlackEmulator, payloads
from playground.stack import running_stack
from storage.models import Workspace
from tests.e2e.conftest import START
from tests.e2e.harness import EVE_EMAIL, MANAGER, World, text_of

ACME, GLOBEX = people.TEAM_ID, people.GLOBEX_TEAM_ID
HANA, GRACE = people.GLOBEX_ADMIN.user_id, people.GLOBEX_MANAGER.user_id


@pytest.fixture
async def brand_and_globex(database_url) -> AsyncIterator[tuple[World, World]]:
    """Acme and Globex (its own people), each installed on its own through OAuth."""
    emulator = SlackEmulator()
    people.populate(emulator)
    people.add_globex(emulator)
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock, oauth=True) as stack:
        for team in (ACME, GLOBEX):
            page = await stack.install(team)
            assert "Thank you!" in page or "success" in page.lower(), page[:200]
        acme = World(stack=stack, clock=clock)
        await acme.grant_creator(MANAGER)
        yield acme, World(stack=stack.in_team(GLOBEX), clock=clock)


async def active(world: World) -> dict[str, bool]:
    async with world.db.transaction() as s:
        return dict((await s.exec(select(Workspace.team_id, Workspace.active))).all())


async def eve_at_globex(acme: World, slug: str = "spring", email: str = EVE_EMAIL):
    """Acme invites an influencer by e-mail; she accepts from Globex. Returns (her user, channel)."""
    said = await acme.invite(email, slug)
    assert "invite" in said.lower(), said
    name = email.split("@")[0]
    channel = acme.emulator.channel_by_name(f"cg-{slug}-{name}")
    assert channel is not None, [c.name for c in acme.emulator.workspace.channels.values()]
    user = acme.emulator.accept_shared_invite(email, team_id=GLOBEX)
    assert GLOBEX in channel.shared_team_ids
    return user, channel


# ------------------------------------------------------------------------------------------------
# uninstalling


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
async def test_an_org_claim_on_an_uninstall_event_takes_no_standalone_workspace_offline(
    brand_and_globex, kind
):
    """Globex installed the app on its own; there is no Enterprise Grid install at all. Someone
    sends a signed `app_uninstalled` (or `tokens_revoked`) for Globex whose `authorizations` claim an
    org-wide install of an organisation `E0NOWHERE`. That organisation has no token to be dead, and
    its claim does not stand in for Globex's own token check: Globex's token still works, so Globex
    stays installed and active (`Tenancy.uninstall_event`)."""
    acme, globex = brand_and_globex
    installations = acme.stack.bot.services.tenancy.installations
    assert await installations.store.async_find_bot(enterprise_id=None, team_id=GLOBEX) is not None
    ws = globex.slack.ws
    event = {"type": kind}
    if kind == "tokens_revoked":
        event["tokens"] = {"oauth": [], "bot": [ws.bot_user.id]}
    envelope = payloads.event_envelope(ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()))
    envelope["enterprise_id"] = envelope["context_enterprise_id"] = "E0NOWHERE"
    envelope["authorizations"] = [
        {
            "enterprise_id": "E0NOWHERE",
            "team_id": GLOBEX,
            "user_id": ws.bot_user.id,
            "is_bot": True,
            "is_enterprise_install": True,
        }
    ]
    reply = await globex.slack.send_raw(json.dumps(envelope), "application/json")
    assert reply.ok
    await globex.stack.settle()

    assert globex.emulator.tokens(GLOBEX), "Globex's token still works (Slack never uninstalled it)"
    installations.forget(team_id=GLOBEX)
    assert await installations.store.async_find_bot(enterprise_id=None, team_id=GLOBEX) is not None, (
        "Globex's installation was deleted on an organisation's word"
    )
    assert (await active(acme)).get(GLOBEX) is True, "Globex was marked uninstalled"
    await globex.run(HANA, "/campaign list")
    assert globex.emulator.ephemerals(HANA), "Globex's admin gets no answer any more"


# ------------------------------------------------------------------------------------------------
# Slack Connect: the shared channel's events through the other side's installation


def joined_through(acme: World, globex: World, user, channel, inviter) -> dict:
    """`member_joined_channel` in Acme's shared channel as Slack delivers it through Globex's
    installation (the app is installed on both sides; Slack picks one)."""
    ws = acme.slack.ws
    event = payloads.member_joined_channel_event(ws, user, channel, inviter, ws.ts_clock.next())
    envelope = payloads.event_envelope(
        ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()), channel=channel
    )
    return payloads.deliver_as(envelope, globex.slack.ws)


async def test_an_influencer_added_to_a_shared_channel_is_reported_whichever_side_delivers_it(
    brand_and_globex,
):
    """Eve and Zoe both work at Globex, which installed the app too; each is Acme's influencer on
    her own campaign, in her own channel. Eve adds Zoe to her channel: Zoe now reads Eve's incident
    cards, strikes and shared reviews. Slack delivers that `member_joined_channel` through Globex's
    installation (team Globex), whose store knows no such channel. Like a message in that channel,
    the join is handled for the workspace that owns the channel (`Tenancy._owner_of_shared_channel`,
    `_channel_of` in bot/installations.py), and Maya gets the alert."""
    acme, globex = brand_and_globex
    await acme.new_campaign("spring")
    await acme.new_campaign("autumn", **{Field.NAME: "Autumn Drop"})
    eve, eve_channel = await eve_at_globex(acme, "spring")
    zoe, _ = await eve_at_globex(acme, "autumn", "zoe@studio.example")
    eve_channel.members.add(zoe.id)  # Eve adds her colleague from Globex's side

    before = len(acme.emulator.dm(MANAGER))
    envelope = joined_through(acme, globex, zoe, eve_channel, eve)
    assert envelope["team_id"] == GLOBEX
    reply = await acme.slack.send_raw(json.dumps(envelope), "application/json")
    assert reply.ok
    await acme.stack.settle()

    alerts = [text_of(m) for m in acme.emulator.dm(MANAGER)[before:]]
    assert any(zoe.id in a and eve_channel.id in a for a in alerts), (
        f"Maya was not told that another influencer joined Eve's channel: {alerts}"
    )


ORG, INITECH = "E0AGENCY", "T0INITECH"


@pytest.fixture
async def org_over_acme(database_url) -> AsyncIterator[World]:
    """Acme installed the app on its own; later its Enterprise Grid organisation (Acme and Initech)
    installed it org-wide too."""
    emulator = SlackEmulator()
    people.populate(emulator)
    bot = emulator.workspace
    people.populate(emulator.add_workspace(INITECH, bot_user_id=bot.bot_user.id, bot_id=bot.bot_id))
    emulator.add_organisation(ORG, "Agency Grid", [ACME, INITECH])
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock, oauth=True) as stack:
        for installing in (ACME, ORG):
            page = await stack.install(installing)
            assert "Thank you!" in page or "success" in page.lower(), page[:200]
        yield World(stack=stack, clock=clock)


async def test_the_organisations_uninstall_leaves_a_workspaces_own_installation(org_over_acme):
    """Acme has its own installation (its token works) besides its organisation's org-wide one.
    The organisation uninstalls the app, and Slack's `app_uninstalled` for it names Acme as the
    envelope's team. The organisation's token is dead, so its installation goes; Acme's own
    installation, whose token works, stays, and Acme stays active with its reminders
    (`Tenancy.uninstall_event` checks each installation on its own token)."""
    acme = org_over_acme
    installations = acme.stack.bot.services.tenancy.installations
    own = await installations.store.find_bot_by_team(ACME)
    assert own is not None and not own.is_enterprise_install

    acme.emulator.uninstall(ORG)
    assert acme.emulator.tokens(ACME), "Acme's own token still works"
    assert (await acme.slack.app_uninstalled()).ok
    await acme.stack.settle()

    installations.forget(team_id=ACME)
    assert await installations.store.find_bot_by_team(ACME) is not None, (
        "the organisation's uninstall deleted Acme's own installation"
    )
    assert (await active(acme)).get(ACME) is True, "Acme was marked uninstalled"
    assert (
        await installations.store.async_find_bot(enterprise_id=ORG, team_id=None, is_enterprise_install=True)
        is None
    ), "the organisation's own installation, whose token Slack refuses, stays"
