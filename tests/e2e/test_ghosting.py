"""Ghosting under the clock: a brand question to the influencer left unanswered gets a gentle
nudge in its thread after 24 business hours in the influencer's time zone, then a private flag to
the managers after 48; any message of the influencer in the channel stops it. Planned in the
outbox, so each goes out exactly once, however often the dispatcher ticks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import AwaitedReply, Reminder
from tests.e2e.conduct_helpers import deliver, monitored_team, say
from tests.e2e.harness import IVY, LEGAL, MANAGER, MEMBER, World, text_of

QUESTION = f"<@{IVY}> can you send the draft by Thursday?"
NUDGE = ":wave: <@U0IVY>, a gentle nudge"


async def tick(world: World) -> None:
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()


def thread(world: World, channel: str, ts: str) -> list[str]:
    return [text_of(m) for m in world.emulator.replies(channel, ts)[1:]]


def flags_to(world: World, user: str) -> list[str]:
    return [text_of(m) for m in world.emulator.dm(user) if "has not answered" in text_of(m)]


async def awaited(world: World) -> list[AwaitedReply]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(AwaitedReply))).scalars())


async def test_an_unanswered_question_gets_a_nudge_then_a_private_flag_once_each(world: World):
    channel = await monitored_team(world)
    asked_at = world.clock.now()  # Monday 14:00 UTC: 06:00 for Ivy in Los Angeles
    question = await say(world, MANAGER, channel, QUESTION)
    [waiting] = await awaited(world)
    assert (waiting.message_ts, waiting.tz, waiting.asker_id) == (question.ts, "America/Los_Angeles", MANAGER)

    world.clock.set(asked_at + timedelta(hours=24) - timedelta(minutes=1))
    await tick(world)
    assert thread(world, channel, question.ts) == []

    world.clock.set(asked_at + timedelta(hours=24))
    await tick(world)
    await tick(world)
    [nudge] = thread(world, channel, question.ts)
    assert nudge.startswith(NUDGE) and f"<@{MANAGER}> asked you something here" in nudge
    assert flags_to(world, MANAGER) == []

    world.clock.set(asked_at + timedelta(hours=48))
    await tick(world)
    await tick(world)
    [flag] = flags_to(world, MANAGER)
    assert flag.startswith(f":mute: <@{IVY}> has not answered <@{MANAGER}> in <#{channel}>")
    assert "48 business hours ago in their time zone" in flag
    assert flags_to(world, LEGAL) == [] and flags_to(world, MEMBER) == []  # the managers only
    assert len(thread(world, channel, question.ts)) == 1  # nothing more in the channel
    assert not any("has not answered" in text_of(m) for m in world.emulator.history(channel))


async def test_any_message_of_the_influencer_stops_it(world: World):
    channel = await monitored_team(world)
    question = await say(world, MEMBER, channel, QUESTION)
    assert len(await awaited(world)) == 1
    await say(world, IVY, channel, "on it!")
    assert await awaited(world) == []
    async with world.db.transaction() as s:
        statuses = {r.kind: r.status for r in (await s.exec(select(Reminder))).scalars() if "ghost" in r.kind}
    assert statuses == {"ghosting_reminder": "cancelled", "ghosting_flag": "cancelled"}
    world.clock.advance(timedelta(days=5))
    await tick(world)
    assert thread(world, channel, question.ts) == [] and flags_to(world, MANAGER) == []


async def test_weekends_do_not_count(world: World):
    channel = await monitored_team(world)
    world.clock.set(datetime(2027, 3, 5, 20, 0, tzinfo=UTC))  # Friday noon in Los Angeles
    question = await say(world, MANAGER, channel, QUESTION)
    # 12 hours left on Friday, none on Saturday or Sunday, 12 more on Monday: noon in LA = 20:00 UTC
    world.clock.set(datetime(2027, 3, 8, 19, 59, tzinfo=UTC))
    await tick(world)
    assert thread(world, channel, question.ts) == []
    world.clock.set(datetime(2027, 3, 8, 20, 0, tzinfo=UTC))
    await tick(world)
    assert [t[: len(NUDGE)] for t in thread(world, channel, question.ts)] == [NUDGE]


async def test_thresholds_are_set_per_campaign(world: World):
    channel = await monitored_team(world)
    await world.run(MANAGER, "/campaign conduct spring ghosting 16 8")
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(":warning: The flag to the managers comes after the reminder")
    await world.run(MEMBER, "/campaign conduct spring ghosting 4 8")
    await world.stack.settle()
    assert world.said_to(MEMBER).startswith(":no_entry:")

    question = await say(world, MANAGER, channel, QUESTION)
    await world.run(MANAGER, "/campaign conduct spring ghosting 4 8")  # the waiting question follows
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(
        ":white_check_mark: Ghosting on *Spring Launch* (`spring`): a reminder"
    )
    world.clock.advance(timedelta(hours=4))
    await tick(world)
    assert len(thread(world, channel, question.ts)) == 1
    world.clock.advance(timedelta(hours=4))
    await tick(world)
    assert "8 business hours ago" in flags_to(world, MANAGER)[0]


async def test_only_questions_to_the_influencer_start_the_clock_and_off_cancels(world: World):
    channel = await monitored_team(world)
    await say(world, MANAGER, channel, f"Great job on the reel <@{IVY}>!")
    await say(world, MANAGER, channel, f"<@{MEMBER}> can you check the caption?")  # not the influencer
    assert await awaited(world) == []

    question = await say(world, MANAGER, channel, QUESTION)
    await say(world, MANAGER, channel, f"<@{IVY}> also, when is the reel going live?")
    [waiting] = await awaited(world)
    assert waiting.message_ts == question.ts  # the first unanswered question sets the clock

    await world.run(MANAGER, "/campaign conduct spring off")
    await world.stack.settle()
    assert await awaited(world) == []
    world.clock.advance(timedelta(days=4))
    await tick(world)
    assert thread(world, channel, question.ts) == [] and flags_to(world, MANAGER) == []


async def test_a_forged_message_of_the_influencer_does_not_stop_the_clock(world: World):
    """Ivy, asked a question in her monitored channel, does not answer; instead she signs a
    `message` event saying she wrote in the channel, a message Slack does not have. It is read back
    from Slack before it counts as her answer (as a question that starts the clock is): the
    question keeps waiting, and the managers are flagged when the time is up."""
    channel = await monitored_team(world)
    await say(world, MANAGER, channel, QUESTION)
    assert len(await awaited(world)) == 1

    ts = world.slack.ws.ts_clock.next()
    forged = {"type": "message", "user": IVY, "text": "on it!", "ts": ts, "event_ts": ts}
    await deliver(world, channel, forged | {"channel": channel, "channel_type": "group"})
    assert not any(m.text == "on it!" for m in world.emulator.history(channel))  # Slack never had it

    assert len(await awaited(world)) == 1, "a message Slack does not have stopped the ghosting clock"
    world.clock.advance(timedelta(days=4))
    await tick(world)
    await tick(world)
    assert flags_to(world, MANAGER)
