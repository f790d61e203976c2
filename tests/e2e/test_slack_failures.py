"""Slack refusing a call after the ack: what is kept, who is told, and what puts it right.

Each flow here stores first (before or just after the ack) and then calls Slack: the incident card
and its thread, legal's notice, the card after a move, a deliverable's card, the reporter's receipt,
reminders, App Home. A refused call costs only its own step: the steps after it still run, and the
person who acted is told in words they can act on, not with the generic error."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Field
from playground.emulator.faults import Failure
from storage.models import Campaign, Deliverable, Incident, Reminder
from tests.e2e.harness import (
    ADMIN,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    forge_click,
    report,
    set_up_team,
    text_of,
)

GENERIC = "Something went wrong on our side"


# ---------------------------------------------------------------------------------------------
# helpers


def fail_when(
    world: World, method: str, when: Callable[[dict[str, Any]], bool], *, error: str, status: int = 200
) -> None:
    """The next call of `method` whose arguments satisfy `when` fails once (the emulator's own
    injection only counts calls of a method; this picks one by its arguments)."""
    faults = world.emulator.faults
    original = faults.take_failure
    left = [1]

    def take(name: str) -> Failure | None:
        if name == method and left[0] and when(world.emulator.calls[-1].args):
            left[0] -= 1
            return Failure(status, error, None, 1)
        return original(name)

    faults.take_failure = take  # type: ignore[method-assign]


async def incident(world: World) -> Incident:
    async with world.db.transaction() as s:
        return (await s.exec(select(Incident))).scalars().one()


async def deliverable(world: World) -> Deliverable:
    async with world.db.transaction() as s:
        return (await s.exec(select(Deliverable))).scalars().one()


async def press(world: World, user: str, channel: str, action_id: str) -> None:
    await world.slack.click(user, channel, card_of(world, channel).ts, action_id)


async def fill(world: World, user: str, values: dict) -> None:
    view = world.top_view(user)
    reply = await world.slack.submit_view(user, view.id, {k: {k: v} for k, v in values.items()})
    assert reply.ok and not reply.body, reply.body


async def tick(world: World) -> None:
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()


def homes_published_since(world: World, published: int) -> set[str]:
    return {c["user_id"] for c in world.emulator.calls_to("views.publish")[published:]}


def buttons(blocks: list[dict]) -> set[str]:
    return {e.get("action_id") for b in blocks if b.get("type") == "actions" for e in b["elements"]}


SLACK_DOWN = {"status": 500, "times": 3}  # the call and slack_sdk's two server-error retries


async def add_deliverable(world: World, title: str = "Launch reel") -> None:
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    option = view.blocks[1]["element"]["options"][0]["value"]
    due = world.clock.now() + timedelta(days=5)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option},
            Field.TITLE: {Field.TITLE: title},
            Field.PLATFORM: {Field.PLATFORM: "instagram"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body, reply.body


# ---------------------------------------------------------------------------------------------
# a report whose card Slack refuses


async def test_a_major_report_whose_card_is_refused_still_reaches_legal(world: World):
    """Legal hears of a major report even when the shared channel refuses the card (as a move's
    escalation does), without a link to a card that does not exist; the homes are still refreshed."""
    channel = await set_up_team(world)
    legal = world.emulator.channel_by_name("legal").id
    before = len(world.emulator.history(legal))
    published = len(world.emulator.calls_to("views.publish"))
    world.emulator.archive_channel(channel)  # someone archived #cg-spring-ivy
    assert (await report(world, severity="major")).ok
    row = await incident(world)
    assert (row.number, row.status, row.card_ts) == (1, "reported", None)  # stored, without a card
    posts = [text_of(m) for m in world.emulator.history(legal)[before:]]
    assert [p for p in posts if "*BR-1* was reported" in p and "open the card" not in p], posts
    assert "BR-1" in world.dm_to(MEMBER)  # the reporter hears of it
    assert {MANAGER, MEMBER, IVY} <= homes_published_since(world, published)


async def test_the_reporter_is_told_which_incident_has_no_card_and_why(world: World):
    channel = await set_up_team(world)
    world.emulator.archive_channel(channel)
    assert (await report(world)).ok
    told = world.dm_to(MEMBER)
    assert GENERIC not in told, told  # not "on our side": the channel is archived
    assert "*BR-1* is recorded" in told and f"<#{channel}>: the channel is archived" in told, told
    assert "/breach show BR-1" in told, told


async def test_the_reporter_is_told_to_invite_the_bot_when_it_is_not_in_the_channel(world: World):
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    assert (await report(world)).ok
    assert (await incident(world)).card_ts is None
    told = world.dm_to(MEMBER)
    assert GENERIC not in told, told
    assert "*BR-1*" in told and "I am not in it: `/invite @Campaign Guard` there" in told, told


async def test_a_critical_report_whose_thread_opener_fails_still_reaches_legal_and_the_reporter(
    world: World,
):
    channel = await set_up_team(world)
    legal = world.emulator.channel_by_name("legal").id
    before = len(world.emulator.history(legal))
    fail_when(world, "chat.postMessage", lambda a: bool(a.get("thread_ts")), error="internal_error")
    assert (await report(world, severity="critical", clause="G6")).ok
    assert (await incident(world)).card_ts == card_of(world, channel).ts
    posts = [text_of(m) for m in world.emulator.history(legal)[before:]]
    assert any("*BR-1* was reported" in p for p in posts), posts
    assert world.dm_to(MEMBER).startswith(":white_check_mark: Reported *BR-1*"), world.dm_to(MEMBER)


async def test_an_incident_whose_card_never_posted_still_escalates_without_crashing(world: World):
    """card_ts None is survived: the cure period ends, the incident is escalated, legal is told."""
    channel = await set_up_team(world)
    world.emulator.archive_channel(channel)
    assert (await report(world)).ok
    legal = world.emulator.channel_by_name("legal").id
    before = len(world.emulator.history(legal))
    row = await incident(world)
    world.clock.advance(row.response_due_at - row.created_at + timedelta(minutes=1))
    await tick(world)
    assert (await incident(world)).status == "escalated"
    posts = [text_of(m) for m in world.emulator.history(legal)[before:]]
    assert any("escalated automatically" in p for p in posts), posts


# ---------------------------------------------------------------------------------------------
# a move whose card update Slack refuses


async def test_a_move_whose_card_update_fails_is_still_told_in_the_thread(world: World):
    channel = await set_up_team(world)
    assert (await report(world)).ok
    card_ts = card_of(world, channel).ts
    published = len(world.emulator.calls_to("views.publish"))
    world.emulator.inject_failure("chat.update", **SLACK_DOWN)
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    assert (await incident(world)).status == "acknowledged"
    thread = [text_of(m) for m in world.emulator.replies(channel, card_ts)]
    assert any("acknowledged the report" in t for t in thread), thread
    assert {MANAGER, IVY} <= homes_published_since(world, published)
    told = world.all_said_to(IVY) + [text_of(m) for m in world.emulator.dm(IVY)]
    assert not any(GENERIC in t for t in told), told


async def test_a_card_left_stale_by_a_failed_update_is_redrawn_by_the_next_press(world: World):
    """Resolve is the last move: a card whose update failed then shows an open incident and its
    buttons for good, unless a press on the stale card (refused: already resolved) redraws it."""
    channel = await set_up_team(world)
    assert (await report(world)).ok
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    world.emulator.inject_failure("chat.update", **SLACK_DOWN)
    await fill(world, LEGAL, {Field.OUTCOME: "warning", Field.STRIKES: "1"})
    assert (await incident(world)).status == "resolved"
    assert Action.INCIDENT_ACKNOWLEDGE in buttons(card_of(world, channel).blocks)  # stale
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)  # from the card that still offers it
    assert "already" in world.said_to(IVY)
    card = card_of(world, channel)
    assert Action.INCIDENT_ACKNOWLEDGE not in buttons(card.blocks), "the card still shows an open incident"
    assert "resolved" in text_of(card)


async def test_a_card_left_stale_is_redrawn_by_a_form_that_can_no_longer_succeed(world: World):
    """A Dismiss form opened before the incident was resolved (with the card update refused):
    submitting it is refused, and the card is redrawn."""
    channel = await set_up_team(world)
    assert (await report(world)).ok
    await press(world, MANAGER, channel, Action.INCIDENT_DISMISS)
    dismiss = world.top_view(MANAGER)
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    world.emulator.inject_failure("chat.update", **SLACK_DOWN)
    await fill(world, LEGAL, {Field.OUTCOME: "warning", Field.STRIKES: "1"})
    assert Action.INCIDENT_ACKNOWLEDGE in buttons(card_of(world, channel).blocks)  # stale
    reply = await world.slack.submit_view(MANAGER, dismiss.id, {Field.REASON: {Field.REASON: "Fixed."}})
    assert reply.ok and reply.body and reply.body.get("response_action") == "update", reply.body
    await world.stack.settle()
    assert (await incident(world)).status == "resolved"
    card = card_of(world, channel)
    assert Action.INCIDENT_ACKNOWLEDGE not in buttons(card.blocks), "the card still shows an open incident"
    assert "resolved" in text_of(card)


async def test_a_card_update_that_is_rate_limited_is_retried(world: World):
    """429 + Retry-After on chat.update: slack_sdk's rate-limit handler waits and retries."""
    channel = await set_up_team(world)
    assert (await report(world)).ok
    world.emulator.inject_failure("chat.update", status=429, retry_after=1)
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    assert len(world.emulator.calls_to("chat.update")) >= 2
    assert ":eyes: acknowledged" in text_of(card_of(world, channel))
    assert not any(GENERIC in t for t in world.all_said_to(IVY))


