"""Insights as SQL aggregates: counts per period, duration histograms, sums per influencer.

Every function reads one scope (a workspace, or the engagements of some campaigns) and returns a
few hundred rows at most whatever the number of incidents: the store groups, Python only reads
the groups (`bot.domain.insights` turns them into figures).

- **Periods** are given as UTC bounds computed in the reader's time zone (`insights.periods`). A
  row's period is `width_bucket(ts, bounds) - 1` on PostgreSQL (a binary search in the array) and
  a CASE over the same bounds on SQLite; rows outside the bounds are filtered out before.
- **Durations** (time to acknowledge, time to resolve) come back as a histogram per period:
  per bin of `insights.DURATION_EDGES`, the count, the shortest and the longest.
- Lists per influencer (on-time delivery, reviews, strikes) are ordered and limited in SQL.

Indexes: incidents by (team_id, created_at) and (team_id, resolved_at) for date ranges over a
workspace, (engagement_id, status) for a campaign; open incidents by the partial indexes over open
statuses. A workspace's past days are kept per UTC day (`insight_day`, see "settled days"
below): a program's report reads them and only the days its periods start or end in from the
incidents. See docs/insights.md for the measured figures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Float,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    cast,
    delete,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import insights as rules
from bot.domain.enums import (
    CampaignStatus,
    ComplianceItem,
    ComplianceStatus,
    DeliverableStatus,
    IncidentStatus,
    ReminderKind,
    ReminderStatus,
    Role,
)
from bot.domain.incidents import OPEN
from scheduler.planner import CampaignFacts
from storage.models import (
    Campaign,
    CampaignRole,
    ChartFile,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Guideline,
    Incident,
    Influencer,
    InsightDay,
    InsightSettled,
    Reminder,
    Review,
    UserTimeZone,
    Workspace,
)
from storage.queries import insert
from storage.queries.campaigns import an_influencer
from storage.types import UTCDateTime

I = Incident.__table__.c  # noqa: E741
OPEN_STATUSES = sorted(s.value for s in OPEN)
CLOSED_STATUSES = (IncidentStatus.RESOLVED.value, IncidentStatus.DISMISSED.value)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a report covers: a workspace (`engagement_ids` None) or a set of engagements."""

    team_id: str
    engagement_ids: tuple[int, ...] | None = None

    @property
    def empty(self) -> bool:
        return self.engagement_ids is not None and not self.engagement_ids


def _dialect(s: AsyncSession) -> str:
    return s.get_bind().dialect.name


