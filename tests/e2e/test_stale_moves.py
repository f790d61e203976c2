"""Moves made on what someone saw a moment ago: an Accept or Dispute answers the proposal its card
(or Dispute form) showed and no later one, a lifecycle form submitted twice moves the incident
once, and two resolutions at once still ask for the change-of-standing tick they add up to."""

from __future__ import annotations

import asyncio
import copy
import json
from urllib.parse import urlencode

from sqlalchemy import select

from bot.ids import Action, Callback, Field
from storage.models import Engagement, Incident, Influencer
from tests.e2e.harness import (
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    World,
    card_of,
    forge_click,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.test_incidents import events, fill, incident, press

PROPOSAL_CHANGED = "The proposed resolution of BR-1 has changed since"


def _button_value(message, action_id: str) -> str:
    return next(
        e["value"]
        for b in message.blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


async def _propose(world: World, channel: str, user: str, outcome: str, terms: str) -> None:
    await press(world, user, channel, Action.INCIDENT_PROPOSE)
    reply = await fill(world, user, {Field.OUTCOME: outcome, Field.TERMS: terms})
    assert reply.ok and not reply.body, reply.body


async def _superseded(world: World, channel: str):
    """Ivy reads a proposed warning; meanwhile the brand escalates and legal proposes termination.
    Returns the card as Ivy read it."""
    await report(world)  # major
    await _propose(world, channel, MANAGER, "warning", "A written warning, nothing more.")
    seen = copy.deepcopy(card_of(world, channel))
    assert "A written warning, nothing more." in text_of(seen)
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    assert (await fill(world, MEMBER, {Field.REASON: "Legal should look."})).ok
    await _propose(world, channel, LEGAL, "contract_terminated", "We end the contract.")
    return seen


async def _replay(world: World, reply):
    """The exact signed request sent again (a retried or double-sent submission)."""
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(reply.payload)}), "application/x-www-form-urlencoded"
    )


def _thread_texts(world: World, channel: str) -> list[str]:
    card = card_of(world, channel)
    return [text_of(m) for m in world.emulator.replies(channel, card.ts)]


# ------------------------------------------------------------------------------------------------
# Accept and Dispute answer the proposal that was shown


async def test_accept_on_a_card_of_a_superseded_proposal_accepts_nothing(world: World):
    channel = await set_up_team(world)
    seen = await _superseded(world, channel)
    accept = _button_value(seen, Action.INCIDENT_ACCEPT)
    # Ivy's click on the Accept she saw (the warning) arrives now
    await forge_click(world, IVY, channel, seen.ts, Action.INCIDENT_ACCEPT, accept, blocks=seen.blocks)
    await world.stack.settle()
    row = await incident(world)
    assert (row.status, row.outcome, row.proposed_outcome) == (
        "resolution_proposed",
        None,
        "contract_terminated",
    )
    async with world.db.transaction() as s:
        assert (await s.exec(select(Engagement.status))).scalar_one() != "terminated"
    assert PROPOSAL_CHANGED in world.said_to(IVY)
    # the card shows legal's proposal, and its Accept answers that one
    card = card_of(world, channel)
    assert "We end the contract." in text_of(card)
    assert _button_value(card, Action.INCIDENT_ACCEPT) != accept
    await press(world, IVY, channel, Action.INCIDENT_ACCEPT)
    row = await incident(world)
    assert (row.status, row.outcome) == ("resolved", "contract_terminated")


async def test_dispute_on_a_card_of_a_superseded_proposal_opens_no_form(world: World):
    channel = await set_up_team(world)
    seen = await _superseded(world, channel)
    dispute = _button_value(seen, Action.INCIDENT_DISPUTE)
    views_before = len(world.emulator.open_views(IVY))
    await forge_click(world, IVY, channel, seen.ts, Action.INCIDENT_DISPUTE, dispute, blocks=seen.blocks)
    await world.stack.settle()
    assert len(world.emulator.open_views(IVY)) == views_before
    assert PROPOSAL_CHANGED in world.said_to(IVY)
    assert (await incident(world)).status == "resolution_proposed"


async def test_dispute_form_of_a_superseded_proposal_disputes_nothing(world: World):
    channel = await set_up_team(world)
    await report(world)
    await _propose(world, channel, MANAGER, "warning", "A written warning, nothing more.")
    await press(world, IVY, channel, Action.INCIDENT_DISPUTE)
    form = world.top_view(IVY)
    assert form.callback_id == Callback.INCIDENT_DISPUTE
    # while Ivy writes, the brand escalates and legal proposes something else
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    assert (await fill(world, MEMBER, {Field.REASON: "Legal should look."})).ok
    await _propose(world, channel, LEGAL, "fee_reduction", "Half the fee.")
    reply = await world.slack.submit_view(IVY, form.id, {Field.REASON: {Field.REASON: "Too harsh."}})
    assert reply.body["response_action"] == "update", reply.body
    assert "has changed since this form showed it" in text_of({"blocks": reply.body["view"]["blocks"]})
    row = await incident(world)
    assert (row.status, row.proposed_outcome, row.proposed_terms) == (
        "resolution_proposed",
        "fee_reduction",
        "Half the fee.",
    )
    assert not [e for e in await events(world) if (e.data or {}).get("move") == "DISPUTE"]


