"""Engine and sessions. One `transaction()` per user action; sessions never outlive it."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, String, any_, bindparam, event, exc, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)


def prepare_sqlite_file(url: str) -> None:
    """SQLite creates the file but not its folder (`var/` on a fresh clone)."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


#: PostgreSQL session settings of every connection.
#:
#: asyncpg prepares every statement, and from a statement's sixth execution on a connection
#: PostgreSQL may switch to a *generic* plan, made without the parameters' values. The queries
#: here depend on those values: how many engagements a user's `= ANY($1)` holds (three for an
#: influencer, ten thousand for legal on a thousand campaigns), which statuses an `IN (…)` lists
#: (partial indexes over open incidents apply only when the planner sees the list). A generic plan
#: took legal's App Home from 0.2 s to 1.5 s and a rewritten list query from 4 ms to minutes, so
#: every execution is planned with its values (a fraction of a millisecond for these queries).
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}

_GENERIC_PLANS = text("SET LOCAL plan_cache_mode = force_generic_plan")
_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")


async def generic_plans(s: AsyncSession) -> None:
    """For the rest of this transaction (PostgreSQL), each statement runs its connection's generic
    plan, made at its first execution and kept with the prepared statement.

    For statements whose shape never depends on whose data they read, only on how many ids a
    batch holds:
    - the scheduler's batch statements (the dispatcher's claim and the planner's facts): a generic
      plan (made for a few ids) probes an index per id where the custom plan of
      a 500-id `= ANY($1)` hashed whole tables. The facts of 500 deliverables took about 2.8 ms to
      plan and 12 to run with custom plans, 0.05 and 4.2 with the generic one;
    - a report's own statements (one engagement, one clause, one reporter: primary keys and
      unique keys): planning its context statement cost PostgreSQL about 1.5 ms each time, more
      than running it. Where a report turns to what the user may see (the form asked again, a
      refusal that names their campaigns), `custom_plans` comes first.
    Never for what users list. One round trip more; statements outside the transaction keep
    `force_custom_plan`."""
    if s.get_bind().dialect.name == "postgresql":
        await (await s.connection()).execute(_GENERIC_PLANS)


async def custom_plans(s: AsyncSession) -> None:
    """Back to planning each statement with its values, for the rest of this transaction (after
    `generic_plans`, before a statement whose best plan depends on whose data it reads)."""
    if s.get_bind().dialect.name == "postgresql":
        await (await s.connection()).execute(_CUSTOM_PLANS)


def id_in(dialect: str, column, ids: Sequence[int]):
    """`column` is one of `ids`, as ONE bind parameter whatever their number: `= ANY($1::int[])` on
    PostgreSQL (one parameter per id would make every list length a new statement, and stops at
    32,767), `IN (SELECT value FROM json_each(?))` on SQLite."""
    ids = [int(i) for i in ids]
    if dialect == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))


