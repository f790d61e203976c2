"""Storage settings and helpers that keep queries fast at any size, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from storage.db import id_in
from storage.models import Campaign

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


async def test_postgresql_plans_every_execution_with_its_values(db):
    """asyncpg prepares statements; a generic plan (PostgreSQL's choice from the sixth run) ignores
    how many engagements `= ANY($1)` holds and which statuses `IN (…)` lists."""
    if db.dialect != "postgresql":
        pytest.skip("a PostgreSQL setting")
    async with db.transaction() as s:
        assert (await s.exec(text("SHOW plan_cache_mode"))).scalar_one() == "force_custom_plan"


async def test_id_in_takes_any_number_of_ids_as_one_parameter(db):
    async with db.transaction() as s:
        s.add_all(
            Campaign(
                team_id="T1",
                slug=f"c{k}",
                name="c",
                brand="b",
                start_date=date(2027, 3, 1),
                end_date=date(2027, 4, 1),
                owner_id="U1",
                created_at=NOW,
            )
            for k in range(3)
        )
    async with db.transaction() as s:
        ids = (await s.exec(select(Campaign.id).order_by(Campaign.id))).scalars().all()
        wanted = [ids[0], ids[2], *range(10**6, 10**6 + 40_000)]  # past PostgreSQL's 32,767 parameters
        found = (await s.exec(select(Campaign.slug).where(id_in(db.dialect, Campaign.id, wanted)))).scalars()
        assert sorted(found.all()) == ["c0", "c2"]
        assert (await s.exec(select(Campaign.id).where(id_in(db.dialect, Campaign.id, [])))).first() is None
