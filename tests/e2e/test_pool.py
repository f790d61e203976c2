"""No flow holds a database connection while it waits for a second one, or for Slack.

The bot keeps a fixed pool of connections and never opens more (`storage.db.POOL_SIZE`): a task
that finds them all busy waits for one. A flow that opened a transaction inside another would
then wait for itself whenever every connection was held by such a flow. Here the whole bot runs
on a pool of ONE connection with a short wait: a nested transaction anywhere on the way (a
command, a form, a button, App Home, the dispatcher's pass, work after the ack) times out and
the journey fails. And while a flow waits for Slack to say who its user is, the connection is
free for everyone else (bot/directory.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.campaigns import CampaignMove
from bot.flows import campaign_status
from bot.ids import Action, Field
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.db import Database
from storage.models import Campaign, Incident
from tests.e2e.conftest import START
from tests.e2e.harness import ADMIN, IVY, LEGAL, MANAGER, MEMBER, World, report, set_up_team
from tests.e2e.test_deliverables import deliverable, submit
from tests.e2e.test_incidents import fill, press


@pytest.fixture
async def world_on_one_connection(database_url) -> AsyncIterator[World]:
    emulator = SlackEmulator()
    people.populate(emulator)
    clock = FakeClock(START)
    db = Database(database_url, pool_size=1, max_overflow=0, pool_timeout=5)
    async with running_stack(emulator, database_url=database_url, clock=clock, db=db) as stack:
        world = World(stack=stack, clock=clock)
        await world.grant_creator(MANAGER)
        yield world


async def test_a_whole_journey_runs_on_one_connection(world_on_one_connection: World):
    world = world_on_one_connection
    assert world.db.engine.pool.size() == 1
    channel = await set_up_team(world)

    # a deliverable, submitted
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    due = world.clock.now() + timedelta(days=3)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: view.blocks[1]["element"]["options"][0]["value"]},
            Field.TITLE: {Field.TITLE: "Launch reel"},
            Field.PLATFORM: {Field.PLATFORM: "instagram"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body
    reply = await submit(world, channel, await deliverable(world))
    assert reply.ok and not reply.body

    # a breach reported and mediated to the end
    assert (await report(world)).ok
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    await fill(world, IVY, {Field.STATEMENT: "I have added #ad now."})
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MEMBER, {Field.OUTCOME: "corrective_action", Field.TERMS: "Pin a comment with #ad."})
    await press(world, IVY, channel, Action.INCIDENT_ACCEPT)

    # a second one left alone: a week on, the dispatcher reminds and escalates it
    assert (await report(world, clause="G2", description="Missed the deadline.")).ok
    world.clock.advance(timedelta(days=8))
    passed = await world.stack.bot.dispatcher.tick()
    assert passed.sent > 0 and passed.escalated == 1 and not passed.errors

    # every reading surface, for each side
    for user in (MANAGER, LEGAL, ADMIN, IVY):
        assert (await world.slack.open_home(user)).ok
    await world.run(MANAGER, "/breach list all")
    assert "BR-1" in world.said_to(MANAGER) and "BR-2" in world.said_to(MANAGER)
    await world.run(LEGAL, "/breach show BR-2")
    assert "escalated" in world.said_to(LEGAL).lower()
    await world.run(IVY, "/breach list")
    assert "BR-2" in world.said_to(IVY)

    # and closing the campaign, which re-plans everything it owns
    await world.run(MANAGER, "/campaign complete spring")
    assert "completed" in world.said_to(MANAGER).lower()
    async with world.db.transaction() as s:
        statuses = sorted((await s.exec(select(Incident.status).order_by(Incident.number))).scalars())
    assert statuses == ["escalated", "resolved"]


async def test_slack_is_asked_who_an_admin_is_while_the_connection_is_free(world_on_one_connection: World):
    world = world_on_one_connection
    await set_up_team(world)
    svc = world.stack.bot.services
    svc.directory.forget(ADMIN)  # a Slack admin with no role on the campaign, not seen for a while
    world.emulator.inject_delay("users.info", 2.0)  # and a slow Slack
    asked = len(world.emulator.calls_to("users.info"))
    completing = asyncio.create_task(
        campaign_status.change(svc, people.TEAM_ID, ADMIN, "spring", CampaignMove.COMPLETE)
    )
    for _ in range(300):  # until Slack is being asked
        if len(world.emulator.calls_to("users.info")) > asked:
            break
        await asyncio.sleep(0.01)
    assert len(world.emulator.calls_to("users.info")) == asked + 1
    async with world.db.transaction() as s:  # meanwhile the one connection serves anyone else
        assert (await s.exec(select(Campaign.status))).scalars().all() == ["active"]
    assert not completing.done()  # still waiting for Slack, holding nothing
    assert "completed" in await completing
