"""Shared fixtures: a migrated database per test on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.slack import CALLED_IN_TRANSACTION
from storage.db import Database
from tests.databases import PG_ENV, PostgresTemplate, SqliteTemplate, postgres_url

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(autouse=True)
def no_slack_call_inside_a_transaction() -> Iterator[None]:
    """Every test fails if the bot called Slack (or had to ask it who someone is) while holding a
    database transaction (bot/slack.py): the flow looks its user up before (`Directory.prefetch`)
    and calls Slack after."""
    CALLED_IN_TRANSACTION.clear()
    yield
    called = list(CALLED_IN_TRANSACTION)
    CALLED_IN_TRANSACTION.clear()
    assert not called, f"Slack called inside a database transaction: {sorted(set(called))}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate | None]:
    url = postgres_url()
    template = PostgresTemplate(url) if url else None
    yield template
    if template is not None:
        template.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request, tmp_path, sqlite_template, postgres_template) -> AsyncIterator[str]:
    """A freshly migrated database, once per backend."""
    if request.param == "sqlite":
        yield sqlite_template.fresh(tmp_path)
        return
    if postgres_template is None:
        pytest.skip(f"PostgreSQL case skipped: set {PG_ENV} (.ci/run sets it) to run it")
    url = await postgres_template.fresh()
    try:
        yield url
    finally:
        await postgres_template.drop(url)


@pytest.fixture
async def db(database_url) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.dispose()