async def test_a_card_drawn_before_buttons_named_their_proposal_is_redrawn(world: World):
    channel = await set_up_team(world)
    await report(world)
    await _propose(world, channel, MANAGER, "warning", "A written warning, nothing more.")
    card = card_of(world, channel)
    row = await incident(world)
    # a card of an earlier release: its Accept's value was the incident id alone
    await forge_click(world, IVY, channel, card.ts, Action.INCIDENT_ACCEPT, str(row.id))
    await world.stack.settle()
    assert (await incident(world)).status == "resolution_proposed"
    assert PROPOSAL_CHANGED in world.said_to(IVY)
    await press(world, IVY, channel, Action.INCIDENT_ACCEPT)  # the card as it is now
    row = await incident(world)
    assert (row.status, row.outcome) == ("resolved", "warning")


# ------------------------------------------------------------------------------------------------
# A lifecycle form submitted twice


async def test_respond_form_submitted_twice_records_one_response(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    view = copy.deepcopy(world.top_view(IVY))
    assert view.callback_id == Callback.INCIDENT_RESPOND
    values = {Field.STATEMENT: {Field.STATEMENT: "I added #ad within the hour."}}
    first = await world.slack.submit_view(IVY, view.id, values)
    assert first.ok and not first.body
    # the very same view submitted again (a double click on Submit, a retried request)
    again = await _replay(world, first)
    assert again.status == 200, again.body
    await world.stack.settle()
    responses = await events(world, "response")
    assert len(responses) == 1, [e.text for e in responses]
    said = [t for t in _thread_texts(world, channel) if "Response from" in t]
    assert len(said) == 1, said


async def test_propose_form_submitted_twice_answers_the_second_quietly(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    first = await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.TERMS: "A warning."})
    assert first.ok and not first.body, first.body
    again = await _replay(world, first)
    # not "BR-1 was already given a proposed resolution": the same form, already done
    assert again.status == 200 and not again.body, again.body
    await world.stack.settle()
    assert len(await events(world, "resolution_proposed")) == 1
    assert len([t for t in _thread_texts(world, channel) if "proposed a resolution" in t]) == 1


# ------------------------------------------------------------------------------------------------
# Two resolutions at once


async def test_two_resolutions_at_once_do_not_skip_the_probation_tick(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_RESOLVE)
    assert (await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.STRIKES: "1"})).ok  # 1 strike
    await report(world, clause="G2", description="Late.")
    await report(world, clause="G3", description="Mentioned a competitor.")
    cards = {
        n: next(m for m in world.emulator.history(channel) if text_of(m).startswith(f"BR-{n} "))
        for n in (2, 3)
    }
    await world.slack.click(MANAGER, channel, cards[2].ts, Action.INCIDENT_RESOLVE)
    manager_view = world.top_view(MANAGER)
    await world.slack.click(LEGAL, channel, cards[3].ts, Action.INCIDENT_RESOLVE)
    legal_view = world.top_view(LEGAL)
    one_strike = {Field.OUTCOME: {Field.OUTCOME: "warning"}, Field.STRIKES: {Field.STRIKES: "1"}}
    # each form alone keeps Ivy under 3 strikes, so neither asks for the tick; together they make 3
    replies = await asyncio.gather(
        world.slack.submit_view(MANAGER, manager_view.id, one_strike),
        world.slack.submit_view(LEGAL, legal_view.id, one_strike),
    )
    await world.stack.settle()
    async with world.db.transaction() as s:
        status = (await s.exec(select(Influencer.status).where(Influencer.slack_user_id == IVY))).scalar_one()
        strikes = sum(i.strikes or 0 for i in (await s.exec(select(Incident))).scalars().all())
    # "A resolution that crosses a threshold must be confirmed with an explicit tick": nobody ticked
    assert (status, strikes) == ("active", 2), [r.body for r in replies]
    refused = [r.body for r in replies if r.body]
    assert len(refused) == 1, [r.body for r in replies]
    assert refused[0]["errors"] == {
        Field.CONFIRM_STANDING: "This brings Ivy to 3 strikes: on probation. Tick the box to confirm."
    }
