"""Incidents: numbering, lookups, conditional transitions, timelines, visibility, strikes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import String, bindparam, func, literal_column, select, union, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects import postgresql
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import chain
from bot.domain.enums import IncidentEventKind, IncidentStatus
from storage.db import id_in
from storage.models import (
    Campaign,
    CampaignRole,
    Counter,
    Engagement,
    Guideline,
    Incident,
    IncidentEvent,
    Influencer,
    ProcessedEvent,
)
from storage.queries import insert, new_row
from storage.queries import reminders as reminder_q
from storage.queries.campaigns import an_influencer, brand_campaigns, brand_recipient_ids, is_me
from storage.queries.evidence import heads as chain_heads

OPEN_STATUSES = (
    IncidentStatus.REPORTED,
    IncidentStatus.ACKNOWLEDGED,
    IncidentStatus.IN_MEDIATION,
    IncidentStatus.RESOLUTION_PROPOSED,
    IncidentStatus.ESCALATED,
)


#: The number an incident is inserted with until it takes its real one, at commit (see
#: `assign_number`). It satisfies `number > 0` and never outlives its transaction; on PostgreSQL a
#: trigger makes it the incident's own before the insert (this value minus the id modulo a
#: billion, migration 0009), so concurrent reports' placeholders never meet in the unique index
#: (team_id, number), which is checked at commit (DEFERRABLE INITIALLY DEFERRED, migration 0003).
#: SQLite runs one writer at a time, so concurrent reports never clash on it there.
PENDING_NUMBER = 2_147_483_647


def _next_number(s: AsyncSession, team_id: str):
    statement = insert(s, Counter).values(team_id=team_id, name="incident", value=1)
    return statement.on_conflict_do_update(
        index_elements=["team_id", "name"], set_={"value": Counter.value + 1}
    ).returning(Counter.value)


async def write_new(
    s: AsyncSession,
    incident: SimpleNamespace,
    first: SimpleNamespace,
    reminders: Callable[[], list[dict[str, Any]]],
) -> None:
    """Write a report's new incident, its first timeline event and its reminder rows
    (`reminders()`, planned once the incident has its id) on the session's connection, not
    through the ORM's unit of work (which cost a report about 0.4 ms of CPU for two rows written
    once). Both are plain rows (`storage.queries.new_row`, `first_event`), not model instances.
    `first` gets the incident's id and its hash, the first of the chain (nothing comes before it
    and no one else can write to the incident yet, so `storage/chain.py`'s lock and read would be
    two round trips for nothing).

    An incident whose id was taken beforehand (PostgreSQL: `report_context` takes it from the
    sequence) is written with its event and reminders in ONE statement, two data-modifying CTEs
    and an INSERT; the foreign keys are checked at the statement's end, when all three are
    written. Otherwise (SQLite) the incident's INSERT gives its id, then the event and the
    reminders follow: three statements."""
    connection = await s.connection()
    one_statement = incident.id is not None and connection.dialect.name == "postgresql"
    if not one_statement:
        values = _values(Incident, incident, key=incident.id is not None)
        incident.id = (await connection.execute(_INSERT_INCIDENT, values)).scalar_one()
    first.incident_id = incident.id
    first.hash = chain.of(first, None)
    rows = reminders()
    if one_statement:
        params = {f"incident_{k}": v for k, v in _values(Incident, incident, key=True).items()}
        params.update({f"event_{k}": v for k, v in _values(IncidentEvent, first).items()})
        if rows:
            params.update(reminder_q.unnest_params(rows))
        await connection.execute(_insert_report(tuple(rows[0]) if rows else ()), params)
        return
    await connection.execute(_INSERT_EVENT, _values(IncidentEvent, first))
    if rows:
        await reminder_q.insert_rows(s, rows)


_INSERT_INCIDENT = sql_insert(Incident.__table__).returning(Incident.__table__.c.id)
_INSERT_EVENT = sql_insert(IncidentEvent.__table__)


@functools.cache
def _insert_report(reminder_columns: tuple[str, ...]) -> Any:
    """A report's three INSERTs as one PostgreSQL statement, built once per set of reminder
    columns: the incident (its id given) and its reminders as CTEs, the first event as the
    statement. Parameters: `incident_<column>`, `event_<column>`, and one array per reminder
    column (`storage.queries.reminders.unnest_insert`)."""

    def values(table: Any, prefix: str, key: bool) -> dict[str, Any]:
        return {
            c.name: bindparam(f"{prefix}_{c.name}", type_=c.type) for c in table.c if key or not c.primary_key
        }

    incident = sql_insert(Incident.__table__).values(values(Incident.__table__, "incident", True))
    statement = sql_insert(IncidentEvent.__table__).values(values(IncidentEvent.__table__, "event", False))
    ctes = [incident.cte("new_incident")]
    if reminder_columns:
        ctes.append(reminder_q.unnest_insert(reminder_columns).cte("new_reminders"))
    return statement.add_cte(*ctes)


def _values(model: Any, row: SimpleNamespace, key: bool = False) -> dict[str, Any]:
    """A new row's column values (defaults applied when it was made), its key left out unless
    `key`."""
    return {c.name: getattr(row, c.name) for c in model.__table__.c if key or not c.primary_key}


async def next_number(s: AsyncSession, team_id: str) -> int:
    """The workspace's next incident number: one atomic upsert on the counter row. A rolled-back
    transaction gives its number back."""
    return (await s.exec(_next_number(s, team_id))).scalar_one()


async def assign_number(s: AsyncSession, incident: SimpleNamespace) -> int | None:
    """Give a new incident (inserted with PENDING_NUMBER) the workspace's next number at the end of
    its transaction. Call it as the LAST step before commit.

    The counter row's lock is held until commit, so every report of the workspace queues behind
    it. On PostgreSQL the commit itself takes the number (a deferred constraint trigger, migration
    0009): the lock lasts as long as the commit, with no round trip or turn of the event loop
    inside it, and this sends nothing (None: the number is known once committed). Taken by a
    statement just before the commit, the slowest of 20 concurrent reports waited about 100 ms
    for it; taken first, 112 to 219 ms. SQLite (one writer at a time) takes it here with the
    upsert."""
    await s.flush()  # nothing left for the commit to write but the number
    if dialect(s) == "postgresql":
        return None
    number = await next_number(s, incident.team_id)
    await s.exec(update(Incident).where(Incident.id == incident.id).values(number=number))
    incident.number = number
    return number


@dataclass(frozen=True, slots=True)
class IncidentContext:
    """An incident with everything around it that views and rules need."""

    incident: Incident
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    guideline: Guideline


def _context_query():
    return (
        select(Incident, Engagement, Influencer, Campaign, Guideline)
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Guideline, Guideline.id == Incident.guideline_id)
    )


async def context_by_id(s: AsyncSession, team_id: str, incident_id: int) -> IncidentContext | None:
    row = (
        await s.exec(_context_query().where(Incident.team_id == team_id, Incident.id == incident_id))
    ).first()
    return IncidentContext(*row) if row else None


async def context_by_number(s: AsyncSession, team_id: str, number: int) -> IncidentContext | None:
    row = (
        await s.exec(_context_query().where(Incident.team_id == team_id, Incident.number == number))
    ).first()
    return IncidentContext(*row) if row else None


async def by_card(s: AsyncSession, team_id: str, channel_id: str, ts: str) -> Incident | None:
    result = await s.exec(
        select(Incident).where(
            Incident.team_id == team_id, Incident.channel_id == channel_id, Incident.card_ts == ts
        )
    )
    return result.scalars().first()


async def transition(
    s: AsyncSession,
    team_id: str,
    incident_id: int,
    allowed: Sequence[str],
    values: dict[str, Any],
    *extra_where,
) -> bool:
    """Conditional update: applies `values` only if the status is still one of `allowed`."""
    result = await s.exec(
        update(Incident)
        .where(
            Incident.team_id == team_id,
            Incident.id == incident_id,
            Incident.status.in_(list(allowed)),
            *extra_where,
        )
        .values(**values)
    )
    return result.rowcount == 1


def add_event(
    s: AsyncSession,
    incident: Incident,
    kind: str,
    at: datetime,
    actor_id: str | None = None,
    text: str | None = None,
    **data: Any,
) -> IncidentEvent:
    """A timeline event, added to the session (its hash comes at flush: storage/chain.py)."""
    event = new_event(incident, kind, at, actor_id, text, **data)
    s.add(event)
    return event


def new_event(
    incident: Incident,
    kind: str,
    at: datetime,
    actor_id: str | None = None,
    text: str | None = None,
    **data: Any,
) -> IncidentEvent:
    """A timeline event of `incident`, not yet added anywhere."""
    return IncidentEvent(**_event_values(incident, kind, at, actor_id, text, data))


def first_event(
    incident: Any, kind: str, at: datetime, actor_id: str, text: str, **data: Any
) -> SimpleNamespace:
    """A new incident's first timeline event, as a row for `write_new` (`storage.queries.new_row`)."""
    return new_row(IncidentEvent, **_event_values(incident, kind, at, actor_id, text, data))


