"""App Home: what waits for a user, as a few bounded queries (the first rows of each list and a
count that stops at a cap).

A user's brand scope is the campaigns where they hold a brand role (the whole workspace for an
admin), joined in each statement through campaign_role (campaign_id, user_id) rather than passed
as a list of engagement ids (see `BrandScope`). Every list walks an index shaped like its order:
open incidents most severe first are read one severity at a time from the partial indexes over
open incidents, deliverables still owed by due time. Counts stop at COUNT_CAP ("100+"), so a
workspace with a million incidents costs the same handful of short statements as the demo.
Influencer lists cover the user's own engagements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import (
    String,
    and_,
    any_,
    bindparam,
    case,
    func,
    join,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.campaigns import CLOSED_STATUSES
from bot.domain.enums import (
    DeliverableStatus,
    EngagementStatus,
    IncidentStatus,
    Role,
    Severity,
)
from bot.domain.incidents import OPEN, waiting_on
from storage.db import id_in as _id_in
from storage.db import id_in_param, ids_value
from storage.models import (
    Campaign,
    CampaignRole,
    Deliverable,
    Engagement,
    Incident,
    Influencer,
    Review,
)
from storage.queries.incidents import Count, capped_count, dialect, rows_of
from storage.types import UTCDateTime

T = TypeVar("T")
OPEN_STATUSES = tuple(sorted(OPEN))
#: Statuses where the brand has the next move whatever happened, and those where it does only
#: once the influencer responded — derived from `waiting_on`, the one rule.
BRAND_ALWAYS = tuple(sorted(s for s in OPEN if waiting_on(s, False) == "brand"))
BRAND_IF_RESPONDED = tuple(
    sorted(s for s in OPEN if waiting_on(s, True) == "brand" and waiting_on(s, False) != "brand")
)
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MODERATE: 2, Severity.MINOR: 3}
#: Most severe first.
SEVERITIES = tuple(sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__))
#: Counts on the home stop here ("100+"): the home is a glance, and each count costs the rows it
#: reads; `/breach list` and "View all" count to 1,000.
COUNT_CAP = 100
#: The brand roles whose campaigns make up a user's brand home.
BRAND_ROLES = ("manager", "member", "legal")
#: Deliverable statuses still owed by the influencer.
OWED = (DeliverableStatus.PLANNED, DeliverableStatus.LATE)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """The first rows of a list and how many there are in all (`capped`: at least `total`)."""

    rows: list[T]
    total: int
    capped: bool = False

    @classmethod
    def of(cls, rows: list[T], count: Count) -> Page[T]:
        return cls(rows, count.n, count.capped)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"


@dataclass(frozen=True, slots=True)
class IncidentLine:
    number: int
    title: str
    severity: str
    status: str
    responded: bool
    response_due_at: datetime
    campaign_slug: str
    influencer: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class DeliverableLine:
    id: int
    title: str
    platform: str
    due_at: datetime
    status: str
    campaign_slug: str
    influencer: str
    channel_id: str
    pending_checks: int = 0


@dataclass(frozen=True, slots=True)
class EngagementLine:
    engagement_id: int
    campaign_slug: str
    campaign_name: str
    brand: str
    influencer: str
    channel_id: str
    status: str
    acknowledged_version: int | None
    guidelines_version: int
    last_review_at: datetime | None = None  # reviews due: None when never reviewed


@dataclass(frozen=True, slots=True)
class EscalationLine:
    """An escalated incident waiting for legal, and when it was escalated."""

    number: int
    title: str
    severity: str
    campaign_slug: str
    influencer: str
    escalated_at: datetime


async def influencer_of(s: AsyncSession, team_id: str, user_id: str, email: str | None) -> Influencer | None:
    """The influencer the user is: by Slack id, or by the email an external creator was invited
    with before Slack told us their id (the id is stored when they first acknowledge guidelines;
    bot/flows/access.py `is_the_influencer` matches them the same way)."""
    found = await s.exec(
        select(Influencer).where(Influencer.team_id == team_id, Influencer.slack_user_id == user_id)
    )
    me = found.scalars().first()
    if me is not None or not email:
        return me
    found = await s.exec(
        select(Influencer).where(
            Influencer.team_id == team_id,
            Influencer.slack_user_id.is_(None),
            Influencer.email == email.lower(),
        )
    )
    return found.scalars().first()


async def is_engaged(s: AsyncSession, team_id: str, influencer_id: int) -> bool:
    """Has the influencer an engagement (any status) in the workspace (index engagement (team_id,
    influencer_id))?"""
    found = await s.exec(
        select(Engagement.id)
        .where(Engagement.team_id == team_id, Engagement.influencer_id == influencer_id)
        .limit(1)
    )
    return found.first() is not None


@dataclass(frozen=True, slots=True)
class BrandScope:
    """Whose brand home: the campaigns where `user_id` holds a brand role, or (`user_id` None, an
    admin) the whole workspace.

    The scope is a join on campaign_role (campaign_id, user_id), never a list of ids: a list of
    ten thousand engagements (legal on half the campaigns) cost PostgreSQL about 5 ms of planning
    in every statement it appeared in (it estimates an `= ANY` element by element), and reading
    it cost as much again. Each row a section reads is checked through the unique index
    campaign_role (campaign_id, user_id), and the planner sees the role table's statistics."""

    team_id: str
    user_id: str | None
    #: A small scope's engagements (see `resolve`): the sections then say `engagement_id = ANY
    #: ($1)` instead of joining the roles.
    engagement_ids: tuple[int, ...] | None = None

    @property
    def empty(self) -> bool:
        return False  # the caller asks only for someone with a brand role, or an admin


