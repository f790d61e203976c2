"""App Home's stored order keys (migration 0008), on SQLite and PostgreSQL: engagement.review_since
and review_due_at follow reviews, engagement and campaign changes; deliverable.pending_checks
follows the checks; the migration fills the rows already there; and the two sections that read
them list what the domain's rules say, in the same order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain.enums import ReviewCadence
from bot.domain.reviews import CADENCE_DAYS, review_due
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import (
    Campaign,
    CampaignRole,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Influencer,
    Review,
)
from storage.queries import home as q
from tests.databases import PG_ENV

T = "T1"
NOW = datetime(2027, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _campaign(slug: str, **kw) -> Campaign:
    return Campaign(
        team_id=T,
        slug=slug,
        name=slug.title(),
        brand="Acme",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        owner_id="UOWN",
        created_at=NOW - timedelta(days=200),
        **kw,
    )


def _review(engagement_id: int, at: datetime) -> Review:
    return Review(
        team_id=T,
        engagement_id=engagement_id,
        reviewer_id="UOWN",
        period_start=date(2027, 5, 1),
        period_end=date(2027, 5, 7),
        conduct=4,
        communication=4,
        timeliness=4,
        content_quality=4,
        would_work_again=True,
        created_at=at,
    )


async def _world(db: Database, n: int = 1) -> tuple[int, list[int]]:
    """A weekly active campaign with `n` influencers' active engagements; (campaign id, engagement ids)."""
    async with db.transaction() as s:
        campaign = _campaign("spring")
        s.add(campaign)
        await s.flush()
        ids = []
        for k in range(n):
            person = Influencer(
                team_id=T, display_name=f"Creator {k}", email=f"c{k}@x.example", created_at=NOW
            )
            s.add(person)
            await s.flush()
            engagement = Engagement(
                team_id=T,
                campaign_id=campaign.id,
                influencer_id=person.id,
                channel_id=f"C{k}",
                status="active",
                invited_by="UOWN",
                created_at=NOW - timedelta(days=40 - k, microseconds=k),
            )
            s.add(engagement)
            await s.flush()
            ids.append(engagement.id)
        return campaign.id, ids


async def _keys(db: Database, engagement_id: int) -> tuple[datetime | None, datetime | None]:
    async with db.transaction() as s:
        row = (
            await s.exec(
                select(Engagement.review_since, Engagement.review_due_at).where(
                    Engagement.id == engagement_id
                )
            )
        ).one()
    return row[0], row[1]


async def _change(db: Database, statement) -> None:
    async with db.transaction() as s:
        await s.exec(statement)


async def test_review_keys_follow_reviews_engagements_and_campaigns(db):
    campaign, (e,) = await _world(db)
    created = NOW - timedelta(days=40)
    assert await _keys(db, e) == (created, created + timedelta(days=7))  # weekly, never reviewed

    async with db.transaction() as s:
        s.add(_review(e, NOW - timedelta(days=10)))
    assert await _keys(db, e) == (NOW - timedelta(days=10), NOW - timedelta(days=3))
    async with db.transaction() as s:
        s.add(_review(e, NOW - timedelta(days=20)))  # an older one changes nothing
        latest = _review(e, NOW - timedelta(days=2))
        s.add(latest)
    assert await _keys(db, e) == (NOW - timedelta(days=2), NOW + timedelta(days=5))
    await _change(db, delete(Review).where(Review.id == latest.id))
    assert await _keys(db, e) == (NOW - timedelta(days=10), NOW - timedelta(days=3))
    await _change(
        db, update(Review).where(Review.engagement_id == e).values(created_at=NOW - timedelta(days=1))
    )
    assert await _keys(db, e) == (NOW - timedelta(days=1), NOW + timedelta(days=6))
    await _change(db, delete(Review))
    assert await _keys(db, e) == (created, created + timedelta(days=7))

    # the campaign's cadence and status
    await _change(db, update(Campaign).where(Campaign.id == campaign).values(review_cadence="monthly"))
    assert await _keys(db, e) == (created, created + timedelta(days=30))
    await _change(db, update(Campaign).where(Campaign.id == campaign).values(review_cadence="off"))
    assert await _keys(db, e) == (created, None)
    await _change(db, update(Campaign).where(Campaign.id == campaign).values(review_cadence="biweekly"))
    assert await _keys(db, e) == (created, created + timedelta(days=14))
    await _change(db, update(Campaign).where(Campaign.id == campaign).values(status="completed"))
    assert await _keys(db, e) == (created, None)
    await _change(db, update(Campaign).where(Campaign.id == campaign).values(status="active"))
    assert await _keys(db, e) == (created, created + timedelta(days=14))

    # the engagement's status and start
    for status, due in (("paused", False), ("terminated", False), ("invited", False), ("active", True)):
        await _change(db, update(Engagement).where(Engagement.id == e).values(status=status))
        assert await _keys(db, e) == (created, created + timedelta(days=14) if due else None), status
    moved = NOW - timedelta(days=3, microseconds=7)
    await _change(db, update(Engagement).where(Engagement.id == e).values(created_at=moved))
    assert await _keys(db, e) == (moved, moved + timedelta(days=14))


