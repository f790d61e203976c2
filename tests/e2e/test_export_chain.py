"""The CSV export carries each incident's timeline head (the newest event's hash), so legal can
keep it outside the bot and compare it with `/breach verify` later."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from storage.models import IncidentEvent
from tests.e2e.harness import MANAGER, World, report, set_up_team


async def timeline(world: World) -> list[IncidentEvent]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(IncidentEvent).order_by(IncidentEvent.id))).scalars())


async def test_the_export_carries_each_timeline_head(world: World):
    await set_up_team(world)
    await report(world)
    await world.run(MANAGER, "/breach export spring")
    await world.stack.settle()
    rows = list(csv.DictReader(io.StringIO(list(world.emulator.files.values())[-1].content.decode())))
    events = await timeline(world)
    assert [r["timeline_hash"] for r in rows] == [events[-1].hash]
