"""The outbox under stress: restarts, replicas, Slack failures, the admin list, escalation once."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bench.reminders import seed
from bot.ids import Action
from scheduler.dispatcher import BACKOFF_BASE, Dispatcher
from storage.db import Database
from storage.models import Incident, IncidentEvent, Reminder
from tests.e2e.conftest import START
from tests.e2e.harness import IVY, MANAGER, MEMBER, World, report, set_up_team, text_of
from tests.scheduler.helpers import H, add_deliverable, at, dispatcher, reminders, texts, tick


def replica(world: World, **kwargs) -> Dispatcher:
    """Another dispatcher (another process, as far as the database can tell) on the same store."""
    return Dispatcher(world.stack.bot.services, db=Database(world.db.url), tick_seconds=None, **kwargs)


async def _acknowledged(world: World) -> str:
    await world.new_campaign()
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    return channel


async def test_a_restart_sends_what_was_pending_once(world: World):
    channel = await _acknowledged(world)
    await add_deliverable(world, START + 100 * H)
    await dispatcher(world).stop()  # the old process goes away; the clock moves while it is down
    world.clock.set(START + 28 * H)
    other = replica(world)
    try:
        assert (await other.tick()).sent == 1
        assert (await other.tick()).sent == 0
        assert (await tick(world)).sent == 0  # the first one, back again, finds nothing to do
    finally:
        await other.stop()
        await other.db.dispose()
    assert len(texts(world, channel, "Launch reel")) == 1


async def test_three_dispatchers_send_5000_reminders_exactly_once(world: World):
    if world.db.dialect != "postgresql":
        pytest.skip("several dispatchers at once need PostgreSQL (SQLite runs one)")
    channel = world.emulator.add_channel("load", members=[world.emulator.bot_user.id])
    await seed(world.db, 5000, now=world.clock.now(), channel_id=channel.id, owner_id=MANAGER)
    replicas = [replica(world, batch_size=200) for _ in range(3)]
    try:
        passes = await asyncio.gather(*(d.tick() for d in replicas))
    finally:
        for d in replicas:
            await d.stop()
            await d.db.dispose()
    assert sum(p.sent for p in passes) == 5000 and all(p.sent for p in passes)
    messages = world.emulator.history(channel.id)
    assert len(messages) == 5000
    assert len({text_of(m) for m in messages}) == 5000  # each deliverable once
    assert len(world.emulator.calls_to("chat.postMessage")) >= 5000
    async with world.db.transaction() as s:
        statuses = dict((await s.exec(select(Reminder.status, func.count()).group_by(Reminder.status))).all())
        due_now = (
            await s.exec(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.status == "pending", Reminder.due_at <= world.clock.now())
            )
        ).one()[0]
    assert statuses["sent"] == 5000
    # the tick's overdue sweep marks the (seeded, past-due) deliverables late and writes no
    # reminder; whatever is still pending (nothing, for these seeded rows) is not due yet
    assert set(statuses) <= {"sent", "pending"} and due_now == 0


async def test_429_with_retry_after_waits_and_loses_nothing(world: World):
    channel = await _acknowledged(world)
    await add_deliverable(world, START + 100 * H)
    world.emulator.inject_failure("chat.postMessage", retry_after=30)
    done = await at(world, START + 28 * H)
    assert (done.sent, done.retried) == (0, 1)
    row = (await reminders(world, subject_type="deliverable"))["deliverable:1:t-72h"]
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "ratelimited")
    assert (await at(world, START + 28 * H + timedelta(seconds=29))).sent == 0  # still waiting
    assert (await at(world, START + 28 * H + timedelta(seconds=30))).sent == 1
    assert len(texts(world, channel, "Launch reel")) == 1


@pytest.mark.parametrize("fault", ["http_500", "timeout"])
async def test_server_errors_and_timeouts_back_off_and_retry(world: World, fault: str):
    channel = await _acknowledged(world)
    await add_deliverable(world, START + 100 * H)
    fast = replica(world, send_timeout=0.3)
    try:
        if fault == "http_500":
            world.emulator.inject_failure("chat.postMessage", status=500, times=2)
        else:
            world.emulator.inject_delay("chat.postMessage", 2.0, times=1)
        world.clock.set(START + 28 * H)
        assert (await fast.tick()).retried == 1
        row = (await reminders(world))["deliverable:1:t-72h"]
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error.startswith("timeout" if fault == "timeout" else "internal_error")
        world.clock.advance(BACKOFF_BASE)
        done = await fast.tick()
        if fault == "http_500":  # second 500: backs off twice as long
            assert done.retried == 1
            world.clock.advance(2 * BACKOFF_BASE)
            done = await fast.tick()
        assert done.sent == 1
    finally:
        await fast.stop()
        await fast.db.dispose()
    row = (await reminders(world))["deliverable:1:t-72h"]
    assert row.status == "sent" and row.sent_ts
    assert len(texts(world, channel, "Launch reel")) >= 1  # a timed-out post may also have landed


async def test_a_permanent_error_fails_and_is_listed_for_admins_and_managers(world: World):
    await _acknowledged(world)
    await add_deliverable(world, START + 100 * H)
    world.emulator.inject_failure("chat.postMessage", error="channel_not_found")
    done = await at(world, START + 28 * H)
    assert done.failed == 1
    row = (await reminders(world))["deliverable:1:t-72h"]
    assert (row.status, row.last_error, row.attempts) == ("failed", "channel_not_found", 1)
    assert (await at(world, START + 40 * H)).claimed == 0  # never retried

    await world.run(MANAGER, "/campaign reminders spring")
    listed = world.said_to(MANAGER)
    assert re.search(r"deliverable:1@\d+:t-72h", listed) and "channel_not_found" in listed
    await world.run(MANAGER, "/campaign reminders")
    assert "channel_not_found" in world.said_to(MANAGER)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MEMBER, "/campaign reminders spring")
    assert "no_entry" in world.said_to(MEMBER) and "channel_not_found" not in world.said_to(MEMBER)


async def test_late_pending_reminders_are_listed(world: World):
    await _acknowledged(world)
    await add_deliverable(world, START + 100 * H)
    world.clock.set(START + 29 * H)  # an hour late, nobody dispatched
    await world.run(MANAGER, "/campaign reminders spring")
    assert "late, still pending" in world.said_to(MANAGER)


async def test_automatic_escalation_happens_once_with_two_dispatchers(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 48 h
    world.clock.set(START + 48 * H)
    other = replica(world)
    try:
        passes = await asyncio.gather(tick(world), other.tick())
    finally:
        await other.stop()
        await other.db.dispose()
    assert sum(p.escalated for p in passes) == 1
    async with world.db.transaction() as s:
        kinds = (await s.exec(select(IncidentEvent.kind))).scalars().all()
    assert kinds.count("escalated") == 1
    assert (await reminders(world))["incident:1:end"].status == "sent"
    async with world.db.transaction() as s:
        card_ts = (await s.exec(select(Incident.card_ts))).scalar_one()
    thread = [text_of(m) for m in world.emulator.replies(channel, card_ts)]
    assert sum("escalated to the legal team" in t for t in thread) == 1


async def test_a_retried_end_of_cure_reminder_still_says_the_incident_was_escalated(world: World):
    """The escalation of the first attempt commits, then Slack fails the reminder itself: the retry
    must not tell the influencer "please respond" as if nothing had happened."""
    from scheduler.dispatcher import _default_escalate

    async def escalate_then_slack_fails(svc, team_id: str, incident_id: int) -> bool:
        done = await _default_escalate(svc, team_id, incident_id)
        if done:  # the first attempt: Slack fails the reminder's own post
            world.emulator.inject_failure("chat.postMessage", status=500)
        return done

    channel = await set_up_team(world)
    await report(world)
    other = replica(world, escalate=escalate_then_slack_fails)
    try:
        world.clock.set(START + 48 * H)
        first = await other.tick()
        assert (first.escalated, first.retried) == (1, 1)
        world.clock.advance(BACKOFF_BASE)
        assert (await other.tick()).sent == 1
    finally:
        await other.stop()
        await other.db.dispose()
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalars().one()
    assert incident.status == "escalated"
    thread = [text_of(m) for m in world.emulator.replies(channel, incident.card_ts)]
    ends = [t for t in thread if "the cure period of" in t]
    assert len(ends) == 1 and "escalated to the legal team" in ends[0]
