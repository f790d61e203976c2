"""The reminder outbox: subjects' facts for the planner, sync, claiming, and outcomes.

`sync` runs inside the caller's transaction. Claiming is one statement,
`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING …`: on PostgreSQL any
number of dispatchers claim disjoint rows; SQLite ignores the locking clause and serialises
writers, so there one process dispatches. A claimed row stays `pending` with a lease
(`lease_until`, `leased_by`); a dispatcher that dies mid-batch loses its lease and another one
retries the rows after it expires.
"""

from __future__ import annotations

import functools
import json
from collections import namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import ComplianceStatus, GuidelineCategory, IncidentEventKind, ReminderStatus
from scheduler.planner import (
    DeliverableFacts,
    EngagementFacts,
    Facts,
    IncidentFacts,
    Planned,
    Subject,
    plan,
)
from storage.db import id_in, id_in_param, ids_value
from storage.models import (
    Campaign,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Guideline,
    Incident,
    IncidentEvent,
    Influencer,
    Reminder,
    Review,
    Workspace,
)
from storage.queries import conduct, insights
from storage.queries.campaigns import brand_contacts
from storage.types import UTCDateTime

T = Reminder.__table__
PENDING = ReminderStatus.PENDING.value


def _ids(s: AsyncSession, column, ids: Iterable[int]):
    """`column` among `ids`, as one parameter (a batch of 500 is one bind, not 500)."""
    return id_in(s.get_bind().dialect.name, column, list(ids))


#: What the planner (scheduler/planner.py), the reminder messages (bot/views/reminders.py) and the
#: dispatcher read of each table: a subject's facts are records of these columns and no others.
#: A batch of 500 deliverables' facts decodes 27 table columns a row instead of 60, and no caption,
#: no description and no JSON: the claim pass loads one such batch for each 500 rows it leases. A
#: column not listed here is an AttributeError on the record, which the tests of every reminder
#: kind would show.
FACT_COLUMNS: dict[Any, tuple[str, ...]] = {
    Deliverable: (
        "id", "title", "platform", "due_at", "status", "published_url", "published_at", "checklist_ts",
        "checklist_user_id",
    ),
    Incident: (
        "id", "number", "severity", "title", "status", "channel_id", "card_ts", "response_due_at",
        "responded_at", "created_at",
    ),
    Engagement: ("id", "channel_id", "status", "acknowledged_version", "created_at"),
    Influencer: ("id", "display_name", "slack_user_id"),
    Campaign: (
        "id", "team_id", "slug", "name", "start_date", "end_date", "status", "owner_id",
        "review_cadence", "guidelines_version",
    ),
}  # fmt: skip


def fact_columns(model: Any) -> list[Any]:
    """The table columns a subject's facts carry of `model` (all of them for a table not listed)."""
    names = FACT_COLUMNS.get(model)
    table = model.__table__
    return [table.c[name] for name in names] if names else list(table.c)


@functools.cache
def record_type(model: Any) -> type:
    """One table's row as attributes, read fresh from the database: what the planner and the
    reminder views read of a subject (its `fact_columns`). Not an ORM instance: a batch of 500
    subjects (2,000 rows of four tables) loads in milliseconds instead of tens of them, and loading
    never touches the objects a flow holds in its session. A named tuple per table: made from a
    slice of the row in one call, where a namespace filled from the column names cost a dict per
    record."""
    return namedtuple(f"{model.__name__}Record", [c.name for c in fact_columns(model)])


def _columns(dialect: str, *models: Any) -> list[Any]:
    """The `fact_columns` of `models`, in order, to read (`_read`)."""
    return _read(dialect, [column for model in models for column in fact_columns(model)])


def _read(dialect: str, columns: Sequence[Any]) -> list[Any]:
    """`columns` to select. On PostgreSQL a UTC column is read as asyncpg gives it (a `timestamptz`
    arrives aware, in UTC): the column type's own conversion, a Python call per value, was 5,000
    calls for a batch of 500 deliverables' facts. Each keeps its column's name."""
    if dialect != "postgresql":
        return list(columns)
    return [type_coerce(c, _AWARE).label(c.name) if isinstance(c.type, UTCDateTime) else c for c in columns]


