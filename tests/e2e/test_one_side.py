"""One person, one side, for reading: an influencer who still holds a brand role on another
campaign (stored before the rule; nothing grants one now) reads nothing of the brand side there
and is sent none of its messages (docs/trust-boundaries.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.ids import Action, Field
from storage.models import Campaign, CampaignRole, Reminder
from tests.e2e.conduct_helpers import say
from tests.e2e.harness import (
    IVY,
    MANAGER,
    OTTO,
    World,
    card_of,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.test_incidents import fill

OTTO_LABEL = "Spring Launch · Otto"  # autumn's engagement (the harness names every campaign so)
INSULT = "honestly you're useless, all of you"


async def _autumn_with_otto(world: World, *, legal_channel: bool = False) -> str:
    """spring (Ivy, Mo member, Lee legal) and autumn (Maya's, Otto its influencer); returns
    Otto's shared channel."""
    await set_up_team(world)
    legal = world.emulator.channel_by_name("legal").id
    await world.new_campaign("autumn", **({Field.ESCALATION_CHANNEL: legal} if legal_channel else {}))
    said = await world.invite(OTTO, "autumn")
    assert said.startswith(":handshake:"), said
    return world.emulator.channel_by_name("cg-autumn-otto").id


async def legacy_role(world: World, user: str, slug: str, role: str) -> None:
    """A role stored before one person, one side (nothing grants it now): written in the store."""
    async with world.db.transaction() as s:
        campaign = (await s.exec(select(Campaign).where(Campaign.slug == slug))).scalar_one()
        s.add(
            CampaignRole(
                team_id=campaign.team_id,
                campaign_id=campaign.id,
                user_id=user,
                role=role,
                granted_by=MANAGER,
                created_at=world.clock.now(),
            )
        )


async def _escalate_otto_with_a_secret(world: World, otto_channel: str) -> None:
    """Maya reports Otto (BR-1) and escalates it with a reason only the brand side may read."""
    assert (await report(world, MANAGER, description="About Otto.", engagement_label=OTTO_LABEL)).ok
    card = card_of(world, otto_channel)
    await world.slack.click(MANAGER, otto_channel, card.ts, Action.INCIDENT_ESCALATE)
    await world.stack.bot.services.background.drain(5)
    await fill(world, MANAGER, {Field.REASON: "SECRET-ESCALATION: he lies, get legal"})
    await world.stack.bot.services.background.drain(5)


# ---------------------------------------------------------------------------------------------
# (d) an influencer who still holds a brand role elsewhere (stored before one person, one side)


async def test_an_influencer_with_a_legacy_brand_role_reads_no_escalation_reason(world: World):
    """The influencer side wins for reading brand-side information: Ivy (spring's influencer) who
    still holds `member` on autumn read, in `/breach show`, the reason the brand wrote for legal
    when it escalated Otto's incident."""
    otto_channel = await _autumn_with_otto(world)
    await _escalate_otto_with_a_secret(world, otto_channel)
    await world.run(MANAGER, "/breach show BR-1")
    assert "SECRET-ESCALATION" in world.said_to(MANAGER)  # the brand reads it

    await legacy_role(world, IVY, "autumn", "member")
    await world.run(IVY, "/breach show BR-1")
    seen = world.said_to(IVY)
    assert "SECRET-ESCALATION" not in seen, seen
    assert seen == ":mag: No incident BR-1 that you can see."
    for line in ("/breach list all", "/breach list autumn"):
        await world.run(IVY, line)
        await world.stack.bot.services.background.drain(5)
        assert "BR-1" not in world.said_to(IVY), world.said_to(IVY)


async def test_an_influencer_with_a_legacy_manager_role_gets_no_weekly_digest(world: World):
    """Reports and digests compare influencers with each other: "Influencers are refused whatever
    else they hold" (docs/insights.md). `/campaign report` refuses Ivy, but the Monday digest went
    to every manager of the campaign, Ivy included when she still holds `manager` on autumn."""
    await _autumn_with_otto(world)
    await legacy_role(world, IVY, "autumn", "manager")
    await world.run(IVY, "/campaign report autumn")
    await world.stack.bot.services.background.drain(5)
    assert world.said_to(IVY).startswith(":no_entry: Reports and digests are for the brand team")

    dispatcher = world.stack.bot.dispatcher
    await dispatcher.tick()  # plans the digests
    world.clock.set(datetime(2027, 3, 8, 18, 0, tzinfo=UTC))  # Monday, past 09:00 in LA and NY
    await dispatcher.tick()
    await world.stack.bot.services.background.drain(5)
    digests = lambda user: [m for m in world.emulator.dm(user) if "Weekly digest" in (m.text or "")]  # noqa: E731
    assert digests(MANAGER), "the setup sends Maya her digests"
    assert digests(IVY) == [], [m.text for m in digests(IVY)]


async def test_an_influencer_with_a_legacy_legal_role_gets_no_conduct_flag(world: World):
    """Conduct flags are brand-side (docs/conduct.md, trust-boundaries.md). A flag about brand
    staff skips admins who are influencers (`brand_admins`), but a flag about an influencer goes to every
    manager and legal of the campaign from the store, an influencer still holding `legal` there
    included: Ivy read Otto's flagged message, the classifier's reason and the report button."""
    otto_channel = await _autumn_with_otto(world)
    await legacy_role(world, IVY, "autumn", "legal")
    await world.run(MANAGER, "/campaign conduct autumn on")
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(":white_check_mark: The conduct monitor is *on*")
    before = len(world.emulator.dm(IVY))
    await say(world, OTTO, otto_channel, INSULT)
    assert any("Possible breach" in text_of(m) for m in world.emulator.dm(MANAGER))  # the setup flags
    got = [text_of(m) for m in world.emulator.dm(IVY)[before:]]
    assert not [t for t in got if "Possible breach" in t or "useless" in t], got


async def test_an_influencer_with_a_legacy_role_is_not_shown_the_campaigns_brand_side(world: World):
    """`/campaign show autumn` for Ivy, who still holds `member` on autumn: not its escalation
    channel, its brand team, nor its other influencers and their channels."""
    otto_channel = await _autumn_with_otto(world, legal_channel=True)
    legal = world.emulator.channel_by_name("legal").id
    await world.run(MANAGER, "/campaign show autumn")
    assert f"<#{legal}>" in world.said_to(MANAGER)  # the brand reads it

    await legacy_role(world, IVY, "autumn", "member")
    await world.run(IVY, "/campaign show autumn")
    await world.stack.bot.services.background.drain(5)
    shown = world.said_to(IVY)
    assert legal not in shown, shown  # "the escalation channel: not even its name"
    assert "*Team*" not in shown, shown
    assert OTTO not in shown and otto_channel not in shown, shown


async def test_an_influencer_with_a_legacy_role_is_not_listed_the_campaign(world: World):
    """`/campaign list` for Ivy (spring's influencer), who still holds `member` on autumn, where
    she is no influencer: only spring, her own engagement. Autumn (its slug, name, brand) is
    brand-side, as `/campaign show autumn` answers her."""
    await set_up_team(world)
    await world.new_campaign("autumn", **{Field.NAME: "Project Nightjar"})
    await legacy_role(world, IVY, "autumn", "member")
    await world.run(IVY, "/campaign list")
    await world.stack.settle()
    listed = world.said_to(IVY)
    assert "spring" in listed, listed
    assert "autumn" not in listed and "Nightjar" not in listed, listed


async def test_breach_verify_answers_as_breach_show_for_an_incident_the_user_cannot_see(world: World):
    """Ivy, who still holds `member` on autumn, can neither show nor verify Otto's incident there:
    both answer as for an incident that does not exist."""
    await _autumn_with_otto(world)
    assert (await report(world, MANAGER, description="About Otto.", engagement_label=OTTO_LABEL)).ok
    await legacy_role(world, IVY, "autumn", "member")

    await world.run(IVY, "/breach show BR-1")
    await world.stack.bot.services.background.drain(5)
    assert world.said_to(IVY) == ":mag: No incident BR-1 that you can see."
    await world.run(IVY, "/breach verify BR-1")
    await world.stack.bot.services.background.drain(5)
    said = world.said_to(IVY)
    assert "intact" not in said and "hash" not in said, said
    assert said == ":mag: No incident BR-1 that you can see.", said


# ---------------------------------------------------------------------------------------------
# an influencer who owns a campaign (created before one person, one side): the owner's messages


async def _autumn_owned_by_ivy(world: World) -> str:
    """autumn (Otto its influencer) owned by Ivy, spring's influencer, with Maya still one of its
    managers: nothing makes an influencer an owner now, so it is written in the store. Returns
    Otto's shared channel."""
    otto_channel = await _autumn_with_otto(world)
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).where(Campaign.slug == "autumn").values(owner_id=IVY))
    await legacy_role(world, IVY, "autumn", "manager")  # the owner is stored as a manager
    return otto_channel


