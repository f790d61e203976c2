"""Insights as plain Python: periods in a time zone, quantiles from histograms, trends, deltas.

The store answers with small aggregates (`storage/queries/insights.py`: counts per period and
clause, histograms of durations per period, sums per influencer), never with the rows; these
functions turn those aggregates into the figures the charts and the digest show. They are pure,
so a test checks them against numbers worked out by hand (tests/unit/test_insights.py).

**Periods.** A report groups by week (Monday 00:00 to Monday 00:00 *in the reader's time zone*, so
a week that crosses a daylight-saving change is 167 or 169 hours long) or, over more than
`WEEKLY_UP_TO` weeks, by calendar month. `periods()` gives each period's bounds as UTC instants;
the SQL buckets rows with them (`width_bucket` on PostgreSQL, a CASE on SQLite), so the store and
this module always agree on which period a moment falls in.

**Quantiles.** Time to acknowledge and time to resolve are medians and 90th percentiles per week.
The store returns a histogram per week: for each duration bin (`DURATION_EDGES`), the count and
the smallest and largest duration in it. `quantile()` reads the value at a rank as
`percentile_cont` would (linear between the two nearest ranks), placing the values of a bin evenly
between its smallest and largest: exact whenever a bin holds at most two values, otherwise off by
less than the spread of that one bin (a bin is at most half as wide as its lower edge).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.disclosure.lint import Finding

H = 3600
DAY = 24 * H

#: How far back each report range reaches (None: since the first incident of the scope).
RANGES: dict[str, int | None] = {"30d": 30, "90d": 90, "all": None}
DEFAULT_RANGE = "90d"
#: Up to this many weeks a report is weekly; beyond, monthly (a bar per week would be a hair wide).
WEEKLY_UP_TO = 26

#: Duration bins (seconds), lower edges: 5-minute steps to 30 min, then each edge at most 1.5 x the
#: one before, up to 90 days (the last bin is open-ended).
DURATION_EDGES: tuple[int, ...] = (
    0,
    5 * 60,
    10 * 60,
    15 * 60,
    20 * 60,
    30 * 60,
    45 * 60,
    1 * H,
    90 * 60,
    2 * H,
    3 * H,
    4 * H,
    6 * H,
    8 * H,
    12 * H,
    16 * H,
    20 * H,
    24 * H,
    30 * H,
    36 * H,
    48 * H,
    60 * H,
    72 * H,
    4 * DAY,
    5 * DAY,
    7 * DAY,
    10 * DAY,
    14 * DAY,
    21 * DAY,
    28 * DAY,
    42 * DAY,
    60 * DAY,
    90 * DAY,
)

#: Open incidents' age buckets: lower edges in days, and their labels.
AGE_EDGES_DAYS: tuple[int, ...] = (0, 1, 3, 7, 14, 30)
AGE_LABELS: tuple[str, ...] = ("< 1 d", "1–3 d", "3–7 d", "1–2 wk", "2–4 wk", "> 4 wk")

#: A change smaller than this is "steady" (review averages on the 1-5 scale).
STEADY = 0.25


class Unit(StrEnum):
    WEEK = "week"
    MONTH = "month"


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name` (as Slack gives it), or UTC when unknown or missing."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ---------------------------------------------------------------------------------------------
# periods in a time zone


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) as UTC instants; `first_day` is the local date it starts on."""

    start: datetime
    end: datetime
    first_day: date


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """00:00 of `day` in `tz`, as a UTC instant (where midnight does not exist that day, the
    first moment after the gap)."""
    naive = datetime.combine(day, time(0))
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:  # a gap (clocks jumped over midnight): the end of the gap
        aware = (naive + timedelta(hours=1)).replace(tzinfo=tz)
    return aware.astimezone(UTC)


def week_start(moment: datetime, tz: ZoneInfo) -> date:
    """The local date of the Monday that starts the week `moment` falls in, in `tz`."""
    local = moment.astimezone(tz).date()
    return local - timedelta(days=local.weekday())