@pytest.mark.parametrize("cadence", list(ReviewCadence))
async def test_each_cadence_has_the_domains_length(db, cadence):
    """The migration spells the cadences' lengths out: they stay those of the domain."""
    campaign, (e,) = await _world(db)
    await _change(db, update(Campaign).where(Campaign.id == campaign).values(review_cadence=cadence))
    since, due = await _keys(db, e)
    days = CADENCE_DAYS[cadence]
    assert due == (None if days is None else since + timedelta(days=days))


async def test_a_new_engagement_gets_its_keys(db):
    campaign, _ = await _world(db)
    async with db.transaction() as s:
        person = Influencer(team_id=T, display_name="Late", email="late@x.example", created_at=NOW)
        s.add(person)
        await s.flush()
        invited = Engagement(
            team_id=T,
            campaign_id=campaign,
            influencer_id=person.id,
            channel_id="CL",
            invited_by="U",
            created_at=NOW,
        )
        s.add(invited)
    assert await _keys(db, invited.id) == (NOW, None)  # invited: no review expected yet
    await _change(db, update(Engagement).where(Engagement.id == invited.id).values(status="active"))
    assert await _keys(db, invited.id) == (NOW, NOW + timedelta(days=7))


async def _pending(db: Database, deliverable_id: int) -> int:
    async with db.transaction() as s:
        return (
            await s.exec(select(Deliverable.pending_checks).where(Deliverable.id == deliverable_id))
        ).scalar_one()


def _deliverable(engagement_id: int, title: str, due: datetime) -> Deliverable:
    return Deliverable(
        team_id=T,
        engagement_id=engagement_id,
        title=title,
        platform="instagram",
        due_at=due,
        status="published",
        created_by="UOWN",
        created_at=NOW,
    )


async def test_pending_checks_follow_the_checks(db):
    _, (e,) = await _world(db)
    async with db.transaction() as s:
        d = _deliverable(e, "Reel", NOW)
        s.add(d)
        await s.flush()
        for item, status in (
            ("disclosure_present", "pending"),
            ("brand_safety", "pending"),
            ("no_competitor_mention", "passed"),
        ):
            s.add(ComplianceCheck(team_id=T, deliverable_id=d.id, item=item, status=status))
    assert await _pending(db, d.id) == 2
    await _change(
        db, update(ComplianceCheck).where(ComplianceCheck.item == "brand_safety").values(status="failed")
    )
    assert await _pending(db, d.id) == 1
    await _change(
        db, update(ComplianceCheck).where(ComplianceCheck.item == "brand_safety").values(status="pending")
    )
    assert await _pending(db, d.id) == 2
    await _change(db, delete(ComplianceCheck).where(ComplianceCheck.item == "disclosure_present"))
    assert await _pending(db, d.id) == 1
    await _change(db, update(ComplianceCheck).values(status="waived"))
    assert await _pending(db, d.id) == 0
    await _change(db, delete(Deliverable).where(Deliverable.id == d.id))  # its checks go with it
    async with db.transaction() as s:
        assert (await s.exec(select(ComplianceCheck))).all() == []


