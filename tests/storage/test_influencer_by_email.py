"""An influencer invited by e-mail whose Slack id is not bound yet, on SQLite and PostgreSQL: a brand
role stored for her Slack id (before *one person, one side*) gives her nothing once the e-mail Slack
shows for her is given (`storage.queries.campaigns.an_influencer`), in every query that decides her
own rights; and `bind_influencer` stores her id once, first to bind wins."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from storage.db import Database
from storage.models import Campaign, CampaignCreator, CampaignRole, Engagement, Influencer
from storage.queries import campaigns as q
from storage.queries import incidents as incident_q
from storage.queries import insights as insight_q

T = "T1"
NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
MAYA, EVE, OTHER = "UMAYA", "UEVE", "UOTHER"
EVE_EMAIL = "eve@agency.example"


async def _campaign(db: Database, slug: str) -> int:
    async with db.transaction() as s:
        campaign = Campaign(
            team_id=T,
            slug=slug,
            name=slug.title(),
            brand="Acme",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 12, 31),
            owner_id=MAYA,
            created_at=NOW,
        )
        s.add(campaign)
        await s.flush()
        return campaign.id


async def _eve_with_a_role(db: Database) -> tuple[int, int, int]:
    """spring, where Eve is invited by e-mail (no Slack id stored), and autumn, where `member` is
    stored for her Slack id, with an engagement of its own. Returns (autumn, its engagement, Eve's
    influencer row)."""
    spring, autumn = await _campaign(db, "spring"), await _campaign(db, "autumn")
    async with db.transaction() as s:
        eve = Influencer(team_id=T, display_name="Eve", email=EVE_EMAIL, created_at=NOW)
        otto = Influencer(team_id=T, display_name="Otto", slack_user_id="UOTTO", created_at=NOW)
        s.add_all([eve, otto])
        await s.flush()
        engagements = [
            Engagement(
                team_id=T,
                campaign_id=campaign,
                influencer_id=person.id,
                channel_id=f"C{person.display_name}",
                status="invited",
                invited_by=MAYA,
                created_at=NOW,
            )
            for campaign, person in ((spring, eve), (autumn, otto))
        ]
        s.add_all(engagements)
        s.add(
            CampaignRole(
                team_id=T, campaign_id=autumn, user_id=EVE, role="member", granted_by=MAYA, created_at=NOW
            )
        )
        await s.flush()
        return autumn, engagements[1].id, eve.id


async def test_her_stored_role_counts_for_nothing_once_her_email_is_given(db: Database):
    autumn, otto, _ = await _eve_with_a_role(db)
    async with db.transaction() as s:
        # without the e-mail (a list of other people): the role looks like any other
        assert await q.granted_role(s, autumn, EVE) == "member"
        # with it (her own rights), in every query that decides them
        assert await q.granted_role(s, autumn, EVE, "Eve@Agency.example") is None
        assert (await s.exec(q.brand_campaigns(T, EVE, email=EVE_EMAIL))).all() == []
        assert await q.brand_roles_held(s, T, EVE, EVE_EMAIL) == set()
        assert await incident_q.on_a_brand_team(s, T, EVE, EVE_EMAIL) is False
        assert await incident_q.reportable_engagements(s, T, EVE, is_admin=False, email=EVE_EMAIL) == []
        listed, total = await q.visible_to(s, T, EVE, is_admin=False, email=EVE_EMAIL)
        assert [c.slug for c, _ in listed] == ["spring"] and total == 1
        assert (await insight_q.brand_scope(s, T, EVE, EVE_EMAIL))[1] == []
        # the report's one statement, built once with the e-mail as a parameter
        ctx = await incident_q.report_context(s, T, otto, 0, EVE, NOW, email=EVE_EMAIL)
        assert ctx is not None and ctx.granted is None
        ctx = await incident_q.report_context(s, T, otto, 0, EVE, NOW)
        assert ctx is not None and ctx.granted == "member"
        ctx = await incident_q.report_context(s, T, otto, 0, MAYA, NOW, email="maya@acme.example")
        assert ctx is not None and ctx.granted is None  # no role stored: none read


async def test_her_standing_reads_her_as_an_influencer_by_email_or_once_bound(db: Database):
    _, _, eve = await _eve_with_a_role(db)
    async with db.transaction() as s:
        s.add(CampaignCreator(team_id=T, user_id=MAYA, granted_by=MAYA, created_at=NOW))
    async with db.transaction() as s:
        # by her Slack id alone: a role holder and nothing else; with the e-mail Slack shows: an influencer
        assert await q.standing(s, T, EVE) == (False, False, True)
        assert await q.standing(s, T, EVE, "Eve@Agency.example") == (True, False, True)
        assert await q.standing(s, T, EVE, "") == (False, False, True)
        assert await q.standing(s, T, MAYA, "maya@acme.example") == (False, True, False)
        assert await q.standing(s, T, OTHER) == (False, False, False)
        assert await q.standing(s, "T2", EVE, EVE_EMAIL) == (False, False, False)  # another workspace
        assert await q.bind_influencer(s, T, eve, EVE, "Eve Adams") is True
    async with db.transaction() as s:
        assert await q.standing(s, T, EVE) == (True, False, True)


async def test_binding_her_id_makes_every_check_by_id_see_her(db: Database):
    autumn, _, eve = await _eve_with_a_role(db)
    async with db.transaction() as s:
        assert [r.user_id for r in await q.roles_without_rights(s, autumn)] == []
        assert await q.bind_influencer(s, T, eve, EVE, "Eve Adams") is True
    async with db.transaction() as s:
        assert [r.user_id for r in await q.roles_without_rights(s, autumn)] == [EVE]
        assert [r.user_id for r in await q.team(s, autumn)] == []
        assert await q.granted_role(s, autumn, EVE) is None
        row = await s.get(Influencer, eve)
        assert (row.slack_user_id, row.display_name) == (EVE, "Eve Adams")


async def test_the_first_to_bind_wins_and_an_id_is_bound_once(db: Database):
    _, _, eve = await _eve_with_a_role(db)
    async with db.transaction() as s:
        assert await q.bind_influencer(s, T, eve, EVE) is True
        assert await q.bind_influencer(s, T, eve, OTHER, "Other") is False  # bound already: kept
        # another row invited by e-mail can't take an id the workspace already knows
        later = Influencer(team_id=T, display_name="Eve too", email="eve@home.example", created_at=NOW)
        s.add(later)
        await s.flush()
        assert await q.bind_influencer(s, T, later.id, EVE) is False
    async with db.transaction() as s:
        rows = (
            await s.exec(select(Influencer.email, Influencer.slack_user_id).order_by(Influencer.id))
        ).all()
    assert [tuple(r) for r in rows] == [(EVE_EMAIL, EVE), (None, "UOTTO"), ("eve@home.example", None)]
