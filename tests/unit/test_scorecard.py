"""The scorecard against a hand-computed fixture (pure: no Slack, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.reviews import (
    default_period,
    engagement_span,
    parse_rating,
    review_due,
    review_problems,
)
from bot.domain.scorecard import DeliverableRow, IncidentRow, ReviewRow, scorecard, sparkline
from bot.ids import Field

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=UTC)


INCIDENTS = [
    IncidentRow("major", "resolved", "warning", 2),
    IncidentRow("moderate", "resolved", "corrective_action", 1),
    IncidentRow("minor", "dismissed"),
    IncidentRow("critical", "escalated"),  # open
    IncidentRow("moderate", "resolved", "warning", 1),
]

# (created, conduct, communication, timeliness, content, again) — mean in the comment
REVIEWS = [
    ReviewRow(at(2, 12), 3, 4, 3, 2, True),  # r7 3.0 (given out of order on purpose)
    ReviewRow(at(1, 1), 5, 5, 5, 5, True),  # r1 5.0
    ReviewRow(at(1, 8), 4, 4, 4, 4, True),  # r2 4.0
    ReviewRow(at(1, 15), 4, 5, 3, 4, True),  # r3 4.0
    ReviewRow(at(1, 22), 3, 3, 3, 3, False),  # r4 3.0
    ReviewRow(at(1, 29), 2, 3, 2, 3, False),  # r5 2.5
    ReviewRow(at(2, 5), 3, 2, 2, 1, False),  # r6 2.0
]

DELIVERABLES = [
    DeliverableRow(at(5, 1), "approved", submitted_at=at(4, 30)),  # due, on time
    DeliverableRow(at(5, 10), "published", published_at=at(5, 12)),  # due, late
    DeliverableRow(at(5, 20), "published", submitted_at=at(5, 21), published_at=at(5, 19)),  # on time
    DeliverableRow(at(5, 25), "late"),  # due, never delivered
    DeliverableRow(at(5, 28), "cancelled"),  # counts for nothing
    DeliverableRow(at(6, 10), "planned"),  # not due yet
    DeliverableRow(at(6, 15), "submitted", submitted_at=at(5, 31)),  # early: counts, on time
    DeliverableRow(at(5, 15), "submitted", submitted_at=at(5, 15)),  # exactly at the due time: on time
]


def test_scorecard_matches_the_hand_computed_figures():
    card = scorecard(INCIDENTS, REVIEWS, DELIVERABLES, NOW)

    assert card.incidents_total == 5 and card.open_incidents == 1
    assert card.by_severity == {"critical": 1, "major": 1, "moderate": 2, "minor": 1}
    assert list(card.by_severity) == ["critical", "major", "moderate", "minor"]
    assert card.by_outcome == {"warning": 2, "corrective_action": 1, "dismissed": 1}
    assert card.strikes == 4 and card.strike_level == "probation"  # 2 + 1 + 1; 3 ≤ 4 < 5

    assert card.reviews == 7
    assert card.averages == pytest.approx(
        {"conduct": 24 / 7, "communication": 26 / 7, "timeliness": 22 / 7, "content_quality": 22 / 7}
    )
    assert card.overall == pytest.approx(94 / 28)
    # last 3 (r5 r6 r7) = (2.5 + 2.0 + 3.0) / 3 = 2.5; previous 3 (r2 r3 r4) = (4 + 4 + 3) / 3
    assert card.trend.recent == pytest.approx(2.5)
    assert card.trend.previous == pytest.approx(11 / 3)
    assert card.trend.arrow == "↓"
    assert (card.trend.recent_count, card.trend.previous_count) == (3, 3)
    assert card.sparkline == "█▆▆▅▄▃▅"  # r1…r7 in order: 5, 4, 4, 3, 2.5, 2, 3
    assert card.would_work_again == pytest.approx(4 / 7)

    assert (card.delivered_on_time, card.deliverables_due) == (4, 6)
    assert card.on_time_rate == pytest.approx(2 / 3)


def test_counted_rows_read_as_that_many_incidents():
    # the store groups alike incidents into one row with their count
    counted = [
        IncidentRow("major", "resolved", "warning", 2, count=3),
        IncidentRow("moderate", "dismissed", count=2),
        IncidentRow("critical", "escalated", count=4),
        IncidentRow("minor", "resolved", None, 1, count=2),
    ]
    one_by_one = [
        IncidentRow(r.severity, r.status, r.outcome, r.strikes) for r in counted for _ in range(r.count)
    ]
    card = scorecard(counted, [], [], NOW)
    assert card == scorecard(one_by_one, [], [], NOW)
    assert card.incidents_total == 11 and card.open_incidents == 4
    assert card.by_severity == {"critical": 4, "major": 3, "moderate": 2, "minor": 2}
    assert card.by_outcome == {"warning": 3, "dismissed": 2, "unspecified": 2}
    assert card.strikes == 8 and card.strike_level == "suspension"  # 3 * 2 + 2 * 1


def test_empty_history():
    card = scorecard([], [], [], NOW)
    assert card.incidents_total == 0 and card.strikes == 0 and card.strike_level is None
    assert card.by_severity == {"critical": 0, "major": 0, "moderate": 0, "minor": 0}
    assert card.reviews == 0 and card.overall is None and card.trend is None and card.averages == {}
    assert card.would_work_again is None and card.on_time_rate is None


def test_trend_needs_two_reviews_and_reads_steady_within_a_quarter_point():
    fours = [ReviewRow(at(1, d), 4, 4, 4, 4, True) for d in (2, 3, 4)]
    assert scorecard([], fours[:1], [], NOW).trend is None  # nothing to compare with
    trend = scorecard([], [ReviewRow(at(1, 1), 2, 2, 2, 2, True), fours[0]], [], NOW).trend
    assert (trend.previous, trend.recent, trend.arrow) == (2.0, 4.0, "↑")  # 1 against 1
    assert (trend.previous_count, trend.recent_count) == (1, 1)
    # three reviews make a trend: the newer two against the first
    trend = scorecard([], [ReviewRow(at(1, 1), 2, 2, 2, 2, True), *fours[:2]], [], NOW).trend
    assert (trend.previous, trend.recent, trend.arrow) == (2.0, 4.0, "↑")
    assert (trend.previous_count, trend.recent_count) == (1, 2)
    rising = [ReviewRow(at(1, 1), 2, 2, 2, 2, True), *fours]  # previous = [2.0, 4.0], recent = 4.0
    trend = scorecard([], rising, [], NOW).trend
    assert (trend.previous, trend.recent, trend.arrow) == (3.0, 4.0, "↑")
    assert (trend.previous_count, trend.recent_count) == (2, 2)
    five = [ReviewRow(at(1, 1), 1, 1, 1, 1, True), *rising]  # 1 2 | 4 | 4 4 → the last 3 vs the 2 before
    trend = scorecard([], five, [], NOW).trend
    assert (trend.previous, trend.recent, trend.previous_count, trend.recent_count) == (1.5, 4.0, 2, 3)
    steady = [ReviewRow(at(1, 1), 4, 4, 4, 3, True), fours[0]]  # 3.75 → 4.0: +0.25 is not steady
    assert scorecard([], steady, [], NOW).trend.arrow == "↑"
    steady = [ReviewRow(at(1, 1), 4, 4, 4, 4, True), ReviewRow(at(1, 2), 4, 4, 4, 3, True)]
    assert scorecard([], steady, [], NOW).trend.arrow == "↓"  # 4.0 → 3.75
    steady = [*fours[:1], ReviewRow(at(1, 5), 4, 4, 4, 3, True), *fours[1:]]  # by date: 4, 4 | 4, 3.75
    assert scorecard([], steady, [], NOW).trend.arrow == "→"  # -0.125


def test_strike_thresholds():
    resolved = [IncidentRow("critical", "resolved", "contract_terminated", 3) for _ in range(2)]
    assert scorecard(resolved, [], [], NOW).strike_level == "suspension"  # 6 ≥ 5
    # strikes of incidents not (or not yet) resolved never count
    assert scorecard([IncidentRow("critical", "resolution_proposed", None, 3)], [], [], NOW).strikes == 0


def test_sparkline_uses_an_absolute_scale():
    assert sparkline([1, 5, 3]) == "▁█▅"


@pytest.mark.parametrize(
    ("value", "rating"),
    [("1", 1), ("5", 5), ("0", None), ("6", None), ("-1", None), ("4.5", None), ("", None), (None, None)],
)
def test_parse_rating(value, rating):
    assert parse_rating(value) == rating


def test_review_problems():
    day = NOW.date()
    good = {"conduct": 4, "communication": 5, "timeliness": 4, "content_quality": 4}
    assert review_problems(good, "", day, day, day, True) == {}
    low = {**good, "timeliness": 3}
    assert set(review_problems(low, "", day, day, day, True)) == {Field.NOTES}
    assert review_problems(low, "Late twice", day, day, day, True) == {}
    errors = review_problems({**good, "conduct": None}, "", day, day - timedelta(days=1), day, None)
    assert set(errors) == {Field.CONDUCT, Field.PERIOD_END, Field.WOULD_WORK_AGAIN}


def test_a_period_outside_the_engagement_is_a_field_error():
    good = {"conduct": 4, "communication": 5, "timeliness": 4, "content_quality": 4}
    invited = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)
    engaged = engagement_span(invited, date(2027, 3, 1), date(2027, 5, 31))
    assert engaged == (date(2026, 11, 10), date(2027, 5, 31))  # invited before the launch: from then

    def problems(start: date, end: date) -> dict[str, str]:
        return review_problems(good, "", start, end, date(2027, 7, 1), True, engaged)

    assert problems(date(2020, 1, 1), date(2020, 1, 7)) == {
        Field.PERIOD_END: "The period ends before the engagement began (10 Nov 2026)."
    }
    assert problems(date(2026, 11, 3), date(2026, 11, 9)) == {}  # a day of slack for time zones
    assert problems(date(2027, 5, 31), date(2027, 6, 6)) == {}  # overlaps the campaign's last day
    assert problems(date(2027, 6, 1), date(2027, 6, 7)) == {
        Field.PERIOD_START: "The period starts after the campaign ended (31 May 2027)."
    }
    assert problems(date(2027, 6, 1), date(2027, 5, 1)) == {  # each error says what is wrong
        Field.PERIOD_END: "The period ends before it starts.",
        Field.PERIOD_START: "The period starts after the campaign ended (31 May 2027).",
    }
    # invited once the campaign runs: from the campaign's start
    assert engagement_span(datetime(2027, 4, 2, tzinfo=UTC), date(2027, 3, 1), date(2027, 5, 31))[0] == date(
        2027, 3, 1
    )


def test_default_period_and_due():
    today = NOW.date()
    assert default_period(today, None) == (today - timedelta(days=7), today)
    assert default_period(today, today - timedelta(days=3)) == (today - timedelta(days=2), today)
    assert default_period(today, today) == (today - timedelta(days=7), today)
    ended = (today - timedelta(days=90), today - timedelta(days=20))  # the campaign ended 20 days ago
    assert default_period(today, None, ended) == (today - timedelta(days=27), ended[1])
    assert default_period(today, ended[1] - timedelta(days=3), ended) == (
        ended[1] - timedelta(days=2),
        ended[1],
    )
    assert review_due("weekly", None, NOW - timedelta(days=7), NOW)
    assert not review_due("weekly", NOW - timedelta(days=6), NOW - timedelta(days=60), NOW)
    assert not review_due("off", None, NOW - timedelta(days=365), NOW)
    assert review_due("monthly", NOW - timedelta(days=30), NOW - timedelta(days=90), NOW)