def _event_values(
    incident: Any, kind: str, at: datetime, actor_id: str | None, text: str | None, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "team_id": incident.team_id,
        "incident_id": incident.id,
        "kind": kind,
        "actor_id": actor_id,
        "text": text,
        "data": data,
        "created_at": at,
    }


async def timeline(s: AsyncSession, incident_id: int, limit: int = 200) -> Sequence[IncidentEvent]:
    result = await s.exec(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id)
        .limit(limit)
    )
    return result.scalars().all()


async def last_change_to(s: AsyncSession, incident_id: int, status: str) -> IncidentEvent | None:
    """The timeline event that moved the incident into `status` (for "already … by …")."""
    result = await s.exec(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id.desc())
    )
    for event in result.scalars():
        if event.data.get("to") == status:
            return event
    return None


async def first_delivery(s: AsyncSession, team_id: str, event_id: str, at: datetime) -> bool:
    """Record an Events API delivery; False when this event id was already handled (a retry)."""
    statement = insert(s, ProcessedEvent).values(team_id=team_id, event_id=event_id, received_at=at)
    statement = statement.on_conflict_do_nothing(index_elements=["team_id", "event_id"])
    return (await s.exec(statement)).rowcount == 1


async def delivered(s: AsyncSession, team_id: str, event_id: str) -> bool:
    """Was this delivery (an Events API event, a form's submission) already recorded?"""
    result = await s.exec(
        select(ProcessedEvent.event_id).where(
            ProcessedEvent.team_id == team_id, ProcessedEvent.event_id == event_id
        )
    )
    return result.first() is not None