def brand_scope(team_id: str, user_id: str, *, is_admin: bool) -> BrandScope:
    """The campaigns where the user holds a brand role (admins: the workspace)."""
    return BrandScope(team_id, None if is_admin else user_id)


#: A scope of at most this many engagements (on at most SMALL_CAMPAIGNS campaigns) is read once
#: and given to the sections as one array parameter; a larger one is joined on the roles in each
#: statement.
SMALL_SCOPE = 1_000
SMALL_CAMPAIGNS = 100


async def resolve(s: AsyncSession, scope: BrandScope) -> BrandScope:
    """The scope as the sections will read it: a small one (at most SMALL_SCOPE engagements) as
    its engagement ids, anything larger as the join on the roles (see `home_scope`)."""
    if scope.user_id is None:
        return scope
    return (await home_scope(s, scope.team_id, scope.user_id, is_admin=False))[0]


async def home_scope(
    s: AsyncSession, team_id: str, user_id: str, *, is_admin: bool
) -> tuple[BrandScope, bool]:
    """The user's brand scope as the sections will read it, and whether they are legal on any
    campaign (legal's escalations), from one read of their roles.

    A small scope (at most SMALL_CAMPAIGNS campaigns and SMALL_SCOPE engagements) is read as its
    engagement ids: a manager of twenty campaigns has two hundred engagements, and as an `=
    ANY($1)` of their ids each section finds its rows through the indexes that start with
    engagement_id and PostgreSQL plans a statement with two fewer relations (a 1.5 ms plan became
    0.5 ms, the statement 3.5 ms became 1.5 ms). Ten thousand ids (legal on a thousand campaigns)
    would cost about 5 ms of planning in every statement, where the join on the roles costs
    nothing extra. The roles are read first, a legal one first and at most SMALL_CAMPAIGNS + 1
    (index (team_id, user_id)), so a large scope costs one short statement to recognise and only
    a small one has its engagements read."""
    roles = (
        await s.exec(
            select(CampaignRole.campaign_id, CampaignRole.role)
            .where(
                CampaignRole.team_id == team_id,
                CampaignRole.user_id == user_id,
                CampaignRole.role.in_(BRAND_ROLES),
            )
            .order_by((CampaignRole.role == Role.LEGAL).desc())
            .limit(SMALL_CAMPAIGNS + 1)
        )
    ).all()
    legal = bool(roles) and roles[0][1] == Role.LEGAL
    scope = brand_scope(team_id, user_id, is_admin=is_admin)
    if is_admin or len(roles) > SMALL_CAMPAIGNS:
        return scope, legal
    found = await s.exec(
        select(Engagement.id)
        .where(
            Engagement.team_id == team_id,
            _id_in(dialect(s), Engagement.campaign_id, [campaign for campaign, _ in roles]),
        )
        .limit(SMALL_SCOPE + 1)
    )
    ids = tuple(found.scalars().all())
    return (scope if len(ids) > SMALL_SCOPE else BrandScope(team_id, user_id, ids)), legal


# ---------------------------------------------------------------------------------------------
# statements built once
#
# Building a section's statement (a dozen joins and subqueries as SQLAlchemy objects) and
# computing its cache key cost about 0.7 ms of CPU, each time, for each of a dozen statements: a
# third of a home's time once the database answered in a few milliseconds. Each statement is
# therefore built once per shape (database, admin or not, limit) with named parameters in place
# of the scope and the times, and executed with their values.

_STATEMENTS: dict[tuple, Select] = {}


