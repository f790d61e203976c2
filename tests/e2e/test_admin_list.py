"""`ADMIN_USER_IDS`: admin rights for the people it lists, as members of the workspace acted in.
A listed person from another organisation (a Slack Connect guest; in a deployment serving several
workspaces, another customer's admin) has none here: not the program's report, not the brand
side's conduct flags."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot import messages
from bot.clock import FakeClock
from playground import people
from playground.emulator import SlackEmulator
from playground.emulator.state import EXTERNAL_TEAM_ID
from playground.stack import running_stack
from storage.models import ConductFlag
from tests.e2e.conduct_helpers import monitored_team, say
from tests.e2e.conftest import START
from tests.e2e.harness import ADMIN, LEGAL, MANAGER, MEMBER, World

AGENCY_EMAIL = "ops@agency.example"


@pytest.fixture
async def listed(database_url) -> AsyncIterator[tuple[World, str]]:
    """Maya's member and an agency's person from another organisation, both in ADMIN_USER_IDS."""
    emulator = SlackEmulator()
    people.populate(emulator)
    agency = emulator.add_user(  # through Slack Connect; an admin of their own organisation
        "ops", user_id="U0AGENCY", email=AGENCY_EMAIL, team_id=EXTERNAL_TEAM_ID, is_admin=True
    )
    clock = FakeClock(START)
    ids = frozenset({MEMBER, agency.id})
    async with running_stack(emulator, database_url=database_url, clock=clock, admin_user_ids=ids) as stack:
        world = World(stack=stack, clock=clock)
        await world.grant_creator(MANAGER)
        yield world, agency.id


async def test_a_listed_member_of_the_workspace_has_admin_rights(listed):
    world, _ = listed
    await world.run(MEMBER, f"/campaign creators add <@{LEGAL}>")
    assert world.said_to(MEMBER).startswith(f":white_check_mark: <@{LEGAL}> may now create campaigns")
    await world.run(MEMBER, "/campaign report")
    assert "Report: All campaigns" in world.said_to(MEMBER)


async def test_a_listed_person_of_another_organisation_has_none(listed):
    world, agency = listed
    await world.run(agency, "/campaign report")  # every campaign's numbers, for an admin
    assert world.said_to(agency) == messages.NO_CAMPAIGN_TO_REPORT  # and the agency holds no role
    await world.run(agency, f"/campaign creators add <@{LEGAL}>")
    assert not world.said_to(agency).startswith(":white_check_mark:")


async def test_flags_about_the_brand_side_reach_listed_admins_of_this_workspace_only(listed):
    world, agency = listed
    channel = await monitored_team(world)
    await say(world, MANAGER, channel, f"<@{people.INFLUENCER.user_id}> you're useless")
    async with world.db.transaction() as s:
        [flag] = (await s.exec(select(ConductFlag))).scalars().all()
    assert flag.about_brand
    assert "a member of the brand side" in world.dm_to(MEMBER)  # listed, of this workspace
    assert "a member of the brand side" in world.dm_to(ADMIN)  # Slack's own admin
    assert world.emulator.dm(agency) == []  # never to another organisation