async def strike_total(s: AsyncSession, influencer_id: int) -> int:
    """Strikes are derived: the sum over the influencer's resolved incidents."""
    result = await s.exec(
        select(func.coalesce(func.sum(Incident.strikes), 0))
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .where(Engagement.influencer_id == influencer_id, Incident.status == IncidentStatus.RESOLVED)
    )
    return int(result.scalar_one())


# ---------------------------------------------------------------------------------------------
# what a user may see, as a set of engagements resolved first


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose incidents a list covers: the whole workspace (`engagement_ids` None: an admin) or
    those of a set of engagements, resolved once per request.

    Resolving the set first keeps every incident query a plain `engagement_id = ANY($1)` that the
    indexes serve; "has a role on the campaign OR is the influencer" written per incident row
    cannot use any index (it walked a million rows to return thirty)."""

    team_id: str
    engagement_ids: tuple[int, ...] | None

    @property
    def empty(self) -> bool:
        return self.engagement_ids is not None and not self.engagement_ids

    @property
    def large(self) -> bool:
        """Thousands of engagements (a manager of hundreds of campaigns): PostgreSQL then spends
        milliseconds planning each statement that names them, whose page nearly always has more."""
        return self.engagement_ids is not None and len(self.engagement_ids) > LARGE_SCOPE


#: More engagements than this make a `Scope.large`.
LARGE_SCOPE = 1_000


def dialect(s: AsyncSession) -> str:
    return s.get_bind().dialect.name


async def scope_of(
    s: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    is_admin: bool,
    campaign_id: int | None = None,
    roles: Sequence[str] | None = None,
    email: str | None = None,
) -> Scope:
    """Admins: the workspace (or the campaign). Others: the engagements of the campaigns where they
    hold a brand role (only `roles`, when given: being the influencer then grants nothing), plus
    their own engagements as an influencer (by Slack id, or by `email`, their Slack e-mail, for an
    influencer invited by e-mail whose id is not bound yet: `campaigns.is_me`); within
    `campaign_id` when given."""
    if is_admin:
        if campaign_id is None:
            return Scope(team_id, None)
        ids = await s.exec(
            select(Engagement.id).where(Engagement.team_id == team_id, Engagement.campaign_id == campaign_id)
        )
        return Scope(team_id, tuple(ids.scalars().all()))
    campaigns = brand_campaigns(team_id, user_id, roles or None, email)
    branded = select(Engagement.id).where(
        Engagement.team_id == team_id, Engagement.campaign_id.in_(campaigns)
    )
    if campaign_id is not None:
        branded = branded.where(Engagement.campaign_id == campaign_id)
    query = branded
    if not roles:
        own = (
            select(Engagement.id)
            .join(Influencer, Influencer.id == Engagement.influencer_id)
            .where(
                Engagement.team_id == team_id,
                Influencer.team_id == team_id,
                is_me(user_id, email),
            )
        )
        if campaign_id is not None:
            own = own.where(Engagement.campaign_id == campaign_id)
        query = union(branded, own)
    ids = (await s.exec(query)).scalars().all()
    return Scope(team_id, tuple(sorted(set(ids))))


async def on_a_brand_team(s: AsyncSession, team_id: str, user_id: str, email: str | None = None) -> bool:
    """Manager, member or legal on a campaign of the workspace, and an influencer nowhere in it,
    also not by the `email` Slack shows for them (`brand_campaigns`)."""
    return (await s.exec(brand_campaigns(team_id, user_id, email=email).limit(1))).first() is not None


def _in_scope(s: AsyncSession, scope: Scope) -> list:
    where = [Incident.team_id == scope.team_id]
    if scope.engagement_ids is not None:
        where.append(id_in(dialect(s), Incident.engagement_id, scope.engagement_ids))
    return where


@dataclass(frozen=True, slots=True)
class Count:
    """A count that stops at `cap`: "1,000+" costs what counting a thousand rows costs."""

    n: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.n:,}+" if self.capped else f"{self.n:,}"


def rows_of(table) -> Any:
    """`SELECT 1 FROM table`: what a capped count counts (no column, so an index can answer alone)."""
    return select(literal_column("1")).select_from(table)


async def capped_count(s: AsyncSession, query, cap: int) -> Count:
    """How many rows `query` (a SELECT of anything) returns, counting at most `cap`."""
    n = (await s.exec(select(func.count()).select_from(query.limit(cap + 1).subquery()))).scalar_one()
    return Count(cap, True) if n > cap else Count(n)


#: Incidents per page of `/breach list`; the count above the list stops here.
LIST_PAGE = 25
COUNT_CAP = 1000


async def list_page(
    s: AsyncSession, scope: Scope, *, open_only: bool, before: int | None = None, limit: int = LIST_PAGE
) -> tuple[list[IncidentContext], bool]:
    """One page of incidents in scope, newest first, numbered below `before` (keyset: page N costs
    what page 1 costs); and whether there are more."""
    if scope.empty:
        return [], False
    where = _in_scope(s, scope)
    if open_only:
        where.append(Incident.status.in_(OPEN_STATUSES))
    if before is not None:
        where.append(Incident.number < before)
    query = _context_query().where(*where).order_by(Incident.number.desc()).limit(limit + 1)
    rows = (await s.exec(query)).all()
    return [IncidentContext(*row) for row in rows[:limit]], len(rows) > limit


async def list_count(s: AsyncSession, scope: Scope, *, open_only: bool, cap: int = COUNT_CAP) -> Count:
    if scope.empty:
        return Count(0)
    where = _in_scope(s, scope)
    if open_only:
        where.append(Incident.status.in_(OPEN_STATUSES))
    return await capped_count(s, rows_of(Incident).where(*where), cap)


# ---------------------------------------------------------------------------------------------
# the export: only the columns of the CSV, in batches


@dataclass(frozen=True, slots=True)
class ExportRow:
    id: int
    number: int
    campaign: str
    influencer: str
    influencer_email: str | None
    clause: str
    clause_title: str
    severity: str
    status: str
    description: str
    evidence: list[str]
    occurred_at: datetime
    reported_at: datetime
    reporter_id: str
    response_due_at: datetime
    responded_at: datetime | None
    escalated_at: datetime | None
    outcome: str | None
    strikes: int | None
    resolution_note: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    events: int = 0
    thread_replies: int = 0
    responses: int = 0
    #: The newest timeline event's hash: the head of the incident's chain (bot/domain/chain.py).
    timeline_hash: str | None = None


_EXPORT_COLUMNS = (
    Incident.id,
    Incident.number,
    Campaign.slug,
    Influencer.display_name,
    Influencer.email,
    Guideline.code,
    Guideline.title,
    Incident.severity,
    Incident.status,
    Incident.description,
    Incident.evidence,
    Incident.occurred_at,
    Incident.created_at,
    Incident.reporter_id,
    Incident.response_due_at,
    Incident.responded_at,
    Incident.escalated_at,
    Incident.outcome,
    Incident.strikes,
    Incident.resolution_note,
    Incident.resolved_by,
    Incident.resolved_at,
)
EXPORT_BATCH = 250


async def export_batch(
    s: AsyncSession, scope: Scope, *, before: int | None, limit: int | None = None
) -> list[ExportRow]:
    """Up to `limit` (default EXPORT_BATCH) incidents in scope numbered below `before`, newest
    first, with their timeline counts (one grouped query over the batch's ids, as one parameter)."""
    if scope.empty:
        return []
    limit = limit or EXPORT_BATCH
    where = _in_scope(s, scope)
    if before is not None:
        where.append(Incident.number < before)
    query = (
        select(*_EXPORT_COLUMNS)
        .select_from(Incident)
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Guideline, Guideline.id == Incident.guideline_id)
        .where(*where)
        .order_by(Incident.number.desc())
        .limit(limit)
    )
    rows = (await s.exec(query)).all()
    if not rows:
        return []
    counts = await event_counts(s, [row[0] for row in rows])
    heads = await chain_heads(s, [row[0] for row in rows])
    out = []
    for row in rows:
        kinds = counts.get(row[0], {})
        out.append(
            ExportRow(
                *row,
                events=sum(kinds.values()),
                thread_replies=kinds.get(IncidentEventKind.THREAD_REPLY, 0),
                responses=kinds.get(IncidentEventKind.RESPONSE, 0),
                timeline_hash=heads.get(row[0]),
            )
        )
    return out


