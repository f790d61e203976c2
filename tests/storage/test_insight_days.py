"""A workspace's figures read from its settled days (`insight_day`) equal those read from the
incidents, for readers in any time zone (periods that start mid-day in UTC, half-hour offsets), on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import insights as ins
from storage.queries import insights as q
from tests.storage.insights_fixture import NOW, at, build

ZONES = ["America/New_York", "Asia/Kolkata", "UTC", "Pacific/Chatham"]


def test_split_reads_whole_settled_days_from_the_days_and_the_rest_from_incidents():
    bounds = [at(3, 1, 5), at(3, 8, 5), at(3, 15, 4), at(3, 22, 4)]
    sp = q.split(bounds, at(3, 17))
    assert (sp.first, sp.end, sp.cut) == (at(3, 2), at(3, 17), (at(3, 8), at(3, 15)))
    assert sp.ranges == (
        (at(3, 1, 5), at(3, 2)),
        (at(3, 8), at(3, 9)),
        (at(3, 15), at(3, 16)),
        (at(3, 17), at(3, 22, 4)),
    )
    assert q.split(bounds, None).ranges == ((bounds[0], bounds[-1]),)
    assert q.split(bounds, at(3, 1)).first is None  # nothing settled inside the range


@pytest.mark.parametrize("zone", ZONES)
async def test_settled_days_give_the_same_figures(db, zone):
    await build(db)
    program = q.Scope("T1")
    tz = ins.zone(zone)
    for unit, start in ((ins.Unit.WEEK, at(2, 20)), (ins.Unit.MONTH, at(1, 5))):
        bounds = ins.bounds(ins.periods(start, NOW, tz, unit))
        async with db.transaction() as s:
            raw = (
                sorted(await q.reported(s, program, bounds, by_category=True)),
                await q.acknowledged(s, program, bounds),
                await q.closed(s, program, bounds),
            )
        for now in (NOW, NOW + timedelta(days=9)):
            async with db.transaction() as s:
                settled = await q.settle(s, "T1", now)
            assert settled >= q._floor_day(now - q.SETTLE_AFTER)  # never moves back
            async with db.transaction() as s:
                assert await q.reported(s, program, bounds, by_category=False, settled=settled) != []
                cached = (
                    sorted(await q.reported(s, program, bounds, by_category=True, settled=settled)),
                    await q.acknowledged(s, program, bounds, settled),
                    await q.closed(s, program, bounds, settled),
                )
            assert cached == raw
    async with db.transaction() as s:
        days = (await s.exec(q.select(q.func.count()).select_from(q.InsightDay))).scalar_one()
    assert days > 0


async def test_settle_twice_adds_nothing_and_no_incident_settles_nothing(db):
    await build(db)
    async with db.transaction() as s:
        assert await q.settle(s, "T9", NOW) is None
        first = await q.settle(s, "T1", NOW)
    async with db.transaction() as s:
        assert await q.settle(s, "T1", NOW) == first
        rows = (
            await s.exec(q.select(q.func.sum(q.InsightDay.n)).where(q.InsightDay.kind == "reported"))
        ).scalar_one()
    # every incident of T1 reported before the settled midnight, counted once
    async with db.transaction() as s:
        expect = (
            await s.exec(q.select(q.func.count()).where(q.I.team_id == "T1", q.I.created_at < first))
        ).scalar_one()
    assert rows == expect


async def test_a_clause_changing_category_forgets_the_settled_days(db):
    ids = await build(db)
    bounds = ins.bounds(ins.periods(at(2, 20), NOW, ins.zone("America/New_York"), ins.Unit.WEEK))
    async with db.transaction() as s:
        settled = await q.settle(s, "T1", NOW)
    async with db.transaction() as s:
        g1 = await s.get(q.Guideline, ids["g1"])
        g1.category = "other"
        s.add(g1)
        await q.forget_days(s, "T1")
    async with db.transaction() as s:
        assert await q.settled_through(s, "T1") is None
        raw = sorted(await q.reported(s, q.Scope("T1"), bounds, by_category=True))
        settled = await q.settle(s, "T1", NOW)
    async with db.transaction() as s:
        cached = sorted(await q.reported(s, q.Scope("T1"), bounds, by_category=True, settled=settled))
    assert cached == raw and any(k == "other" for _, k, _, _ in raw)