def month_start(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date().replace(day=1)


def _next_start(day: date, unit: Unit) -> date:
    if unit is Unit.WEEK:
        return day + timedelta(days=7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def unit_for(start: datetime, end: datetime) -> Unit:
    return Unit.WEEK if end - start <= timedelta(weeks=WEEKLY_UP_TO) else Unit.MONTH


def periods(start: datetime, end: datetime, tz: ZoneInfo, unit: Unit | None = None) -> list[Period]:
    """The weeks (or months) that cover [start, end], in `tz`; the first starts on or before
    `start`, the last ends after `end`."""
    unit = unit or unit_for(start, end)
    day = week_start(start, tz) if unit is Unit.WEEK else month_start(start, tz)
    out: list[Period] = []
    while True:
        following = _next_start(day, unit)
        period = Period(local_midnight(day, tz), local_midnight(following, tz), day)
        out.append(period)
        if period.end > end:
            return out
        day = following


def bounds(ps: Sequence[Period]) -> list[datetime]:
    """Every period's start, then the last one's end: the thresholds the SQL buckets with."""
    return [p.start for p in ps] + ([ps[-1].end] if ps else [])


def period_index(moment: datetime, ps: Sequence[Period]) -> int | None:
    """Which period `moment` falls in (the SQL's bucket minus one), or None when outside them all."""
    i = bisect_right(bounds(ps), moment) - 1
    return i if 0 <= i < len(ps) else None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# ---------------------------------------------------------------------------------------------
# quantiles from histograms


@dataclass(frozen=True, slots=True)
class Bin:
    """One histogram bin as the store returns it: how many values, the smallest, the largest."""

    count: int
    low: float
    high: float


def duration_bin(seconds: float) -> int:
    """The bin of a duration: 0 for the first edge … len(DURATION_EDGES) - 1 for the open-ended last
    (the SQL computes the same number, see storage.queries.insights)."""
    return max(bisect_right(DURATION_EDGES, seconds) - 1, 0)


def _value_at(bins: Sequence[Bin], rank: int) -> float:
    """The `rank`-th smallest value (0-based), the values of a bin spread evenly over [low, high]."""
    seen = 0
    for b in bins:
        if rank < seen + b.count:
            if b.count == 1:
                return b.low
            return b.low + (b.high - b.low) * (rank - seen) / (b.count - 1)
        seen += b.count
    raise IndexError(rank)


def quantile(bins: Sequence[Bin], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) of the values in `bins` (in bin order), like `percentile_cont`:
    linear between the two nearest ranks. None when there are no values."""
    bins = [b for b in bins if b.count > 0]
    n = sum(b.count for b in bins)
    if n == 0:
        return None
    rank = q * (n - 1)
    below = math.floor(rank)
    low = _value_at(bins, below)
    if rank == below:
        return low
    return low + (rank - below) * (_value_at(bins, below + 1) - low)


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and 90th percentile of a period's durations, in seconds, and how many there were."""

    count: int
    median: float | None
    p90: float | None


def spread(bins: Sequence[Bin]) -> Spread:
    return Spread(sum(b.count for b in bins), quantile(bins, 0.5), quantile(bins, 0.9))


def spreads(histogram: Mapping[tuple[int, int], Bin], n_periods: int) -> list[Spread]:
    """`histogram` maps (period index, bin) to the bin; one Spread per period."""
    out = []
    for k in range(n_periods):
        bins = [b for (p, _), b in sorted(histogram.items()) if p == k]
        out.append(spread(bins))
    return out


# ---------------------------------------------------------------------------------------------
# series, deltas, trends


def open_series(open_now: int, opened: Sequence[int], closed: Sequence[int]) -> list[int]:
    """Open incidents at the end of each period, from the number open now and the incidents opened
    and closed in each period (the last period ends now).

    An incident closed after a period's end was open at that end if it was opened before it; one
    opened and closed after it counts in both and cancels out. So walking back from now:
    open at the end of k = open at the end of k+1 - opened in k+1 + closed in k+1.
    """
    out = [open_now]
    for k in range(len(opened) - 1, 0, -1):
        out.append(out[-1] - opened[k] + closed[k])
    return out[::-1]


@dataclass(frozen=True, slots=True)
class Change:
    """This week against the week before."""

    now: int
    before: int

    @property
    def delta(self) -> int:
        return self.now - self.before

    def arrow(self) -> str:
        return "→" if self.delta == 0 else ("↑" if self.delta > 0 else "↓")

    def text(self) -> str:
        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else "±"
        return f"{self.now} ({self.arrow()} {sign}{abs(self.delta)})"


def slope(values: Sequence[float | None]) -> float | None:
    """Least-squares slope of `values` against their position (None values skipped): the change
    per period. None with fewer than two values."""
    points = [(x, y) for x, y in enumerate(values) if y is not None]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var


def arrow(delta: float | None, steady: float = STEADY) -> str:
    if delta is None:
        return ""
    return "→" if abs(delta) < steady else ("↑" if delta > 0 else "↓")


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def mean(total: float | None, count: int) -> float | None:
    return total / count if count and total is not None else None


# ---------------------------------------------------------------------------------------------
# the disclosure lint's verdict, as stored on a compliance check

#: `bot.domain.deliverables.suggestions` writes "Lint (<market>): <finding> …" on the disclosure
#: items; the store counts the findings with these LIKE patterns (one per finding).
LINT_PATTERNS: dict[str, str] = {f.value: f"Lint (%): {f.value}%" for f in Finding}


def human_duration(seconds: float | None) -> str:
    """2 h 05 min, 3.5 d, 40 min — short, for charts and digests."""
    if seconds is None:
        return "—"
    if seconds < H:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * DAY:
        h, m = divmod(round(seconds / 60), 60)
        return f"{h} h {m:02d} min" if m else f"{h} h"
    return f"{seconds / DAY:.1f} d"


def age_edges(now: datetime) -> list[datetime]:
    """The creation times that separate the age buckets, newest first: created after edges[0] is
    under a day old, and so on."""
    return [now - timedelta(days=d) for d in AGE_EDGES_DAYS[1:]]


# ---------------------------------------------------------------------------------------------
# what a report shows


SEVERITIES = ("minor", "moderate", "major", "critical")


@dataclass(frozen=True, slots=True)
class Header:
    """What every chart says besides its data: whose figures, over which dates, in which zone."""

    scope: str  # "Spring Launch (spring)" or "All campaigns"
    start: datetime
    end: datetime
    tz: ZoneInfo
    unit: Unit = Unit.WEEK

    def dates(self) -> str:
        first, last = self.start.astimezone(self.tz).date(), self.end.astimezone(self.tz).date()
        left = f"{first.day} {first:%b}" + (f" {first.year}" if first.year != last.year else "")
        return f"{left} – {last.day} {last:%b} {last.year}"

    def zone_name(self) -> str:
        """ "New York" for America/New_York; "UTC" for UTC."""
        return self.tz.key.rsplit("/", 1)[-1].replace("_", " ")

    def subtitle(self) -> str:
        return f"{self.scope} · {self.dates()}, {self.zone_name()} time"


@dataclass(frozen=True, slots=True)
class Person:
    """One influencer's line in a per-influencer chart."""

    name: str
    value: float | None
    count: int = 0  # what the value is out of (deliverables due, reviews, resolved incidents)
    extra: float | None = None  # on-time: delivered on time; reviews: trend; strikes: unused
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything a report draws, computed from the store's aggregates."""

    header: Header
    periods: tuple[Period, ...]
    by_clause: dict[str, list[int]]  # clause label → incidents reported per period
    by_severity: dict[str, list[int]]  # severity → incidents reported per period
    ack: tuple[Spread, ...]
    resolve: tuple[Spread, ...]
    opened: tuple[int, ...]
    closed: tuple[int, ...]
    open_now: int
    ages: dict[str, dict[str, int]]  # age label → severity → open incidents
    on_time: tuple[Person, ...] = ()
    passed: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    waived: tuple[int, ...] = ()
    findings: dict[str, int] = field(default_factory=dict)
    reviews: tuple[Person, ...] = ()
    strikes: tuple[Person, ...] = ()
    #: the histograms behind `ack` and `resolve`: (period, bin) → Bin
    ack_bins: dict[tuple[int, int], Bin] = field(default_factory=dict)
    resolve_bins: dict[tuple[int, int], Bin] = field(default_factory=dict)

    @property
    def open_series(self) -> list[int]:
        return open_series(self.open_now, self.opened, self.closed)

    @property
    def reported(self) -> int:
        return sum(self.opened)

    @property
    def pass_rate(self) -> float | None:
        return rate(sum(self.passed), sum(self.passed) + sum(self.failed))


def per_period(rows: Sequence[tuple[int, str, int]], keys: Sequence[str], n: int) -> dict[str, list[int]]:
    """(period, key, count) rows → key → counts per period, keys in the given order (and any other
    key the rows have, after them)."""
    out: dict[str, list[int]] = {k: [0] * n for k in keys}
    for p, key, count in rows:
        out.setdefault(key, [0] * n)[p] += count
    return out


def ages_by_label(counts: Mapping[tuple[int, str], int]) -> dict[str, dict[str, int]]:
    """(age bucket, severity) → count, as age label → severity → count (every label and severity)."""
    return {label: {sev: counts.get((i, sev), 0) for sev in SEVERITIES} for i, label in enumerate(AGE_LABELS)}