async def event_counts(s: AsyncSession, incident_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per incident: timeline events by kind (one grouped query, the ids as one parameter)."""
    if not incident_ids:
        return {}
    rows = await s.exec(
        select(IncidentEvent.incident_id, IncidentEvent.kind, func.count())
        .where(id_in(dialect(s), IncidentEvent.incident_id, incident_ids))
        .group_by(IncidentEvent.incident_id, IncidentEvent.kind)
    )
    counts: dict[int, dict[str, int]] = {}
    for incident_id, kind, count in rows.all():
        counts.setdefault(incident_id, {})[kind] = count
    return counts


async def reportable_engagements(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool, email: str | None = None, limit: int = 100
) -> Sequence[tuple[Engagement, Influencer, Campaign]]:
    """Engagements the user may report on: on campaigns where they hold a brand role (admins: all;
    `email`: see `brand_campaigns`), newest campaigns first (index campaign (team_id, start_date):
    the first `limit` without sorting every engagement of the workspace)."""
    query = (
        select(Engagement, Influencer, Campaign)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .where(Engagement.team_id == team_id, Campaign.team_id == team_id)
    )
    if not is_admin:
        query = query.where(Campaign.id.in_(brand_campaigns(team_id, user_id, email=email)))
    rows = await s.exec(query.order_by(Campaign.start_date.desc(), Engagement.id).limit(limit))
    return [tuple(row) for row in rows.all()]


async def guidelines_of(s: AsyncSession, campaign_ids: Sequence[int]) -> Sequence[Guideline]:
    if not campaign_ids:
        return []
    result = await s.exec(
        select(Guideline)
        .where(Guideline.campaign_id.in_(list(campaign_ids)))
        .order_by(Guideline.campaign_id, Guideline.position)
    )
    return result.scalars().all()


async def exports_anything(s: AsyncSession, team_id: str, user_id: str, email: str | None = None) -> bool:
    """Whether the user is a manager or legal on any campaign (an empty export is still theirs);
    never someone who is an influencer anywhere, also by `email` (`brand_campaigns`)."""
    result = await s.exec(brand_campaigns(team_id, user_id, ["manager", "legal"], email).limit(1))
    return result.first() is not None


async def recent_report(
    s: AsyncSession, engagement_id: int, guideline_id: int, since: datetime
) -> Incident | None:
    """The newest incident on this engagement and clause reported since `since` (a possible
    duplicate of a new report), or None."""
    result = await s.exec(
        select(Incident)
        .where(
            Incident.engagement_id == engagement_id,
            Incident.guideline_id == guideline_id,
            Incident.created_at >= since,
        )
        .order_by(Incident.created_at.desc())
        .limit(1)
    )
    return result.scalars().first()


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What a new report checks before it is stored, read in ONE statement (see `report_context`)."""

    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    #: The chosen clause, None when it is not one of this campaign's.
    guideline: Guideline | None
    #: The reporter's role granted on the campaign (None: none).
    granted: str | None
    #: The newest incident on this engagement and clause since `since` (a possible duplicate).
    recent_id: int | None
    #: Who gets the brand side's reminders about it: the first of the campaign's
    #: `brand_recipient_ids` (the owner, never an influencer); None: nobody.
    brand_contact: str | None
    #: Whether this form's submission was recorded now (False: a repeat); None when not asked.
    first_delivery: bool | None = None
    #: The new incident's id, taken from its sequence (PostgreSQL), so that `write_new` writes the
    #: incident, its first event and its reminders in one statement; None: the INSERT gives it.
    new_id: int | None = None


def _report_context_statement(guarded: bool = False, numbered: bool = False):
    """Built once with named parameters (its cache key too): a report runs it every time.

    `guarded` (PostgreSQL): the statement also records the form's submission, as `first_delivery`
    does, in a data-modifying CTE, and says whether it was the first: one round trip fewer for
    every report. Every refusal after it raises, so the transaction rolls the record back, as it
    does `first_delivery`'s. `numbered` (PostgreSQL): it also takes the new incident's id from the
    sequence (a refused report leaves a gap in the ids, as a rolled-back INSERT does), another
    round trip fewer (`write_new`)."""
    role = (
        select(CampaignRole.role)
        .where(
            CampaignRole.campaign_id == Campaign.id,
            CampaignRole.user_id == bindparam("user_id"),
            # the reporter's e-mail (lower-cased, or None): an influencer invited by e-mail whose
            # Slack id is not bound yet holds no role either
            ~an_influencer(CampaignRole.team_id, CampaignRole.user_id, bindparam("email", type_=String)),
        )
        .limit(1)
        .correlate(Campaign)
        .scalar_subquery()
    )
    recent = (
        select(Incident.id)
        .where(
            Incident.engagement_id == Engagement.id,
            Incident.guideline_id == bindparam("guideline_id"),
            Incident.created_at >= bindparam("since", type_=Incident.__table__.c.created_at.type),
        )
        .order_by(Incident.created_at.desc())
        .limit(1)
        .correlate(Engagement)
        .scalar_subquery()
    )
    team = bindparam("team_id")
    statement = (
        select(
            Engagement,
            Influencer,
            Campaign,
            Guideline,
            role,
            recent,
            brand_recipient_ids(Campaign.id).limit(1).scalar_subquery(),
        )
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, (Campaign.id == Engagement.campaign_id) & (Campaign.team_id == team))
        .outerjoin(
            Guideline, (Guideline.id == bindparam("guideline_id")) & (Guideline.campaign_id == Campaign.id)
        )
        .where(Engagement.team_id == team, Engagement.id == bindparam("engagement_id"))
    )
    if numbered:
        statement = statement.add_columns(func.nextval(literal_column("'incident_id_seq'::regclass")))
    if not guarded:
        return statement
    received = bindparam("received_at", type_=ProcessedEvent.__table__.c.received_at.type)
    guard = (
        postgresql.insert(ProcessedEvent)
        .values(team_id=team, event_id=bindparam("event_id"), received_at=received)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(ProcessedEvent.event_id)
        .cte("first_delivery")
    )
    recorded = select(func.count()).select_from(guard).scalar_subquery() == 1
    return statement.add_columns(recorded).add_cte(guard)


