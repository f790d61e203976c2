"""The timeline's hash chain in the store, on SQLite and PostgreSQL: every event written through
the ORM gets its hash in its own transaction, concurrent writers to one incident still make one
chain, and the migration back-fills the chains of incidents that existed before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain import chain
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import Campaign, Engagement, Guideline, Incident, IncidentEvent, Influencer
from storage.queries import incidents as q
from tests.databases import PG_ENV

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


async def _incident(db: Database, number: int = 1) -> Incident:
    async with db.transaction() as s:
        campaign = Campaign(
            team_id="T1", slug=f"c{number}", name="C", brand="B", start_date=date(2027, 3, 1),
            end_date=date(2027, 5, 1), owner_id="U1", created_at=NOW,
        )  # fmt: skip
        s.add(campaign)
        await s.flush()
        guideline = Guideline(
            team_id="T1", campaign_id=campaign.id, code="G4", title="Conduct", text="Be civil",
            category="conduct", default_severity="major", updated_at=NOW,
        )  # fmt: skip
        influencer = Influencer(
            team_id="T1", display_name="Ivy", slack_user_id=f"UIVY{number}", created_at=NOW
        )
        s.add_all([guideline, influencer])
        await s.flush()
        engagement = Engagement(
            team_id="T1", campaign_id=campaign.id, influencer_id=influencer.id, channel_id=f"C{number}",
            invited_by="U1", created_at=NOW,
        )  # fmt: skip
        s.add(engagement)
        await s.flush()
        incident = Incident(
            team_id="T1", number=number, engagement_id=engagement.id, guideline_id=guideline.id,
            guidelines_version=1, severity="major", title="t", description="d", occurred_at=NOW,
            reporter_id="U1", response_due_at=NOW + timedelta(days=1), created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        s.add(incident)
    return incident


async def _events(db: Database, incident_id: int) -> list[IncidentEvent]:
    async with db.transaction() as s:
        rows = await s.exec(
            select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
        )
        return list(rows.scalars())


async def test_every_event_written_through_the_orm_is_chained(db):
    incident = await _incident(db)
    async with db.transaction() as s:
        q.add_event(s, incident, "created", NOW, "U1", "reported", to="reported")
        q.add_event(s, incident, "note", NOW, "U1", "two in one flush")
    async with db.transaction() as s:
        q.add_event(s, incident, "thread_reply", NOW + timedelta(minutes=1), "UIVY1", "sorry")
        await s.flush()
        q.add_event(s, incident, "note", NOW + timedelta(minutes=2), None, "after a flush")
    events = await _events(db, incident.id)
    assert len(events) == 4 and all(len(e.hash) == 64 for e in events)
    verdict = chain.verify(events)
    assert verdict.intact and verdict.head == events[-1].hash


async def test_chains_are_per_incident(db):
    first, second = await _incident(db, 1), await _incident(db, 2)
    async with db.transaction() as s:
        for n in range(3):
            q.add_event(s, first, "note", NOW, None, f"a{n}")
            q.add_event(s, second, "note", NOW, None, f"b{n}")
    for incident in (first, second):
        assert chain.verify(await _events(db, incident.id)).intact


async def test_concurrent_writers_make_one_chain(db):
    """Twenty transactions append to one incident at once: each waits for the incident's lock,
    reads the head the one before committed, and the chain stays one line."""
    incident = await _incident(db)

    async def append(n: int) -> None:
        for attempt in range(50):  # SQLite answers "database is locked" when its wait runs out
            try:
                async with db.transaction() as s:
                    q.add_event(s, incident, "note", NOW, None, f"writer {n}")
                return
            except Exception as exc:  # pragma: no cover - depends on timing
                if "locked" not in str(exc) or attempt == 49:
                    raise
                await asyncio.sleep(0.01)

    await asyncio.gather(*(append(n) for n in range(20)))
    events = await _events(db, incident.id)
    assert len(events) == 20
    assert chain.verify(events).intact


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


#: More incidents than the migration computes per batch (200).
INCIDENTS = 203


def _events_of(number: int) -> int:
    return number % 3 + 1


async def test_the_migration_backfills_existing_timelines(empty_url):
    """Timelines written before the chain existed get theirs, in batches of incidents."""
    await upgrade_async(empty_url, "0005")
    engine = create_async_engine(empty_url)
    sqlite = empty_url.startswith("sqlite")
    stamp = "'2027-03-01 14:00:00.000000'" if sqlite else "'2027-03-01 14:00:00+00'"
    async with engine.begin() as conn:
        await conn.execute(
            text(f"""
            INSERT INTO campaign (id, team_id, slug, name, brand, market, start_date, end_date, status,
                owner_id, review_cadence, guidelines_version, created_at)
            VALUES (1, 'T1', 'c', 'C', 'B', 'US', '2027-03-01', '2027-05-01', 'active', 'U1', 'weekly', 1,
                {stamp})""")
        )
        await conn.execute(
            text(f"""
            INSERT INTO guideline (id, team_id, campaign_id, code, title, text, category, default_severity,
                position, updated_at)
            VALUES (1, 'T1', 1, 'G4', 'Conduct', 'x', 'conduct', 'major', 0, {stamp})""")
        )
        await conn.execute(
            text(f"""
            INSERT INTO influencer (id, team_id, display_name, slack_user_id, handles, status, created_at)
            VALUES (1, 'T1', 'Ivy', 'UIVY', '{{}}', 'active', {stamp})""")
        )
        await conn.execute(
            text(f"""
            INSERT INTO engagement (id, team_id, campaign_id, influencer_id, channel_id, status,
                payment_hold, invited_by, created_at)
            VALUES (1, 'T1', 1, 1, 'C1', 'active', false, 'U1', {stamp})""")
        )
        await conn.execute(
            text(f"""
                INSERT INTO incident (id, team_id, number, engagement_id, guideline_id, guidelines_version,
                    severity, title, description, evidence, occurred_at, reporter_id, status,
                    response_due_at, created_at, updated_at)
                VALUES (:n, 'T1', :n, 1, 1, 1, 'major', 't', 'd', '[]', {stamp}, 'U1', 'reported', {stamp},
                    {stamp}, {stamp})"""),
            [{"n": n} for n in range(1, INCIDENTS + 1)],
        )
        await conn.execute(
            text(f"""
                INSERT INTO incident_event (team_id, incident_id, kind, actor_id, text, data, created_at)
                VALUES ('T1', :n, 'note', NULL, :text, :data, {stamp})"""),
            [
                {"n": n, "text": f"Zoë “{k}”", "data": f'{{"k": {k}, "to": "x"}}'}
                for n in range(1, INCIDENTS + 1)
                for k in range(_events_of(n))
            ],
        )
    await engine.dispose()

    await upgrade_async(empty_url)
    db = Database(empty_url)
    try:
        for number in (1, 2, 3, 199, 200, 201, INCIDENTS):  # either side of the first batch's end
            events = await _events(db, number)
            assert len(events) == _events_of(number) and all(e.hash for e in events)
            assert chain.verify(events).intact
        # and the chain goes on from the back-filled head
        async with db.transaction() as s:
            incident = await s.get(Incident, 3)
            q.add_event(s, incident, "note", NOW, None, "after the migration")
        assert chain.verify(await _events(db, 3)).intact
    finally:
        await db.dispose()
