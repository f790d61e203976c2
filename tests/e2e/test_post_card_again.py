"""*Post the card again* pressed by hand-made payloads (bot/flows/incidents/report.py
`post_card_again`, bot/flows/deliverables.py `post_card_again`): who may make the bot post a card,
of what, and what the refusals tell; a card posted again for an incident closed meanwhile; the DM
that tells the presser, refused; and a card Slack posted without answering in time, kept rather
than posted twice."""

from __future__ import annotations

from sqlalchemy import select

from bot.ids import Action, Field
from playground import people
from playground.emulator.state import TsClock
from storage.models import Reminder
from tests.e2e.harness import (
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
from tests.e2e.test_slack_failures import (
    _dm_button,
    add_deliverable,
    deliverable,
    fail_when,
    homes_published_since,
    incident,
)

GUEST = people.GUEST.user_id


def _posts_in(world: World, channel: str, since: int) -> list:
    return [
        c for c in world.emulator.calls_to("chat.postMessage")[since:] if c.args.get("channel") == channel
    ]


async def test_forged_presses_post_nothing_and_tell_nothing(world: World):
    """Held: an influencer, a brand member of another campaign and a guest, with the real id,
    another id, odd values: no card is posted, and no answer names BR-1 or the channel."""
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    assert (await report(world)).ok
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    await add_deliverable(world)
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    await world.new_campaign("autumn")
    await world.run(MANAGER, f"/campaign role autumn <@{OTTO}> member")
    since = len(world.emulator.calls_to("chat.postMessage"))
    for who in (IVY, OTTO, GUEST):
        for action in (Action.INCIDENT_POST_CARD, Action.DELIVERABLE_POST_CARD):
            for forged in (value, "1", "2", "0", "-1", "1e3", " 1", "abc", "9" * 30, "", '{"id":1}'):
                reply = await forge_click(world, who, dm, ts, action, forged)
                assert reply.ok
    assert _posts_in(world, channel, since) == []
    assert (await incident(world)).card_ts is None and (await deliverable(world)).card_ts is None
    for who in (IVY, OTTO, GUEST):
        for said in world.all_said_to(who):
            assert "BR-1" not in said and channel not in said and "Launch reel" not in said, said


async def test_a_card_posted_again_for_a_dismissed_incident_asks_nobody_to_respond(world: World):
    """The card of BR-1 was refused; legal dismissed BR-1 meanwhile. *Post the card again* posts the
    card as it is now, without the thread opener of a live report ("please respond by … with the
    Respond button"), and plans no reminder again."""
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    assert (await report(world)).ok
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    await forge_click(world, LEGAL, dm, ts, Action.INCIDENT_DISMISS, value)
    view = world.top_view(LEGAL)
    reply = await world.slack.submit_view(LEGAL, view.id, {Field.REASON: {Field.REASON: "Not a breach."}})
    assert reply.ok and not reply.body, reply.body
    assert (await incident(world)).status == "dismissed"
    async with world.db.transaction() as s:
        reminders_before = len((await s.exec(select(Reminder))).scalars().all())

    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)

    row = await incident(world)
    async with world.db.transaction() as s:
        assert len((await s.exec(select(Reminder))).scalars().all()) == reminders_before
    thread = [m.text for m in world.emulator.workspace.replies(channel, row.card_ts)[1:]]
    assert not any("please respond by" in t for t in thread), thread


# ---------------------------------------------------------------------------------------------
# the DM that tells the presser, refused


async def test_a_refused_notice_still_posts_the_card_refreshes_the_homes_and_says_it_where_pressed(
    world: World,
):
    """The card of BR-1 was refused; once the channel is fixed, Mo presses *Post the card again*,
    and Slack refuses the DM that tells him it is posted. The card and its thread are posted, the
    homes refreshed, and Mo reads where the card is under the button he pressed."""
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    assert (await report(world)).ok
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MEMBER, error="messages_tab_disabled")
    published = len(world.emulator.calls_to("views.publish"))
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    row = await incident(world)
    assert row.card_ts == card_of(world, channel).ts
    assert world.emulator.workspace.replies(channel, row.card_ts)[1:], "the thread is opened"
    assert {MEMBER, IVY} <= homes_published_since(world, published)
    assert world.said_to(MEMBER) == f":white_check_mark: The card of *BR-1* is now in <#{channel}>."


async def test_a_card_still_refused_is_said_where_pressed_when_the_dm_is_refused_too(world: World):
    channel = await set_up_team(world)
    world.emulator.archive_channel(channel)
    assert (await report(world)).ok
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MEMBER, error="messages_tab_disabled")
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    said = world.said_to(MEMBER)
    assert said.startswith(":warning: I still could not post the card of *BR-1*"), said
    assert "the channel is archived" in said and (await incident(world)).card_ts is None


async def test_a_deliverable_card_posted_again_with_its_notice_refused(world: World):
    channel = await set_up_team(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == channel, error="not_in_channel")
    await add_deliverable(world)
    dm, ts, value = _dm_button(world, MANAGER, Action.DELIVERABLE_POST_CARD)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MANAGER, error="messages_tab_disabled")
    published = len(world.emulator.calls_to("views.publish"))
    await world.slack.click(MANAGER, dm, ts, Action.DELIVERABLE_POST_CARD, value=value)
    row = await deliverable(world)
    assert row.card_ts is not None and world.emulator.find_message(channel, row.card_ts) is not None
    assert {MANAGER, IVY} <= homes_published_since(world, published)
    assert world.said_to(MANAGER) == f":white_check_mark: The card of “Launch reel” is now in <#{channel}>."


