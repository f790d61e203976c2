"""Mediation that adds up: outcomes and strikes agree, every move says why, the timeline tells it
all, stale forms say what happened, one report is one incident, and the card speaks to each side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.domain import incidents as rules
from bot.domain.enums import Role
from bot.domain.incidents import Move
from bot.ids import Action, Callback, Field, Shortcut
from bot.views import incidents as views
from storage.models import Campaign, Incident, IncidentEvent, Influencer
from tests.e2e.harness import (
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    World,
    card_of,
    option_value,
    report,
    report_values,
    set_up_team,
    text_of,
)
from tests.e2e.test_incidents import events, fill, incident, press


def _errors(reply) -> dict:
    assert isinstance(reply.body, dict) and reply.body.get("response_action") == "errors", reply.body
    return reply.body["errors"]


async def _resolve(world: World, channel: str, values: dict, user: str = MANAGER):
    await press(world, user, channel, Action.INCIDENT_RESOLVE)
    return await fill(world, user, values)


# ------------------------------------------------------------------------------------------------
# Outcomes and strikes


async def test_no_action_with_strikes_is_a_field_error_and_nothing_changes(world: World):
    channel = await set_up_team(world)
    await report(world)
    before = await world.row_counts()
    reply = await _resolve(world, channel, {Field.OUTCOME: "no_action", Field.STRIKES: "10"})
    assert _errors(reply) == {
        Field.STRIKES: "A no action resolution adds no strikes; pick 0 or another outcome."
    }
    reply = await world.slack.submit_view(
        MANAGER, world.top_view(MANAGER).id, {Field.OUTCOME: {Field.OUTCOME: "warning"}}
    )
    assert Field.STRIKES in _errors(reply)  # a warning allows 0 or 1, the form still says 10
    assert await world.row_counts() == before
    row = await incident(world)
    assert row.status == "reported" and row.strikes is None
    async with world.db.transaction() as s:
        assert (await s.exec(select(Influencer.status))).scalar_one() == "active"


async def test_resolve_form_shows_current_strikes_and_needs_a_tick_to_cross_a_threshold(world: World):
    channel = await set_up_team(world)
    await report(world)
    await _resolve(world, channel, {Field.OUTCOME: "fee_reduction", Field.STRIKES: "2"})
    await report(world, clause="G2", description="Late again.")
    card = next(m for m in world.emulator.history(channel) if "BR-2 " in text_of(m))
    await world.slack.click(MANAGER, channel, card.ts, Action.INCIDENT_RESOLVE)
    form = text_of({"blocks": world.top_view(MANAGER).blocks})
    assert f"<@{IVY}> has *2 strikes* across campaigns (in good standing)" in form
    assert "Warning: 0–1" in form and "No action: 0" in form

    before = await world.row_counts()
    reply = await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.STRIKES: "1"})
    assert _errors(reply) == {
        Field.CONFIRM_STANDING: "This brings Ivy to 3 strikes: on probation. Tick the box to confirm."
    }
    assert await world.row_counts() == before
    reply = await fill(world, MANAGER, {Field.CONFIRM_STANDING: ["confirmed"]})
    assert reply.ok and not reply.body
    assert (await incident(world, 2)).strikes == 1
    async with world.db.transaction() as s:
        assert (await s.exec(select(Influencer.status))).scalar_one() == "probation"


async def test_accepting_no_action_adds_no_strikes(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 2 strikes by default
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MANAGER, {Field.OUTCOME: "no_action", Field.TERMS: "Honest mistake, fixed."})
    assert "Accepting resolves BR-1 with 0 strikes" in text_of(card_of(world, channel))
    await press(world, IVY, channel, Action.INCIDENT_ACCEPT)
    row = await incident(world)
    assert (row.status, row.outcome, row.strikes) == ("resolved", "no_action", 0)


async def test_resolve_prefills_the_pending_proposal(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.TERMS: "Add #ad within a day."})
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    blocks = {b.get("block_id"): b for b in world.top_view(LEGAL).blocks}
    assert blocks[Field.OUTCOME]["element"]["initial_option"]["value"] == "warning"
    assert blocks[Field.NOTE]["element"]["initial_value"] == "Add #ad within a day."
    assert blocks[Field.STRIKES]["element"]["initial_option"]["value"] == "1"  # what a warning allows


# ------------------------------------------------------------------------------------------------
# Reasons and the timeline


async def test_escalate_and_dispute_need_a_reason(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    view = world.top_view(MEMBER)
    assert view.callback_id == Callback.INCIDENT_ESCALATE
    forged = await world.forge_submission(MEMBER, view, {})
    assert _errors(forged) == {Field.REASON: "Say why this needs legal."}
    assert (await incident(world)).status == "reported"


async def test_the_timeline_says_everything(world: World):
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel)
    await world.slack.post_message(IVY, channel, "<!here> look at this", thread_ts=card.ts)
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MANAGER, {Field.OUTCOME: "corrective_action", Field.TERMS: "Add #ad to the caption."})
    await press(world, IVY, channel, Action.INCIDENT_DISPUTE)
    await fill(world, IVY, {Field.REASON: "It was there from the start."})
    await _resolve(
        world, channel, {Field.OUTCOME: "warning", Field.STRIKES: "1", Field.NOTE: "Keep it visible."}
    )

    await world.run(MANAGER, "/breach show BR-1")
    shown = world.said_to(MANAGER)
    assert (
        "proposed a resolution · *Corrective action (add disclosure, edit post…)*: Add #ad to the caption."
        in shown
    )
    assert "disputed the proposed resolution: It was there from the start." in shown
    assert f"<@{MANAGER}> resolved it · *Warning*, 1 strike: Keep it visible." in shown
    assert "replied in the thread: @here look at this" in shown  # neither live nor escaped twice
    assert "&lt;" not in shown and "&amp;" not in shown and "<!here>" not in shown


async def test_reminders_on_the_timeline_say_it_once(world: World):
    await set_up_team(world)
    await report(world)
    world.clock.advance(timedelta(hours=25))  # half of the 48 h cure period
    await world.stack.bot.dispatcher.tick()
    await world.run(MANAGER, "/breach show BR-1")
    shown = world.said_to(MANAGER)
    assert "reminder sent: mediation response (half)" in shown
    assert "Reminder sent" not in shown


async def test_the_unresolved_reminder_on_the_timeline_says_how_long_it_was_open(world: World):
    """The owner's daily reminder of an incident left open reads as an occasion, not as its key."""
    await set_up_team(world)
    await report(world)
    world.clock.advance(timedelta(days=7, minutes=1))
    await world.stack.bot.dispatcher.tick()
    await world.run(MANAGER, "/breach show BR-1")
    shown = world.said_to(MANAGER)
    assert "reminder sent: incident unresolved (after 7 days)" in shown
    assert "incident:" not in shown