_REPORT_CONTEXT = _report_context_statement()
_REPORT_CONTEXT_NUMBERED = _report_context_statement(numbered=True)
_REPORT_CONTEXT_GUARDED = _report_context_statement(guarded=True, numbered=True)


async def report_context(
    s: AsyncSession,
    team_id: str,
    engagement_id: int,
    guideline_id: int,
    user_id: str,
    since: datetime,
    *,
    event_id: str | None = None,
    at: datetime | None = None,
    email: str | None = None,
) -> ReportContext | None:
    """The engagement with its influencer and campaign, the chosen clause if it is the campaign's,
    the reporter's granted role, the id of a recent report on the same clause (what
    `recent_report` finds) and whom the brand side's reminders go to, in one statement: a report
    used to spend five round trips on them, each a turn of the event loop for twenty concurrent
    reports to queue behind. On PostgreSQL,
    with `event_id`, the same statement records the submission (`first_delivery` at `at`) and, in
    any case, takes the new incident's id (`new_id`). `email`: what Slack shows for the reporter
    (`campaigns.is_me`)."""
    params = {
        "team_id": team_id,
        "engagement_id": engagement_id,
        "guideline_id": guideline_id,
        "user_id": user_id,
        "email": (email or "").lower() or None,
        "since": since,
    }
    postgres = dialect(s) == "postgresql"
    guarded = postgres and event_id is not None
    statement = _REPORT_CONTEXT
    if guarded:
        statement = _REPORT_CONTEXT_GUARDED
        params.update(event_id=event_id, received_at=at)
    elif postgres:
        statement = _REPORT_CONTEXT_NUMBERED
    row = (await s.exec(statement, params=params)).first()
    if row is None:
        return None
    return ReportContext(
        *row[:7],
        first_delivery=row[8] if guarded else None,
        new_id=row[7] if postgres else None,
    )
