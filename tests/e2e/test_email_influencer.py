"""An influencer invited by e-mail, known by the e-mail Slack shows for her until her Slack id is
bound (when she first acknowledges the guidelines), reads and lists the incidents of her engagement."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Incident, Influencer
from tests.e2e.harness import EVE_EMAIL, MANAGER, MEMBER, OTTO, World, report, set_up_team


async def _eve_reported(world: World):
    """Spring with its team; Eve invited by e-mail joins her shared channel (Slack Connect) and has
    not acknowledged yet; Mo reports a breach on her engagement."""
    await set_up_team(world)
    said = await world.invite(EVE_EMAIL)
    assert said.startswith(":handshake:"), said
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    reply = await report(
        world, MEMBER, engagement_label="Spring Launch · Eve", description="Eve posted without #ad."
    )
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalars().one()
        unbound = (await s.exec(select(Influencer).where(Influencer.email == EVE_EMAIL))).scalars().one()
    assert unbound.slack_user_id is None
    return eve, incident


async def test_an_influencer_known_by_email_reads_her_incident(world: World):
    """Eve, invited by e-mail and not yet matched to her Slack id, types `/breach show BR-1` about
    the incident on her own engagement (its card is in her channel, and she may respond on it). She
    is its influencer: she reads it, as its influencer, not "No incident BR-1 that you can see"."""
    eve, incident = await _eve_reported(world)
    await world.run(eve.id, f"/breach show BR-{incident.number}")
    await world.stack.settle()
    said = world.said_to(eve.id)
    assert "that you can see" not in said, said
    assert "Eve posted without #ad." in said, said


async def test_an_influencer_known_by_email_lists_her_incident(world: World):
    """Eve, invited by e-mail and not yet matched to her Slack id, types `/breach list`: the open
    incident on her own engagement is listed, as for any influencer."""
    eve, incident = await _eve_reported(world)
    await world.run(eve.id, "/breach list")
    await world.stack.settle()
    said = world.said_to(eve.id)
    assert f"BR-{incident.number}" in said, said


async def test_her_scorecard_is_found_by_mention(world: World):
    """Eve, invited by e-mail and not yet matched to her Slack id, is mentioned in
    `/review history @eve` by Mo, a member of her campaign: the mention finds her by the e-mail
    Slack shows for her, as her name does. Otto, on no campaign of hers, still reads that she is
    not an influencer on any campaign he works on."""
    eve, _ = await _eve_reported(world)
    await world.run(MEMBER, f"/review history <@{eve.id}>")
    said = world.said_to(MEMBER)
    assert "Scorecard · " in said and "*Incidents:* 1 (1 open)" in said, said
    await world.run(MEMBER, "/review history eve")
    assert "Scorecard · " in world.said_to(MEMBER), world.said_to(MEMBER)

    await world.new_campaign("autumn", user=MANAGER)
    await world.run(MANAGER, f"/campaign role autumn <@{OTTO}> member")
    await world.run(OTTO, f"/review history <@{eve.id}>")
    assert world.said_to(OTTO) == f":mag: <@{eve.id}> is not an influencer on any campaign you work on."