async def test_the_half_period_reminder_asks_for_an_answer_to_a_pending_proposal(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 48 h to respond
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)  # before Ivy said anything
    await fill(world, MEMBER, {Field.OUTCOME: "warning", Field.TERMS: "Add #ad."})
    world.clock.advance(timedelta(hours=25))
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    card = card_of(world, channel)
    reminder = text_of(world.emulator.replies(channel, card.ts)[-1])
    assert "half of the cure period has passed" in reminder
    # the card offers Accept and Dispute, not Respond
    assert "*Accept* or *Dispute* the proposed resolution" in reminder and "*Respond*" not in reminder


# ------------------------------------------------------------------------------------------------
# Stale forms, automatic escalation, the card


async def test_a_stale_form_is_replaced_by_what_happened(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_RESOLVE)  # Maya opens Resolve…
    stale = world.top_view(MANAGER)
    await press(world, LEGAL, channel, Action.INCIDENT_DISMISS)  # …while Lee dismisses it
    await fill(world, LEGAL, {Field.REASON: "Organic post."})
    before = await world.row_counts()
    reply = await world.slack.submit_view(MANAGER, stale.id, {Field.OUTCOME: {Field.OUTCOME: "warning"}})
    body = reply.body
    assert body["response_action"] == "update"
    view = body["view"]
    assert "submit" not in view  # nothing left that could never succeed
    section = view["blocks"][0]["text"]
    assert section["type"] == "mrkdwn"  # names and dates render for the reader
    assert section["text"].startswith(
        f":information_source: BR-1 was already dismissed by <@{LEGAL}> <!date^"
    )
    assert await world.row_counts() == before
    assert (await incident(world)).status == "dismissed"


