"""A payload that names someone else's open modal changes nothing of it (bot/views/owners.py).

Slack does not check on whose behalf an app updates a view, so every view the bot updates from a
payload is one it opened for that payload's user: the report form (its campaign select) and the
compliance checklist (its decisions, and the note form pushed over it). A report form's one
submission is the user's too: a payload naming their view does not use it up."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from bot.domain.enums import ComplianceItem
from bot.ids import Action, Callback, Field
from playground.emulator import BotReply, View, payloads
from playground.emulator.elements import iter_elements
from storage.models import Incident
from tests.e2e.boundaries_helpers import forge_form
from tests.e2e.harness import LEGAL, MANAGER, MEMBER, World, option_value, set_up_team
from tests.e2e.test_deliverables import checks, published


async def _send(world: World, payload: dict[str, Any]) -> BotReply:
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


async def forged_action(world: World, user: str, view: View, action_id: str, value: str) -> BotReply:
    """A signed block_actions payload as `user`, pressed in `view` (someone else's open modal)."""
    ws = world.slack.ws
    block = next(b for b, e in iter_elements(view.blocks) if e.get("action_id") == action_id)
    action = {
        "action_id": action_id,
        "block_id": block.get("block_id"),
        "value": value,
        "selected_option": {"value": value},
        "type": "button",
        "action_ts": ws.ts_clock.next(),
    }
    payload = payloads.view_block_actions(ws, ws.users[user], view, action, trigger_id=ws.issue_trigger(user))
    return await _send(world, payload)


def snapshot(view: View) -> tuple[str, str]:
    return view.hash, json.dumps(view.definition, sort_keys=True)


async def test_a_forged_campaign_choice_leaves_someone_elses_report_form_alone(world: World):
    await set_up_team(world)
    await world.run(MANAGER, "/breach")
    victim = world.top_view(MANAGER)
    assert victim.external_id.startswith(f"{MANAGER}.")
    before = snapshot(victim)
    engagement = option_value(victim, Field.ENGAGEMENT, "Spring Launch · Ivy")
    updates = len(world.emulator.calls_to("views.update"))

    reply = await forged_action(world, LEGAL, victim, Action.REPORT_ENGAGEMENT_CHOSEN, engagement)

    assert reply.ok
    assert snapshot(world.top_view(MANAGER)) == before
    assert len(world.emulator.calls_to("views.update")) == updates

    # her own choice still shows that campaign's clauses, and the form stays hers for the next one
    await world.slack.click_in_view(MANAGER, victim.id, Action.REPORT_ENGAGEMENT_CHOSEN, value=engagement)
    mine = world.top_view(MANAGER)
    assert "Disclose the partnership" in json.dumps(mine.blocks)
    assert mine.external_id == victim.external_id


async def test_a_forged_decision_leaves_someone_elses_checklist_alone(world: World):
    d, channel = await published(world)
    await world.slack.click(MEMBER, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    victim = world.top_view(MEMBER)
    before = snapshot(victim)
    present = (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT]

    # legal may decide this check, but not in the member's modal
    reply = await forged_action(world, LEGAL, victim, Action.CHECK_PASS, str(present.id))

    assert reply.ok
    assert (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT].status == "passed"
    assert snapshot(world.top_view(MEMBER)) == before
    assert world.emulator.open_views(LEGAL) == []


async def test_a_note_form_refreshes_only_its_own_users_checklist(world: World):
    d, channel = await published(world)
    await world.slack.click(MEMBER, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    victim = world.top_view(MEMBER)
    before = snapshot(victim)
    await world.slack.click(LEGAL, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    safety = (await checks(world))[ComplianceItem.BRAND_SAFETY]
    await world.slack.click_in_view(LEGAL, world.top_view(LEGAL).id, Action.CHECK_FAIL, value=str(safety.id))
    note = world.top_view(LEGAL)
    assert note.callback_id == Callback.CHECK_NOTE
    metadata = json.loads(note.definition["private_metadata"])
    assert metadata["parent"] == world.emulator.open_views(LEGAL)[0].external_id

    ws = world.slack.ws
    payload = payloads.view_submission(ws, ws.users[LEGAL], note, trigger_id=ws.issue_trigger(LEGAL))
    payload["view"]["private_metadata"] = json.dumps(metadata | {"parent": victim.external_id})
    payload["view"]["state"] = {
        "values": {Field.NOTE: {Field.NOTE: {"type": "plain_text_input", "value": "Rival."}}}
    }
    reply = await _send(world, payload)

    assert reply.ok and not reply.body
    assert (await checks(world))[ComplianceItem.BRAND_SAFETY].status == "failed"
    assert snapshot(world.top_view(MEMBER)) == before


async def test_a_submission_naming_someone_elses_form_does_not_use_it_up(world: World):
    await set_up_team(world)
    await world.run(MANAGER, "/breach")
    view = world.top_view(MANAGER)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    await world.slack.click_in_view(MANAGER, view.id, Action.REPORT_ENGAGEMENT_CHOSEN, value=engagement)
    view = world.top_view(MANAGER)

    # legal submits a report of her own, in a payload that names the manager's form
    answer = await forge_form(
        world,
        LEGAL,
        view,
        {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G1 "), Field.DESCRIPTION: "Legal's report."},
    )
    assert answer.ok and not answer.body, answer.body

    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G2 ")},
            Field.DESCRIPTION: {Field.DESCRIPTION: "The manager's report."},
        },
    )

    assert reply.ok and not reply.body, reply.body
    async with world.db.transaction() as s:
        described = set((await s.scalars(select(Incident.description))).all())
    assert described == {"Legal's report.", "The manager's report."}