def _statement(s: AsyncSession, key: tuple, build) -> Select:
    """The statement for `key` on this database, built by `build()` the first time."""
    key = (dialect(s), *key)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    return statement


def _template(scope: BrandScope) -> BrandScope:
    """The scope with named parameters in place of its values (see `_values`; the engagement ids
    are the parameter `scope_ids`, see `_ids_in`)."""
    return BrandScope(
        bindparam("scope_team_id", type_=String),
        None if scope.user_id is None else bindparam("scope_user_id", type_=String),
        None if scope.engagement_ids is None else (),
    )


def _values(s: AsyncSession, scope: BrandScope, **times: datetime | None) -> dict:
    """The values of `_template(scope)`'s parameters, and of the named times."""
    values = {"scope_team_id": scope.team_id, **times}
    if scope.engagement_ids is not None:
        ids = list(scope.engagement_ids)
        values["scope_ids"] = ids_value(dialect(s), ids)
    elif scope.user_id is not None:
        values["scope_user_id"] = scope.user_id
    return values


def _ids_in(s: AsyncSession, column):
    """`column` is one of the scope's engagement ids, ONE parameter whatever their number (as
    `storage.db.id_in`): `= ANY($1::int[])` on PostgreSQL, `IN (SELECT value FROM json_each(?))`
    on SQLite."""
    return id_in_param(dialect(s), column, "scope_ids")


def _time(name: str):
    return bindparam(name, type_=UTCDateTime())


def _kind(scope: BrandScope) -> str:
    if scope.user_id is None:
        return "workspace"
    return "user" if scope.engagement_ids is None else "ids"


def _campaigns(scope: BrandScope):
    """Subquery: the scope's campaigns."""
    return select(CampaignRole.campaign_id).where(
        CampaignRole.team_id == scope.team_id,
        CampaignRole.user_id == scope.user_id,
        CampaignRole.role.in_(BRAND_ROLES),
    )


def _in_campaigns(s: AsyncSession, campaigns: Select, *, counting: bool = False):
    """`engagement.campaign_id` is one of `campaigns` (see `_campaign_in`)."""
    return _campaign_in(s, Engagement, campaigns, counting=counting)


def _campaign_in(s: AsyncSession, engagement, campaigns: Select, *, counting: bool = False):
    """`engagement.campaign_id` is one of `campaigns`.

    A list (rows in an index's order, up to a limit) says `IN (SELECT …)`: PostgreSQL weighs
    walking the index in order and checking each row's campaign (a large scope) against reading
    the scope's rows and sorting them (a small one), and chooses well. A capped count has no order
    to walk, and there the semi-join misled it: to find its 101 rows it read the engagement table
    in its physical order and checked each one against the roles, about 15 ms for a scope at the
    table's end (the newest campaigns). A count on PostgreSQL therefore says `= ANY (ARRAY(SELECT
    …))`: the campaigns are read once before the statement runs (an InitPlan) and the scope's
    engagements found through the index (campaign_id, influencer_id), about 1 ms."""
    if counting and dialect(s) == "postgresql":
        return engagement.campaign_id == any_(func.array(campaigns.scalar_subquery()))
    return engagement.campaign_id.in_(campaigns)


def _within(s: AsyncSession, scope: BrandScope, *, counting: bool = False, on=None) -> list:
    """The joined engagement is in scope (nothing to say for the workspace); see `_in_campaigns`
    for `counting`."""
    if scope.user_id is None:
        return []
    if scope.engagement_ids is not None:  # `on`: the engagement id of the rows read
        return [_ids_in(s, Engagement.id if on is None else on)]
    return [_in_campaigns(s, _campaigns(scope), counting=counting)]


def _incident_rows(scope: BrandScope):
    """`SELECT 1 FROM incident` (what a capped count counts), joined to its engagement when the
    scope needs it."""
    rows = rows_of(Incident)
    if scope.user_id is None or scope.engagement_ids is not None:
        return rows
    return rows.join(Engagement, Engagement.id == Incident.engagement_id)


def _capped(count_query: Select):
    """`(SELECT count(*) FROM (count_query LIMIT COUNT_CAP + 1))`: a scalar subquery that a list's
    statement carries as its last column. It does not depend on the row, so PostgreSQL runs it
    once (an InitPlan), and the list and its count cost one round trip instead of two."""
    return select(func.count()).select_from(count_query.limit(COUNT_CAP + 1).subquery()).scalar_subquery()


def _counted_page(found: list, limit: int, make) -> Page:
    """Rows whose last column is `_capped`'s count: the page (the count is the rows' own number
    when they are fewer than `limit`)."""
    rows = [make(*row[:-1]) for row in found]
    if len(rows) < limit:
        return Page(rows, len(rows))
    n = found[0][-1]
    return Page(rows, min(n, COUNT_CAP), n > COUNT_CAP)


