"""Test databases: every storage/e2e test runs on SQLite and on PostgreSQL.

The schema is migrated once per session into a template (a SQLite file, a PostgreSQL template
database); each test gets a fresh copy in milliseconds. PostgreSQL cases need
`TEST_POSTGRES_URL` (set by `.ci/run`); without it they skip and say why.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.migrate import upgrade

PG_ENV = "TEST_POSTGRES_URL"
TEMPLATE = f"cg_template_{os.getpid()}"  # one per pytest process: parallel runs never collide


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _dsn(url: str, database: str) -> str:
    u = make_url(url).set(drivername="postgresql", database=database)
    return u.render_as_string(hide_password=False)


async def _admin(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(_dsn(url, "postgres"))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        upgrade(f"sqlite+aiosqlite:///{self.path}")

    def fresh(self, directory: Path) -> str:
        target = directory / f"{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


class PostgresTemplate:
    def __init__(self, url: str) -> None:
        self.url = url
        asyncio.run(
            _admin(url, f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE}")
        )
        upgrade(make_url(url).set(database=TEMPLATE).render_as_string(hide_password=False))

    async def fresh(self) -> str:
        name = f"cg_test_{uuid.uuid4().hex[:12]}"
        await _admin(self.url, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def drop(self, url: str) -> None:
        await _admin(self.url, f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")

    def close(self) -> None:
        asyncio.run(_admin(self.url, f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))

    async def empty(self) -> str:
        """A new database with no schema at all (for the migration test)."""
        name = f"cg_empty_{uuid.uuid4().hex[:12]}"
        await _admin(self.url, f"CREATE DATABASE {name}")
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)
