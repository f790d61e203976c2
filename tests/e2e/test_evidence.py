"""Evidence that survives: Slack messages given as evidence are kept with the incident when it is
reported; edits and deletions afterwards go on its timeline with both texts; a link the bot
cannot read is named on the card. And the timeline is a hash chain `/breach verify` recomputes."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from bot.domain.incidents import Move
from bot.flows.incidents import move_and_announce
from bot.ids import Field, Shortcut
from playground.emulator.state import UploadedFile
from storage.models import EvidenceSnapshot, Incident, IncidentEvent
from tests.e2e.conduct_helpers import delete, deliver, edit, say
from tests.e2e.harness import (
    ADMIN,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    option_value,
    report,
    set_up_team,
    text_of,
)

RUDE = "Honestly your brand is a joke"


async def incident(world: World) -> Incident:
    async with world.db.transaction() as s:
        return (await s.exec(select(Incident))).scalar_one()


async def timeline(world: World) -> list[IncidentEvent]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(IncidentEvent).order_by(IncidentEvent.id))).scalars())


async def report_from_message(world: World, channel: str, ts: str) -> None:
    await world.slack.message_shortcut(MANAGER, channel, ts, Shortcut.REPORT_BREACH)
    view = world.top_view(MANAGER)
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert "> Honestly your brand is a joke" in blocks[Field.DESCRIPTION]["element"]["initial_value"]
    reply = await world.slack.submit_view(
        MANAGER, view.id, {Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G4 ")}}
    )
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()


async def test_a_reported_message_is_kept_and_survives_an_edit_and_a_delete(world: World):
    channel = await set_up_team(world)
    said = await say(world, IVY, channel, RUDE)
    await report_from_message(world, channel, said.ts)
    async with world.db.transaction() as s:
        [snapshot] = (await s.exec(select(EvidenceSnapshot))).scalars().all()
    assert (snapshot.author_id, snapshot.channel_id, snapshot.ts, snapshot.text) == (
        IVY,
        channel,
        said.ts,
        RUDE,
    )
    assert (snapshot.edited, snapshot.files, snapshot.source) == (False, [], "slack")
    added = [e for e in await timeline(world) if e.kind == "evidence_added"]
    assert added[0].data["snapshot"]["text"] == RUDE  # on the chained timeline too

    await edit(world, IVY, channel, said.ts, "I love this brand")
    edited = (await timeline(world))[-1]
    assert (edited.kind, edited.actor_id) == ("message_edited", IVY)
    assert (edited.data["before"], edited.data["after"]) == (RUDE, "I love this brand")
    assert edited.text.startswith("edited after the report; the original is kept.")

    await delete(world, IVY, channel, said.ts)
    deleted = (await timeline(world))[-1]
    assert (deleted.kind, deleted.data["before"]) == ("message_deleted", "I love this brand")
    assert world.emulator.find_message(channel, said.ts) is None
    async with world.db.transaction() as s:
        kept = (await s.exec(select(EvidenceSnapshot))).scalar_one()
    assert kept.text == RUDE  # the original, whatever happened to the message

    await world.run(MANAGER, f"/breach show BR-{(await incident(world)).number}")
    await world.stack.settle()
    shown = world.said_to(MANAGER)
    assert "kept the message as reported: “Honestly your brand is a joke”" in shown
    assert f"<@{IVY}> edited a message: edited after the report; the original is kept." in shown
    assert f"<@{IVY}> deleted a message: deleted after the report" in shown


async def test_a_kept_message_names_its_files_and_says_it_was_already_edited(world: World):
    channel = await set_up_team(world)
    ws, where = world.slack.ws, world.emulator.channel(channel)
    ws.files["F0SHOT"] = UploadedFile(
        id="F0SHOT", filename="screenshot.png", length=3, user=IVY, created=1, content=b"png", completed=True
    )
    message = ws.post(where, user=IVY, text="Honestly your brand is a joke", file_ids=["F0SHOT"])
    message.edited = {"user": IVY, "ts": ws.ts_clock.next()}
    await report_from_message(world, channel, message.ts)
    async with world.db.transaction() as s:
        snapshot = (await s.exec(select(EvidenceSnapshot))).scalar_one()
    assert snapshot.files == [{"id": "F0SHOT", "name": "screenshot.png"}] and snapshot.edited
    await world.run(MANAGER, f"/breach show BR-{(await incident(world)).number}")
    await world.stack.settle()
    assert "(it had already been edited): “Honestly your brand is a joke” + 1 file: screenshot.png" in (
        world.said_to(MANAGER)
    )


async def test_edits_in_the_mediation_thread_are_recorded(world: World):
    channel = await set_up_team(world)
    await report(world, clause="G2")
    thread = card_of(world, channel).ts
    reply = await say(world, IVY, channel, "I never got the brief", thread_ts=thread)
    await edit(world, IVY, channel, reply.ts, "I got the brief late")
    event = (await timeline(world))[-1]
    assert event.kind == "message_edited"
    assert (event.data["before"], event.data["after"]) == ("I never got the brief", "I got the brief late")
    assert "the original is kept on this timeline" in event.text
    # a top-level message of the channel is neither evidence nor in the thread: not recorded
    other = await say(world, IVY, channel, "unrelated")
    count = len(await timeline(world))
    await edit(world, IVY, channel, other.ts, "unrelated, edited")
    assert len(await timeline(world)) == count


def _screenshot(world: World) -> str:
    world.slack.ws.files["F0SHOT"] = UploadedFile(
        id="F0SHOT", filename="screenshot.png", length=3, user=IVY, created=1, content=b"png", completed=True
    )
    return "F0SHOT"


async def test_an_edit_that_only_removes_a_file_is_recorded(world: World):
    channel = await set_up_team(world)
    ws, where = world.slack.ws, world.emulator.channel(channel)
    message = ws.post(where, user=IVY, text=RUDE, file_ids=[_screenshot(world)])
    await report_from_message(world, channel, message.ts)
    count = len(await timeline(world))
    await edit(world, IVY, channel, message.ts, RUDE, file_ids=[])
    events = await timeline(world)
    assert len(events) == count + 1
    edited = events[-1]
    assert (edited.kind, edited.data["before"], edited.data["after"]) == ("message_edited", RUDE, RUDE)
    assert edited.data["files"] == []
    assert edited.text.endswith("Files before: screenshot.png; after: none.")
    # the same edit again (Slack redelivers, or an unfurl) finds nothing new to record
    await edit(world, IVY, channel, message.ts, RUDE, file_ids=[])
    assert len(await timeline(world)) == count + 1


async def test_an_edit_that_only_adds_a_file_to_a_thread_reply_is_recorded(world: World):
    channel = await set_up_team(world)
    await report(world, clause="G2")
    reply = await say(world, IVY, channel, "Here is my side", thread_ts=card_of(world, channel).ts)
    assert (await timeline(world))[-1].data["files"] == []
    await edit(world, IVY, channel, reply.ts, "Here is my side", file_ids=[_screenshot(world)])
    edited = (await timeline(world))[-1]
    assert edited.kind == "message_edited"
    assert edited.data["files"] == [{"id": "F0SHOT", "name": "screenshot.png"}]
    assert edited.text.endswith("Files before: none; after: screenshot.png.")


async def test_a_forged_file_change_that_slack_does_not_show_is_not_recorded(world: World):
    channel = await set_up_team(world)
    await report(world, clause="G2")
    reply = await say(world, IVY, channel, "Here is my side", thread_ts=card_of(world, channel).ts)
    count = len(await timeline(world))
    message = world.emulator.find_message(channel, reply.ts)
    message.file_ids = [_screenshot(world)]  # what the forged event claims…
    await edit(world, IVY, channel, reply.ts, "Here is my side", file_ids=[])  # …Slack does not have
    assert len(await timeline(world)) == count


async def test_changes_after_the_incident_closed_are_not_recorded(world: World):
    channel = await set_up_team(world)
    said = await say(world, IVY, channel, RUDE)
    await report_from_message(world, channel, said.ts)
    number = (await incident(world)).number
    await move_and_announce(
        world.stack.bot.services,
        world.slack.ws.team_id,
        (await incident(world)).id,
        Move.DISMISS,
        MANAGER,
        text="not a breach",
    )
    count = len(await timeline(world))
    await edit(world, IVY, channel, said.ts, "edited later")
    assert len(await timeline(world)) == count, number


async def test_a_link_the_bot_cannot_read_is_named_on_the_card(world: World):
    channel = await set_up_team(world)
    private = world.emulator.add_channel(
        "brand-only", is_private=True, creator=MANAGER, members=[MANAGER, MEMBER]
    )
    secret = world.slack.ws.post(private, user=MEMBER, text="internal note")
    unreadable = world.slack.ws.permalink(secret)
    said = await say(world, IVY, channel, RUDE)
    readable = world.slack.ws.permalink(world.emulator.find_message(channel, said.ts))
    reply = await report(world, evidence=f"{readable}\n{unreadable}\nhttps://instagram.example/p/1")
    assert reply.ok and not reply.body
    await world.stack.settle()
    i = await incident(world)
    assert i.evidence_unread == [unreadable]
    shown = text_of(card_of(world, channel))
    assert ":warning: No copy is kept of this Slack message: I keep only messages of this shared" in shown
    async with world.db.transaction() as s:
        kept = (await s.exec(select(EvidenceSnapshot.link))).scalars().all()
    assert kept == [readable]


async def test_a_link_to_another_channel_is_never_read_for_the_reporter(world: World):
    """The bot is in legal's private channel; a member is not. A report whose evidence linked one of
    legal's messages had the bot read it and put its text on the timeline, which the influencer
    reads: the brand's legal notice, shown to the influencer."""
    channel = await set_up_team(world)
    legal = world.emulator.channel_by_name("legal")
    assert MEMBER not in legal.members and world.emulator.bot_user.id in legal.members
    secret = await say(world, LEGAL, legal.id, "SECRET-LEGAL-9931: withhold the payment")
    link = world.slack.ws.permalink(world.emulator.find_message(legal.id, secret.ts))
    reads = len(world.emulator.calls_to("conversations.history"))
    assert (await report(world, MEMBER, evidence=link)).ok
    await world.stack.settle()
    assert len(world.emulator.calls_to("conversations.history")) == reads  # not even read
    assert (await incident(world)).evidence_unread == [link]
    assert ":warning: No copy is kept of this Slack message" in text_of(card_of(world, channel))
    for reader in (MEMBER, IVY):
        await world.run(reader, "/breach show BR-1")
        assert "SECRET-LEGAL" not in world.said_to(reader)
    async with world.db.transaction() as s:
        assert (await s.exec(select(EvidenceSnapshot))).scalars().all() == []


