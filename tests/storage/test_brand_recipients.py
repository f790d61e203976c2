"""Who the brand side's messages about a campaign go to (`storage.queries.campaigns.
brand_recipient_ids`), on SQLite and PostgreSQL: its owner; when the owner is an influencer
anywhere in the workspace, its managers who are not; never an influencer. The reminders' facts
carry the first of them (`brand_contact`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.db import Database
from storage.models import Campaign, CampaignRole, Engagement, Influencer
from storage.queries import campaigns as q
from storage.queries import reminders as reminder_q

T = "T1"
NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
OWNER, MAYA, MO, LEE = "UOWN", "UMAYA", "UMO", "ULEE"


async def _campaign(db: Database, slug: str, roles: dict[str, str], team_id: str = T) -> int:
    async with db.transaction() as s:
        campaign = Campaign(
            team_id=team_id,
            slug=slug,
            name=slug.title(),
            brand="Acme",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 12, 31),
            owner_id=OWNER,
            created_at=NOW,
        )
        s.add(campaign)
        await s.flush()
        for user_id, role in roles.items():
            s.add(
                CampaignRole(
                    team_id=team_id,
                    campaign_id=campaign.id,
                    user_id=user_id,
                    role=role,
                    granted_by=OWNER,
                    created_at=NOW,
                )
            )
        return campaign.id


async def _engage(db: Database, campaign_id: int, user_id: str, team_id: str = T) -> int:
    """`user_id` made an influencer on the campaign (as a store from before *one person, one side*
    may hold for someone with a brand role)."""
    async with db.transaction() as s:
        person = Influencer(team_id=team_id, display_name=user_id, slack_user_id=user_id, created_at=NOW)
        s.add(person)
        await s.flush()
        engagement = Engagement(
            team_id=team_id,
            campaign_id=campaign_id,
            influencer_id=person.id,
            channel_id=f"C{user_id}",
            status="active",
            invited_by=MAYA,
            created_at=NOW,
        )
        s.add(engagement)
        await s.flush()
        return engagement.id


async def _recipients(db: Database, campaign_id: int) -> list[str]:
    async with db.transaction() as s:
        return await q.brand_recipients(s, campaign_id)


async def _contact(db: Database, engagement_id: int) -> str | None:
    async with db.transaction() as s:
        return (await reminder_q.engagement_facts(s, [engagement_id]))[engagement_id].brand_contact


async def test_the_owner_or_else_the_managers_who_are_not_influencers(db: Database):
    autumn = await _campaign(db, "autumn", {OWNER: "manager", MAYA: "manager", MO: "member", LEE: "manager"})
    other = await _campaign(db, "spring", {})
    otto = await _engage(db, autumn, "UOTTO")
    assert await _recipients(db, autumn) == [OWNER]  # the owner only, not every manager
    assert await _contact(db, otto) == OWNER

    await _engage(db, other, OWNER)  # the owner is an influencer elsewhere in the workspace
    assert await _recipients(db, autumn) == [MAYA, LEE]  # managers, oldest first; not Mo, a member
    assert await _contact(db, otto) == MAYA

    await _engage(db, other, MAYA)
    await _engage(db, other, LEE)
    assert await _recipients(db, autumn) == []  # nobody rather than an influencer
    assert await _contact(db, otto) is None


async def test_a_batch_over_workspaces_asks_each_workspace_of_its_own_owners(db: Database):
    """The same Slack id is an influencer in one workspace and a campaign owner in another (ids
    are per workspace): each campaign of one batch is judged in its own workspace."""
    here = await _campaign(db, "here", {OWNER: "manager", MAYA: "manager"})
    there = await _campaign(db, "there", {OWNER: "manager", LEE: "manager"}, team_id="T2")
    elsewhere = await _campaign(db, "elsewhere", {}, team_id="T2")
    plain = await _campaign(db, "plain", {MO: "manager"})
    await _engage(db, elsewhere, OWNER, team_id="T2")  # an influencer in T2 only
    async with db.transaction() as s:
        campaigns = [await s.get(Campaign, i) for i in (here, there, plain)]
        contacts = await q.brand_contacts(s, campaigns)
    assert contacts == {here: OWNER, there: LEE, plain: OWNER}
