"""The influencer scorecard (the vetting view before hiring again): a pure function from rows to figures.

The storage layer reads one influencer's incidents, reviews and deliverables across every campaign
of the workspace; `scorecard()` turns them into the figures the view shows, so a test can check
them against a hand-computed fixture with no Slack and no database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.domain.enums import DeliverableStatus, IncidentStatus, Severity
from bot.domain.incidents import OPEN, PROBATION_AT, SUSPENSION_AT
from bot.domain.reviews import DIMENSION_KEYS

#: Reviews compared for the trend: the last TREND_WINDOW against the TREND_WINDOW before them.
#: With fewer than twice TREND_WINDOW reviews, the newer half against the older half (the newer
#: half takes the odd one): 2 reviews compare 1 with 1, 3 compare the last 2 with the first.
TREND_WINDOW = 3
#: A trend needs something to compare with: at least this many reviews.
TREND_MIN_REVIEWS = 2
#: A change of the average smaller than this (on the 1-5 scale) is "steady".
TREND_STEADY = 0.25
SPARK = "▁▂▃▄▅▆▇█"
SPARK_REVIEWS = 8


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """`count` incidents alike in what the scorecard reads of them: the store groups them, so an
    influencer with 8,000 incidents is a few dozen rows."""

    severity: str
    status: str
    outcome: str | None = None
    strikes: int | None = None
    count: int = 1


@dataclass(frozen=True, slots=True)
class ReviewRow:
    created_at: datetime
    conduct: int
    communication: int
    timeliness: int
    content_quality: int
    would_work_again: bool

    def ratings(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in DIMENSION_KEYS}

    def mean(self) -> float:
        return sum(self.ratings().values()) / len(DIMENSION_KEYS)


@dataclass(frozen=True, slots=True)
class DeliverableRow:
    due_at: datetime
    status: str
    submitted_at: datetime | None = None
    published_at: datetime | None = None

    @property
    def delivered_at(self) -> datetime | None:
        """When the work reached the brand: the first of submission and publication."""
        moments = [m for m in (self.submitted_at, self.published_at) if m is not None]
        return min(moments) if moments else None


@dataclass(frozen=True, slots=True)
class Trend:
    recent: float  # mean of the newest reviews (at most TREND_WINDOW)
    previous: float  # mean of those before them (at most TREND_WINDOW)
    arrow: str  # ↑ ↓ →
    recent_count: int = TREND_WINDOW
    previous_count: int = TREND_WINDOW

    @property
    def delta(self) -> float:
        return self.recent - self.previous


@dataclass(frozen=True, slots=True)
class Scorecard:
    incidents_total: int
    open_incidents: int
    by_severity: dict[str, int]  # every severity, most severe first, zero included
    by_outcome: dict[str, int]  # resolved incidents by outcome, plus "dismissed"
    strikes: int
    strike_level: str | None  # "probation" / "suspension" threshold reached, else None
    reviews: int
    averages: dict[str, float] = field(default_factory=dict)  # per dimension, only with reviews
    overall: float | None = None
    trend: Trend | None = None
    sparkline: str = ""
    would_work_again: float | None = None  # share of reviews answering yes, 0..1
    deliverables_due: int = 0
    delivered_on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.delivered_on_time / self.deliverables_due if self.deliverables_due else None


SEVERITY_ORDER = (Severity.CRITICAL, Severity.MAJOR, Severity.MODERATE, Severity.MINOR)


def _trend(reviews: list[ReviewRow]) -> Trend | None:
    if len(reviews) < TREND_MIN_REVIEWS:
        return None
    newer = min(TREND_WINDOW, (len(reviews) + 1) // 2)
    recent = reviews[-newer:]
    previous = reviews[-newer - min(TREND_WINDOW, len(reviews) - newer) : -newer]
    recent_mean = sum(r.mean() for r in recent) / len(recent)
    previous_mean = sum(r.mean() for r in previous) / len(previous)
    delta = recent_mean - previous_mean
    arrow = "→" if abs(delta) < TREND_STEADY else ("↑" if delta > 0 else "↓")
    return Trend(recent_mean, previous_mean, arrow, len(recent), len(previous))


def sparkline(means: list[float]) -> str:
    """One bar per review, 1 → ▁ … 5 → █ (absolute scale, so two scorecards compare)."""
    top = len(SPARK) - 1
    return "".join(SPARK[round((min(max(m, 1.0), 5.0) - 1) / 4 * top)] for m in means)


def on_time(deliverables: list[DeliverableRow], now: datetime) -> tuple[int, int]:
    """(delivered on time, due): a deliverable counts once its due time passed or it was delivered.

    Cancelled deliverables count for nothing; one delivered after its due time, or not at all by
    then, is late.
    """
    due = on_time_count = 0
    for d in deliverables:
        if d.status == DeliverableStatus.CANCELLED:
            continue
        delivered = d.delivered_at
        if d.due_at > now and delivered is None:
            continue  # not due yet
        due += 1
        if delivered is not None and delivered <= d.due_at:
            on_time_count += 1
    return on_time_count, due


def scorecard(
    incidents: list[IncidentRow],
    reviews: list[ReviewRow],
    deliverables: list[DeliverableRow],
    now: datetime,
) -> Scorecard:
    reviews = sorted(reviews, key=lambda r: r.created_at)
    severities: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    strikes = total = still_open = 0
    for incident in incidents:
        n = incident.count
        total += n
        severities[incident.severity] += n
        if incident.status == IncidentStatus.RESOLVED:
            outcomes[incident.outcome or "unspecified"] += n
            strikes += (incident.strikes or 0) * n
        elif incident.status == IncidentStatus.DISMISSED:
            outcomes["dismissed"] += n
        elif incident.status in OPEN:
            still_open += n
    level = "suspension" if strikes >= SUSPENSION_AT else "probation" if strikes >= PROBATION_AT else None
    delivered, due = on_time(deliverables, now)
    card = Scorecard(
        incidents_total=total,
        open_incidents=still_open,
        by_severity={s.value: severities.get(s.value, 0) for s in SEVERITY_ORDER},
        by_outcome=dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
        strikes=strikes,
        strike_level=level,
        reviews=len(reviews),
        deliverables_due=due,
        delivered_on_time=delivered,
    )
    if not reviews:
        return card
    averages = {key: sum(r.ratings()[key] for r in reviews) / len(reviews) for key in DIMENSION_KEYS}
    return replace(
        card,
        averages=averages,
        overall=sum(averages.values()) / len(averages),
        trend=_trend(reviews),
        sparkline=sparkline([r.mean() for r in reviews[-SPARK_REVIEWS:]]),
        would_work_again=sum(1 for r in reviews if r.would_work_again) / len(reviews),
    )