async def _open_for_a_week(world: World) -> list[str]:
    """A week after the report, the dispatcher's pass; what Ivy was sent during it."""
    before = len(world.emulator.dm(IVY))
    world.clock.advance(timedelta(days=7, minutes=5))
    await world.stack.bot.dispatcher.tick()
    await world.stack.bot.services.background.drain(5)
    return [text_of(m) for m in world.emulator.dm(IVY)[before:]]


def _unresolved(world: World, user: str) -> list[str]:
    return [text_of(m) for m in world.emulator.dm(user) if "has been open for 7 days" in text_of(m)]


async def test_an_owner_who_is_an_influencer_is_not_reminded_of_another_influencers_incident(world: World):
    """The owner's reminders (incident unresolved, review due, compliance pending, deliverable
    overdue) are brand-side: for an owner who is an influencer anywhere in the workspace they go to
    the campaign's managers who are not. Ivy, who owns autumn, is not told that Otto's BR-1 (its
    title, severity and status) is still open after 7 days; Maya, its manager, is."""
    await _autumn_owned_by_ivy(world)
    assert (await report(world, MANAGER, description="Posted early.", engagement_label=OTTO_LABEL)).ok
    got = await _open_for_a_week(world)
    assert not [t for t in got if "has been open for 7 days" in t], got
    assert _unresolved(world, MANAGER), "Maya, autumn's manager, is reminded instead"


