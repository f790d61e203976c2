"""Legal's notice that reaches nobody on the campaign's brand side is never lost
(docs/trust-boundaries.md, "The escalation channel"; bot/flows/incidents/shared.py `to_legal`).

A campaign without an escalation channel sends legal's notices to its owner by DM, or, for an owner
who is an influencer, to its managers who are not. With nobody left (no escalation channel and no
manager who is not an influencer), or when Slack refuses every DM, the notice used to be only
logged: now it is kept (`held_notice`), the workspace admins who are not influencers get it, and the
person whose move set it off is told that legal was not, without the notice itself.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from bot import messages
from bot.flows.incidents import shared
from bot.ids import Action, Field
from storage.models import Campaign, CampaignRole, HeldNotice
from storage.queries import incidents as incident_q
from tests.e2e.boundaries_helpers import readable
from tests.e2e.harness import ADMIN, IVY, MANAGER, MEMBER, OTTO, World, report, set_up_team, text_of
from tests.e2e.test_incidents import fill, press

SECRET = "SECRET-ESCALATION 4711: her agent admitted the fake giveaway"
FIX = "`/campaign role spring @someone manager`"


async def _spring_with_nobody_for_legal(world: World, *, escalation_channel: bool = False) -> str:
    """spring (Ivy, Mo member, Lee legal) owned by Otto, autumn's influencer (a campaign owned since
    before *one person, one side*: written in the store), with no manager left and, unless
    `escalation_channel`, no escalation channel. Returns Ivy's shared channel."""
    channel = await set_up_team(world)
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    values: dict = {"owner_id": OTTO}
    if not escalation_channel:
        values["escalation_channel_id"] = None
    async with world.db.transaction() as s:
        spring = (await s.exec(select(Campaign).where(Campaign.slug == "spring"))).scalar_one()
        await s.exec(update(Campaign).where(Campaign.id == spring.id).values(**values))
        await s.exec(
            delete(CampaignRole).where(CampaignRole.campaign_id == spring.id, CampaignRole.role == "manager")
        )
    return channel


async def _held(world: World) -> list[HeldNotice]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(HeldNotice).order_by(HeldNotice.id))).scalars().all())


def _dms(world: World, user: str, since: int = 0) -> list[str]:
    return [text_of(m) for m in world.emulator.dm(user)[since:]]


async def test_a_legal_notice_nobody_on_the_campaign_may_read_is_kept_and_goes_to_the_admins(world: World):
    """spring has no escalation channel and no manager who is not an influencer: Mo's major report
    used to tell legal nothing and leave only a log line. It is kept with the reason, and Ada, the
    workspace admin, gets it with what to do; Otto, an influencer Slack made an admin, and Ivy get
    nothing of it."""
    await _spring_with_nobody_for_legal(world)
    world.emulator.workspace.users[OTTO].is_admin = True  # an admin since, and an influencer
    before = {who: len(world.emulator.dm(who)) for who in (ADMIN, OTTO, IVY)}
    assert (await report(world)).ok  # G1 is a major clause: legal is told
    await world.stack.settle()

    [held] = await _held(world)
    assert (
        held.reason
        == messages.NO_LEGAL_RECIPIENT
        == ("no escalation channel and no manager who is not an influencer")
    )
    assert held.channel_id == "" and held.incident_id is not None
    assert "*BR-1* was reported" in held.text
    [to_ada] = _dms(world, ADMIN, before[ADMIN])
    assert "*BR-1* was reported" in to_ada
    assert f"*Legal was not told of this*: {messages.NO_LEGAL_RECIPIENT}" in to_ada
    assert FIX in to_ada and "An escalation channel is chosen only when a campaign is created" in to_ada
    for influencer in (OTTO, IVY):
        assert _dms(world, influencer, before[influencer]) == []
        seen = readable(world.emulator.workspace, influencer)
        assert "was reported" not in seen and "Legal was not told" not in seen


async def test_a_legal_notice_slack_refuses_to_every_recipient_is_kept_and_goes_to_the_admins(world: World):
    """spring has no escalation channel, so Mo's escalation (with the reason only the brand may read)
    goes to Maya, its owner, by DM; Slack refuses it. It used to be only logged."""
    channel = await set_up_team(world)
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).where(Campaign.slug == "spring").values(escalation_channel_id=None))
    assert (await report(world)).ok
    await world.stack.settle()
    assert await _held(world) == []  # the report's notice reached Maya
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    before = len(world.emulator.dm(ADMIN))
    world.emulator.inject_failure("chat.postMessage", error="channel_not_found")  # the DM to Maya
    assert (await fill(world, MEMBER, {Field.REASON: SECRET})).ok
    await world.stack.settle()

    assert not [t for t in _dms(world, MANAGER) if "4711" in t]
    [held] = await _held(world)
    assert held.reason == "Slack refused my DM to each of the people it was for (`channel_not_found`)"
    assert "4711" in held.text and held.channel_id == ""
    [to_ada] = _dms(world, ADMIN, before)
    assert "4711" in to_ada and "*Legal was not told of this*: Slack refused my DM" in to_ada
    assert "check that the managers of `spring` can get my DMs" in to_ada
    assert "4711" not in readable(world.emulator.workspace, IVY)