# ---------------------------------------------------------------------------------------------
# the reporter's receipt


async def test_a_refused_receipt_does_not_cost_the_app_homes(world: World):
    await set_up_team(world)
    published = len(world.emulator.calls_to("views.publish"))
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MEMBER, error="channel_not_found")
    assert (await report(world)).ok
    assert {MANAGER, IVY} <= homes_published_since(world, published)


# ---------------------------------------------------------------------------------------------
# a deliverable whose card Slack refuses


async def test_the_manager_is_told_which_deliverable_has_no_card_and_why(world: World):
    channel = await set_up_team(world)
    world.emulator.archive_channel(channel)
    await add_deliverable(world)
    assert (await deliverable(world)).card_ts is None
    told = world.dm_to(MANAGER)
    assert GENERIC not in told, told
    assert "“Launch reel” is saved" in told and f"<#{channel}>: the channel is archived" in told, told


async def test_the_deliverable_named_in_the_no_card_message_is_escaped(world: World):
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    await add_deliverable(world, title="Reel <!channel> & co")
    told = world.dm_to(MANAGER)
    assert "“Reel &lt;!channel&gt; &amp; co”" in told and "`/invite @Campaign Guard`" in told, told


# ---------------------------------------------------------------------------------------------
# reminders to an archived shared channel