# ---------------------------------------------------------------------------------------------
# a card Slack posted without answering in time


def _slack_answers_late(world: World, times: int = 1) -> None:
    """The next `times` chat.postMessage are made, and answered after the bot stopped waiting. Slack's
    clock is the bot's (the cards are looked for since their incident was created)."""
    ws = world.emulator.workspace
    ws.wall_clock = lambda: world.clock.now().timestamp()
    ws.ts_clock = TsClock(ws.wall_clock)
    world.stack.bot.services.client.timeout = 1
    world.emulator.inject_late_answer("chat.postMessage", 1.5, times=times)


def _cards(world: World, channel: str, label: str) -> list:
    return [m for m in world.emulator.history(channel) if m.blocks and label in text_of(m)]


async def test_a_card_slack_posted_without_answering_is_kept_and_its_thread_opened(world: World):
    channel = await set_up_team(world)
    _slack_answers_late(world)
    assert (await report(world)).ok
    row = await incident(world)
    assert [m.ts for m in _cards(world, channel, "BR-1 ")] == [row.card_ts]
    assert world.emulator.workspace.replies(channel, row.card_ts)[1:], "the thread is opened"
    assert world.dm_to(MEMBER).startswith(":white_check_mark: Reported *BR-1*")


async def test_a_card_whose_connection_dropped_is_kept_not_posted_again(world: World):
    """Slack posts the card, then the connection drops before its answer. slack_sdk's retry of
    connection errors would post it a second time; a card's post is not retried so, and the card
    Slack made is found and kept: one card, its thread opened."""
    channel = await set_up_team(world)
    ws = world.emulator.workspace
    ws.wall_clock = lambda: world.clock.now().timestamp()  # the cards are looked for since the report
    ws.ts_clock = TsClock(ws.wall_clock)
    world.emulator.inject_dropped_answer("chat.postMessage")
    assert (await report(world)).ok
    row = await incident(world)
    assert [m.ts for m in _cards(world, channel, "BR-1 ")] == [row.card_ts]
    assert world.emulator.workspace.replies(channel, row.card_ts)[1:], "the thread is opened"


async def test_post_the_card_again_keeps_the_card_slack_posted_without_answering(world: World):
    """Slack did not answer the card's post, and its history could not be read then: Mo is told
    the card may not be there, with the button. Pressed, the button finds the card Slack did post,
    keeps it (redrawn, its thread opened) and posts no second one."""
    channel = await set_up_team(world)
    _slack_answers_late(world)
    world.emulator.inject_failure("conversations.history", error="internal_error")
    assert (await report(world)).ok
    assert (await incident(world)).card_ts is None
    told = world.dm_to(MEMBER)
    assert "Slack did not answer in time" in told, told
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    posts = len(world.emulator.calls_to("chat.postMessage"))
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    row = await incident(world)
    assert [m.ts for m in _cards(world, channel, "BR-1 ")] == [row.card_ts]
    new = world.emulator.calls_to("chat.postMessage")[posts:]
    assert [a.get("thread_ts") for a in new if a.get("channel") == channel] == [row.card_ts]  # the opener
    assert world.emulator.calls_to("chat.update")[-1]["ts"] == row.card_ts
    assert f"The card of *BR-1* is now in <#{channel}>" in world.dm_to(MEMBER)


async def test_a_deliverable_card_slack_posted_without_answering_is_kept(world: World):
    channel = await set_up_team(world)
    _slack_answers_late(world)
    world.emulator.inject_failure("conversations.history", error="internal_error")
    await add_deliverable(world)
    assert (await deliverable(world)).card_ts is None
    assert "Slack did not answer in time" in world.dm_to(MANAGER)
    dm, ts, value = _dm_button(world, MANAGER, Action.DELIVERABLE_POST_CARD)
    await world.slack.click(MANAGER, dm, ts, Action.DELIVERABLE_POST_CARD, value=value)
    row = await deliverable(world)
    assert [m.ts for m in _cards(world, channel, "Launch reel")] == [row.card_ts]
    assert f"The card of “Launch reel” is now in <#{channel}>" in world.dm_to(MANAGER)


async def test_a_card_another_app_posted_with_the_same_block_is_not_taken_for_ours(world: World):
    """Only the bot's own message counts as its card: one another app posted, with the card's block
    id, is left where it is and the card is posted."""
    channel = await set_up_team(world)
    _slack_answers_late(world)
    world.emulator.inject_failure("conversations.history", error="internal_error")
    assert (await report(world)).ok
    ws = world.emulator.workspace
    row = await incident(world)
    bot_ts = _cards(world, channel, "BR-1 ")[0].ts
    ws.find_message(channel, bot_ts).user = "U0OTHERAPP"  # as if another app had posted it
    dm, ts, value = _dm_button(world, MEMBER, Action.INCIDENT_POST_CARD)
    await world.slack.click(MEMBER, dm, ts, Action.INCIDENT_POST_CARD, value=value)
    row = await incident(world)
    assert row.card_ts is not None and row.card_ts != bot_ts