def id_in_param(dialect: str, column, name: str, item_type: Any = Integer):
    """`id_in` for a statement built once: the ids (or other values of `item_type`) are the named
    parameter `name`, whose value `ids_value` (`values_value`) makes."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(item_type)))
    ids = select(literal_column("value")).select_from(func.json_each(bindparam(name, type_=String)))
    return column.in_(ids)


def ids_value(dialect: str, ids: Iterable[int]) -> list[int] | str:
    """The value of an `id_in_param` parameter: an array on PostgreSQL, a JSON array on SQLite."""
    return values_value(dialect, [int(i) for i in ids])


def values_value(dialect: str, values: Iterable[Any]) -> list[Any] | str:
    """`ids_value` for values of any JSON type (Slack ids, with `item_type=String`)."""
    values = list(values)
    return values if dialect == "postgresql" else json.dumps(values)


#: PostgreSQL connections a process keeps, and at most holds: a transaction that finds all of them
#: busy waits for one (the event loop is the bottleneck then anyway; no flow nests transactions,
#: which tests/e2e/test_pool.py checks on a pool of one). None "overflow": SQLAlchemy closes an overflow
#: connection as soon as it is given back, so a pool of 10 with 10 more under load opened and
#: closed ten connections on every burst of 20 concurrent reports, milliseconds of CPU each on
#: both sides. 20 reports at once on a million incidents, per call, p50 / p95 in ms: a pool of 10
#: and 10 overflow 146-152 / 210-218; 20 kept 89-95 / 102-110; 10 kept 66-72 / 90-96.
POOL_SIZE = 10


def create_engine(url: str, **kwargs) -> AsyncEngine:
    """`ping_after_idle`: seconds (None: never ping; see `PING_AFTER_IDLE`), PostgreSQL only."""
    idle_ping = kwargs.pop("ping_after_idle", PING_AFTER_IDLE)
    if url.startswith("sqlite"):
        prepare_sqlite_file(url)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", 0)
    connect_args = dict(kwargs.pop("connect_args", None) or {})
    connect_args["server_settings"] = {**SERVER_SETTINGS, **(connect_args.get("server_settings") or {})}
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    if not kwargs.get("pool_pre_ping") and idle_ping is not None:
        _ping_after_idle(engine, idle_ping)
    return engine


#: A pooled PostgreSQL connection that sat unused this long (seconds) is pinged before it is
#: handed out; one used more recently is handed out as it is.
#:
#: SQLAlchemy's `pool_pre_ping` pings on every checkout, and asyncpg's ping is three round trips
#: (BEGIN, an empty statement, ROLLBACK): a report paid them before its first statement, and
#: twenty reports at once queued on the event loop for each. A restarted or failed-over database
#: leaves the pool's connections closed; those that sat idle (every one, once the restart took a
#: second) are found by the ping and replaced without an error. A connection that was in use
#: within the last second fails its first statement instead: SQLAlchemy then invalidates the
#: whole pool (`is_disconnect`), so one action fails and the next ones get new connections
#: (tests/storage/test_db.py restarts the database's backends both ways).
PING_AFTER_IDLE = 1.0


def _ping_after_idle(engine: AsyncEngine, seconds: float) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _idle_since(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < seconds:
            return  # a new connection, or one in use a moment ago
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # closed by the server: the pool connects again
            raise exc.DisconnectionError(f"pooled connection is gone: {error}") from error


#: How many `Database.transaction()` blocks the current task is inside (see `in_transaction`).
_OPEN: ContextVar[int] = ContextVar("open_transactions", default=0)


def in_transaction() -> bool:
    """Is the current task inside `Database.transaction()`? While it is, it holds one of the pool's
    connections (and any row it locked): nothing in it may wait on Slack (bot/directory.py)."""
    return _OPEN.get() > 0


#: How many of one action's independent reads (`Database.read_each`) run at once on PostgreSQL.
#: App Home reads seven sections of a few milliseconds each: one after another, the bot waited on
#: the database and the database on the bot; side by side they overlap on this machine's two cores
#: (legal on a thousand campaigns: p50 about 48 ms became 35). More than four gained nothing, and
#: fewer leave more of the pool (POOL_SIZE) to everyone else.
READS_AT_ONCE = 4


class Database:
    """The one SQL store: an async engine and a session factory."""

    def __init__(self, url: str, **engine_kwargs) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on any error."""
        marker = _OPEN.set(_OPEN.get() + 1)
        try:
            async with self._sessions() as session, session.begin():
                yield session
        finally:
            _OPEN.reset(marker)

    async def read_each(self, *reads: Callable[[AsyncSession], Awaitable[Any]]) -> list[Any]:
        """Each read's result, in order. Each read is independent of the others and runs in its own
        transaction: up to READS_AT_ONCE at a time on PostgreSQL, each on its own pooled connection;
        one after another on SQLite, the embedded store of a single process, where the gain measured
        on PostgreSQL (its own processes on other cores) has nothing to come from.

        Each read sees the store as it was when it began, not as one snapshot with the others: for
        lists shown side by side (a home's sections), never for what a decision is based on. Reads
        never nest: a read waiting for a connection holds none (a pool of one serves them in turn)."""
        if in_transaction():  # it would hold a connection while its reads wait for theirs
            raise RuntimeError("read_each inside a transaction")
        gate = asyncio.Semaphore(READS_AT_ONCE if self.dialect == "postgresql" else 1)

        async def one(read: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
            async with gate, self.transaction() as s:
                return await read(s)

        tasks = [asyncio.ensure_future(one(read)) for read in reads]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:  # the first error as it was, once the other reads stopped
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:  # any driver error means "not answering"
            log.warning("database ping failed: %s", exc)
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