async def _page(s: AsyncSession, rows_query: Select, limit: int, count_query: Select, make) -> Page:
    """The first `limit` rows, and a count that stops at COUNT_CAP, asked only when the rows do not
    say it all (an influencer's lists: a few rows, so the count is rarely needed)."""
    rows = [make(*row) for row in (await s.exec(rows_query.limit(limit))).all()]
    if len(rows) < limit:
        return Page(rows, len(rows))
    return Page.of(rows, await capped_count(s, count_query, COUNT_CAP))


def _with_count(rows_query: Select, limit: int, count_query: Select) -> Select:
    return rows_query.add_columns(_capped(count_query)).limit(limit)


def _names(shown):
    """The names of the rows a section shows, joined only once they are chosen: `shown` is the
    bounded subquery of the section's own columns with their `engagement_id`. Choosing the rows
    on the fact table (and, for a large scope, the engagement and the roles) and joining campaign
    and influencer for the eight shown halves the statement's planning (a list planned in 2.1 ms
    is planned in 1.0 ms: two relations fewer in the join search)."""
    engagement = aliased(Engagement, name="shown_engagement")
    campaign = aliased(Campaign, name="shown_campaign")
    influencer = aliased(Influencer, name="shown_influencer")
    joined = (
        shown.join(engagement, engagement.id == shown.c.engagement_id)
        .join(campaign, campaign.id == engagement.campaign_id)
        .join(influencer, influencer.id == engagement.influencer_id)
    )
    return joined, campaign.slug, influencer.display_name, engagement.channel_id


def _from(table, joined: bool):
    """`SELECT … FROM table`, joined to its engagement when the scope needs it (`joined`: the
    roles, a large scope's check)."""
    if not joined:
        return table
    return join(table, Engagement, Engagement.id == table.engagement_id)


def _joins_roles(t: BrandScope) -> bool:
    return t.user_id is not None and t.engagement_ids is None


# ---------------------------------------------------------------------------------------------
# incidents


_INCIDENT_COLUMNS = (
    Incident.number,
    Incident.title,
    Incident.severity,
    Incident.status,
    Incident.responded_at.is_not(None),
    Incident.response_due_at,
    Campaign.slug,
    Influencer.display_name,
    Engagement.channel_id,
)