async def test_a_held_back_notice_no_manager_may_read_goes_to_the_admins(world: World):
    """#legal became public, so the notice is held back from it and was meant for spring's managers
    by DM; there is none who is not an influencer, so it went to nobody."""
    await _spring_with_nobody_for_legal(world, escalation_channel=True)
    legal = world.emulator.channel_by_name("legal")
    legal.is_private = False
    posts, before = len(world.emulator.history(legal.id)), len(world.emulator.dm(ADMIN))
    assert (await report(world)).ok
    await world.stack.settle()

    assert len(world.emulator.history(legal.id)) == posts
    [held] = await _held(world)  # kept once, with the channel's reason
    assert (held.channel_id, held.reason) == (legal.id, "the channel is now public")
    [to_ada] = _dms(world, ADMIN, before)
    assert "*BR-1* was reported" in to_ada
    assert (
        "*Legal was not told of this*: I held it back from the escalation channel (the channel is now "
        "public) and no manager could be sent it" in to_ada
    )
    assert FIX in to_ada and "chosen only when a campaign is created" not in to_ada
    assert _dms(world, OTTO) == []


async def test_whoever_set_off_a_notice_nobody_received_is_told_without_the_notice(world: World):
    """The person whose move set off the notice (pressing Escalate, reporting: `actor`) learns that
    legal was not told, why and how to fix it; not the notice itself, not twice when they are an
    admin who got it, and never when they are an influencer."""
    await _spring_with_nobody_for_legal(world)
    assert (await report(world)).ok
    await world.stack.settle()
    svc = world.stack.bot.services
    async with world.db.transaction() as s:
        [incident] = (await s.exec(select(HeldNotice.incident_id))).scalars().all()
        ctx = await incident_q.context_by_id(s, svc.directory.team_id, incident)
    before = {who: len(world.emulator.dm(who)) for who in (ADMIN, MEMBER, IVY)}

    await shared.to_legal(svc, ctx, f":rotating_light: *BR-1* was escalated: _{SECRET}_", actor=MEMBER)
    [to_mo] = _dms(world, MEMBER, before[MEMBER])
    assert to_mo.startswith(
        ":warning: Legal was not told about BR-1 on `spring`: no escalation channel and no manager who "
        "is not an influencer. I kept the notice and sent it to the workspace admins."
    )
    assert FIX in to_mo and "4711" not in to_mo
    [to_ada] = _dms(world, ADMIN, before[ADMIN])
    assert "4711" in to_ada

    await shared.to_legal(svc, ctx, "threshold", actor=ADMIN)  # Ada gets the notice, once
    assert len(_dms(world, ADMIN, before[ADMIN])) == 2
    await shared.to_legal(svc, ctx, "threshold", actor=IVY)  # an influencer: nothing
    assert _dms(world, IVY, before[IVY]) == []
    assert len(await _held(world)) == 4


async def test_the_reporter_and_whoever_presses_escalate_are_told_when_legal_could_not_be(world: World):
    """The same through the product: Mo's major report and then his Escalate reach nobody on spring's
    brand side; each time he is told by DM that legal was not, without the notice."""
    channel = await _spring_with_nobody_for_legal(world)
    before = len(world.emulator.dm(MEMBER))
    assert (await report(world)).ok  # Mo reports (G1 is major: legal is told)
    await world.stack.settle()
    told = [t for t in _dms(world, MEMBER, before) if t.startswith(":warning: Legal was not told")]
    assert len(told) == 1 and told[0].startswith(
        ":warning: Legal was not told about BR-1 on `spring`: no escalation channel"
    )

    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    assert (await fill(world, MEMBER, {Field.REASON: SECRET})).ok
    await world.stack.settle()
    told = [t for t in _dms(world, MEMBER, before) if t.startswith(":warning: Legal was not told")]
    assert len(told) == 2 and not [t for t in told if "4711" in t]
    assert len(await _held(world)) == 2
    assert "4711" not in readable(world.emulator.workspace, IVY)