async def test_a_form_overtaken_by_the_automatic_escalation_says_it_was_automatic(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 48 h to respond
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)  # Mo opens Escalate…
    stale = world.top_view(MEMBER)
    world.clock.advance(timedelta(hours=49))  # …and the cure period ends before he sends it
    await world.stack.bot.dispatcher.tick()
    reply = await world.slack.submit_view(MEMBER, stale.id, {Field.REASON: {Field.REASON: "Needs legal."}})
    said = reply.body["view"]["blocks"][0]["text"]["text"]
    assert said.startswith(":information_source: BR-1 was already escalated automatically <!date^"), said


async def test_automatic_escalation_posts_one_thread_message_and_the_card_mirrors_it(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 48 h to respond
    card = card_of(world, channel)
    before = len(world.emulator.replies(channel, card.ts))
    world.clock.advance(timedelta(hours=49))
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    assert (await incident(world)).status == "escalated"
    new = [text_of(m) for m in world.emulator.replies(channel, card.ts)[before:]]
    escalation_notes = [n for n in new if "escalated" in n]
    assert len(escalation_notes) == 1, new
    shown = text_of(world.emulator.find_message(channel, card.ts))
    assert ":rotating_light: escalated" in shown and "Response due" not in shown


async def test_a_dispute_meets_the_cure_period(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 48 h to respond
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)  # before Ivy said anything
    await fill(world, MEMBER, {Field.OUTCOME: "warning", Field.TERMS: "Add #ad."})
    world.clock.advance(timedelta(hours=30))
    await press(world, IVY, channel, Action.INCIDENT_DISPUTE)
    await fill(world, IVY, {Field.REASON: "It was tagged: see the caption's first line."})
    row = await incident(world)
    assert (row.status, row.responded_at) == ("in_mediation", world.clock.now())
    shown = text_of(card_of(world, channel))
    assert "Influencer responded" in shown and "Response due" not in shown
    world.clock.advance(timedelta(hours=20))  # past the end of the cure period
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    assert (await incident(world)).status == "in_mediation"  # her reason was her response
    thread = [text_of(m) for m in world.emulator.replies(channel, card_of(world, channel).ts)]
    assert not any("with no response" in t for t in thread), thread


async def test_the_card_has_a_row_for_each_side(world: World):
    channel = await set_up_team(world)
    await report(world)
    blocks = card_of(world, channel).blocks
    rows = [(i, b) for i, b in enumerate(blocks) if b["type"] == "actions"]
    labels = {b["block_id"]: blocks[i - 1]["elements"][0]["text"] for i, b in rows}
    buttons = {b["block_id"]: [e["text"]["text"] for e in b["elements"]] for _, b in rows}
    assert labels == {
        "incident_influencer": f"*For <@{IVY}>*",
        "incident_brand": "*For the brand team* · Resolve and Dismiss: managers, legal and workspace admins",
    }
    assert buttons["incident_influencer"] == ["Acknowledge", "Respond"]
    assert buttons["incident_brand"] == ["Propose resolution", "Escalate", "Resolve", "Dismiss"]
    assert all("confirm" not in e for _, b in rows for e in b["elements"])
    await press(world, IVY, channel, Action.INCIDENT_ESCALATE)  # the server still refuses the wrong side
    assert world.said_to(IVY).startswith(":no_entry: Only a campaign")
    assert not world.emulator.open_views(IVY)


def _brand_row(world: World, channel: str) -> tuple[str, list[str]]:
    """The label over the card's brand row, and its buttons' action ids."""
    blocks = card_of(world, channel).blocks
    at = next(i for i, b in enumerate(blocks) if b.get("block_id") == "incident_brand")
    return blocks[at - 1]["elements"][0]["text"], [e["action_id"] for e in blocks[at]["elements"]]


async def test_the_brand_row_names_who_may_press_what_from_the_permission_table(world: World, monkeypatch):
    """A member reads, before pressing, which buttons are not theirs; the label follows `WHO`."""
    channel = await set_up_team(world)
    # the rules change: escalating becomes legal's (and the admins') alone
    monkeypatch.setitem(rules.WHO, Move.ESCALATE, frozenset({Role.ADMIN, Role.LEGAL}))
    await report(world)
    label, actions = _brand_row(world, channel)
    assert label == (
        "*For the brand team* · Escalate: legal and workspace admins · "
        "Resolve and Dismiss: managers, legal and workspace admins"
    )
    named = {a for a in actions if views.BUTTONS[views.MOVE_OF_ACTION[a]][1] in label}
    assert named == {Action.INCIDENT_ESCALATE, Action.INCIDENT_RESOLVE, Action.INCIDENT_DISMISS}
    for action in actions:  # what the label names is exactly what a member is refused
        before = len(world.emulator.ephemerals(MEMBER))
        await press(world, MEMBER, channel, action)
        refused = len(world.emulator.ephemerals(MEMBER)) > before
        assert refused == (action in named), (action, world.emulator.ephemerals(MEMBER)[before:])
        if refused:
            assert world.said_to(MEMBER).startswith(":no_entry: Only a campaign")
        assert bool(world.emulator.open_views(MEMBER)) != refused  # the form of a move of theirs
        world.emulator.workspace.close_views(MEMBER)


# ------------------------------------------------------------------------------------------------
# Legal hears the influencer's answer to an escalation


async def test_legal_hears_once_per_response_when_the_influencer_answers_an_escalation(world: World):
    channel = await set_up_team(world)
    legal = world.emulator.channel_by_name("legal").id
    await report(world)
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    await fill(world, MEMBER, {Field.REASON: "Third time this month."})
    card = card_of(world, channel)
    seen = len(world.emulator.history(legal))
    shared_before = len(world.emulator.history(channel)), len(world.emulator.replies(channel, card.ts))

    said = "<!channel> I never got the brief & <@U0MANAGER> knows it"
    await world.slack.post_message(IVY, channel, said, thread_ts=card.ts)
    await world.stack.settle()
    new = [text_of(m) for m in world.emulator.history(legal)[seen:]]
    assert len(new) == 1, new
    assert new[0].startswith(f":speech_balloon: <@{IVY}> replied in the mediation thread of *BR-1*"), new
    assert "|open the card and its thread>" in new[0]
    assert "brief" not in new[0] and "<!channel>" not in new[0] and "U0MANAGER" not in new[0]

    await world.slack.post_message(IVY, channel, "And another thing.", thread_ts=card.ts)  # not a response
    await world.stack.settle()
    assert len(world.emulator.history(legal)) == seen + 1

    await press(world, IVY, channel, Action.INCIDENT_RESPOND)  # a response of its own: one line more
    await fill(world, IVY, {Field.STATEMENT: "Here is my statement: <!here> I disagree."})
    await world.stack.settle()
    new = [text_of(m) for m in world.emulator.history(legal)[seen:]]
    assert len(new) == 2 and new[1].startswith(f":speech_balloon: <@{IVY}> responded to *BR-1*"), new
    assert "statement" not in new[1] and "<!here>" not in new[1]

    # nothing of it in the shared channel (her own reply and the thread's quote of her response
    # apart), and nothing to her
    top = [text_of(m) for m in world.emulator.history(channel)[shared_before[0] :]]
    thread = [text_of(m) for m in world.emulator.replies(channel, card.ts)[shared_before[1] :]]
    assert not any("escalated to legal" in t or "mediation thread of" in t for t in top + thread), thread
    assert not any("mediation thread of" in text_of(m) for m in world.emulator.dm(IVY))


async def test_without_an_escalation_channel_the_answer_goes_where_the_escalation_did(world: World):
    channel = await set_up_team(world)
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).values(escalation_channel_id=None))
    await report(world, severity="minor")  # nothing to legal yet
    world.clock.advance(timedelta(hours=121))  # the cure period ends: escalated automatically
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    assert (await incident(world)).status == "escalated"
    assert "was escalated automatically" in world.dm_to(MANAGER)  # the owner, by DM
    await world.slack.post_message(IVY, channel, "Sorry, I was away.", thread_ts=card_of(world, channel).ts)
    await world.stack.settle()
    told = world.dm_to(MANAGER)
    assert told.startswith(f":speech_balloon: <@{IVY}> replied in the mediation thread of *BR-1*"), told
    assert "no escalation channel" in told and "away" not in told
    assert not any("mediation thread of" in text_of(m) for m in world.emulator.dm(IVY))


