"""The insight helpers against numbers worked out by hand: periods in a time zone (across
daylight-saving changes), quantiles from histograms, the open incidents series, trends."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import insights as ins
from bot.domain.deliverables import suggestions
from bot.domain.disclosure.lint import lint

NY = ins.zone("America/New_York")
LONDON = ins.zone("Europe/London")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- periods


def test_weeks_start_on_local_monday_midnight_and_follow_daylight_saving():
    # the US moves its clocks on Sunday 2027-03-14: EST (UTC-5) before, EDT (UTC-4) after
    weeks = ins.periods(utc(2027, 3, 3, 12), utc(2027, 3, 17, 12), NY, ins.Unit.WEEK)
    assert [w.first_day for w in weeks] == [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 15)]
    assert [w.start for w in weeks] == [utc(2027, 3, 1, 5), utc(2027, 3, 8, 5), utc(2027, 3, 15, 4)]
    assert weeks[1].end - weeks[1].start == timedelta(hours=167)  # one hour short: the clocks moved
    assert weeks[-1].end == utc(2027, 3, 22, 4)


def test_a_moment_falls_in_the_readers_week_not_the_utc_week():
    weeks = ins.periods(utc(2027, 3, 8, 12), utc(2027, 3, 20), NY, ins.Unit.WEEK)
    sunday_night = utc(2027, 3, 15, 3, 30)  # Sunday 23:30 in New York, already Monday in UTC
    assert ins.week_start(sunday_night, NY) == date(2027, 3, 8)
    assert ins.week_start(sunday_night, ins.zone("UTC")) == date(2027, 3, 15)
    assert ins.period_index(sunday_night, weeks) == 0
    assert ins.period_index(utc(2027, 3, 15, 4), weeks) == 1  # Monday 00:00 EDT
    assert ins.period_index(utc(2027, 3, 1), weeks) is None


def test_london_week_of_the_spring_change_is_167_hours():
    weeks = ins.periods(utc(2027, 3, 23), utc(2027, 3, 30), LONDON, ins.Unit.WEEK)
    assert weeks[0].start == utc(2027, 3, 22, 0)  # GMT
    assert weeks[0].end == utc(2027, 3, 28, 23)  # Monday 00:00 BST


def test_long_ranges_are_monthly():
    start, end = utc(2026, 1, 10), utc(2027, 3, 5)
    assert ins.unit_for(start, end) is ins.Unit.MONTH
    months = ins.periods(start, end, LONDON)
    assert months[0].first_day == date(2026, 1, 1) and months[-1].first_day == date(2027, 3, 1)
    assert len(months) == 15
    assert months[11].first_day == date(2026, 12, 1) and months[12].first_day == date(2027, 1, 1)
    assert ins.unit_for(utc(2027, 1, 1), utc(2027, 3, 31)) is ins.Unit.WEEK


def test_unknown_zone_is_utc_and_midnight_in_a_gap_is_the_end_of_the_gap():
    assert ins.zone("Mars/Olympus") == ins.zone(None) == ins.zone("UTC")
    santiago = ins.zone("America/Santiago")  # clocks jump from 00:00 to 01:00 on 2022-09-11
    assert ins.local_midnight(date(2022, 9, 11), santiago) == utc(2022, 9, 11, 4)
    assert ins.iso_week(date(2027, 1, 1)) == "2026-W53"


# ---- quantiles


def _bins(values: list[float]) -> list[ins.Bin]:
    """What the SQL returns for these durations: per bin, the count, min and max."""
    by: dict[int, list[float]] = {}
    for v in values:
        by.setdefault(ins.duration_bin(v), []).append(v)
    return [ins.Bin(len(vs), min(vs), max(vs)) for _, vs in sorted(by.items())]


def test_quantiles_are_exact_when_bins_hold_at_most_two_values():
    values = [600, 3600, 9000, 18000, 108000]  # 10 min, 1 h, 2 h 30, 5 h, 30 h
    bins = _bins(values)
    assert [ins.duration_bin(v) for v in values] == [2, 7, 9, 11, 18]
    # by hand: median is the 3rd value; p90 sits at rank 3.6: 5 h + 0.6 x (30 h - 5 h) = 20 h
    assert ins.quantile(bins, 0.5) == 9000
    assert ins.quantile(bins, 0.9) == 18000 + 0.6 * (108000 - 18000) == 72000
    assert ins.quantile(bins, 0.9) == statistics.quantiles(values, n=10, method="inclusive")[-1]
    assert ins.quantile([], 0.5) is None
    assert ins.spread(bins) == ins.Spread(5, 9000, 72000)


def test_values_inside_a_bin_are_spread_evenly_between_its_smallest_and_largest():
    bins = [ins.Bin(3, 100, 300), ins.Bin(1, 1000, 1000)]  # read as 100, 200, 300, 1000
    assert ins.quantile(bins, 0.5) == 250
    assert ins.quantile(bins, 0.0) == 100
    assert ins.quantile(bins, 1.0) == 1000
    assert ins.quantile(bins, 0.9) == pytest.approx(300 + 0.7 * 700)


def test_duration_bins_match_their_edges():
    assert ins.duration_bin(0) == 0
    assert ins.duration_bin(299) == 0 and ins.duration_bin(300) == 1
    assert ins.duration_bin(10**9) == len(ins.DURATION_EDGES) - 1
    # every bin is at most half as wide as its lower edge, past the first half hour
    for low, high in zip(ins.DURATION_EDGES[5:], ins.DURATION_EDGES[6:], strict=False):
        assert high <= 1.5 * low


def test_spreads_per_period():
    histogram = {(0, 7): ins.Bin(1, 3600, 3600), (2, 9): ins.Bin(2, 7200, 9000)}
    assert ins.spreads(histogram, 3) == [
        ins.Spread(1, 3600, 3600),
        ins.Spread(0, None, None),
        ins.Spread(2, 8100, 7200 + 0.9 * 1800),
    ]


# ---- series and trends


def test_open_series_walks_back_from_now():
    # 4 open now; week 3 opened 3 and closed 1, week 2 opened 2 and closed 4, week 1 opened 5
    # by hand: end of week 2 = 4 - 3 + 1 = 2; end of week 1 = 2 - 2 + 4 = 4
    assert ins.open_series(4, [5, 2, 3], [0, 4, 1]) == [4, 2, 4]
    assert ins.open_series(0, [], []) == [0]


def test_change_and_slope():
    assert ins.Change(5, 3).text() == "5 (↑ +2)"
    assert ins.Change(1, 3).text() == "1 (↓ −2)"
    assert ins.Change(2, 2).text() == "2 (→ ±0)"
    assert ins.slope([1, 2, 3]) == 1
    assert ins.slope([4.0, None, 3.0]) == -0.5
    assert ins.slope([3.0]) is None
    assert ins.arrow(0.1) == "→" and ins.arrow(0.5) == "↑" and ins.arrow(-1) == "↓" and ins.arrow(None) == ""
    assert ins.rate(3, 4) == 0.75 and ins.rate(1, 0) is None


def test_human_durations():
    assert ins.human_duration(40 * 60) == "40 min"
    assert ins.human_duration(2 * 3600 + 5 * 60) == "2 h 05 min"
    assert ins.human_duration(30 * 3600) == "30 h"
    assert ins.human_duration(3.5 * 86400) == "3.5 d"
    assert ins.human_duration(None) == "—"


def test_lint_patterns_match_what_the_compliance_checks_store():
    import fnmatch

    for caption, finding in (
        ("New drop! #ad", "pass"),
        ("New drop!", "missing"),
    ):
        stored = next(iter(suggestions(lint(caption, "US"), was_submitted=True).values()))[1]
        like = ins.LINT_PATTERNS[finding]
        assert fnmatch.fnmatchcase(stored, like.replace("%", "*")), (stored, like)
        others = [p for f, p in ins.LINT_PATTERNS.items() if f != finding]
        assert not any(fnmatch.fnmatchcase(stored, p.replace("%", "*")) for p in others)


def test_the_open_incidents_age_index_covers_exactly_the_open_statuses():
    import re

    from bot.domain.incidents import OPEN
    from storage.models import OPEN_AGES

    assert set(re.findall(r"'(\w+)'", OPEN_AGES)) == {s.value for s in OPEN}
