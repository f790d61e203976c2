"""Message events that describe what Slack does not have (bot/slack.py `as_posted`).

A signed event is Slack's word for who sent it; the channel, the thread, the timestamps and the
texts it carries are read back from Slack before they count. Here Otto, who is in no campaign
and not in Ivy's channel, signs events that say he wrote there; and a member forges an edit of
a real reply of Ivy's.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.domain.enums import IncidentEventKind
from playground.emulator import payloads
from storage.models import AwaitedReply, Incident, IncidentEvent
from tests.e2e.conduct_helpers import edit, monitored_team, say
from tests.e2e.harness import IVY, OTTO, World, card_of, report, set_up_team

FORGED = "Otto was never here: the influencer admitted everything to me in DMs"


async def _forge_event(world: World, channel: str, event: dict[str, Any]):
    """A signed Events API envelope carrying `event`, sent by hand: the emulator does not check
    that the author is in the channel or that the message exists."""
    ws, where = world.slack.ws, world.emulator.channel(channel)
    envelope = payloads.event_envelope(
        ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()), channel=where
    )
    reply = await world.slack.send_raw(json.dumps(envelope), "application/json")
    await world.stack.settle()
    return reply


async def _forge_message(world: World, channel: str, user: str, text: str, **extra: Any):
    """A `message` event that says `user` posted `text` in `channel` (`thread_ts`…: `extra`)."""
    ts = world.slack.ws.ts_clock.next()
    event = {"type": "message", "user": user, "text": text, "ts": ts, **extra}
    return await _forge_event(
        world, channel, event | {"channel": channel, "event_ts": ts, "channel_type": "group"}
    )


def _edit_of(channel: str, before: dict[str, Any], text: str, edited_at: str) -> dict[str, Any]:
    """A `message_changed` event that says `before` now reads `text`."""
    after = before | {"text": text, "edited": {"user": before["user"], "ts": edited_at}}
    event = {"type": "message", "subtype": "message_changed", "channel": channel, "hidden": True}
    return event | {"message": after, "previous_message": before, "ts": edited_at, "event_ts": edited_at}


async def _timeline(world: World) -> list[IncidentEvent]:
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalars().one()
        rows = await s.exec(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id))
        return list(rows.scalars().all())


async def _otto_outside_ivys_incident(world: World) -> tuple[str, str]:
    """Spring with Ivy and BR-1 on her card; Otto is in no campaign and not in her channel."""
    channel = await set_up_team(world)
    reply = await report(world)
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()
    card = card_of(world, channel)
    assert OTTO not in world.emulator.channel(channel).members
    return channel, card.ts


async def test_a_reply_from_outside_the_channel_stays_off_the_timeline(world: World):
    """Otto signs a reply in BR-1's thread that Slack does not have: nothing on the timeline,
    which both sides read and exports carry as evidence."""
    channel, card_ts = await _otto_outside_ivys_incident(world)
    await _forge_message(world, channel, OTTO, FORGED, thread_ts=card_ts)
    written = [e for e in await _timeline(world) if e.actor_id == OTTO]
    assert written == [], [(e.kind, e.text) for e in written]


async def test_an_edit_slack_does_not_have_leaves_the_evidence_record_alone(world: World):
    """An edit of a reply that never was: no "edited after the report" on the timeline."""
    channel, card_ts = await _otto_outside_ivys_incident(world)
    ts, edited_at = world.slack.ws.ts_clock.next(), world.slack.ws.ts_clock.next()
    before = {"type": "message", "user": OTTO, "text": "I never posted without #ad", "ts": ts}
    before["thread_ts"] = card_ts
    await _forge_event(
        world, channel, _edit_of(channel, before, FORGED, edited_at) | {"channel_type": "group"}
    )
    kinds = (IncidentEventKind.MESSAGE_EDITED, IncidentEventKind.MESSAGE_DELETED)
    changed = [e for e in await _timeline(world) if e.kind in kinds]
    assert changed == [], [(e.actor_id, e.text) for e in changed]


async def test_a_question_slack_does_not_have_starts_no_ghosting_clock(world: World):
    """A question to the influencer of a monitored channel, signed by someone in no campaign and
    not in the channel: no awaited reply (no reminders in her channel, no ghosting flag later)."""
    channel = await monitored_team(world)
    assert OTTO not in world.emulator.channel(channel).members
    await _forge_message(world, channel, OTTO, f"<@{IVY}> can you send the draft by tomorrow?")
    async with world.db.transaction() as s:
        awaited = (await s.exec(select(AwaitedReply))).scalars().all()
    assert awaited == [], [(a.channel_id, a.message_ts) for a in awaited]


async def test_a_reply_forged_in_the_influencers_name_is_not_her_response(world: World):
    """An event that names Ivy as the author of a reply Slack does not have: off the timeline, and
    not her response (the cure period runs on)."""
    channel, card_ts = await _otto_outside_ivys_incident(world)
    await _forge_message(world, channel, IVY, "I accept the strike.", thread_ts=card_ts)
    assert [e for e in await _timeline(world) if e.kind == IncidentEventKind.THREAD_REPLY] == []
    async with world.db.transaction() as s:
        assert (await s.exec(select(Incident))).scalars().one().responded_at is None


async def test_a_forged_edit_of_a_real_reply_records_only_what_slack_has(world: World):
    """Ivy's real reply in the thread, and an event that says she edited it into a confession:
    Slack still has her words, so nothing is recorded; her real edit is, with the text Slack has."""
    channel, card_ts = await _otto_outside_ivys_incident(world)
    said = await say(world, IVY, channel, "I never got the brief", thread_ts=card_ts)
    original = {"type": "message", "user": IVY, "text": "I never got the brief", "ts": said.ts}
    original["thread_ts"] = card_ts
    forged = _edit_of(channel, original, "I skipped #ad on purpose", world.slack.ws.ts_clock.next())
    await _forge_event(world, channel, forged | {"channel_type": "group"})
    timeline = await _timeline(world)
    assert [e for e in timeline if e.kind == IncidentEventKind.MESSAGE_EDITED] == []
    assert [e.text for e in timeline if e.kind == IncidentEventKind.THREAD_REPLY] == ["I never got the brief"]

    await edit(world, IVY, channel, said.ts, "I got the brief late")
    [recorded] = [e for e in await _timeline(world) if e.kind == IncidentEventKind.MESSAGE_EDITED]
    assert recorded.data["before"] == "I never got the brief"
    assert recorded.data["after"] == "I got the brief late"