async def test_a_reminder_planned_for_the_owner_goes_to_a_manager_once_the_owner_is_an_influencer(
    world: World,
):
    """The dispatcher asks again, when a row comes due, who the brand side is: a reminder row
    already addressed to an owner who is an influencer (planned before, in an older database) is
    sent to the campaign's manager who is not one, and only to them."""
    await _autumn_owned_by_ivy(world)
    assert (await report(world, MANAGER, description="Posted early.", engagement_label=OTTO_LABEL)).ok
    async with world.db.transaction() as s:
        await s.exec(update(Reminder).where(Reminder.target_user == MANAGER).values(target_user=IVY))
    got = await _open_for_a_week(world)
    assert not [t for t in got if "has been open for 7 days" in t], got
    assert _unresolved(world, MANAGER), "sent to Maya instead"


async def test_without_an_escalation_channel_legal_notices_skip_an_owner_who_is_an_influencer(world: World):
    """Without an escalation channel, legal's notices (the reason the brand gave to escalate)
    go by DM to the campaign's owner; for an owner who is an influencer, to its managers who are
    not. Ivy, who owns autumn, does not read why the brand escalated Otto's incident; Maya does."""
    otto_channel = await _autumn_owned_by_ivy(world)
    await _escalate_otto_with_a_secret(world, otto_channel)
    got = [text_of(m) for m in world.emulator.dm(IVY)]
    assert not [t for t in got if "SECRET-ESCALATION" in t or "BR-1" in t], got
    to_maya = [text_of(m) for m in world.emulator.dm(MANAGER) if "SECRET-ESCALATION" in text_of(m)]
    assert to_maya and "one of its managers" in to_maya[-1], to_maya


async def test_a_new_shared_channel_does_not_bring_in_an_influencer_with_alegacy_role(world: World):
    """Inviting an influencer adds the campaign's brand team to the new shared channel, where that
    influencer's incidents, strikes and shared reviews are posted. Ivy, spring's influencer who
    still holds `member` on autumn, is not on autumn's brand team: Otto's channel gets Maya, not
    her."""
    await set_up_team(world)
    await world.new_campaign("autumn")
    await legacy_role(world, IVY, "autumn", "member")
    said = await world.invite(OTTO, "autumn")
    assert said.startswith(":handshake:"), said
    otto_channel = world.emulator.channel_by_name("cg-autumn-otto")
    assert MANAGER in otto_channel.members and OTTO in otto_channel.members
    assert IVY not in otto_channel.members
