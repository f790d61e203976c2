"""Socket Mode: the bot with no public URL, driven over the emulator's websocket.

The same breach story as over HTTP (report, card, thread reply, acknowledge, resolve), every
request an envelope the bot acks by `envelope_id`; and a reconnect loses no ack.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.ids import Action, Field
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.models import Incident, IncidentEvent
from tests.e2e.conftest import START
from tests.e2e.harness import IVY, LEGAL, MANAGER, World, card_of, report, set_up_team, text_of


@pytest.fixture
async def socket_world(database_url) -> AsyncIterator[World]:
    emulator = SlackEmulator()
    people.populate(emulator)
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock, socket_mode=True) as stack:
        yield World(stack=stack, clock=clock)


async def incident(world: World) -> Incident:
    async with world.db.transaction() as s:
        return (await s.exec(select(Incident))).scalars().one()


async def test_breach_story_over_socket_mode(socket_world: World):
    world = socket_world
    hub = world.emulator.socket_mode
    channel = await set_up_team(world)
    reply = await report(world)
    assert reply.ok and not reply.body  # the view_submission's ack: close the modal
    card = card_of(world, channel)
    assert "BR-1" in text_of(card)

    await world.slack.post_message(IVY, channel, "Tag added, sorry", thread_ts=card.ts)
    async with world.db.transaction() as s:
        replies = (await s.exec(select(IncidentEvent).where(IncidentEvent.kind == "thread_reply"))).scalars()
        assert [e.text for e in replies] == ["Tag added, sorry"]

    await world.slack.click(IVY, channel, card_of(world, channel).ts, Action.INCIDENT_ACKNOWLEDGE)
    assert (await incident(world)).status == "acknowledged"
    await world.slack.click(LEGAL, channel, card_of(world, channel).ts, Action.INCIDENT_RESOLVE)
    view = world.top_view(LEGAL)
    await world.slack.submit_view(
        LEGAL, view.id, {Field.OUTCOME: {Field.OUTCOME: "warning"}, Field.STRIKES: {Field.STRIKES: "1"}}
    )
    assert (await incident(world)).status == "resolved"
    assert "resolved" in text_of(card_of(world, channel)).lower()

    # every request went over the socket, each acked exactly once, none over HTTP
    kinds = {d["type"] for d in hub.deliveries}
    assert kinds == {"slash_commands", "interactive", "events_api"}
    acked = [a["envelope_id"] for a in hub.acks]
    assert len(acked) == len(set(acked)) == len(hub.deliveries)
    assert hub.duplicate_acks == 0


async def test_disconnect_and_reconnect_lose_no_ack(socket_world: World):
    world = socket_world
    hub = world.emulator.socket_mode
    assert hub.opened == 1

    # Slack asks the app to reconnect while requests are in flight: every one is acked (a mistyped
    # subcommand: answered in the ack itself, with the closest one)
    commands = [world.run(MANAGER, "/campaign lsit") for _ in range(5)]
    results = await asyncio.gather(*commands, hub.disconnect())
    assert all(r.ok for r in results[:5])
    assert hub.opened == 2 and len(hub.connections) == 1
    assert world.all_said_to(MANAGER)[-5:] == [world.all_said_to(MANAGER)[-1]] * 5

    # the connection drops without warning right after an envelope went out: it comes again
    # on the new connection, and the bot's answer arrives once
    before = len(world.all_said_to(MANAGER))
    hub.drop_after_next_send()
    reply = await world.run(MANAGER, "/campaign lsit")
    assert reply.ok and reply.body
    assert len(world.all_said_to(MANAGER)) == before + 1
    assert hub.opened == 3

    # the envelope is lost with its connection: Slack sends it again on the new one
    hub.lose_next_envelope()
    reply = await world.run(MANAGER, "/campaign lsit")
    assert reply.ok and reply.body
    assert len(world.all_said_to(MANAGER)) == before + 2
    assert hub.opened == 4
    assert [d["retry_attempt"] for d in hub.deliveries[-2:]] == [0, 1]
    assert hub.deliveries[-1]["retry_reason"] == "connection_closed"
    assert len({a["envelope_id"] for a in hub.acks}) == len(hub.acks)
