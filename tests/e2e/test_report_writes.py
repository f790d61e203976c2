"""A report written in one PostgreSQL statement (storage/queries/incidents.py
`write_new`, `_insert_report`, the id taken with `report_context`): double submits, a "report
anyway?" round trip and concurrent reports lose or duplicate no incident, event or reminder."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import select

from bot.ids import Field
from playground.emulator import View
from storage.models import Incident, IncidentEvent, Reminder
from tests.e2e.harness import ADMIN, LEGAL, MANAGER, World, option_value, report, set_up_team


async def _open(world: World, user: str, clause: str) -> tuple[View, dict[str, Any]]:
    await world.run(user, "/breach")
    view = world.top_view(user)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    await world.slack.click_in_view(user, view.id, "report_engagement", value=engagement)
    view = world.top_view(user)
    values = {
        Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, clause + " ")},
        Field.DESCRIPTION: {Field.DESCRIPTION: f"{user} on {clause}"},
        Field.EVIDENCE: {Field.EVIDENCE: "https://instagram.example/p/1"},
    }
    return view, values


async def test_double_submits_round_trips_and_concurrent_reports_write_each_row_once(world: World):
    await set_up_team(world)
    assert (await report(world)).ok  # BR-1, G1 by Mo

    # Maya reports G1 again: asked first; the confirmed form is then submitted twice at once
    view, values = await _open(world, MANAGER, "G1")
    reply = await world.slack.submit_view(MANAGER, view.id, values)
    assert reply.body["response_action"] == "update"
    confirm = world.top_view(MANAGER)
    # legal and the admin report other clauses at the same moment, each double-clicking
    forms = [(u, *(await _open(world, u, c))) for u, c in ((LEGAL, "G2"), (ADMIN, "G3"))]
    confirmed = {Field.CONFIRM_DUPLICATE: {Field.CONFIRM_DUPLICATE: ["confirmed"]}}
    replies = await asyncio.gather(
        world.slack.submit_view(MANAGER, confirm.id, confirmed),
        world.slack.submit_view(MANAGER, confirm.id, confirmed),
        *(world.slack.submit_view(u, v.id, vals) for u, v, vals in forms for _ in range(2)),
    )
    assert all(r.ok for r in replies), [r.body for r in replies]
    await world.stack.settle()

    async with world.db.transaction() as s:
        incidents = (await s.exec(select(Incident).order_by(Incident.id))).scalars().all()
        events = (await s.exec(select(IncidentEvent))).scalars().all()
        reminders = (
            (await s.exec(select(Reminder).where(Reminder.subject_type == "incident"))).scalars().all()
        )
    assert sorted(i.description for i in incidents) == sorted(
        ["Posted the launch reel without #ad.", f"{MANAGER} on G1", f"{LEGAL} on G2", f"{ADMIN} on G3"]
    )
    assert sorted(i.number for i in incidents) == [1, 2, 3, 4]
    created = Counter(e.incident_id for e in events if e.kind == "created")
    assert created == {i.id: 1 for i in incidents}
    by_incident = Counter(r.subject_id for r in reminders)
    assert set(by_incident) == {i.id for i in incidents}
    kinds = {i.id: sorted(r.kind for r in reminders if r.subject_id == i.id) for i in incidents}
    assert len({tuple(k) for k in kinds.values()}) == 1, kinds  # every report planned the same ones
    assert all(i.card_ts for i in incidents)