# ------------------------------------------------------------------------------------------------
# A proposal pending at an escalation


async def test_a_proposal_pending_at_the_automatic_escalation_lapses_and_both_sides_read_it(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 48 h to respond
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)  # before Ivy said anything
    await fill(world, MEMBER, {Field.OUTCOME: "corrective_action", Field.TERMS: "Add #ad."})
    card = card_of(world, channel)
    before = len(world.emulator.replies(channel, card.ts))
    world.clock.advance(timedelta(hours=49))
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    assert (await incident(world)).status == "escalated"
    new = [text_of(m) for m in world.emulator.replies(channel, card.ts)[before:]]
    lapsed = [n for n in new if "lapsed with the escalation" in n]
    assert lapsed == [
        f":hourglass: The proposed resolution (*Corrective action*, by <@{MEMBER}>) lapsed with the "
        "escalation: it can no longer be accepted or disputed, and legal now decides BR-1."
    ], new
    assert len([n for n in new if "escalated" in n]) == 1  # the reminder still says it once
    assert "Accept" not in text_of(world.emulator.find_message(channel, card.ts))
    for reader in (MANAGER, IVY):
        await world.run(reader, "/breach show BR-1")
        assert "The proposed resolution (Corrective action) lapsed with the escalation." in world.said_to(
            reader
        ), reader