_AWARE = DateTime(timezone=True)


async def _rows(s: AsyncSession, query: Any, values: dict[str, Any] | None = None) -> Sequence[Row]:
    """The rows of a Core statement, read on the session's connection: the session's own
    `execute` runs an ORM-enabled statement through the ORM's loading (a few milliseconds of CPU
    for 500 rows of four tables) although it returns plain rows all the same."""
    return (await (await s.connection()).execute(query, values)).all()


def _split(rows: Sequence[Any], models: Sequence[Any]) -> list[list[Any]]:
    """Each row's leading columns (those of `models`, in order) as one record per model. A record
    is made by `tuple.__new__` itself, as `_make` does after a Python call of its own: 2,000
    records per batch of 500 deliverables' facts."""
    makers, start = [], 0
    for model in models:
        kind = record_type(model)
        makers.append((functools.partial(tuple.__new__, kind), slice(start, start + len(kind._fields))))
        start += len(kind._fields)
    return [[make(row[span]) for make, span in makers] for row in rows]


# ---------------------------------------------------------------------------------------------
# facts: what the planner needs to know about subjects, loaded in batches


async def engagement_facts(s: AsyncSession, ids: Iterable[int]) -> dict[int, EngagementFacts]:
    ids = list(set(ids))
    if not ids:
        return {}
    models = (Engagement, Influencer, Campaign)
    rows = await _rows(
        s,
        select(*_columns(s.get_bind().dialect.name, *models))
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .where(_ids(s, Engagement.id, ids)),
    )
    rows = _split(rows, models)
    contacts = await brand_contacts(s, [c for _, _, c in rows])
    campaign_ids = {c.id for _, _, c in rows}
    changed = dict(
        (
            await s.exec(
                select(Guideline.campaign_id, func.max(Guideline.updated_at))
                .where(_ids(s, Guideline.campaign_id, campaign_ids))
                .group_by(Guideline.campaign_id)
            )
        ).all()
    )
    reviewed = dict(
        (
            await s.exec(
                select(Review.engagement_id, func.max(Review.created_at))
                .where(_ids(s, Review.engagement_id, ids))
                .group_by(Review.engagement_id)
            )
        ).all()
    )
    return {
        e.id: EngagementFacts(e, i, c, changed.get(c.id), reviewed.get(e.id), brand_contact=contacts[c.id])
        for e, i, c in rows
    }


async def deliverable_facts(s: AsyncSession, ids: Iterable[int]) -> dict[int, DeliverableFacts]:
    """In ONE statement (`_deliverable_facts`): the deliverable, its engagement, influencer and
    campaign, the campaign's first deadline clause and its count of pending compliance checks; then
    the campaigns' brand contacts (`brand_contacts`)."""
    ids = list(set(ids))
    if not ids:
        return {}
    dialect = s.get_bind().dialect.name
    rows = await _rows(s, _deliverable_facts(dialect), {"ids": ids_value(dialect, ids)})
    records = _split(rows, _DELIVERABLE_TABLES)
    contacts = await brand_contacts(s, [c for *_, c in records])
    out: dict[int, DeliverableFacts] = {}
    for (d, e, i, c), row in zip(records, rows, strict=True):
        code, checks = row[-2], row[-1]
        checks_pending = None if checks is None else int(checks)
        out[d.id] = DeliverableFacts(d, e, i, c, code, checks_pending, brand_contact=contacts[c.id])
    return out


_DELIVERABLE_TABLES = (Deliverable, Engagement, Influencer, Campaign)