async def test_a_reminder_to_an_archived_channel_fails_once_and_is_listed(world: World):
    await world.new_campaign()
    await world.invite(IVY)  # not acknowledged: a guidelines reminder in 24 h
    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    world.emulator.archive_channel(channel)
    world.clock.advance(timedelta(hours=24, minutes=1))
    await tick(world)
    posts = len(world.emulator.calls_to("chat.postMessage"))
    world.clock.advance(timedelta(hours=2))
    await tick(world)
    assert len(world.emulator.calls_to("chat.postMessage")) == posts  # no retry of a permanent error
    async with world.db.transaction() as s:
        rows = (await s.exec(select(Reminder).where(Reminder.status == "failed"))).scalars().all()
    assert [(r.kind, r.last_error, r.attempts) for r in rows] == [
        ("guidelines_unacknowledged", "is_archived", 1)
    ]
    await world.run(MANAGER, "/campaign reminders spring")
    listed = world.said_to(MANAGER)
    assert "is_archived" in listed, listed


# ---------------------------------------------------------------------------------------------
# App Home


async def test_a_refused_app_home_costs_the_report_nothing(world: World):
    channel = await set_up_team(world)
    world.emulator.inject_failure("views.publish", error="internal_error", status=500, times=30)
    assert (await report(world)).ok
    assert (await incident(world)).card_ts == card_of(world, channel).ts
    assert world.dm_to(MEMBER).startswith(":white_check_mark: Reported *BR-1*")
    world.emulator.clear_faults()
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    assert "BR-1" in text_of({"blocks": world.emulator.home(MANAGER).blocks})


# ---------------------------------------------------------------------------------------------
# posting a refused card again, once the channel is fixed


def _dm_button(world: World, user: str, action_id: str):
    """The newest DM to `user` with a button `action_id`: (its DM channel, ts, the button's value)."""
    for message in reversed(world.emulator.dm(user)):
        for block in message.blocks:
            for element in block.get("elements") or ():
                if element.get("action_id") == action_id:
                    return message.channel, message.ts, element["value"]
    raise AssertionError(f"no {action_id} button in {user}'s DMs")


