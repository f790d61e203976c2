"""*Post the card again* pressed by hand-made payloads (bot/flows/incidents/report.py
`post_card_again`, bot/flows/deliverables.py `post_card_again`): who may make the bot post a card,
of what, and what the refusals tell; and a card posted again for an incident closed meanwhile."""

from __future__ import annotations

from sqlalchemy import select

from bot.ids import Action, Field
from playground import people
from storage.models import Reminder
from tests.e2e.harness import IVY, LEGAL, MANAGER, MEMBER, OTTO, World, forge_click, report, set_up_team
from tests.e2e.test_slack_failures import _dm_button, add_deliverable, deliverable, fail_when, incident

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