async def test_the_shortcut_quotes_no_message_of_another_channel(world: World):
    """ "Report a breach" on a message of legal's channel prefilled the report with its text, which
    the card then showed in the influencer's shared channel. Only a shared channel's message is
    quoted; another channel's gives its link, which is never read."""
    await set_up_team(world)
    legal = world.emulator.channel_by_name("legal").id
    secret = await say(world, LEGAL, legal, "SECRET-LEGAL-7: we will withhold the payment")
    await world.slack.message_shortcut(LEGAL, legal, secret.ts, Shortcut.REPORT_BREACH)
    view = world.top_view(LEGAL)
    assert "SECRET-LEGAL" not in json.dumps(view.blocks)
    evidence = {b.get("block_id"): b for b in view.blocks}[Field.EVIDENCE]["element"]["initial_value"]
    assert evidence == world.slack.ws.permalink(world.emulator.find_message(legal, secret.ts))


# ---------------------------------------------------------------------------------------------
# the hash chain


async def test_breach_verify_finds_a_row_altered_in_the_database(world: World):
    channel = await set_up_team(world)
    said = await say(world, IVY, channel, RUDE)
    await report_from_message(world, channel, said.ts)
    i = await incident(world)
    await world.slack.click(IVY, channel, i.card_ts, "incident_acknowledge", value=str(i.id))
    await say(world, IVY, channel, "Sorry, I was angry", thread_ts=i.card_ts)
    events = await timeline(world)
    assert len(events) >= 4 and all(e.hash and len(e.hash) == 64 for e in events)

    await world.run(LEGAL, f"/breach verify BR-{i.number}")
    await world.stack.settle()
    said_to_legal = world.said_to(LEGAL)
    assert said_to_legal.startswith(
        f":white_check_mark: BR-{i.number}'s timeline is *intact, {len(events)} events*"
    ), said_to_legal
    assert f"`{events[-1].hash}`" in said_to_legal

    # someone with database access softens the influencer's reply
    reply_event = next(e for e in events if e.kind == "thread_reply")
    async with world.db.transaction() as s:
        await s.exec(
            text("UPDATE incident_event SET text = 'Sorry' WHERE id = :id").bindparams(id=reply_event.id)
        )
    await world.run(MANAGER, f"/breach verify BR-{i.number}")
    await world.stack.settle()
    position = [e.id for e in events].index(reply_event.id) + 1
    assert world.said_to(MANAGER).startswith(
        f":rotating_light: BR-{i.number}'s timeline does *not* match from event {position}: the thread reply "
        "recorded <!date^"
    ), world.said_to(MANAGER)