def _incidents(*columns):
    return (
        select(*columns)
        .select_from(Incident)
        .join(Engagement, Engagement.id == Incident.engagement_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
    )


def _waiting_on_brand():
    return or_(
        Incident.status.in_(BRAND_ALWAYS),
        and_(Incident.status.in_(BRAND_IF_RESPONDED), Incident.responded_at.is_not(None)),
    )


def _open(s: AsyncSession, scope: BrandScope, *, counting: bool = False) -> list:
    """Open incidents in scope (the partial indexes' condition, spelled the same way)."""
    return [
        Incident.team_id == scope.team_id,
        Incident.status.in_(OPEN_STATUSES),
        *_within(s, scope, counting=counting, on=Incident.engagement_id),
    ]


def _severities():
    """PostgreSQL: `unnest($1::VARCHAR[]) WITH ORDINALITY AS severities (severity, rank)`, most
    severe first. Not a VALUES list: SQLAlchemy never caches a statement that holds one, so the
    three statements using it were compiled again on every home (about 10 ms of CPU a home)."""
    return (
        func.unnest(literal(list(SEVERITIES), ARRAY(String)))
        .table_valued("severity", with_ordinality="rank")
        .render_derived(name="severities")
    )


#: The columns of an incident line chosen before its names (they travel through a UNION ALL).
_PICK = (
    Incident.number.label("number"),
    Incident.title.label("title"),
    Incident.severity.label("severity"),
    Incident.status.label("status"),
    Incident.responded_at.is_not(None).label("responded"),
    Incident.response_due_at.label("response_due_at"),
    Incident.engagement_id.label("engagement_id"),
)


def _most_severe_first(
    s: AsyncSession,
    where: list,
    order: tuple[tuple[str, bool], ...],
    limit: int,
    count: Select | None = None,
    *,
    joined: bool,
) -> Select:
    """Up to `limit` lines, most severe first, then by `order` ((column, descending) pairs), in
    ONE statement of one bounded branch per severity, each walking the index that has its order
    ((team_id, severity, …) over open incidents) instead of sorting every open incident in scope
    by a computed rank. PostgreSQL: a LATERAL join over the four severities, so the scope's array
    is planned once (a 10,000-engagement `= ANY($1)` costs milliseconds of planning each time it
    appears); SQLite: a UNION ALL of the four branches. The lines are chosen on the incidents
    (`joined`: and their engagement, for the roles) and named after (`_names`). With `count`,
    each row ends with its capped count (`_capped`)."""

    def by(columns) -> list:
        return [columns[name].desc() if descending else columns[name] for name, descending in order]

    source = _from(Incident, joined)
    if dialect(s) == "postgresql":
        severities = _severities()
        line = (
            select(*_PICK)
            .select_from(source)
            .where(*where, Incident.severity == severities.c.severity)
            .order_by(*by(Incident.__table__.c))
            .limit(limit)
            .lateral("line")
        )
        shown = (
            select(*line.c, severities.c.rank.label("rank"))
            .select_from(severities.join(line, true()))
            .order_by(severities.c.rank, *by(line.c))
            .limit(limit)
            .subquery("shown")
        )
    else:
        branches = []
        for rank, severity in enumerate(SEVERITIES):
            branch = (
                select(*_PICK, literal(rank).label("rank"))
                .select_from(source)
                .where(*where, Incident.severity == severity)
                .order_by(*by(Incident.__table__.c))
                .limit(limit)
                .subquery()
            )
            branches.append(select(branch))
        merged = union_all(*branches).subquery()
        shown = select(merged).order_by(merged.c.rank, *by(merged.c)).limit(limit).subquery("shown")
    joined_names, slug, influencer, channel = _names(shown)
    query = (
        select(*(shown.c[c.name] for c in _PICK[:-1]), slug, influencer, channel)
        .select_from(joined_names)
        .order_by(shown.c.rank, *by(shown.c))
    )
    return query if count is None else query.add_columns(_capped(count))


def _counts_by_severity(s: AsyncSession, scope: BrandScope, where: list) -> Select:
    """Per severity, how many rows match `where`, each count stopping at COUNT_CAP: one statement
    (LATERAL over the severities on PostgreSQL, as above; four scalar subqueries on SQLite)."""
    if dialect(s) == "postgresql":
        severities = _severities()
        bounded = (
            _incident_rows(scope)
            .where(*where, Incident.severity == severities.c.severity)
            .correlate(severities)
            .limit(COUNT_CAP + 1)
            .subquery("bounded")
        )
        counted = select(func.count().label("n")).select_from(bounded).lateral("counted")
        return select(severities.c.severity, counted.c.n).select_from(severities.join(counted, true()))
    counts = [
        select(func.count())
        .select_from(
            _incident_rows(scope).where(*where, Incident.severity == severity).limit(COUNT_CAP + 1).subquery()
        )
        .scalar_subquery()
        for severity in SEVERITIES
    ]
    return select(*(count.label(severity) for count, severity in zip(counts, SEVERITIES, strict=True)))


async def incidents_waiting_on_brand(s: AsyncSession, scope: BrandScope, *, limit: int) -> Page[IncidentLine]:
    """Open incidents where the brand has the next move: most severe first, then the response due
    soonest (index (team_id, severity, response_due_at) over open incidents)."""
    if scope.empty:
        return Page([], 0)

    # `status IN (…open…)` although the waiting statuses are all open: PostgreSQL matches a
    # partial index to a plain or index-only scan only through that very condition
    def build() -> Select:
        t = _template(scope)
        where = [*_open(s, t), _waiting_on_brand()]
        count = _incident_rows(t).where(*_open(s, t, counting=True), _waiting_on_brand())
        return _most_severe_first(
            s, where, (("response_due_at", False), ("number", False)), limit, count, joined=_joins_roles(t)
        )

    statement = _statement(s, ("waiting", _kind(scope), limit), build)
    found = (await s.exec(statement, params=_values(s, scope))).all()
    return _counted_page(found, limit, IncidentLine)


async def open_incidents(
    s: AsyncSession, scope: BrandScope, *, limit: int
) -> tuple[dict[str, Count], Page[IncidentLine]]:
    """Open incidents in scope: a count per severity (each stops at COUNT_CAP, read from the index
    (team_id, engagement_id, severity) over open incidents without visiting the table), and the
    most severe first, newest first within a severity."""
    if scope.empty:
        return {}, Page([], 0)
    values = _values(s, scope)
    counts = _statement(
        s,
        ("open counts", _kind(scope)),
        lambda: _counts_by_severity(s, _template(scope), _open(s, _template(scope), counting=True)),
    )
    found = (await s.exec(counts, params=values)).all()
    numbers = dict(found) if dialect(s) == "postgresql" else dict(zip(SEVERITIES, found[0], strict=True))
    by_severity = {
        severity: Count(min(numbers[severity], COUNT_CAP), numbers[severity] > COUNT_CAP)
        for severity in SEVERITIES
        if numbers.get(severity)
    }
    total = sum(c.n for c in by_severity.values())
    capped = any(c.capped for c in by_severity.values())
    if not total:
        return by_severity, Page([], 0)
    lines = _statement(
        s,
        ("open", _kind(scope), limit),
        lambda: _most_severe_first(
            s, _open(s, _template(scope)), (("number", True),), limit, joined=_joins_roles(_template(scope))
        ),
    )
    rows = [IncidentLine(*row) for row in (await s.exec(lines, params=values)).all()]
    return by_severity, Page(rows, total, capped)


async def my_open_incidents(
    s: AsyncSession, team_id: str, influencer_id: int, *, limit: int
) -> Page[IncidentLine]:
    where = [
        Incident.team_id == team_id,
        Incident.status.in_(OPEN_STATUSES),
        Incident.engagement_id.in_(
            select(Engagement.id).where(
                Engagement.team_id == team_id, Engagement.influencer_id == influencer_id
            )
        ),
    ]
    return await _page(
        s,
        _incidents(*_INCIDENT_COLUMNS).where(*where).order_by(Incident.response_due_at, Incident.number),
        limit,
        rows_of(Incident).where(*where),
        IncidentLine,
    )


def _legal_campaigns(team_id: str, user_id: str):
    """Subquery: the campaigns where the user is legal (campaign_role (campaign_id, user_id))."""
    return select(CampaignRole.campaign_id).where(
        CampaignRole.team_id == team_id, CampaignRole.user_id == user_id, CampaignRole.role == Role.LEGAL
    )


async def escalations_for_legal(
    s: AsyncSession, team_id: str, user_id: str, *, limit: int
) -> Page[EscalationLine]:
    """Escalated incidents on the campaigns where the user is legal, those reported first first
    (the partial index (team_id, number) over open incidents, walked in order; escalated is one
    open status in five, so a few rows are read per line shown), each with when it was escalated.
    The count stops at COUNT_CAP."""

    def build() -> Select:
        team, user = bindparam("legal_team_id", type_=String), bindparam("legal_user_id", type_=String)
        where = [
            Incident.team_id == team,
            # `status = 'escalated'` alone: PostgreSQL proves it implies the partial index's
            # `status IN (…open…)`, and spelling both made it multiply their selectivities (it then
            # expected a tenth of the escalated incidents and joined them all instead of walking)
            Incident.status == IncidentStatus.ESCALATED,
        ]
        legal = _legal_campaigns(team, user)
        shown = (
            select(
                Incident.number.label("number"),
                Incident.title.label("title"),
                Incident.severity.label("severity"),
                func.coalesce(Incident.escalated_at, Incident.updated_at).label("escalated_at"),
                Incident.engagement_id.label("engagement_id"),
            )
            .select_from(_from(Incident, True))
            .where(*where, _in_campaigns(s, legal))
            .order_by(Incident.number)
            .limit(limit)
            .subquery("shown")
        )
        joined, slug, influencer, _ = _names(shown)
        query = (
            select(shown.c.number, shown.c.title, shown.c.severity, slug, influencer, shown.c.escalated_at)
            .select_from(joined)
            .order_by(shown.c.number)
        )
        count = (
            rows_of(Incident)
            .join(Engagement, Engagement.id == Incident.engagement_id)
            .where(*where, _in_campaigns(s, legal, counting=True))
        )
        return _with_count(query, limit, count)

    statement = _statement(s, ("escalations", limit), build)
    found = (await s.exec(statement, params={"legal_team_id": team_id, "legal_user_id": user_id})).all()
    return _counted_page(found, limit, EscalationLine)


# ---------------------------------------------------------------------------------------------
# deliverables and compliance checks


_DELIVERABLE_COLUMNS = (
    Deliverable.id,
    Deliverable.title,
    Deliverable.platform,
    Deliverable.due_at,
    Deliverable.status,
    Campaign.slug,
    Influencer.display_name,
    Engagement.channel_id,
)


def _deliverables(*columns):
    return (
        select(*columns)
        .select_from(Deliverable)
        .join(Engagement, Engagement.id == Deliverable.engagement_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
    )


async def deliverables_between(
    s: AsyncSession, scope: BrandScope, *, after: datetime | None, before: datetime, limit: int
) -> Page[DeliverableLine]:
    """Deliverables still owed with a due time in [after, before), soonest first (the partial
    index (team_id, due_at) over owed deliverables)."""
    if scope.empty:
        return Page([], 0)

    def build() -> Select:
        t = _template(scope)
        where = [
            Deliverable.team_id == t.team_id,
            Deliverable.status.in_(OWED),
            Deliverable.due_at < _time("before"),
        ]
        if after is not None:
            where.append(Deliverable.due_at >= _time("after"))
        return _with_count(
            _named_deliverables(s, t, where, limit),
            limit,
            _deliverable_rows(t).where(*where, *_within(s, t, counting=True, on=Deliverable.engagement_id)),
        )

    statement = _statement(s, ("between", _kind(scope), after is None, limit), build)
    times = {"before": before} if after is None else {"before": before, "after": after}
    found = (await s.exec(statement, params=_values(s, scope, **times))).all()
    return _counted_page(found, limit, DeliverableLine)


def _named_deliverables(s: AsyncSession, t: BrandScope, where: list, limit: int, *extra) -> Select:
    """The first `limit` deliverables matching `where` in scope, soonest due first, chosen on the
    deliverables (and, for a large scope, their engagement and the roles), then named
    (`_names`); `extra`: more of the deliverable's columns, at the end of the line."""
    shown = (
        select(
            Deliverable.id.label("id"),
            Deliverable.title.label("title"),
            Deliverable.platform.label("platform"),
            Deliverable.due_at.label("due_at"),
            Deliverable.status.label("status"),
            Deliverable.engagement_id.label("engagement_id"),
            *extra,
        )
        .select_from(_from(Deliverable, _joins_roles(t)))
        .where(*where, *_within(s, t, on=Deliverable.engagement_id))
        .order_by(Deliverable.due_at, Deliverable.id)
        .limit(limit)
        .subquery("shown")
    )
    joined, slug, influencer, channel = _names(shown)
    columns = [shown.c[name] for name in ("id", "title", "platform", "due_at", "status")]
    return (
        select(*columns, slug, influencer, channel, *(shown.c[c.name] for c in extra))
        .select_from(joined)
        .order_by(shown.c.due_at, shown.c.id)
    )


def _deliverable_rows(scope: BrandScope):
    rows = rows_of(Deliverable)
    return (
        rows
        if scope.user_id is None or scope.engagement_ids is not None
        else rows.join(Engagement, Engagement.id == Deliverable.engagement_id)
    )


async def pending_checks(s: AsyncSession, scope: BrandScope, *, limit: int) -> Page[DeliverableLine]:
    """Deliverables with compliance checks pending, soonest due first, with how many are pending,
    and how many such deliverables there are up to COUNT_CAP. Each deliverable keeps how many of
    its checks are pending (`pending_checks`, kept by triggers), so the section walks the partial
    index (team_id, due_at, id) over deliverables with checks pending in its order and stops at
    the rows shown, instead of grouping every pending check in scope to sort them."""
    if scope.empty:
        return Page([], 0)
    # `> 0` spelled as the partial index's condition (a bound parameter would not match it on SQLite)

    def build() -> Select:
        t = _template(scope)
        where = [Deliverable.team_id == t.team_id, Deliverable.pending_checks > literal_column("0")]
        return _with_count(
            _named_deliverables(s, t, where, limit, Deliverable.pending_checks.label("pending_checks")),
            limit,
            # counted as listed, walking the deliverables with checks pending (about one in
            # forty): from the scope's engagements it would read five deliverables per engagement
            # for each eighth of one that counts
            _deliverable_rows(t).where(*where, *_within(s, t, on=Deliverable.engagement_id)),
        )

    statement = _statement(s, ("checks", _kind(scope), limit), build)
    found = (await s.exec(statement, params=_values(s, scope))).all()
    return _counted_page(found, limit, DeliverableLine)


async def my_deliverables(
    s: AsyncSession, team_id: str, influencer_id: int, *, limit: int
) -> Page[DeliverableLine]:
    """The influencer's deliverables not yet published (or cancelled), soonest due first, of their
    engagements not terminated (a terminated engagement's deliverables are closed: nothing is owed).
    The engagement's team is named too, so its index (team_id, influencer_id) finds the influencer's
    engagements (without it PostgreSQL scanned the engagement table, in parallel, for 15 ms)."""
    where = [
        Deliverable.team_id == team_id,
        Engagement.team_id == team_id,
        Engagement.influencer_id == influencer_id,
        Engagement.status != EngagementStatus.TERMINATED,
        Deliverable.status.not_in((DeliverableStatus.PUBLISHED, DeliverableStatus.CANCELLED)),
    ]
    return await _page(
        s,
        _deliverables(*_DELIVERABLE_COLUMNS).where(*where).order_by(Deliverable.due_at, Deliverable.id),
        limit,
        rows_of(Deliverable).join(Engagement, Engagement.id == Deliverable.engagement_id).where(*where),
        DeliverableLine,
    )


# ---------------------------------------------------------------------------------------------
# engagements: reviews due, my campaigns, guidelines to acknowledge


#: A completed or cancelled campaign's engagements read as the campaign: "completed", not "active".
_CLOSED = tuple(sorted(status.value for status in CLOSED_STATUSES))
_ENGAGEMENT_COLUMNS = (
    Engagement.id,
    Campaign.slug,
    Campaign.name,
    Campaign.brand,
    Influencer.display_name,
    Engagement.channel_id,
    case((Campaign.status.in_(_CLOSED), Campaign.status), else_=Engagement.status).label("status"),
    Engagement.acknowledged_version,
    Campaign.guidelines_version,
)


def _engagements(*columns):
    return (
        select(*columns)
        .select_from(Engagement)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
    )


async def reviews_due(
    s: AsyncSession, scope: BrandScope, *, now: datetime, limit: int
) -> Page[EngagementLine]:
    """Active engagements of active campaigns with a review cadence whose last review (or, with
    none, whose start) is older than the cadence, the longest waiting first, and how many.

    Each engagement keeps when its wait began (`review_since`: its last review, else its start)
    and when its next review falls due (`review_due_at`, NULL when none is expected), both kept by
    triggers. The section walks the partial index (team_id, review_since, id) over engagements a
    review is expected of, in its order, keeps those due by now and stops at the rows shown;
    the count (when the rows shown are not all) reads the due ones from the index (team_id,
    review_due_at). Only the rows shown are joined to their names and their last review."""
    if scope.empty:
        return Page([], 0)

    def build() -> Select:
        t = _template(scope)
        where = [
            Engagement.team_id == t.team_id,
            Engagement.review_due_at.is_not(None),
            Engagement.review_due_at <= _time("now"),
        ]
        due = (
            select(Engagement.id.label("id"), Engagement.review_since.label("since"))
            .where(*where, *_within(s, t))
            .order_by(Engagement.review_since, Engagement.id)
            .limit(limit)
            .subquery("due")
        )
        last = (
            select(func.max(Review.created_at))
            .where(Review.team_id == t.team_id, Review.engagement_id == Engagement.id)
            .scalar_subquery()
        )
        due_now = aliased(Engagement, name="due_now")
        total = (
            select(func.count())
            .select_from(due_now)
            .where(
                due_now.team_id == t.team_id,
                due_now.review_due_at.is_not(None),
                due_now.review_due_at <= _time("now"),
                *(
                    []
                    if t.user_id is None
                    else [_ids_in(s, due_now.id)]
                    if t.engagement_ids is not None
                    else [_campaign_in(s, due_now, _campaigns(t), counting=True)]
                ),
            )
            .scalar_subquery()
        )
        query = (
            _engagements(*_ENGAGEMENT_COLUMNS, last, total)
            .join(due, due.c.id == Engagement.id)
            .order_by(due.c.since, due.c.id)
        )
        return query

    statement = _statement(s, ("reviews", _kind(scope), limit), build)
    found = (await s.exec(statement, params=_values(s, scope, now=now))).all()
    rows = [EngagementLine(*row[:-1]) for row in found]
    # every one due, not capped: an index range of the due ones (team_id, review_due_at)
    return Page(rows, found[0][-1] if len(rows) == limit else len(rows))


async def my_engagements(
    s: AsyncSession, team_id: str, influencer_id: int, *, limit: int, unacknowledged: bool = False
) -> Page[EngagementLine]:
    """The influencer's live engagements (index engagement (team_id, influencer_id)); with
    `unacknowledged`, only those whose current guidelines they have not acknowledged."""
    where = [
        Engagement.team_id == team_id,
        Engagement.influencer_id == influencer_id,
        Engagement.status != EngagementStatus.TERMINATED,
    ]
    if unacknowledged:  # a closed campaign's guidelines are not asked for any more
        where += [
            Campaign.status.not_in(_CLOSED),
            or_(
                Engagement.acknowledged_version.is_(None),
                Engagement.acknowledged_version < Campaign.guidelines_version,
            ),
        ]
    return await _page(
        s,
        _engagements(*_ENGAGEMENT_COLUMNS)
        .where(*where)
        .order_by(Campaign.start_date.desc(), Engagement.id.desc()),
        limit,
        rows_of(Engagement).join(Campaign, Campaign.id == Engagement.campaign_id).where(*where),
        EngagementLine,
    )