async def test_a_refused_incident_card_is_posted_again_from_the_reporters_message(world: World):
    """The bot was not in Ivy's channel when Mo reported; once it is, *Post the card again* in Mo's
    message posts the card and opens its thread, so Ivy has her buttons (the mediation reminders
    find the thread when they are sent). A second press, or a forged one by Ivy, posts nothing."""
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    assert (await report(world)).ok
    assert (await incident(world)).card_ts is None
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)

    forged = await forge_click(world, IVY, dm, ts, Action.INCIDENT_POST_CARD, value)
    assert forged.ok and (await incident(world)).card_ts is None  # Ivy is not on the brand team
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    card = card_of(world, channel)
    row = await incident(world)
    assert row.card_ts == card.ts
    assert world.emulator.workspace.replies(channel, card.ts)[1:], "the thread is opened"
    assert f"The card of *BR-1* is now in <#{channel}>" in world.dm_to(MEMBER)
    posts = len(world.emulator.calls_to("chat.postMessage"))
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    assert f"The card of *BR-1* is already in <#{channel}>" in world.said_to(MEMBER)
    assert [
        c for c in world.emulator.calls_to("chat.postMessage")[posts:] if c.args.get("channel") == channel
    ] == []


async def test_a_card_still_refused_says_so_with_the_button_again(world: World):
    channel = await set_up_team(world)
    world.emulator.archive_channel(channel)
    assert (await report(world)).ok
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    assert "I still could not post the card of *BR-1*" in world.dm_to(MEMBER)
    assert "the channel is archived" in world.dm_to(MEMBER)
    assert _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)[1] != ts  # a new message, a new button
    assert (await incident(world)).card_ts is None


async def test_a_refused_deliverable_card_is_posted_again_from_the_managers_message(world: World):
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    await add_deliverable(world)
    assert (await deliverable(world)).card_ts is None
    dm, ts, value = _dm_button(world, MANAGER, Action.DELIVERABLE_POST_CARD)
    await world.slack.click(MANAGER, dm, ts, Action.DELIVERABLE_POST_CARD, value=value)
    row = await deliverable(world)
    assert row.card_ts is not None and world.emulator.find_message(channel, row.card_ts) is not None
    assert f"The card of “Launch reel” is now in <#{channel}>" in world.dm_to(MANAGER)


async def test_two_presses_at_once_leave_one_card(world: World):
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    assert (await report(world)).ok
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    await asyncio.gather(
        world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value),
        world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value),  # a double click
    )
    cards = [m for m in world.emulator.history(channel) if m.blocks and "BR-1" in text_of(m)]
    assert [m.ts for m in cards] == [(await incident(world)).card_ts]


# ---------------------------------------------------------------------------------------------
# a DM Slack refuses


def refused_dms(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.slack" and "not delivered to" in r.getMessage()
    ]


async def test_a_refused_dm_costs_only_itself_and_is_logged_by_its_ids(world: World, caplog):
    """The role notice, the deliverable's notice to its creator and the join alert are each one DM
    (`bot.slack.dm_quietly`): Slack refusing it costs nothing else (the role is given, the card
    posted, the other manager alerted), and the log names which DM, for whom, and Slack's error
    code, never the text."""
    caplog.set_level(logging.INFO, logger="bot.slack")
    channel = await set_up_team(world)
    async with world.db.transaction() as s:
        spring = (await s.exec(select(Campaign.id))).scalar_one()

    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == ADMIN, error="messages_tab_disabled")
    await world.run(MANAGER, f"/campaign role spring <@{ADMIN}> member")
    assert world.said_to(MANAGER) == f":bust_in_silhouette: <@{ADMIN}> is now a *member* on `spring`."

    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MANAGER, error="user_not_found")
    await add_deliverable(world)
    assert (await deliverable(world)).card_ts is not None

    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> manager")
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MANAGER, error="account_inactive")
    await world.slack.add_to_channel(OTTO, channel, by=LEGAL)
    assert f"<@{OTTO}>, an influencer on another engagement" in world.dm_to(MEMBER)

    d = await deliverable(world)
    assert refused_dms(caplog) == [
        f"role notice (campaign {spring}) not delivered to {ADMIN}: messages_tab_disabled",
        f"notice of deliverable {d.id} not delivered to {MANAGER}: user_not_found",
        f"join alert ({channel}, {OTTO}) not delivered to {MANAGER}: account_inactive",
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "made you" not in logged and "Launch reel" not in logged and "was added to" not in logged