async def test_the_sections_list_what_the_rules_say(db):
    """Reviews due: active engagements of active campaigns whose cadence has passed since the last
    review (or the start), longest waiting first; checks pending: soonest due first, with how many.
    Compared with the domain's rule on a mixed set, for a brand role and for the workspace."""
    campaign, ids = await _world(db, 9)
    async with db.transaction() as s:
        other = _campaign("autumn", review_cadence="monthly")
        off = _campaign("winter", review_cadence="off")
        s.add_all([other, off])
        await s.flush()
        s.add(
            CampaignRole(
                team_id=T,
                campaign_id=campaign,
                user_id="UMAN",
                role="manager",
                granted_by="UOWN",
                created_at=NOW,
            )
        )
        await s.flush()
        await s.exec(update(Engagement).where(Engagement.id == ids[1]).values(status="paused"))
        await s.exec(update(Engagement).where(Engagement.id.in_(ids[6:8])).values(campaign_id=other.id))
        await s.exec(update(Engagement).where(Engagement.id == ids[8]).values(campaign_id=off.id))
        for k, days in ((2, 3), (3, 8), (4, 7), (6, 20), (7, 31)):
            s.add(_review(ids[k], NOW - timedelta(days=days)))
        for k, e in enumerate(ids):
            d = _deliverable(e, f"Post {k}", NOW + timedelta(hours=(k * 5) % 7, microseconds=k))
            s.add(d)
            await s.flush()
            for item in ("disclosure_present", "brand_safety", "no_competitor_mention")[: k % 4]:
                s.add(ComplianceCheck(team_id=T, deliverable_id=d.id, item=item, status="pending"))
    async with db.transaction() as s:
        rows = (
            await s.exec(
                select(Engagement, Campaign)
                .join(Campaign, Campaign.id == Engagement.campaign_id)
                .order_by(Engagement.id)
            )
        ).all()
        reviews = (await s.exec(select(Review.engagement_id, Review.created_at))).all()
        deliverables = (await s.exec(select(Deliverable))).scalars().all()
        pending = (
            await s.exec(select(ComplianceCheck.deliverable_id).where(ComplianceCheck.status == "pending"))
        ).all()
        sections = {}
        manager = q.brand_scope(T, "UMAN", is_admin=False)
        as_ids = await q.resolve(s, manager)  # a small scope: its engagement ids
        assert as_ids.engagement_ids is not None and manager.engagement_ids is None
        for who, scope in (
            ("workspace", q.brand_scope(T, "UADMIN", is_admin=True)),
            ("manager", manager),  # the roles joined, as for a large scope
            ("manager's ids", as_ids),
        ):
            sections[who] = (
                await q.reviews_due(s, scope, now=NOW, limit=100),
                await q.reviews_due(s, scope, now=NOW, limit=2),
                await q.pending_checks(s, scope, limit=100),
                await q.pending_checks(s, scope, limit=2),
            )
    last = {}
    for engagement_id, at in reviews:
        last[engagement_id] = max(at, last.get(engagement_id, at))
    for who, campaigns in (("workspace", None), ("manager", {campaign}), ("manager's ids", {campaign})):
        expected = sorted(
            (
                (last.get(e.id) or e.created_at, e.id, last.get(e.id))
                for e, c in rows
                if (campaigns is None or c.id in campaigns)
                and e.status == "active"
                and c.status == "active"
                and review_due(c.review_cadence, last.get(e.id), e.created_at, NOW)
            ),
        )
        all_due, first_two, checks, first_checks = sections[who]
        assert [(line.engagement_id, line.last_review_at) for line in all_due.rows] == [
            (e, at) for _, e, at in expected
        ]
        assert all_due.total == len(expected) and expected, who
        assert [line.engagement_id for line in first_two.rows] == [e for _, e, _ in expected[:2]]
        assert first_two.total == len(expected)
        in_scope = {e.id for e, c in rows if campaigns is None or c.id in campaigns}
        counts = {}
        for (deliverable_id,) in pending:
            counts[deliverable_id] = counts.get(deliverable_id, 0) + 1
        want = sorted(
            (d.due_at, d.id, counts[d.id])
            for d in deliverables
            if d.id in counts and d.engagement_id in in_scope
        )
        assert [(line.due_at, line.id, line.pending_checks) for line in checks.rows] == want and want, who
        assert (checks.total, first_checks.total) == (len(want), len(want))
        assert [line.id for line in first_checks.rows] == [d for _, d, _ in want[:2]]


# ---------------------------------------------------------------------------------------------
# the migration fills the rows already there


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request, tmp_path, postgres_template):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
        return
    if postgres_template is None:
        pytest.skip(f"PostgreSQL case skipped: set {PG_ENV} (.ci/run sets it) to run it")
    url = await postgres_template.empty()
    try:
        yield url
    finally:
        await postgres_template.drop(url)