async def test_breach_verify_is_for_the_brand_side(world: World):
    channel = await set_up_team(world)
    await report(world)
    number = (await incident(world)).number
    await world.run(IVY, f"/breach verify BR-{number}")
    await world.stack.settle()
    assert world.said_to(IVY).startswith(":no_entry: Only a campaign")
    await world.run(ADMIN, f"/breach verify BR-{number}")
    await world.stack.settle()
    assert world.said_to(ADMIN).startswith(":white_check_mark:")
    for wrong in ("/breach verify", "/breach verify BR-x", "/breach verify BR-1 BR-2"):
        await world.run(MEMBER, wrong)
        assert world.said_to(MEMBER) == ":warning: Usage: `/breach verify BR-&lt;n&gt;`"
    await world.run(MEMBER, "/breach verify BR-99")
    await world.stack.settle()
    assert world.said_to(MEMBER) == ":mag: No incident BR-99 that you can see."
    # someone on no campaign gets the same answer for an incident that exists
    await world.run(OTTO, f"/breach verify BR-{number}")
    await world.stack.settle()
    assert world.said_to(OTTO) == f":mag: No incident BR-{number} that you can see."
    assert channel


async def test_a_forged_deletion_naming_a_thread_that_does_not_exist_records_no_deletion(world: World):
    """Ivy's message is kept as evidence. Someone signs a `message_deleted` event for it whose
    `previous_message` claims it was a reply in a thread that does not exist: read there, Slack
    answers `thread_not_found`, which would pass for "gone", though the message is still in her
    channel, top-level. The bot looks for it where the snapshot says it is, and the timeline gets
    no false "deleted after the report": a deletion counts only when Slack no longer has it."""
    channel = await set_up_team(world)
    said = await say(world, IVY, channel, RUDE)
    await report_from_message(world, channel, said.ts)
    async with world.db.transaction() as s:
        assert len((await s.exec(select(EvidenceSnapshot))).scalars().all()) == 1

    bogus_thread = world.slack.ws.ts_clock.next()  # no message has this ts
    deleted_at = world.slack.ws.ts_clock.next()
    previous = {"type": "message", "user": IVY, "text": RUDE, "ts": said.ts, "thread_ts": bogus_thread}
    await deliver(
        world,
        channel,
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": channel,
            "hidden": True,
            "deleted_ts": said.ts,
            "previous_message": previous,
            "ts": deleted_at,
            "event_ts": deleted_at,
            "channel_type": "group",
        },
    )
    assert world.emulator.find_message(channel, said.ts) is not None  # Slack still has it
    kinds = [e.kind for e in await timeline(world)]
    assert "message_deleted" not in kinds, "a message Slack still has is recorded as deleted"
