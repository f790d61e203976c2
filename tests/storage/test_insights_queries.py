"""The insight aggregates against the hand-worked fixture (tests/storage/insights_fixture.py), on
SQLite and PostgreSQL: the same numbers from both, and the SQL's periods equal the pure ones."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import insights as ins
from storage.queries import insights as q
from tests.storage.insights_fixture import BOUNDS, NOW, PERIODS, at, build


async def _scopes(db, ids):
    async with db.transaction() as s:
        spring = await s.get(q.Campaign, ids["spring"])
        return await q.campaign_scope(s, spring), q.Scope("T1")


def test_fixture_weeks():
    assert [p.start for p in PERIODS] == [at(3, 1, 5), at(3, 8, 5), at(3, 15, 4)]
    assert BOUNDS[-1] == at(3, 22, 4)


async def test_reported_per_week_clause_and_severity(db):
    ids = await build(db)
    spring, program = await _scopes(db, ids)
    async with db.transaction() as s:
        by_clause = await q.reported(s, spring, BOUNDS, by_category=False)
        by_category = await q.reported(s, program, BOUNDS, by_category=True)
        labels = await q.guideline_labels(s, "T1", [ids["g1"], ids["g2"]])
    # i2 was reported on Sunday 23:30 in New York (Monday 03:30 UTC): the New York week W1
    assert sorted(by_clause) == sorted(
        [
            (0, ids["g1"], "minor", 1),
            (1, ids["g1"], "major", 1),
            (1, ids["g2"], "major", 1),
            (2, ids["g2"], "critical", 1),
        ]
    )
    assert sorted(by_category) == sorted(
        [
            (0, "disclosure", "minor", 1),
            (1, "disclosure", "major", 1),
            (1, "deadline", "major", 1),
            (1, "conduct", "moderate", 1),
            (1, "conduct", "minor", 1),
            (2, "deadline", "critical", 1),
        ]
    )
    assert labels == {ids["g1"]: ("G1", "disclosure rule"), ids["g2"]: ("G2", "deadline rule")}


async def test_time_to_acknowledge_and_to_resolve_histograms(db):
    ids = await build(db)
    spring, _ = await _scopes(db, ids)
    async with db.transaction() as s:
        ack = await q.acknowledged(s, spring, BOUNDS)
        closed = await q.closed(s, spring, BOUNDS)
    # i1 acknowledged after 2 h (W0); i3 responded after 5 min, before its acknowledgement (W1);
    # i2 responded after 1 h, on Monday 04:30 UTC (W2); i5 was acknowledged before the range
    assert ack == {
        (0, ins.duration_bin(7200)): ins.Bin(1, 7200, 7200),
        (1, ins.duration_bin(300)): ins.Bin(1, 300, 300),
        (2, ins.duration_bin(3600)): ins.Bin(1, 3600, 3600),
    }
    # closed: i1 (W0); i5 resolved Mon 8 Mar 06:00 UTC and i3 dismissed (W1)
    assert closed.per_period == [1, 2, 0]
    sixteen_days = timedelta(days=16, hours=6).total_seconds()
    assert closed.resolve == {
        (0, ins.duration_bin(172800)): ins.Bin(1, 172800, 172800),
        (1, ins.duration_bin(sixteen_days)): ins.Bin(1, sixteen_days, sixteen_days),
    }
    spreads = ins.spreads(ack, 3)
    assert [x.median for x in spreads] == [7200, 300, 3600]


async def test_open_incidents_now_by_age_and_over_time(db):
    ids = await build(db)
    spring, program = await _scopes(db, ids)
    async with db.transaction() as s:
        open_spring, open_program = await q.open_now(s, spring), await q.open_now(s, program)
        ages = await q.open_ages(s, spring, NOW)
        opened = [0, 0, 0]
        for p, _, _, n in await q.reported(s, spring, BOUNDS, by_category=False):
            opened[p] += n
        closed = await q.closed(s, spring, BOUNDS)
    assert (open_spring, open_program) == (2, 4)
    async with db.transaction() as s:
        assert await q.trend(s, spring, BOUNDS) == ([1, 2, 1], [1, 2, 0], 2)  # App Home's one statement
    # i2 is 2 d 8.5 h old (1-3 d), i4 18 h (< 1 d)
    assert ages == {(1, "major"): 1, (0, "critical"): 1}
    # by hand: end of W0 only i5 open (resolved an hour after W0 ended); end of W1 only i2
    assert ins.open_series(open_spring, opened, closed.per_period) == [1, 1, 2]


async def test_on_time_late_and_reviews_per_influencer(db):
    ids = await build(db)
    spring, _ = await _scopes(db, ids)
    start = BOUNDS[0]
    async with db.transaction() as s:
        on_time = await q.on_time(s, spring, start, NOW, limit=10)
        late = await q.late(s, spring, BOUNDS, NOW)
        reviews = await q.reviews(s, spring, start, start + (NOW - start) / 2, NOW, limit=10)
        strikes = await q.strikes(s, spring, start, limit=10)
    assert on_time == [q.OnTime(ids["ivy"], "Ivy", 1, 2), q.OnTime(ids["otto"], "Otto", 2, 3)]
    assert late == [0, 2, 0]
    assert reviews == [
        q.Reviews(ids["ivy"], "Ivy", 2, 3.0, 4.0, 2.0),
        q.Reviews(ids["otto"], "Otto", 1, 4.75, None, 4.75),
    ]
    assert reviews[0].trend == -2.0 and reviews[1].trend is None
    assert strikes == [
        q.Strikes(ids["otto"], "Otto", "probation", 2, 1),
        q.Strikes(ids["ivy"], "Ivy", "active", 1, 1),
    ]


async def test_compliance_and_lint_findings(db):
    ids = await build(db)
    spring, _ = await _scopes(db, ids)
    async with db.transaction() as s:
        c = await q.compliance(s, spring, BOUNDS)
        due = await q.reviews_due(s, "T1", ids["spring"], BOUNDS)
    assert (c.passed, c.failed, c.waived) == ([0, 1, 0], [1, 0, 1], [1, 0, 0])
    assert c.findings == {"pass": 1, "missing": 1}
    assert due == [0, 1, 1]


async def test_empty_scope_reads_nothing(db):
    empty = q.Scope("T1", ())
    async with db.transaction() as s:
        assert await q.reported(s, empty, BOUNDS, by_category=False) == []
        assert await q.open_now(s, empty) == 0
        assert (await q.closed(s, empty, BOUNDS)).per_period == [0, 0, 0]
        assert await q.first_incident_at(s, empty) is None


async def test_zones_and_chart_files(db):
    ids = await build(db)
    async with db.transaction() as s:
        await q.save_zones(s, "T1", {"UMAYA": "America/New_York"}, NOW)
    async with db.transaction() as s:
        await q.save_zones(s, "T1", {"UMAYA": "Europe/Paris", "ULEE": "Europe/Paris"}, NOW)
        await q.save_chart_file(s, "T1", "UMAYA", "home", "F1", NOW)
    async with db.transaction() as s:
        await q.save_chart_file(s, "T1", "UMAYA", "home", "F2", NOW + timedelta(hours=1))
    async with db.transaction() as s:
        assert await q.stored_zones(s, "T1", ["UMAYA", "UNOBODY"]) == {"UMAYA": "Europe/Paris"}
        managers = await q.managers_with_zones(s, [ids["spring"], ids["autumn"]])
        assert managers == {
            ids["spring"]: [("UMAYA", "Europe/Paris")],
            ids["autumn"]: [("UMAYA", "Europe/Paris")],
        }
        assert sorted(await q.managed_active(s, ["T1"])) == sorted(
            [("T1", ids["spring"], "UMAYA"), ("T1", ids["autumn"], "UMAYA")]
        )
        cached = await q.chart_file(s, "T1", "UMAYA", "home")
        assert (cached.file_id, cached.created_at) == ("F2", NOW + timedelta(hours=1))