async def test_the_migration_fills_existing_rows(empty_url):
    await upgrade_async(empty_url, "0007")
    engine = create_async_engine(empty_url)
    started = datetime(2027, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    reviewed = datetime(2027, 5, 20, 8, 30, 0, 1, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            for statement in (
                "INSERT INTO campaign (id, team_id, slug, name, brand, market, start_date, end_date,"
                " status, owner_id, review_cadence, guidelines_version, created_at) VALUES"
                " (1, 'T1', 'a', 'A', 'B', 'US', '2027-01-01', '2027-12-31', 'active', 'U', 'biweekly',"
                " 1, :ts), (2, 'T1', 'b', 'B', 'B', 'US', '2027-01-01', '2027-12-31', 'completed', 'U',"
                " 'weekly', 1, :ts)",
                "INSERT INTO influencer (id, team_id, display_name, email, handles, status, created_at)"
                " VALUES (1, 'T1', 'Ivy', 'ivy@x.example', '{}', 'active', :ts)",
                "INSERT INTO engagement (id, team_id, campaign_id, influencer_id, channel_id, status,"
                " payment_hold, invited_by, created_at) VALUES"
                " (1, 'T1', 1, 1, 'C1', 'active', false, 'U', :ts),"
                " (2, 'T1', 2, 1, 'C2', 'active', false, 'U', :ts)",
                "INSERT INTO review (team_id, engagement_id, reviewer_id, period_start, period_end,"
                " conduct, communication, timeliness, content_quality, would_work_again, flagged,"
                " shared_with_influencer, created_at) VALUES ('T1', 1, 'U', '2027-05-01', '2027-05-07',"
                " 4, 4, 4, 4, true, false, false, :reviewed)",
                "INSERT INTO deliverable (id, team_id, engagement_id, title, platform, due_at, status,"
                " created_by, created_at) VALUES (1, 'T1', 1, 'R', 'instagram', :ts, 'published', 'U', :ts),"
                " (2, 'T1', 2, 'S', 'instagram', :ts, 'published', 'U', :ts)",
                "INSERT INTO compliance_check (team_id, deliverable_id, item, status) VALUES"
                " ('T1', 1, 'disclosure_present', 'pending'), ('T1', 1, 'brand_safety', 'pending'),"
                " ('T1', 1, 'no_competitor_mention', 'passed'), ('T1', 2, 'brand_safety', 'passed')",
            ):
                # as each database stores a timestamp (SQLite: ISO text with microseconds)
                params = {"ts": started, "reviewed": reviewed}
                if empty_url.startswith("sqlite"):
                    params = {k: v.replace(tzinfo=None).isoformat(" ") for k, v in params.items()}
                await conn.execute(text(statement), {k: v for k, v in params.items() if f":{k}" in statement})
    finally:
        await engine.dispose()
    await upgrade_async(empty_url)
    db = Database(empty_url)
    try:
        assert await _keys(db, 1) == (reviewed, reviewed + timedelta(days=14))
        assert await _keys(db, 2) == (started, None)  # its campaign is completed
        assert (await _pending(db, 1), await _pending(db, 2)) == (2, 0)
    finally:
        await db.dispose()


async def test_the_home_scope_tells_legal_from_one_read_of_the_roles(db, monkeypatch):
    """Legal anywhere, even past the roles a large scope reads to recognise itself (the legal
    one is read first); small scopes become engagement ids, large ones stay joined."""
    monkeypatch.setattr(q, "SMALL_CAMPAIGNS", 2)
    async with db.transaction() as s:
        campaigns = [_campaign(f"c{k}") for k in range(4)]
        s.add_all(campaigns)
        await s.flush()
        for k, campaign in enumerate(campaigns):  # the legal role is the last one written
            role = "legal" if k == 3 else "manager"
            s.add(
                CampaignRole(
                    team_id=T,
                    campaign_id=campaign.id,
                    user_id="UBIG",
                    role=role,
                    granted_by="U",
                    created_at=NOW,
                )
            )
        s.add(
            CampaignRole(
                team_id=T,
                campaign_id=campaigns[0].id,
                user_id="USMALL",
                role="member",
                granted_by="U",
                created_at=NOW,
            )
        )
    async with db.transaction() as s:
        big, big_legal = await q.home_scope(s, T, "UBIG", is_admin=False)
        small, small_legal = await q.home_scope(s, T, "USMALL", is_admin=False)
        admin, admin_legal = await q.home_scope(s, T, "UBIG", is_admin=True)
    assert (big.engagement_ids, big_legal) == (None, True)  # four campaigns: joined
    assert (small.engagement_ids, small_legal) == ((), False)  # one campaign, no engagement yet
    assert (admin.user_id, admin.engagement_ids, admin_legal) == (None, None, True)
