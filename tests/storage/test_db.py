"""The engine's pool on PostgreSQL: connections pinged only after sitting idle, and a restarted
database's closed connections replaced (by the ping, or by the pool after one failed action)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from storage.db import Database


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _backend(db: Database) -> int:
    async with db.transaction() as s:
        return (await s.exec(text("SELECT pg_backend_pid()"))).scalar_one()


async def _restart(url: str, pids: set[int]) -> None:
    """What a restart does to the pool's connections: the server ends them."""
    conn = await asyncpg.connect(_dsn(url))
    try:
        for pid in pids:
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()
    await asyncio.sleep(0.05)  # the client side sees its socket closed


@pytest.fixture
def pg_url(db):
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's pool")
    return db.url


def _count_pings(database: Database) -> list[int]:
    pings: list[int] = []
    dialect = database.engine.sync_engine.dialect
    ping = dialect.do_ping

    def counted(dbapi_connection):
        pings.append(1)
        return ping(dbapi_connection)

    dialect.do_ping = counted
    return pings


async def test_a_connection_used_a_moment_ago_is_not_pinged(pg_url):
    database = Database(pg_url, pool_size=1, max_overflow=0)
    pings = _count_pings(database)
    try:
        first = await _backend(database)
        for _ in range(5):
            assert await _backend(database) == first  # the same pooled connection
        assert pings == []
    finally:
        await database.dispose()


async def test_an_idle_connection_of_a_restarted_database_is_replaced_without_an_error(pg_url):
    database = Database(pg_url, pool_size=1, max_overflow=0, ping_after_idle=0.2)
    pings = _count_pings(database)
    try:
        before = await _backend(database)
        await _restart(pg_url, {before})
        await asyncio.sleep(0.3)
        after = await _backend(database)  # pinged, found closed, connected again
        assert after != before
        assert pings == [1]
        assert await _backend(database) == after  # and used at once again: no ping
        assert pings == [1]
    finally:
        await database.dispose()


async def test_a_busy_pool_of_a_restarted_database_fails_one_action_then_reconnects(pg_url):
    database = Database(pg_url, pool_size=2, max_overflow=0, ping_after_idle=60)
    try:

        async def hold() -> int:
            async with database.transaction() as s:
                pid = (await s.exec(text("SELECT pg_backend_pid()"))).scalar_one()
                await asyncio.sleep(0.05)
                return pid

        pids = set(await asyncio.gather(hold(), hold()))
        assert len(pids) == 2
        await _restart(pg_url, pids)
        with pytest.raises(DBAPIError) as failed:
            await _backend(database)
        assert failed.value.connection_invalidated
        # the failure invalidated the whole pool: the other old connection is not handed out
        again = set(await asyncio.gather(hold(), hold()))
        assert again.isdisjoint(pids)
    finally:
        await database.dispose()