async def test_a_proposal_pending_at_an_escalation_by_a_person_lapses_in_the_same_thread_note(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MEMBER, {Field.OUTCOME: "warning", Field.TERMS: "Add #ad."})
    await press(world, MANAGER, channel, Action.INCIDENT_ESCALATE)
    await fill(world, MANAGER, {Field.REASON: "She will not answer; legal should decide."})
    note = text_of(world.emulator.replies(channel, card_of(world, channel).ts)[-1])
    assert note == (
        f":rotating_light: <@{MANAGER}> escalated BR-1 to legal.\n:hourglass: The proposed resolution "
        f"(*Warning*, by <@{MEMBER}>) lapsed with the escalation: it can no longer be accepted or "
        "disputed, and legal now decides BR-1."
    )
    lapsed = await events(world, "note")
    assert [(e.actor_id, e.text, e.data["outcome"]) for e in lapsed] == [
        (None, "The proposed resolution (Warning) lapsed with the escalation.", "warning")
    ]


def _resolve_form_prefill(world: World, user: str) -> tuple:
    blocks = {b.get("block_id"): b for b in world.top_view(user).blocks}
    element = lambda field: blocks[field]["element"]  # noqa: E731
    outcome = element(Field.OUTCOME).get("initial_option")
    return (
        outcome and outcome["value"],
        element(Field.NOTE).get("initial_value"),
        element(Field.STRIKES)["initial_option"]["value"],
    )


async def test_the_resolve_form_starts_empty_after_an_escalation_by_a_person_ended_a_proposal(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: 2 strikes by default
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MEMBER, {Field.OUTCOME: "warning", Field.TERMS: "Add #ad."})
    await press(world, MANAGER, channel, Action.INCIDENT_ESCALATE)
    await fill(world, MANAGER, {Field.REASON: "Legal should decide."})
    row = await incident(world)
    assert row.status == "escalated"
    assert (row.proposed_outcome, row.proposed_terms, row.proposal_due_at, row.proposed_by) == (None,) * 4
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    assert _resolve_form_prefill(world, LEGAL) == (None, None, "2")  # the severity's default, no proposal
    # the timeline still names the proposal that lapsed
    [note] = await events(world, "note")
    assert (note.data["outcome"], note.data["proposed_by"]) == ("warning", MEMBER)


