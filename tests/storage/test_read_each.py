"""`Database.read_each`: independent reads side by side on PostgreSQL, each in its own
transaction, at most READS_AT_ONCE at a time; one after another on SQLite."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage import db as storage_db
from storage.db import READS_AT_ONCE, Database


class Overlap:
    """How many reads are inside their transaction at once, at most."""

    def __init__(self) -> None:
        self.now = self.most = 0

    def read(self, value: int, meet: asyncio.Barrier | None = None):
        async def run(s) -> int:
            self.now += 1
            self.most = max(self.most, self.now)
            try:
                if meet is not None:
                    await asyncio.wait_for(meet.wait(), 5)
                for _ in range(5):  # give the others every chance to start
                    await asyncio.sleep(0)
                return (await s.exec(text(f"SELECT {value}"))).scalar_one()
            finally:
                self.now -= 1

        return run


async def test_the_results_come_back_in_the_order_of_the_reads(db: Database):
    overlap = Overlap()
    assert await db.read_each(*(overlap.read(n) for n in range(9))) == list(range(9))
    assert await db.read_each() == []


async def test_postgresql_runs_reads_side_by_side_and_at_most_reads_at_once(db: Database):
    if db.dialect != "postgresql":
        pytest.skip("SQLite reads one after another")
    overlap = Overlap()
    # each read waits until READS_AT_ONCE of them have started: one after another would time out,
    # and with no bound all eight would start
    meet = asyncio.Barrier(READS_AT_ONCE)
    reads = [overlap.read(n, meet) for n in range(2 * READS_AT_ONCE)]
    assert await db.read_each(*reads) == list(range(2 * READS_AT_ONCE))
    assert overlap.most == READS_AT_ONCE


async def test_each_read_has_its_own_transaction_and_connection(db: Database):
    if db.dialect != "postgresql":
        pytest.skip("backend ids are PostgreSQL's")

    def backend(meet: asyncio.Barrier):
        async def run(s) -> tuple[int, int]:
            await asyncio.wait_for(meet.wait(), 5)
            row = (await s.exec(text("SELECT pg_backend_pid(), txid_current()"))).one()
            return row[0], row[1]

        return run

    meet = asyncio.Barrier(2)
    (pid_a, tx_a), (pid_b, tx_b) = await db.read_each(backend(meet), backend(meet))
    assert pid_a != pid_b and tx_a != tx_b


async def test_sqlite_reads_one_after_another(db: Database):
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL reads side by side")
    overlap = Overlap()
    assert await db.read_each(*(overlap.read(n) for n in range(4))) == [0, 1, 2, 3]
    assert overlap.most == 1


async def test_a_failing_read_raises_its_own_error_and_gives_back_every_connection(db: Database):
    class Broken(Exception):
        pass

    started = asyncio.Event()

    async def waits(s) -> None:
        await s.exec(text("SELECT 1"))  # holds its connection
        started.set()
        await asyncio.Event().wait()  # never done: stopped when the other read fails

    async def fails(s) -> None:
        if db.dialect == "postgresql":  # side by side: once the other one holds its connection
            await asyncio.wait_for(started.wait(), 5)
        raise Broken("no")

    reads = (waits, fails) if db.dialect == "postgresql" else (fails, waits)  # SQLite: in turn
    with pytest.raises(Broken):
        await db.read_each(*reads)
    assert db.engine.pool.checkedout() == 0
    assert await db.read_each(Overlap().read(7)) == [7]  # the pool serves the next action


async def test_a_pool_of_one_serves_the_reads_in_turn(database_url):
    db = Database(database_url, pool_size=1, max_overflow=0, pool_timeout=5)
    try:
        overlap = Overlap()
        assert await db.read_each(*(overlap.read(n) for n in range(6))) == list(range(6))
    finally:
        await db.dispose()


async def test_reads_inside_a_transaction_are_refused(db: Database):
    async with db.transaction():
        assert storage_db.in_transaction()
        with pytest.raises(RuntimeError, match="inside a transaction"):
            await db.read_each(Overlap().read(1))
