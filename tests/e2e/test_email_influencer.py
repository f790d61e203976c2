"""An influencer invited by e-mail, known by the e-mail Slack shows for her until her Slack id is
bound (when she first acknowledges the guidelines, or joins her shared channel), reads and lists the
incidents of her engagement; a brand role stored for her before *one person, one side* counts for
nothing meanwhile (docs/trust-boundaries.md)."""

from __future__ import annotations

from sqlalchemy import select

from bot import messages
from storage.models import Incident, Influencer
from tests.e2e.harness import EVE_EMAIL, MANAGER, MEMBER, OTTO, World, report, set_up_team
from tests.e2e.test_one_side import _autumn_with_otto, _escalate_otto_with_a_secret, legacy_role


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


# ---------------------------------------------------------------------------------------------
# a brand role stored for her (before one person, one side) counts for nothing, before her id is bound


async def _eve_with_a_role_on_autumn(world: World, **kw) -> tuple[str, str]:
    """spring (Ivy, Mo, Lee) and autumn (Maya's, Otto); Eve invited by e-mail on spring, joined
    through Slack Connect, not acknowledged yet (her Slack id is not bound); a `member` role on
    autumn stored for her Slack id before one person, one side. Returns (Eve's id, Otto's channel)."""
    otto_channel = await _autumn_with_otto(world, **kw)
    said = await world.invite(EVE_EMAIL)
    assert said.startswith(":handshake:"), said
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    await legacy_role(world, eve.id, "autumn", "member")
    return eve.id, otto_channel


async def test_her_stored_role_shows_her_no_incident_of_that_campaign(world: World):
    """Eve, who still holds `member` on autumn, types `/breach show BR-1` (Otto's incident,
    escalated with a reason only the brand may read): "No incident BR-1 that you can see", as for
    an influencer known by her Slack id (test_one_side). Her role is read with the e-mail Slack
    shows for her (`granted_role`)."""
    eve, otto_channel = await _eve_with_a_role_on_autumn(world)
    await _escalate_otto_with_a_secret(world, otto_channel)
    await world.run(eve, "/breach show BR-1")
    await world.stack.settle()
    seen = world.said_to(eve)
    assert "SECRET-ESCALATION" not in seen, seen
    assert seen == ":mag: No incident BR-1 that you can see.", seen


async def test_her_stored_role_shows_her_nothing_of_that_campaigns_brand_side(world: World):
    """Eve (as above) types `/campaign show autumn`: not its escalation channel, its brand team,
    nor Otto and his channel."""
    eve, otto_channel = await _eve_with_a_role_on_autumn(world, legal_channel=True)
    legal = world.emulator.channel_by_name("legal").id
    await world.run(eve, "/campaign show autumn")
    await world.stack.settle()
    shown = world.said_to(eve)
    assert legal not in shown, shown
    assert "*Team*" not in shown and MANAGER not in shown, shown
    assert OTTO not in shown and otto_channel not in shown, shown


async def test_clearing_her_stored_role_does_not_tell_her(world: World):
    """Maya clears Eve's role without rights on autumn (`/campaign role autumn @eve none`): Eve is
    told nothing of brand roles (docs/roles.md), and Maya's reply says the role gave no rights
    rather than naming autumn's shared channels. Eve is looked up for the e-mail Slack shows for
    her, before the role is read."""
    eve, _ = await _eve_with_a_role_on_autumn(world)
    before = len(world.emulator.dm(eve))
    await world.run(MANAGER, f"/campaign role autumn <@{eve}> none")
    await world.stack.settle()
    assert [m.text for m in world.emulator.dm(eve)[before:]] == []
    assert "they had no rights from it" in world.said_to(MANAGER), world.said_to(MANAGER)


async def test_her_stored_role_draws_no_brand_chart_on_her_home(world: World):
    """Eve (as above) opens App Home: her influencer home, without the open-incidents chart of
    the campaigns where a brand role is stored for her (bot/flows/insights.py `home_blocks`)."""
    eve, _ = await _eve_with_a_role_on_autumn(world)
    assert (await world.slack.open_home(eve)).ok
    await world.stack.settle()
    view = world.emulator.home(eve)
    assert view is not None
    assert [b for b in view.blocks if b.get("type") == "image"] == []


async def test_when_slack_does_not_say_who_she_is_her_stored_role_gives_her_nothing(world: World):
    """Eve's stored role on autumn counts for nothing because Slack shows her invited e-mail. When
    `users.info` fails as she asks (her lookup expired), that e-mail is unknown: she is told to try
    again and shown nothing, never the brand side the role would otherwise open; once Slack answers,
    she is known as before."""
    eve, otto_channel = await _eve_with_a_role_on_autumn(world)
    await _escalate_otto_with_a_secret(world, otto_channel)
    world.stack.bot.services.directory.forget(eve)
    world.emulator.inject_failure("users.info", error="internal_error")
    await world.run(eve, "/breach show BR-1")
    await world.stack.settle()
    assert world.said_to(eve) == messages.CALLER_UNKNOWN
    assert "SECRET-ESCALATION" not in "\n".join(world.all_said_to(eve))
    await world.run(eve, "/breach show BR-1")  # Slack answers again
    assert world.said_to(eve) != messages.CALLER_UNKNOWN
    assert "SECRET-ESCALATION" not in "\n".join(world.all_said_to(eve))
