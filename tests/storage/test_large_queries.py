"""Storage settings and helpers that keep queries fast at any size, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, text

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


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(value).upper() if isinstance(value, bool) else str(value)
    text_value = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text_value.replace("'", "''") + "'"


async def test_a_reports_context_reads_by_index_under_its_generic_plan(db):
    """A report runs its context statement with a generic plan (storage.db `generic_plans`), made
    without the reporter's values: each part still reads by index. The possible duplicate is the
    first entry of (engagement_id, guideline_id, created_at), not every incident of the engagement
    sorted; "is the reporter an influencer?" probes the Slack id and the e-mail by their own unique
    indexes, not every influencer of the workspace filtered by `… OR …`."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's plans")
    from storage.queries import incidents as q

    sent: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().startswith("WITH first_delivery AS"):
            sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.transaction() as s:
            context = await q.report_context(
                s, "T1", 1, 1, "U1", NOW - timedelta(days=1), event_id="e1", at=NOW, email="ivy@example.com"
            )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert context is None and len(sent) == 1  # no such engagement: only the plan matters here
    statement, parameters = sent[0]
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        await conn.exec_driver_sql("SET enable_seqscan = off")  # the tables are empty here
        await conn.exec_driver_sql(f"PREPARE report_context AS {statement}")
        arguments = ", ".join(map(_literal, parameters))
        plan = "\n".join(
            row[0] for row in await conn.exec_driver_sql(f"EXPLAIN EXECUTE report_context({arguments})")
        )
        await conn.rollback()
    assert "$1" in plan  # a generic plan: made without the values
    assert "ix_incident_engagement_id_guideline_id_created_at" in plan, plan
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert not [line for line in filters if "slack_user_id" in line and " OR " in line], plan


async def test_an_influencers_history_counts_their_incidents_from_the_index_alone(db):
    """`/review history` counts an influencer's incidents by severity, status, outcome and strikes:
    on PostgreSQL the (engagement_id, status) index carries those columns (migration 0015), so the
    count reads no table row (8,000 incidents: about 5,000 table pages otherwise)."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's plans")
    from storage.queries import reviews

    sent: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if "count(" in statement and "FROM incident" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        await db.read_each(*reviews.history_reads("T1", 1))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert len(sent) == 1, sent
    statement, parameters = sent[0]
    async with db.engine.connect() as conn:
        # the tables are empty here: every way to read incidents but from an index alone is off,
        # so the plan reads from the index alone only if one carries every column counted
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_indexscan"):
            await conn.exec_driver_sql(f"SET {setting} = off")
        await conn.exec_driver_sql(f"PREPARE history_counts AS {statement}")
        arguments = ", ".join(map(_literal, parameters))
        plan = "\n".join(
            row[0] for row in await conn.exec_driver_sql(f"EXPLAIN EXECUTE history_counts({arguments})")
        )
        await conn.rollback()
    assert "Index Only Scan using ix_incident_engagement_id_status on incident" in plan, plan
