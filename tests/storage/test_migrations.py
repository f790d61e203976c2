"""The Alembic migration builds the whole schema from empty, on SQLite and PostgreSQL, and matches
the models exactly; the constraints that protect the data hold on both."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import Database
from storage.migrate import alembic_config, upgrade_async
from storage.models import Campaign, Reminder, metadata
from tests.databases import PG_ENV

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TABLES = {
    "campaign",
    "campaign_role",
    "guideline",
    "influencer",
    "engagement",
    "deliverable",
    "compliance_check",
    "incident",
    "incident_event",
    "review",
    "reminder",
    "processed_event",
    "counter",
    "workspace",
    "campaign_creator",
    "held_notice",
    "user_time_zone",
    "chart_file",
    "conduct_flag",
    "flagged_message",
    "awaited_reply",
    "evidence_snapshot",
    "insight_settled",
    "insight_day",
    # slack_sdk's OAuth stores (storage/slack_tables.py)
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request, tmp_path, postgres_template):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    if postgres_template is None:
        pytest.skip(f"PostgreSQL case skipped: set {PG_ENV} (.ci/run sets it) to run it")
    url = await postgres_template.empty()
    try:
        yield url
    finally:
        await postgres_template.drop(url)


async def test_migration_from_empty_matches_the_models(empty_url):
    await upgrade_async(empty_url)
    engine = create_async_engine(empty_url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": False}), metadata
                )
            )
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    finally:
        await engine.dispose()
    assert tables - {"alembic_version"} == TABLES
    assert diff == [], f"the migration and the models differ: {diff}"
    assert version == ScriptDirectory.from_config(alembic_config(empty_url)).get_current_head()


async def test_migration_is_idempotent(empty_url):
    await upgrade_async(empty_url)
    await upgrade_async(empty_url)  # a second run finds nothing to do


async def test_postgresql_numbers_new_incidents_at_commit(empty_url):
    """Migration 0009: a placeholder made the incident's own before the insert, and the number taken
    by a constraint trigger deferred to the commit; SQLite has neither (one writer at a time)."""
    await upgrade_async(empty_url)
    engine = create_async_engine(empty_url)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name != "postgresql":
                pytest.skip("SQLite takes the number with a statement")
            rows = await conn.execute(
                text(
                    "SELECT tgname, tgdeferrable, tginitdeferred FROM pg_trigger "
                    "WHERE tgrelid = 'incident'::regclass AND NOT tgisinternal ORDER BY tgname"
                )
            )
            triggers = {name: (deferrable, deferred) for name, deferrable, deferred in rows.all()}
    finally:
        await engine.dispose()
    assert triggers == {
        "incident_number_at_commit": (True, True),
        "incident_own_placeholder": (False, False),
    }


def _campaign(**overrides) -> Campaign:
    fields = dict(
        team_id="T1",
        slug="spring",
        name="Spring",
        brand="Acme",
        start_date=date(2027, 3, 1),
        end_date=date(2027, 4, 1),
        owner_id="U1",
        created_at=NOW,
    )
    fields.update(overrides)
    return Campaign(**fields)


async def _insert_fails(db: Database, *rows) -> bool:
    try:
        async with db.transaction() as s:
            for row in rows:
                s.add(row)
    except IntegrityError:
        return True
    return False


async def test_slug_is_unique_per_workspace_only(db):
    async with db.transaction() as s:
        s.add(_campaign())
        s.add(_campaign(team_id="T2"))
    assert await _insert_fails(db, _campaign())


async def test_check_constraints_guard_enums_and_dates(db):
    assert await _insert_fails(db, _campaign(slug="a1", status="archived"))
    assert await _insert_fails(db, _campaign(slug="a2", market="DE"))
    assert await _insert_fails(db, _campaign(slug="a3", end_date=date(2027, 1, 1)))
    async with db.transaction() as s:
        s.add(_campaign(slug="ok"))


async def test_reminder_dedupe_key_is_unique(db):
    def reminder() -> Reminder:
        return Reminder(
            team_id="T1",
            kind="deliverable_due",
            dedupe_key="deliverable:1:t-24h",
            subject_type="deliverable",
            subject_id=1,
            due_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )

    async with db.transaction() as s:
        s.add(reminder())
    assert await _insert_fails(db, reminder())


async def test_foreign_keys_are_enforced(db):
    from storage.models import Guideline

    orphan = Guideline(
        team_id="T1",
        campaign_id=999,
        code="G1",
        title="t",
        text="x",
        category="conduct",
        default_severity="major",
        updated_at=NOW,
    )
    assert await _insert_fails(db, orphan)


async def test_timestamps_come_back_in_utc(db):
    async with db.transaction() as s:
        campaign = _campaign()
        s.add(campaign)
    async with db.transaction() as s:
        loaded = await s.get(Campaign, campaign.id)
    assert loaded.created_at == NOW
    assert loaded.created_at.tzinfo is not None


async def test_sqlite_migration_creates_the_missing_folder(tmp_path):
    """A fresh clone has no `var/`: `campaign-guard migrate` must still work."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'nested' / 'cg.db'}"
    await upgrade_async(url)
    assert (tmp_path / "var" / "nested" / "cg.db").exists()