def _ids_in(s: AsyncSession, column, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`, as one bind parameter whatever their number."""
    ids = [int(i) for i in ids]
    if _dialect(s) == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))


def _scoped(s: AsyncSession, scope: Scope, team_column, engagement_column) -> list[ColumnElement[bool]]:
    where = [team_column == scope.team_id]
    if scope.engagement_ids is not None:
        where.append(_ids_in(s, engagement_column, scope.engagement_ids))
    return where


def _bucket(s: AsyncSession, column, edges: Sequence[Any], type_) -> ColumnElement[int]:
    """The index of the interval of `edges` (sorted) that `column` falls in: 0 for
    [edges[0], edges[1]), …; -1 below the first edge, len(edges) - 1 from the last one on."""
    if _dialect(s) == "postgresql":
        return func.width_bucket(column, bindparam(None, list(edges), type_=ARRAY(type_))) - 1
    return case(
        *((column < bindparam(None, edge, type_=type_), i - 1) for i, edge in enumerate(edges)),
        else_=len(edges) - 1,
    )


def _period(s: AsyncSession, column, bounds: Sequence[datetime]) -> ColumnElement[int]:
    return _bucket(s, column, bounds, UTCDateTime() if _dialect(s) == "sqlite" else DateTime(timezone=True))


def _seconds(s: AsyncSession, later, earlier) -> ColumnElement[float]:
    if _dialect(s) == "postgresql":  # date_part is a double; EXTRACT a numeric, three times slower
        return func.date_part("epoch", later - earlier)
    # julianday() is a double of days: milliseconds are all it carries exactly
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def _in_range(column, bounds: Sequence[datetime]) -> ColumnElement[bool]:
    return and_(column >= bounds[0], column < bounds[-1])


async def prepare(s: AsyncSession) -> None:
    """Before a report's aggregates, on PostgreSQL: no JIT compilation (it costs more than it saves
    on these one-pass aggregates: 100-150 ms per statement over a million rows)."""
    if _dialect(s) == "postgresql":
        await s.exec(text("SET LOCAL jit = off"))


# ---------------------------------------------------------------------------------------------
# scopes


async def campaign_scope(s: AsyncSession, campaign: Campaign) -> Scope:
    ids = await s.exec(
        select(Engagement.id).where(
            Engagement.team_id == campaign.team_id, Engagement.campaign_id == campaign.id
        )
    )
    return Scope(campaign.team_id, tuple(ids.scalars().all()))


async def brand_scope(
    s: AsyncSession, team_id: str, user_id: str, email: str | None = None
) -> tuple[Scope, list[int]]:
    """The engagements of the campaigns where `user_id` holds a brand role, and those campaigns
    (one statement); none for someone who is an influencer anywhere in the workspace, also by the
    `email` Slack shows for them (`an_influencer`)."""
    rows = await s.exec(
        select(CampaignRole.campaign_id, Engagement.id)
        .outerjoin(
            Engagement,
            and_(Engagement.campaign_id == CampaignRole.campaign_id, Engagement.team_id == team_id),
        )
        .where(
            CampaignRole.team_id == team_id,
            CampaignRole.user_id == user_id,
            ~an_influencer(team_id, user_id, email),
        )
    )
    pairs = rows.all()
    campaign_ids = sorted({c for c, _ in pairs})
    return Scope(team_id, tuple(sorted({e for _, e in pairs if e is not None}))), campaign_ids


async def first_incident_at(s: AsyncSession, scope: Scope) -> datetime | None:
    """When the scope's first incident was reported (the start of an `all` report)."""
    if scope.empty:
        return None
    query = select(func.min(I.created_at)).where(*_scoped(s, scope, I.team_id, I.engagement_id))
    return (await s.exec(query)).scalar_one()


# ---------------------------------------------------------------------------------------------
# incidents


async def reported(
    s: AsyncSession,
    scope: Scope,
    bounds: Sequence[datetime],
    *,
    by_category: bool,
    settled: datetime | None = None,
) -> list[tuple[int, Any, str, int]]:
    """Incidents reported per (period, clause, severity): the clause is the guideline id, or its
    category with `by_category` (a program's campaigns each have their own clauses). A workspace's
    figures by category read the days settled before `settled` from `insight_day`."""
    if scope.empty:
        return []
    use = by_category and scope.engagement_ids is None
    sp = split(bounds, settled if use else None)
    where = [*_scoped(s, scope, I.team_id, I.engagement_id), _in_ranges(I.created_at, sp.ranges)]
    if by_category:
        inner = (
            select(
                _period(s, I.created_at, bounds).label("p"),
                Guideline.category.label("k"),
                I.severity.label("sev"),
            )
            .select_from(Incident.__table__.join(Guideline, Guideline.id == I.guideline_id))
            .where(*where)
            .subquery()
        )
    else:
        inner = (
            select(
                _period(s, I.created_at, bounds).label("p"),
                I.guideline_id.label("k"),
                I.severity.label("sev"),
            )
            .where(*where)
            .subquery()
        )
    rows = await s.exec(
        select(inner.c.p, inner.c.k, inner.c.sev, func.count()).group_by(inner.c.p, inner.c.k, inner.c.sev)
    )
    out = [(int(p), k, sev, int(n)) for p, k, sev, n in rows.all()]
    if sp.first is None:
        return out
    p = _period(s, D.day, bounds).label("p")
    cached = await s.exec(
        select(p, D.key, D.sub, func.sum(D.n))
        .where(*_cached(s, scope.team_id, "reported", sp))
        .group_by(p, D.key, D.sub)
    )
    merged: dict[tuple, int] = {}
    for p, k, sev, n in [*out, *cached.all()]:
        merged[(int(p), k, sev)] = merged.get((int(p), k, sev), 0) + int(n)
    return [(p, k, sev, n) for (p, k, sev), n in merged.items()]


async def guideline_labels(s: AsyncSession, team_id: str, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Guideline id → (code, title)."""
    if not ids:
        return {}
    rows = await s.exec(
        select(Guideline.id, Guideline.code, Guideline.title).where(
            Guideline.team_id == team_id, _ids_in(s, Guideline.id, ids)
        )
    )
    return {gid: (code, title) for gid, code, title in rows.all()}


async def _histogram(s: AsyncSession, moment, duration, where, bounds, extra=()) -> list[tuple]:
    """(period, bin, *extra, count, min, max) of `duration` per period of `moment`. `where` may
    select more rows than the periods hold (a plain-column filter the planner can estimate and an
    index can serve); the groups outside the periods are dropped here."""
    inner = (
        select(
            _period(s, moment, bounds).label("p"),
            _bucket(s, duration, rules.DURATION_EDGES, Float()).label("b"),
            duration.label("d"),
            *extra,
        )
        .where(*where)
        .subquery()
    )
    keys = [inner.c.p, inner.c.b, *(inner.c[e.name] for e in extra)]
    rows = await s.exec(select(*keys, func.count(), func.min(inner.c.d), func.max(inner.c.d)).group_by(*keys))
    n = len(bounds) - 1
    return [row for row in rows.all() if 0 <= row[0] < n]


async def acknowledged(
    s: AsyncSession, scope: Scope, bounds: Sequence[datetime], settled: datetime | None = None
) -> dict[tuple[int, int], rules.Bin]:
    """Time to acknowledge per period of acknowledgement: from the report to the influencer's first
    reaction (Acknowledge, or a response before it), as a histogram. A workspace's figures read the
    days settled before `settled` from `insight_day`."""
    if scope.empty:
        return {}
    sp = split(bounds, settled if scope.engagement_ids is None else None)
    first = _first_reaction()
    # the first reaction falls in the periods only if one of the two moments does
    where = [
        *_scoped(s, scope, I.team_id, I.engagement_id),
        or_(_in_ranges(I.acknowledged_at, sp.ranges), _in_ranges(I.responded_at, sp.ranges)),
    ]
    if sp.first is not None:
        where.append(_in_ranges(first, sp.ranges))
    rows = await _histogram(s, first, _seconds(s, first, I.created_at), where, bounds)
    if sp.first is None:
        return {(int(p), int(b)): rules.Bin(int(n), float(lo), float(hi)) for p, b, n, lo, hi in rows}
    merged: dict[tuple, tuple] = {}
    for p, b, n, lo, hi in [*rows, *await _cached_bins(s, scope.team_id, "ack", sp, bounds)]:
        _merge_bins(merged, p, (int(b),), n, lo, hi)
    return {k: rules.Bin(*v) for k, v in merged.items()}


async def _cached_bins(s: AsyncSession, team_id: str, kind, sp: Split, bounds, extra=()) -> list[tuple]:
    p = _period(s, D.day, bounds).label("p")
    rows = await s.exec(
        select(p, D.bin, *extra, func.sum(D.n), func.min(D.lo), func.max(D.hi))
        .where(*_cached(s, team_id, kind, sp))
        .group_by(p, D.bin, *extra)
    )
    return list(rows.all())


@dataclass(frozen=True, slots=True)
class Closed:
    """Incidents closed per period (resolved or dismissed), and the resolved ones' time to resolve."""

    per_period: list[int]
    resolve: dict[tuple[int, int], rules.Bin]


async def closed(
    s: AsyncSession, scope: Scope, bounds: Sequence[datetime], settled: datetime | None = None
) -> Closed:
    n = len(bounds) - 1
    if scope.empty:
        return Closed([0] * n, {})
    sp = split(bounds, settled if scope.engagement_ids is None else None)
    where = [
        *_scoped(s, scope, I.team_id, I.engagement_id),
        I.status.in_(CLOSED_STATUSES),
        _in_ranges(I.resolved_at, sp.ranges),
    ]
    rows = await _histogram(
        s, I.resolved_at, _seconds(s, I.resolved_at, I.created_at), where, bounds, (I.status.label("st"),)
    )
    if sp.first is not None:
        merged: dict[tuple, tuple] = {}
        cached = await _cached_bins(s, scope.team_id, CLOSED_STATUSES, sp, bounds, (D.kind,))
        for p, b, st, count, lo, hi in [*rows, *cached]:
            _merge_bins(merged, p, (int(b), st), count, lo, hi)
        rows = [(p, b, st, *v) for (p, b, st), v in merged.items()]
    per = [0] * n
    resolve: dict[tuple[int, int], rules.Bin] = {}
    for p, b, st, count, lo, hi in rows:
        per[int(p)] += int(count)
        if st == IncidentStatus.RESOLVED:
            resolve[(int(p), int(b))] = rules.Bin(int(count), float(lo), float(hi))
    return Closed(per, resolve)


async def trend(
    s: AsyncSession, scope: Scope, bounds: Sequence[datetime]
) -> tuple[list[int], list[int], int]:
    """In one statement (App Home): incidents reported per period, closed per period, open now."""
    n = len(bounds) - 1
    if scope.empty:
        return [0] * n, [0] * n, 0
    is_open = I.status.in_(OPEN_STATUSES)
    closed_in = and_(I.status.in_(CLOSED_STATUSES), _in_range(I.resolved_at, bounds))
    inner = (
        select(
            case((_in_range(I.created_at, bounds), _period(s, I.created_at, bounds)), else_=-1).label("pc"),
            case((closed_in, _period(s, I.resolved_at, bounds)), else_=-1).label("pr"),
            case((is_open, 1), else_=0).label("o"),
        )
        .where(
            *_scoped(s, scope, I.team_id, I.engagement_id),
            or_(I.created_at >= bounds[0], I.resolved_at >= bounds[0], is_open),
        )
        .subquery()
    )
    rows = await s.exec(
        select(inner.c.pc, inner.c.pr, inner.c.o, func.count()).group_by(inner.c.pc, inner.c.pr, inner.c.o)
    )
    opened, closed, now_open = [0] * n, [0] * n, 0
    for pc, pr, o, count in rows.all():
        if 0 <= pc < n:
            opened[pc] += count
        if 0 <= pr < n:
            closed[pr] += count
        now_open += count if o else 0
    return opened, closed, now_open


async def open_now(s: AsyncSession, scope: Scope) -> int:
    if scope.empty:
        return 0
    query = (
        select(func.count())
        .select_from(Incident.__table__)
        .where(*_scoped(s, scope, I.team_id, I.engagement_id), I.status.in_(OPEN_STATUSES))
    )
    return int((await s.exec(query)).scalar_one())


async def open_ages(s: AsyncSession, scope: Scope, now: datetime) -> dict[tuple[int, str], int]:
    """Open incidents per (age bucket, severity): bucket 0 is under a day old."""
    if scope.empty:
        return {}
    edges = rules.age_edges(now)  # newest first
    age = case(
        *((I.created_at > bindparam(None, edge, type_=UTCDateTime()), i) for i, edge in enumerate(edges)),
        else_=len(edges),
    )
    inner = (
        select(age.label("a"), I.severity.label("sev"))
        .where(*_scoped(s, scope, I.team_id, I.engagement_id), I.status.in_(OPEN_STATUSES))
        .subquery()
    )
    rows = await s.exec(select(inner.c.a, inner.c.sev, func.count()).group_by(inner.c.a, inner.c.sev))
    return {(int(a), sev): int(n) for a, sev, n in rows.all()}


# ---------------------------------------------------------------------------------------------
# settled days: a workspace's incident figures kept per UTC day

DAY = timedelta(days=1)
#: A day is settled this long after it ended (a transaction that took `now` before midnight has
#: committed by then).
SETTLE_AFTER = timedelta(hours=1)
#: Days filled per statement (SQLite buckets with a CASE over the days' bounds).
FILL_DAYS = {"postgresql": 400, "sqlite": 31}
D = InsightDay.__table__.c


def _floor_day(t: datetime) -> datetime:
    t = t.astimezone(UTC)
    return datetime(t.year, t.month, t.day, tzinfo=UTC)


def _first_reaction():
    return case(
        (I.acknowledged_at.is_(None), I.responded_at),
        (I.responded_at.is_(None), I.acknowledged_at),
        (I.acknowledged_at < I.responded_at, I.acknowledged_at),
        else_=I.responded_at,
    )


def _in_ranges(column, ranges: Sequence[tuple[datetime, datetime]]) -> ColumnElement[bool]:
    return or_(false(), *(_in_range(column, r) for r in ranges))


@dataclass(frozen=True, slots=True)
class Split:
    """Which parts of [bounds[0], bounds[-1]) a report reads from `insight_day` (whole settled days
    inside one period) and which from the incidents (the rest: days a period starts or ends in,
    days not settled yet)."""

    first: datetime | None  # cached days: first <= day < end, not in `cut`
    end: datetime | None
    cut: tuple[datetime, ...]
    ranges: tuple[tuple[datetime, datetime], ...]  # read from the incidents


def split(bounds: Sequence[datetime], settled: datetime | None) -> Split:
    start, end = bounds[0], bounds[-1]
    if settled is None:
        return Split(None, None, (), ((start, end),))
    first = _floor_day(start)
    first = first if first == start else first + DAY
    last = min(_floor_day(end), settled)
    if first >= last:
        return Split(None, None, (), ((start, end),))
    cut = sorted({_floor_day(b) for b in bounds if first <= _floor_day(b) < last and _floor_day(b) != b})
    pieces = [(start, first), *((c, c + DAY) for c in cut), (last, end)]
    ranges: list[tuple[datetime, datetime]] = []
    for a, b in pieces:
        if a >= b:
            continue
        if ranges and ranges[-1][1] == a:
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
    return Split(first, last, tuple(cut), tuple(ranges))


def _cached(s: AsyncSession, team_id: str, kind, sp: Split) -> list[ColumnElement[bool]]:
    where = [D.team_id == team_id, D.day >= sp.first, D.day < sp.end]
    where.append(D.kind.in_(kind) if isinstance(kind, (list, tuple)) else D.kind == kind)
    for c in sp.cut:
        where.append(D.day != c)
    return where


async def settled_through(s: AsyncSession, team_id: str) -> datetime | None:
    return (
        await s.exec(select(InsightSettled.through).where(InsightSettled.team_id == team_id))
    ).scalar_one_or_none()


async def settle(s: AsyncSession, team_id: str, now: datetime) -> datetime | None:
    """Keep the workspace's incident figures per UTC day up to the last midnight at least
    `SETTLE_AFTER` ago, and return that midnight (None: no incident yet).

    A settled day never changes: an incident's report, first reaction and closing are each written
    once, at the moment they happen, so a past day gains or loses nothing. The first call fills
    every past day; later ones the days since. Concurrent calls queue on the workspace's row."""
    target = _floor_day(now - SETTLE_AFTER)
    await s.exec(insert(s, InsightSettled.__table__).values(team_id=team_id).on_conflict_do_nothing())
    t = InsightSettled.__table__
    # takes the row's lock before reading it
    await s.exec(t.update().where(t.c.team_id == team_id).values(through=t.c.through))
    through = await settled_through(s, team_id)
    if through is None:
        first = (await s.exec(select(func.min(I.created_at)).where(I.team_id == team_id))).scalar_one()
        if first is None:
            return None
        through = _floor_day(first)
    step = FILL_DAYS.get(_dialect(s), 31)
    day = through
    while day < target:
        stop = min(target, day + step * DAY)
        await _fill(s, team_id, [day + k * DAY for k in range((stop - day) // DAY + 1)])
        day = stop
    if day > through or (await settled_through(s, team_id)) is None:
        await s.exec(t.update().where(t.c.team_id == team_id).values(through=max(day, through)))
    return max(day, through)


async def _fill(s: AsyncSession, team_id: str, days: list[datetime]) -> None:
    """The figures of `days[:-1]` (consecutive UTC midnights, the last one excluded)."""
    window = [(days[0], days[-1])]
    rows: list[dict] = []
    reported = (
        select(
            _period(s, I.created_at, days).label("p"), Guideline.category.label("k"), I.severity.label("sev")
        )
        .select_from(Incident.__table__.join(Guideline, Guideline.id == I.guideline_id))
        .where(I.team_id == team_id, _in_range(I.created_at, days))
        .subquery()
    )
    for p, k, sev, n in (
        await s.exec(
            select(reported.c.p, reported.c.k, reported.c.sev, func.count()).group_by(
                reported.c.p, reported.c.k, reported.c.sev
            )
        )
    ).all():
        rows.append(dict(kind="reported", day=days[p], key=k, sub=sev, bin=0, n=n))
    first = _first_reaction()
    for p, b, n, lo, hi in await _histogram(
        s,
        first,
        _seconds(s, first, I.created_at),
        [
            I.team_id == team_id,
            or_(_in_ranges(I.acknowledged_at, window), _in_ranges(I.responded_at, window)),
            _in_range(first, days),
        ],
        days,
    ):
        rows.append(dict(kind="ack", day=days[p], key="", sub="", bin=b, n=n, lo=lo, hi=hi))
    for p, b, st, n, lo, hi in await _histogram(
        s,
        I.resolved_at,
        _seconds(s, I.resolved_at, I.created_at),
        [I.team_id == team_id, I.status.in_(CLOSED_STATUSES), _in_range(I.resolved_at, days)],
        days,
        (I.status.label("st"),),
    ):
        rows.append(dict(kind=st, day=days[p], key="", sub="", bin=b, n=n, lo=lo, hi=hi))
    rows = [{"team_id": team_id, "lo": None, "hi": None, **r} for r in rows]
    for k in range(0, len(rows), 1000):
        await s.exec(insert(s, InsightDay.__table__).values(rows[k : k + 1000]).on_conflict_do_nothing())


async def forget_days(s: AsyncSession, team_id: str) -> None:
    """Drop a workspace's settled days (a clause changed category: the days count by category);
    the next report settles them again."""
    await s.exec(InsightDay.__table__.delete().where(D.team_id == team_id))
    await s.exec(InsightSettled.__table__.delete().where(InsightSettled.team_id == team_id))


def _merge_bins(into: dict, p: int, key, n, lo, hi) -> None:
    k = (int(p), *key)
    if k in into:
        old = into[k]
        into[k] = (old[0] + int(n), min(old[1], float(lo)), max(old[2], float(hi)))
    else:
        into[k] = (int(n), float(lo), float(hi))


# ---------------------------------------------------------------------------------------------
# per influencer


@dataclass(frozen=True, slots=True)
class OnTime:
    influencer_id: int
    name: str
    on_time: int
    due: int


def _delivered():
    d = Deliverable.__table__.c
    return case(
        (d.submitted_at.is_(None), d.published_at),
        (d.published_at.is_(None), d.submitted_at),
        (d.submitted_at < d.published_at, d.submitted_at),
        else_=d.published_at,
    )


async def on_time(
    s: AsyncSession, scope: Scope, start: datetime | None, now: datetime, limit: int
) -> list[OnTime]:
    """Per influencer, deliverables due in [start, now] (or delivered early) and how many came on
    time (`bot.domain.scorecard.on_time`'s rule); the lowest rates first."""
    if scope.empty:
        return []
    d = Deliverable.__table__.c
    delivered = _delivered()
    where = [
        *_scoped(s, scope, d.team_id, d.engagement_id),
        d.status != DeliverableStatus.CANCELLED.value,
        or_(d.due_at <= now, delivered.is_not(None)),
    ]
    if start is not None:
        where.append(d.due_at >= start)
    good = func.sum(case((and_(delivered.is_not(None), delivered <= d.due_at), 1), else_=0))
    due = func.count()
    rows = await s.exec(
        select(Influencer.id, Influencer.display_name, good, due)
        .select_from(
            Deliverable.__table__.join(Engagement, Engagement.id == d.engagement_id).join(
                Influencer, Influencer.id == Engagement.influencer_id
            )
        )
        .where(*where)
        .group_by(Influencer.id, Influencer.display_name)
        .order_by(cast(good, Float) / due, due.desc(), Influencer.display_name)
        .limit(limit)
    )
    return [OnTime(i, name, int(g or 0), int(n)) for i, name, g, n in rows.all()]


async def late(s: AsyncSession, scope: Scope, bounds: Sequence[datetime], now: datetime) -> list[int]:
    """Deliverables that became late per period: due in it (and by now), not delivered by their
    due time."""
    n = len(bounds) - 1
    if scope.empty:
        return [0] * n
    d = Deliverable.__table__.c
    delivered = _delivered()
    inner = (
        select(_period(s, d.due_at, bounds).label("p"))
        .where(
            *_scoped(s, scope, d.team_id, d.engagement_id),
            _in_range(d.due_at, bounds),
            d.due_at <= now,
            d.status != DeliverableStatus.CANCELLED.value,
            or_(delivered.is_(None), delivered > d.due_at),
        )
        .subquery()
    )
    out = [0] * n
    for p, count in (await s.exec(select(inner.c.p, func.count()).group_by(inner.c.p))).all():
        out[int(p)] = int(count)
    return out


@dataclass(frozen=True, slots=True)
class Reviews:
    influencer_id: int
    name: str
    count: int
    average: float
    earlier: float | None  # average over the first half of the range
    later: float | None  # … over the second half

    @property
    def trend(self) -> float | None:
        return None if self.earlier is None or self.later is None else self.later - self.earlier


async def reviews(
    s: AsyncSession, scope: Scope, start: datetime, middle: datetime, now: datetime, limit: int
) -> list[Reviews]:
    """Per influencer, the average review (the four ratings' mean) over [start, now], and over each
    half of it for the trend; the lowest averages first."""
    if scope.empty:
        return []
    r = Review.__table__.c
    score = cast(r.conduct + r.communication + r.timeliness + r.content_quality, Float) / 4.0
    first = r.created_at < middle
    avg = func.avg(score)
    rows = await s.exec(
        select(
            Influencer.id,
            Influencer.display_name,
            func.count(),
            avg,
            func.avg(case((first, score))),
            func.avg(case((~first, score))),
        )
        .select_from(
            Review.__table__.join(Engagement, Engagement.id == r.engagement_id).join(
                Influencer, Influencer.id == Engagement.influencer_id
            )
        )
        .where(*_scoped(s, scope, r.team_id, r.engagement_id), r.created_at >= start, r.created_at <= now)
        .group_by(Influencer.id, Influencer.display_name)
        .order_by(avg, Influencer.display_name)
        .limit(limit)
    )
    return [
        Reviews(i, name, int(n), float(a), None if e is None else float(e), None if lt is None else float(lt))
        for i, name, n, a, e, lt in rows.all()
    ]


@dataclass(frozen=True, slots=True)
class Strikes:
    influencer_id: int
    name: str
    status: str
    strikes: int
    incidents: int


async def strikes(s: AsyncSession, scope: Scope, start: datetime | None, limit: int) -> list[Strikes]:
    """Per influencer, the strikes of incidents resolved since `start` in scope, with their
    standing; the most strikes first."""
    if scope.empty:
        return []
    where = [*_scoped(s, scope, I.team_id, I.engagement_id), I.status == IncidentStatus.RESOLVED.value]
    if start is not None:
        where.append(I.resolved_at >= start)
    total = func.coalesce(func.sum(I.strikes), 0)
    inner = (
        select(I.engagement_id.label("e"), total.label("n"), func.count().label("c"))
        .where(*where)
        .group_by(I.engagement_id)
        .subquery()
    )
    n = func.sum(inner.c.n)
    rows = await s.exec(
        select(Influencer.id, Influencer.display_name, Influencer.status, n, func.sum(inner.c.c))
        .select_from(
            inner.join(Engagement, Engagement.id == inner.c.e).join(
                Influencer, Influencer.id == Engagement.influencer_id
            )
        )
        .group_by(Influencer.id, Influencer.display_name, Influencer.status)
        .order_by(n.desc(), Influencer.display_name)
        .limit(limit)
    )
    return [Strikes(i, name, st, int(k or 0), int(c)) for i, name, st, k, c in rows.all()]


# ---------------------------------------------------------------------------------------------
# compliance


@dataclass(frozen=True, slots=True)
class Compliance:
    passed: list[int]  # per period of the decision
    failed: list[int]
    waived: list[int]
    findings: dict[str, int]  # disclosure lint verdicts of deliverables published in range


async def compliance(s: AsyncSession, scope: Scope, bounds: Sequence[datetime]) -> Compliance:
    n = len(bounds) - 1
    out = Compliance([0] * n, [0] * n, [0] * n, {})
    if scope.empty:
        return out
    c, d = ComplianceCheck.__table__.c, Deliverable.__table__.c
    joined = ComplianceCheck.__table__.join(Deliverable, Deliverable.id == c.deliverable_id)
    decided = (
        select(_period(s, c.checked_at, bounds).label("p"), c.status.label("st"))
        .select_from(joined)
        .where(
            *_scoped(s, scope, c.team_id, d.engagement_id),
            c.status != ComplianceStatus.PENDING.value,
            _in_range(c.checked_at, bounds),
        )
        .subquery()
    )
    lists = {
        ComplianceStatus.PASSED: out.passed,
        ComplianceStatus.FAILED: out.failed,
        ComplianceStatus.WAIVED: out.waived,
    }
    for p, st, count in (
        await s.exec(select(decided.c.p, decided.c.st, func.count()).group_by(decided.c.p, decided.c.st))
    ).all():
        lists[ComplianceStatus(st)][int(p)] = int(count)
    finding = case(
        *((c.suggestion.like(pattern), name) for name, pattern in rules.LINT_PATTERNS.items()),
        else_=None,
    )
    found = (
        select(finding.label("f"))
        .select_from(joined)
        .where(
            *_scoped(s, scope, c.team_id, d.engagement_id),
            c.item == ComplianceItem.DISCLOSURE_PRESENT.value,
            _in_range(d.published_at, bounds),
        )
        .subquery()
    )
    for f, count in (await s.exec(select(found.c.f, func.count()).group_by(found.c.f))).all():
        if f is not None:
            out.findings[f] = int(count)
    return out


async def reviews_due(
    s: AsyncSession, team_id: str, campaign_id: int, bounds: Sequence[datetime]
) -> list[int]:
    """Review-due reminders of the campaign that fell due per period (sent or still waiting)."""
    n = len(bounds) - 1
    r = Reminder.__table__.c
    inner = (
        select(_period(s, r.due_at, bounds).label("p"))
        .where(
            r.status.in_([ReminderStatus.SENT.value, ReminderStatus.PENDING.value]),
            _in_range(r.due_at, bounds),
            r.team_id == team_id,
            r.kind == ReminderKind.REVIEW_DUE.value,
            r.campaign_id == campaign_id,
        )
        .subquery()
    )
    out = [0] * n
    for p, count in (await s.exec(select(inner.c.p, func.count()).group_by(inner.c.p))).all():
        out[int(p)] = int(count)
    return out


# ---------------------------------------------------------------------------------------------
# digest planning: managers, their time zones; App Home's chart files


async def managed_active(
    s: AsyncSession, team_ids: Sequence[str] | None = None
) -> list[tuple[str, int, str]]:
    """(team_id, campaign_id, manager user id) of every active campaign with its digest on, in
    workspaces that have not uninstalled the app."""
    query = (
        select(Campaign.team_id, Campaign.id, CampaignRole.user_id)
        .join(CampaignRole, CampaignRole.campaign_id == Campaign.id)
        .outerjoin(Workspace, Workspace.team_id == Campaign.team_id)
        .where(
            Campaign.status == CampaignStatus.ACTIVE.value,
            Campaign.digest_enabled.is_(True),
            CampaignRole.role == Role.MANAGER.value,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),  # digests compare influencers
            or_(Workspace.active.is_(None), Workspace.active.is_(True)),
        )
    )
    if team_ids is not None:
        query = query.where(Campaign.team_id.in_(list(team_ids)))
    return [(t, c, u) for t, c, u in (await s.exec(query)).all()]


async def managers_with_zones(
    s: AsyncSession, campaign_ids: Sequence[int]
) -> dict[int, list[tuple[str, str | None]]]:
    """Campaign id → its managers and their stored time zones (None: not known yet)."""
    if not campaign_ids:
        return {}
    rows = await s.exec(
        select(CampaignRole.campaign_id, CampaignRole.user_id, UserTimeZone.tz)
        .outerjoin(
            UserTimeZone,
            and_(UserTimeZone.team_id == CampaignRole.team_id, UserTimeZone.user_id == CampaignRole.user_id),
        )
        .where(
            _ids_in(s, CampaignRole.campaign_id, campaign_ids),
            CampaignRole.role == Role.MANAGER.value,
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id),
        )
        .order_by(CampaignRole.campaign_id, CampaignRole.user_id)
    )
    out: dict[int, list[tuple[str, str | None]]] = {}
    for campaign_id, user_id, tz in rows.all():
        out.setdefault(campaign_id, []).append((user_id, tz))
    return out


async def stored_zones(s: AsyncSession, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
    rows = await s.exec(
        select(UserTimeZone.user_id, UserTimeZone.tz).where(
            UserTimeZone.team_id == team_id, UserTimeZone.user_id.in_(list(user_ids))
        )
    )
    return dict(rows.all())


async def save_zones(s: AsyncSession, team_id: str, zones: dict[str, str], now: datetime) -> None:
    if not zones:
        return
    t = UserTimeZone.__table__
    stmt = insert(s, t).values(
        [{"team_id": team_id, "user_id": u, "tz": tz, "updated_at": now} for u, tz in zones.items()]
    )
    await s.exec(
        stmt.on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_={"tz": stmt.excluded.tz, "updated_at": now}
        )
    )


async def chart_file(s: AsyncSession, team_id: str, user_id: str, name: str) -> ChartFile | None:
    return await s.get(ChartFile, (team_id, user_id, name))


async def forget_charts(s: AsyncSession, team_id: str, user_ids: Sequence[str | None]) -> None:
    """Drop the charts kept for these users (primary key (team_id, user_id, name)): after a change
    of their roles, the next one is drawn for what they may see now."""
    ids = sorted({u for u in user_ids if u})
    if ids:
        await s.exec(delete(ChartFile).where(ChartFile.team_id == team_id, ChartFile.user_id.in_(ids)))


async def save_chart_file(
    s: AsyncSession, team_id: str, user_id: str, name: str, file_id: str, now: datetime, alt: str = ""
) -> None:
    t = ChartFile.__table__
    alt = alt[:2000]
    stmt = insert(s, t).values(
        team_id=team_id, user_id=user_id, name=name, file_id=file_id, alt=alt, created_at=now
    )
    await s.exec(
        stmt.on_conflict_do_update(
            index_elements=["team_id", "user_id", "name"],
            set_={"file_id": file_id, "alt": alt, "created_at": now},
        )
    )


async def campaign_facts(s: AsyncSession, ids: Sequence[int]) -> dict[int, CampaignFacts]:
    """The weekly digest's planning facts: the campaigns and their managers with time zones."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    campaigns = (
        (
            await s.exec(
                select(Campaign).where(_ids_in(s, Campaign.id, ids)).execution_options(populate_existing=True)
            )
        )
        .scalars()
        .all()
    )
    managers = await managers_with_zones(s, [c.id for c in campaigns])
    return {c.id: CampaignFacts(c, tuple(managers.get(c.id, ()))) for c in campaigns}


async def campaigns_with_pending_digests(s: AsyncSession) -> list[int]:
    """Campaigns that still have a digest waiting to be sent (to cancel them once switched off)."""
    r = Reminder.__table__.c
    rows = await s.exec(
        select(r.subject_id)
        .where(r.status == ReminderStatus.PENDING.value, r.kind == ReminderKind.WEEKLY_DIGEST.value)
        .distinct()
    )
    return [int(i) for i in rows.scalars().all()]


async def campaigns_of_inactive(s: AsyncSession, campaign_ids: set[int]) -> set[int]:
    """Those of `campaign_ids` whose workspace uninstalled the app."""
    if not campaign_ids:
        return set()
    rows = await s.exec(
        select(Campaign.id)
        .join(Workspace, Workspace.team_id == Campaign.team_id)
        .where(_ids_in(s, Campaign.id, sorted(campaign_ids)), Workspace.active.is_(False))
    )
    return set(rows.scalars().all())