async def test_the_resolve_form_starts_empty_after_the_automatic_escalation_ended_a_proposal(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MEMBER, {Field.OUTCOME: "corrective_action", Field.TERMS: "Add #ad."})
    world.clock.advance(timedelta(hours=49))
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    row = await incident(world)
    assert row.status == "escalated"
    assert (row.proposed_outcome, row.proposed_terms, row.proposed_by) == (None, None, None)
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    assert _resolve_form_prefill(world, LEGAL) == (None, None, "2")
    # a note legal writes is brand-side: never shown to the influencer as the lapsed proposal's terms
    await fill(world, LEGAL, {Field.OUTCOME: "corrective_action", Field.STRIKES: "2", Field.NOTE: "Add #ad."})
    row = await incident(world)
    assert (row.status, row.outcome, row.strikes) == ("resolved", "corrective_action", 2)
    assert "Add #ad." not in text_of(world.emulator.find_message(channel, card_of(world, channel).ts))


async def test_a_proposal_made_after_an_escalation_prefills_the_resolve_form_again(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MEMBER, {Field.OUTCOME: "warning", Field.TERMS: "Add #ad."})
    await press(world, MANAGER, channel, Action.INCIDENT_ESCALATE)
    await fill(world, MANAGER, {Field.REASON: "Legal should decide."})
    await press(world, LEGAL, channel, Action.INCIDENT_PROPOSE)
    await fill(world, LEGAL, {Field.OUTCOME: "content_removal", Field.TERMS: "Take the post down."})
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    assert _resolve_form_prefill(world, LEGAL) == ("content_removal", "Take the post down.", "2")


# ------------------------------------------------------------------------------------------------
# One report is one incident


async def _open_report(world: World, user: str = MEMBER, channel: str | None = None):
    await world.run(user, "/breach", channel=channel)
    return world.top_view(user)


async def test_a_double_submitted_report_makes_one_incident(world: World):
    channel = await set_up_team(world)
    view = await _open_report(world)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    await world.slack.click_in_view(MEMBER, view.id, "report_engagement", value=engagement)
    view = world.top_view(MEMBER)
    # the same view submitted twice, as a double click sends it
    values = report_values(view, "Spring Launch · Ivy", "No #ad.", int(world.clock.now().timestamp()))
    world.slack.after_request = None
    replies = await asyncio.gather(*(world.forge_submission(MEMBER, view, values) for _ in range(2)))
    await world.stack.settle()
    assert all(r.ok and not r.body for r in replies)
    async with world.db.transaction() as s:
        assert len((await s.exec(select(Incident))).scalars().all()) == 1
    assert sum(text_of(m).startswith("BR-") for m in world.emulator.history(channel)) == 1
    # a third copy, long after the first was stored, is still the same form: not a "duplicate?"
    again = await world.forge_submission(MEMBER, view, values)
    assert again.ok and not again.body
    async with world.db.transaction() as s:
        assert len((await s.exec(select(Incident))).scalars().all()) == 1


async def test_a_second_report_within_a_day_asks_first(world: World):
    await set_up_team(world)
    await report(world)
    before = await world.row_counts()
    reply = await report(world, user=MANAGER, description="Same thing again?")
    assert reply.body["response_action"] == "update"
    view = world.top_view(MANAGER)
    shown = text_of({"blocks": view.blocks})
    assert "Possible duplicate of *BR-1*" in shown
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert blocks[Field.DESCRIPTION]["element"]["initial_value"] == "Same thing again?"  # nothing lost
    assert await world.row_counts() == before
    reply = await world.slack.submit_view(
        MANAGER, view.id, {Field.CONFIRM_DUPLICATE: {Field.CONFIRM_DUPLICATE: ["confirmed"]}}
    )
    assert reply.ok and not reply.body
    assert (await incident(world, 2)).description == "Same thing again?"
    world.clock.advance(timedelta(hours=25))  # a day later it is not asked again
    reply = await report(world, user=MANAGER, description="Third time.")
    assert reply.ok and not reply.body