@functools.cache
def _deliverable_facts(dialect: str) -> Any:
    """The deliverables' facts, built once (the ids: the parameter `ids`). The deadline clause and
    the pending checks are correlated subqueries (served by the partial index of deadline clauses
    and the unique (deliverable_id, item) index): three statements cost the dispatcher's claim
    pass two more round trips, and a grouped scan of every compliance check, for each batch of
    500."""
    deadline_code = (
        select(Guideline.code)
        .where(
            Guideline.campaign_id == Campaign.id,
            # written into the statement, not a parameter: the batch runs with a generic plan
            # (`storage.db.generic_plans`), which can use the partial index of deadline clauses only
            # when its predicate is in the text (as a parameter: a heap read and a sort per row)
            Guideline.category == literal(GuidelineCategory.DEADLINE.value, literal_execute=True),
        )
        .order_by(Guideline.position, Guideline.id)
        .limit(1)
        .correlate(Campaign)
        .scalar_subquery()
    )
    pending = case((ComplianceCheck.status == ComplianceStatus.PENDING.value, 1), else_=0)
    checks_pending = (  # NULL when the checklist has no items yet
        select(func.sum(pending))
        .where(ComplianceCheck.deliverable_id == Deliverable.id)
        .correlate(Deliverable)
        .scalar_subquery()
    )
    return (
        select(*_columns(dialect, *_DELIVERABLE_TABLES), deadline_code, checks_pending)
        .join(Engagement, Engagement.id == Deliverable.engagement_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .where(id_in_param(dialect, Deliverable.id, "ids"))
    )


async def incident_facts(s: AsyncSession, ids: Iterable[int]) -> dict[int, IncidentFacts]:
    ids = list(set(ids))
    if not ids:
        return {}
    dialect = s.get_bind().dialect.name
    rows = _split(
        await _rows(s, _incident_facts(dialect), {"ids": ids_value(dialect, ids)}), _INCIDENT_TABLES
    )
    contacts = await brand_contacts(s, [c for *_, c in rows])
    return {i.id: IncidentFacts(i, e, inf, c, brand_contact=contacts[c.id]) for i, e, inf, c in rows}


_INCIDENT_TABLES = (Incident, Engagement, Influencer, Campaign)


@functools.cache
def _incident_facts(dialect: str) -> Any:
    """The incidents' facts, built once (the ids: the parameter `ids`)."""
    return (
        select(*_columns(dialect, *_INCIDENT_TABLES))
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .where(id_in_param(dialect, Incident.id, "ids"))
    )


LOADERS = {
    Subject.ENGAGEMENT: engagement_facts,
    Subject.DELIVERABLE: deliverable_facts,
    Subject.INCIDENT: incident_facts,
    Subject.CAMPAIGN: insights.campaign_facts,  # the weekly digest
    Subject.AWAITED: conduct.awaited_facts,  # ghosting
}


async def facts_for(s: AsyncSession, subjects: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Facts]:
    """Facts of many subjects, one batch of queries per subject type."""
    by_type: dict[str, set[int]] = {}
    for subject_type, subject_id in subjects:
        by_type.setdefault(subject_type, set()).add(subject_id)
    out: dict[tuple[str, int], Facts] = {}
    for subject_type, ids in by_type.items():
        loader = LOADERS.get(Subject(subject_type)) if subject_type in set(Subject) else None
        if loader is None:
            continue
        for subject_id, facts in (await loader(s, ids)).items():
            out[(subject_type, subject_id)] = facts
    return out


# ---------------------------------------------------------------------------------------------
# sync: make a subject's rows match its plan, in the caller's transaction


@dataclass(frozen=True, slots=True)
class SyncResult:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0


async def sync(s: AsyncSession, facts: Facts, now: datetime) -> SyncResult:
    """Insert missing rows (due in the future), move pending rows whose time or target changed,
    cancel pending rows the plan no longer wants.

    Rows due in the past are never created (a deliverable due in 10 h gets no "due in 72 h"); a
    pending row moved into the past is cancelled. A cancelled row the plan wants again (a
    deliverable back to planned) is revived. Sent, failed and superseded rows are history.
    """
    return await sync_many(s, [facts], now)


#: A subject's reminder row as `sync_many` compares it with the plan. A named tuple: the 3,000 rows
#: of 500 deliverables are read by attribute about 20,000 times, which on SQLAlchemy's `Row`
#: (0.3 µs an attribute) cost a re-plan of 500 deliverables about 8 ms of CPU.
_Held = namedtuple("_Held", "id subject_id dedupe_key status due_at target_channel target_user")


#: The rows `sync_many` reads: only those the plan may still change (move, cancel, revive). A row
#: sent, failed or superseded is history, due at or before the time it was settled: the plan never
#: moves it, and never inserts its key again, since it inserts rows due in the future only (and the
#: unique dedupe key would skip one anyway). A subject's history grows (an incident open for two
#: months has sent some fifty daily reminders) and is not read to re-plan it.
_UNSETTLED = (PENDING, ReminderStatus.CANCELLED.value)


async def sync_many(s: AsyncSession, many: Iterable[Facts], now: datetime) -> SyncResult:
    """`sync` for many subjects in a fixed number of statements, whatever their number: one read
    of their rows still pending or cancelled, one cancelling UPDATE, one executemany of the moves,
    one multi-row INSERT."""
    many = list(many)
    if not many:
        return SyncResult()
    wanted_by: dict[tuple[str, int], tuple[Facts, dict[str, Planned]]] = {
        (f.subject.value, f.subject_id): (f, {p.key: p for p in plan(f, now)}) for f in many
    }
    have: dict[tuple[str, int], list[_Held]] = {key: [] for key in wanted_by}
    by_type: dict[str, list[int]] = {}
    for subject_type, subject_id in wanted_by:
        by_type.setdefault(subject_type, []).append(subject_id)
    teams = sorted({f.campaign.team_id for f in many})
    dialect = s.get_bind().dialect.name
    for subject_type, ids in by_type.items():
        values = {"teams": teams, "subject_type": subject_type, "ids": ids_value(dialect, ids)}
        rows = await _rows(s, _unsettled_rows(dialect), values)
        for row in rows:
            held = have.get((subject_type, row[1]))
            if held is not None:
                held.append(_Held._make(row))
    cancel: list[int] = []
    moves: list[tuple[int, Planned]] = []
    inserts: list[dict[str, Any]] = []
    for key, (facts, wanted) in wanted_by.items():
        existing = {row.dedupe_key: row for row in have[key]}
        for dedupe_key, p in wanted.items():
            row = existing.get(dedupe_key)
            if row is None:
                if p.due_at > now:
                    inserts.append(_row(facts.campaign.team_id, facts.campaign.id, key[0], key[1], p, now))
            elif row.status == PENDING and (
                row.due_at != p.due_at or (row.target_channel, row.target_user) != (p.channel, p.user)
            ):
                (moves.append((row.id, p)) if p.due_at > now else cancel.append(row.id))
            elif row.status == ReminderStatus.CANCELLED and p.due_at > now:
                moves.append((row.id, p))
        cancel += [row.id for row in have[key] if row.status == PENDING and row.dedupe_key not in wanted]
    if cancel:
        await (await s.connection()).execute(
            update(T)
            .where(id_in(dialect, T.c.id, cancel), T.c.status == PENDING)
            .values(status=ReminderStatus.CANCELLED.value, lease_until=None, leased_by=None, updated_at=now)
        )
    if moves:
        stmt = (
            update(T)
            .where(T.c.id == bindparam("rid"))
            .values(
                status=PENDING,
                due_at=bindparam("due"),
                chain=bindparam("ch"),
                target_channel=bindparam("tc"),
                target_user=bindparam("tu"),
                thread_ts=bindparam("th"),
                payload=bindparam("pl", type_=T.c.payload.type),
                attempts=0,
                last_error=None,
                lease_until=None,
                leased_by=None,
                updated_at=now,
            )
        )
        params = [
            {
                "rid": row_id,
                "due": p.due_at,
                "ch": p.chain,
                "tc": p.channel,
                "tu": p.user,
                "th": p.thread_ts,
                "pl": dict(p.payload),
            }
            for row_id, p in moves
        ]
        await (await s.connection()).execute(stmt, params)
    if inserts:
        await insert_rows(s, inserts)
    return SyncResult(len(inserts), len(moves), len(cancel))


@functools.cache
def _unsettled_rows(dialect: str) -> Any:
    """`sync_many`'s read of its subjects' rows of one type, built once (parameters: `teams`,
    `subject_type`, `ids`; index (team_id, subject_type, subject_id))."""
    due_at = type_coerce(T.c.due_at, _AWARE).label("due_at") if dialect == "postgresql" else T.c.due_at
    return select(
        T.c.id, T.c.subject_id, T.c.dedupe_key, T.c.status, due_at, T.c.target_channel, T.c.target_user
    ).where(
        T.c.team_id.in_(bindparam("teams", expanding=True)),
        T.c.subject_type == bindparam("subject_type", type_=T.c.subject_type.type),
        id_in_param(dialect, T.c.subject_id, "ids"),
        T.c.status.in_(_UNSETTLED),
    )


def new_rows(facts: Facts, now: datetime) -> list[dict[str, Any]]:
    """The rows a subject that has none yet gets: its plan's future ones (`insert_rows` writes
    them; a report writes them in its incident's own statement, storage.queries.incidents)."""
    key = (facts.subject.value, facts.subject_id)
    return [
        _row(facts.campaign.team_id, facts.campaign.id, key[0], key[1], p, now)
        for p in plan(facts, now)
        if p.due_at > now
    ]


async def insert_rows(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """New rows (a row whose dedupe key exists is skipped), in ONE statement whatever their number:
    on PostgreSQL `INSERT … SELECT unnest($1), unnest($2), …` with one array per column (1,500 rows
    insert in a quarter of the time an executemany takes, and plan once); SQLite: executemany."""
    connection = await s.connection()
    if s.get_bind().dialect.name == "postgresql":
        await connection.execute(unnest_insert(tuple(rows[0])), unnest_params(rows))
        return
    await connection.execute(sqlite_insert(T).on_conflict_do_nothing(index_elements=["dedupe_key"]), rows)


def unnest_params(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """`unnest_insert`'s parameters for `rows` (all with the same keys): one array per column."""
    arrays = {name: [row[name] for row in rows] for name in rows[0]}
    if "payload" in arrays:
        arrays["payload"] = [json.dumps(payload) for payload in arrays["payload"]]
    return arrays


@functools.cache
def unnest_insert(columns: tuple[str, ...]) -> Any:
    """PostgreSQL's insert of many rows, one array parameter per column (named as the column),
    built once: building it and its cache key on every call cost a report about 0.6 ms of CPU."""
    arrays = []
    for name in columns:
        column = T.c[name]
        if name == "payload":  # json[] has no driver codec: text[], cast per row
            arrays.append(cast(func.unnest(bindparam(name, type_=ARRAY(Text))), column.type))
        else:
            arrays.append(func.unnest(bindparam(name, type_=ARRAY(column.type))))
    return (
        pg_insert(T)
        .from_select(list(columns), select(*arrays))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def _row(team_id: str, campaign_id: int, subject_type: str, subject_id: int, p: Planned, now: datetime):
    return {
        "team_id": team_id,
        "kind": p.kind.value,
        "dedupe_key": p.key,
        "chain": p.chain,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "campaign_id": campaign_id,
        "target_channel": p.channel,
        "target_user": p.user,
        "thread_ts": p.thread_ts,
        "due_at": p.due_at,
        "status": PENDING,
        "attempts": 0,
        "payload": dict(p.payload),
        "created_at": now,
        "updated_at": now,
    }


async def sync_subjects(s: AsyncSession, subjects: Iterable[tuple[str, int]], now: datetime) -> None:
    await sync_many(s, (await facts_for(s, subjects)).values(), now)


# ---------------------------------------------------------------------------------------------
# dispatching


#: What the dispatcher reads of a row it claims: to re-check it, send it and record the outcome.
#: Not its target or its payload: a row is sent as its subject's plan wants it now (the re-check's
#: `Planned`, of the same key and due time), and decoding 500 JSON payloads cost the claim about
#: 1 ms of CPU for values the plan already holds.
CLAIMED = (
    "id", "team_id", "kind", "dedupe_key", "subject_type", "subject_id", "due_at", "attempts",
    "last_error",
)  # fmt: skip
#: A claimed row and the claim's two verdicts on it. A named tuple: the dispatcher reads each row
#: by attribute a dozen times, which on SQLAlchemy's `Row` costs 0.3 µs each.
ClaimedRow = namedtuple("ClaimedRow", (*CLAIMED, "replaced", "team_gone"))


async def claim(
    s: AsyncSession, now: datetime, worker: str, lease: timedelta, limit: int
) -> list[ClaimedRow]:
    """Lease up to `limit` due pending rows to `worker`, oldest first (their `CLAIMED` columns).
    Each row comes back with two verdicts, computed by the same statement (two round trips fewer
    per batch):
    - `team_gone`: its workspace uninstalled the app or revoked its token (a team with no
      workspace row is active);
    - `replaced`: a later row of the same chain, already due, replaces it (served by the
      (chain, due_at) index)."""
    dialect = s.get_bind().dialect.name
    lease_them, read_back = _claim_statements(dialect)
    values = {"now": now, "lease_until": now + lease, "worker": worker, "limit": limit}
    connection = await s.connection()
    if read_back is None:
        rows = (await connection.execute(lease_them, values)).all()
    else:
        leased = (await connection.execute(lease_them, values)).scalars().all()
        rows = (await connection.execute(read_back, {"now": now, "ids": ids_value(dialect, leased)})).all()
    return sorted(map(ClaimedRow._make, rows), key=lambda row: (row.due_at, row.id))


@functools.cache
def _claim_statements(dialect: str) -> tuple[Any, Any]:
    """The claim's statements, built once with named parameters (`now`, `lease_until`, `worker`,
    `limit`): building them, their subqueries and their cache key cost each claim about 2 ms of
    CPU, and each tick of an idle dispatcher as much. PostgreSQL: one UPDATE … RETURNING the rows
    with their two verdicts. SQLite, whose RETURNING names columns unqualified (which the
    verdicts' subqueries can't take): the UPDATE returns the ids, and a SELECT reads them back
    with the verdicts (`ids`: a JSON array)."""
    now = bindparam("now", type_=T.c.due_at.type)
    due = (
        select(T.c.id)
        .where(
            T.c.status == PENDING,
            T.c.due_at <= now,
            or_(T.c.lease_until.is_(None), T.c.lease_until <= now),
        )
        .order_by(T.c.due_at, T.c.id)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True)
    )
    W = Workspace.__table__
    team_gone = select(W.c.team_id).where(W.c.team_id == T.c.team_id, W.c.active.is_(False)).exists()
    columns = (
        *_read(dialect, [T.c[name] for name in CLAIMED]),
        _replaced(now).label("replaced"),
        team_gone.label("team_gone"),
    )
    lease_them = (
        update(T)
        .where(T.c.id.in_(due.scalar_subquery()))
        .values(
            lease_until=bindparam("lease_until", type_=T.c.lease_until.type),
            leased_by=bindparam("worker", type_=T.c.leased_by.type),
            updated_at=now,
        )
    )
    if dialect == "postgresql":
        return lease_them.returning(*columns), None
    return lease_them.returning(T.c.id), select(*columns).where(id_in_param(dialect, T.c.id, "ids"))


async def superseded(s: AsyncSession, rows: Sequence[ClaimedRow], now: datetime) -> set[int]:
    """Ids among `rows` that a later row of the same chain, already due, replaces, as the table is
    now (the claim asked the same of every row as the batch was leased)."""
    if not rows:
        return set()
    result = await (await s.connection()).execute(
        select(T.c.id).where(_ids(s, T.c.id, [r.id for r in rows]), _replaced(now))
    )
    return {row_id for (row_id,) in result.all()}


def _replaced(now: datetime):
    """A later row of the row's chain, already due, pending or sent (index (chain, due_at))."""
    later = T.alias("later")
    return (
        select(later.c.id)
        .where(
            later.c.chain == T.c.chain,
            later.c.due_at > T.c.due_at,
            later.c.due_at <= now,
            later.c.status.in_([PENDING, ReminderStatus.SENT.value]),
        )
        .exists()
    )


async def close(
    s: AsyncSession, ids: Iterable[int], status: ReminderStatus, worker: str, now: datetime, note: str | None
) -> None:
    ids = list(ids)
    if ids:
        await s.exec(
            update(T)
            .where(_ids(s, T.c.id, ids), T.c.leased_by == worker, T.c.status == PENDING)
            .values(status=status.value, lease_until=None, leased_by=None, last_error=note, updated_at=now)
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed row."""

    id: int
    status: ReminderStatus  # sent, pending (retry later), failed
    attempts: int
    sent_ts: str | None = None
    error: str | None = None
    retry_at: datetime | None = None  # pending: not before


async def record(s: AsyncSession, outcomes: Sequence[Outcome], worker: str, now: datetime) -> None:
    """Write outcomes (one executemany). Only rows still leased by `worker` are touched."""
    if not outcomes:
        return
    stmt = (
        update(T)
        .where(T.c.id == bindparam("rid"), T.c.leased_by == worker)
        .values(
            status=bindparam("st"),
            attempts=bindparam("att"),
            sent_ts=bindparam("ts"),
            last_error=bindparam("err"),
            lease_until=bindparam("lease"),
            leased_by=bindparam("by"),
            updated_at=now,
        )
    )
    params: list[dict[str, Any]] = [
        {
            "rid": o.id,
            "st": o.status.value,
            "att": o.attempts,
            "ts": o.sent_ts,
            "err": (o.error or "")[:500] or None,
            "lease": o.retry_at,
            "by": None,
        }
        for o in outcomes
    ]
    await (await s.connection()).execute(stmt, params)


async def add_incident_events(s: AsyncSession, events: Sequence[dict[str, Any]]) -> None:
    """Timeline entries for reminders sent about incidents."""
    for event in events:
        s.add(IncidentEvent(kind=IncidentEventKind.REMINDER_SENT, **event))


# ---------------------------------------------------------------------------------------------
# what admins see


async def troubled(
    s: AsyncSession,
    team_id: str,
    now: datetime,
    late_after: timedelta,
    campaign_ids: Iterable[int] | None = None,
    limit: int = 40,
) -> tuple[list[Row], int]:
    """Failed rows and pending rows late by more than `late_after`, newest first; and their count."""
    where = [
        T.c.team_id == team_id,
        or_(
            T.c.status == ReminderStatus.FAILED.value,
            and_(T.c.status == PENDING, T.c.due_at < now - late_after),
        ),
    ]
    if campaign_ids is not None:
        where.append(T.c.campaign_id.in_(list(campaign_ids)))
    total = (await s.exec(select(func.count()).select_from(T).where(*where))).one()[0]
    rows = (
        await s.exec(select(T).where(*where).order_by(T.c.due_at.desc(), T.c.id.desc()).limit(limit))
    ).all()
    return list(rows), total


async def counts(s: AsyncSession, team_id: str | None = None) -> dict[str, int]:
    where = [T.c.team_id == team_id] if team_id else []
    rows = (await s.exec(select(T.c.status, func.count()).where(*where).group_by(T.c.status))).all()
    return {status: n for status, n in rows}


async def release(s: AsyncSession, worker: str, now: datetime) -> int:
    """Give back the rows `worker` claimed and did not record (it is shutting down): another
    dispatcher may send them at once instead of after the lease. Claimed rows were due when
    claimed, so the (status, due_at) index finds them."""
    result = await s.exec(
        update(T)
        .where(T.c.status == PENDING, T.c.due_at <= now, T.c.leased_by == worker)
        .values(lease_until=None, leased_by=None, updated_at=now)
    )
    return result.rowcount or 0