# ------------------------------------------------------------------------------------------------
# Prefill from where the person already is


async def test_breach_in_a_shared_channel_preselects_its_engagement(world: World):
    channel = await set_up_team(world)
    view = await _open_report(world, MANAGER, channel=channel)
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert blocks[Field.ENGAGEMENT]["element"]["initial_option"]["text"]["text"] == "Spring Launch · Ivy"
    view = await _open_report(world, LEGAL)  # elsewhere: nothing preselected
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert "initial_option" not in blocks[Field.ENGAGEMENT]["element"]


async def test_the_shortcut_uses_the_message_time_and_quotes_it(world: World):
    channel = await set_up_team(world)
    said = await world.slack.post_message(IVY, channel, "Honestly your brand is a joke & <@U0MANAGER> too")
    world.clock.advance(timedelta(hours=3))
    await world.slack.message_shortcut(MANAGER, channel, said.ts, Shortcut.REPORT_BREACH)
    blocks = {b.get("block_id"): b for b in world.top_view(MANAGER).blocks}
    posted = datetime.fromtimestamp(float(said.ts), UTC)
    assert blocks[Field.OCCURRED_AT]["element"]["initial_date_time"] == int(posted.timestamp())
    description = blocks[Field.DESCRIPTION]["element"]["initial_value"]
    assert description.startswith("The message:\n> Honestly your brand is a joke & <@U0MANAGER> too")


async def test_events_are_recorded_for_every_move(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.TERMS: "One warning."})
    proposal = (await events(world, "resolution_proposed"))[-1]
    assert proposal.text == "One warning." and proposal.data["terms"] == "One warning."
    await _resolve(world, channel, {Field.OUTCOME: "warning", Field.STRIKES: "1", Field.NOTE: "Noted."})
    async with world.db.transaction() as s:
        resolved = (
            (await s.exec(select(IncidentEvent).where(IncidentEvent.kind == "status_changed")))
            .scalars()
            .all()[-1]
        )
    assert (resolved.data["outcome"], resolved.data["strikes"], resolved.data["note"]) == (
        "warning",
        1,
        "Noted.",
    )


# ------------------------------------------------------------------------------------------------
# Campaigns that are over


async def test_a_campaign_entirely_in_the_past_is_not_created(world: World):
    before = await world.row_counts()
    reply = await world.submit_new_campaign(**{Field.START: "2026-01-01", Field.END: "2026-02-01"})
    assert reply.body == {
        "response_action": "errors",
        "errors": {
            Field.END: "The campaign would already be over (it ends before today). "
            "Pick an end date from today on."
        },
    }
    assert await world.row_counts() == before
    reply = await world.submit_new_campaign(
        **{Field.START: "2027-02-01", Field.END: "2027-03-01"}
    )  # ends today
    assert reply.ok and not reply.body


async def test_a_report_on_a_completed_campaign_asks_first(world: World):
    await set_up_team(world)
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).values(status="completed"))
    before = await world.row_counts()
    reply = await report(world)
    assert reply.body["response_action"] == "update"
    shown = text_of({"blocks": world.top_view(MEMBER).blocks})
    assert ":warning: *Spring Launch* is completed: its work is over." in shown
    assert await world.row_counts() == before
    view = world.top_view(MEMBER)
    reply = await world.slack.submit_view(
        MEMBER, view.id, {Field.CONFIRM_DUPLICATE: {Field.CONFIRM_DUPLICATE: ["confirmed"]}}
    )
    assert reply.ok and not reply.body
    assert (await incident(world)).status == "reported"


async def test_a_report_after_the_end_date_says_so(world: World):
    await set_up_team(world)
    world.clock.advance(timedelta(days=120))  # the campaign ended on 31 May
    reply = await report(world)
    assert reply.body["response_action"] == "update"
    assert ":warning: *Spring Launch* ended on 31 May 2027." in text_of(
        {"blocks": world.top_view(MEMBER).blocks}
    )
