"""Security end to end: forged clicks and submissions, links and mentions smuggled through user
text, and who may take what out of the app."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.ids import Action, Callback, Field
from playground.emulator.state import View
from storage.models import Campaign, Deliverable, Engagement, Incident
from tests.e2e.harness import (
    EVE_EMAIL,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    forge_click,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.test_deliverables import open_form, setup

EVIL = "https://evil.example/invoice"


async def test_forged_acknowledgement_cannot_rewrite_another_bot_message(world: World):
    """The guidelines button trusted the payload's channel, ts and blocks: the influencer could
    make the bot overwrite any of its messages (here the escalation post in legal's private
    channel) with blocks of her own."""
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(world.emulator.bot_user.id)
    await world.new_campaign("spring", **{Field.ESCALATION_CHANNEL: legal.id})
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.invite(IVY)
    shared = world.emulator.channel_by_name("cg-spring-ivy").id
    reply = await report(world)  # G1 is major: posted to legal's channel too
    assert reply.ok and not reply.body
    escalation = world.emulator.history(legal.id)[-1]
    before = text_of(escalation)
    assert "BR-1" in before
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().one()

    forged = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"<!channel> Pay now: <{EVIL}|invoice>"}}
    ]
    await forge_click(
        world, IVY, legal.id, escalation.ts, Action.ACKNOWLEDGE_GUIDELINES, f"{engagement.id}:1", forged
    )

    after = text_of(world.emulator.find_message(legal.id, escalation.ts))
    assert after == before
    assert EVIL not in after and "<!channel>" not in after
    # the acknowledgement itself went through, on the guidelines message of her own channel
    guidelines = text_of(world.emulator.find_message(shared, engagement.guidelines_message_ts))
    assert f"Acknowledged by <@{IVY}>" in guidelines and EVIL not in guidelines


async def test_published_url_cannot_smuggle_a_link_or_mention(world: World):
    """A post URL with `>`/`<`/`|` passed validation and was later put inside `<…|(post)>`."""
    d, channel = await setup(world)
    forged = "https://instagram.example/p>*<!channel>*<https://evil.example/login"
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_SUBMIT)
    reply = await world.slack.submit_view(IVY, view.id, {Field.URL: {Field.URL: forged}})
    assert (
        isinstance(reply.body, dict)
        and reply.body.get("response_action") == "errors"
        and Field.URL in reply.body["errors"]
    )

    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    values = {Field.URL: {Field.URL: forged}, Field.CAPTION: {Field.CAPTION: "#ad Launch day!"}}
    reply = await world.slack.submit_view(IVY, view.id, values, check_required=False)
    assert (
        isinstance(reply.body, dict)
        and reply.body.get("response_action") == "errors"
        and Field.URL in reply.body["errors"]
    )
    async with world.db.transaction() as s:
        stored = (await s.exec(select(Deliverable))).scalars().one()
    assert stored.submitted_url is None and stored.published_url is None


async def test_an_influencer_cannot_export_incidents(world: World):
    """Export is for managers, legal and admins; being the influencer of an incident is not enough."""
    await set_up_team(world)
    assert (await report(world)).ok
    files_before = len(world.emulator.files)
    await world.run(IVY, "/breach export")
    assert (
        world.said_to(IVY)
        == ":no_entry: Only a campaign *manager* or *legal*, or a workspace *admin*, can export incidents."
    )
    assert len(world.emulator.files) == files_before


async def test_forged_escalation_channel_is_refused(world: World):
    """`selected_conversation` is echoed as `<#…>` and posted to: only a channel id is accepted."""
    view = await world.open_new_campaign(MANAGER)
    reply = await world.forge_submission(
        MANAGER,
        view,
        {
            Field.NAME: {"type": "plain_text_input", "value": "Spring Launch"},
            Field.SLUG: {"type": "plain_text_input", "value": "spring"},
            Field.BRAND: {"type": "plain_text_input", "value": "Acme"},
            Field.START: {"type": "datepicker", "selected_date": "2027-03-01"},
            Field.END: {"type": "datepicker", "selected_date": "2027-05-31"},
            Field.ESCALATION_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": f"C1>*<!channel>*<{EVIL}|legal",
            },
        },
    )
    assert isinstance(reply.body, dict) and reply.body.get("response_action") == "errors"
    assert Field.ESCALATION_CHANNEL in reply.body["errors"]
    assert await world.count(Campaign) == 0


async def test_fallback_text_is_escaped(world: World):
    """The `text` of a message with blocks is what notifications show: user text in it is escaped
    like in the blocks (a campaign name is anyone's: everyone may create a campaign)."""
    await world.new_campaign("spring", **{Field.NAME: f"<!channel> <{EVIL}|Spring>"})
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    message = world.guidelines_message(channel)
    assert "<!channel>" not in message.text and f"<{EVIL}" not in message.text
    assert "&lt;!channel&gt;" in message.text


async def test_an_external_workspace_owner_is_no_admin_here(world: World):
    """Slack reports a Slack Connect guest's rights in their own workspace: they grant nothing here."""
    channel = await set_up_team(world)
    await world.invite(EVE_EMAIL)
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    eve.is_owner = eve.is_admin = True  # the owner of her own workspace
    world.emulator.channel(channel).members.add(eve.id)
    await report(world)
    await world.slack.click(eve.id, channel, card_of(world, channel).ts, Action.INCIDENT_RESOLVE)
    # no admin here, and not BR-1's influencer: no part in it, so it answers as one that never was
    assert world.said_to(eve.id) == "That incident no longer exists."
    assert world.emulator.open_views(eve.id) == []
    await world.run(eve.id, "/breach export")
    assert world.said_to(eve.id).startswith(":no_entry:")


async def test_a_forged_id_of_another_campaigns_incident_tells_nothing_about_it(world: World):
    """A lifecycle form forged with another campaign's incident id answered "BR-1 was already
    dismissed by @Legal on …" before asking who sent it, and the influencer's buttons answered
    "Only @Ivy, the influencer BR-1 is about, …": walking the ids told an outsider every incident's
    number, state, who closed it, and who works on which campaign."""
    channel = await set_up_team(world)
    assert (await report(world)).ok
    await world.slack.click(LEGAL, channel, card_of(world, channel).ts, Action.INCIDENT_DISMISS)
    view = world.top_view(LEGAL)
    assert (await world.slack.submit_view(LEGAL, view.id, {Field.REASON: {Field.REASON: "Drop it."}})).ok
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalar_one()
        engagement = (await s.exec(select(Engagement))).scalar_one()
    await world.new_campaign("autumn")
    await world.invite(OTTO, "autumn")  # Otto works on another campaign
    otto_channel = world.emulator.channel_by_name("cg-autumn-otto").id

    for callback in (Callback.INCIDENT_ESCALATE, Callback.INCIDENT_DISMISS):
        forged = View(
            id=f"VFORGED{callback[-4:].upper()}",
            type="modal",
            user_id=OTTO,
            definition={
                "callback_id": callback,
                "private_metadata": json.dumps({"incident_id": incident.id}),
                "blocks": [],
            },
            hash="h",
            root_view_id="VFORGED",
        )
        reply = await world.forge_submission(
            OTTO, forged, {Field.REASON: {"type": "plain_text_input", "value": "x"}}
        )
        answer = json.dumps(reply.body)
        assert reply.body["response_action"] == "errors", answer  # a refusal, not the stale form
        assert "BR-1" not in answer and "dismissed" not in answer and "Legal" not in answer, answer

    guidelines = world.guidelines_message(otto_channel)
    await forge_click(world, OTTO, otto_channel, guidelines.ts, Action.INCIDENT_ACKNOWLEDGE, str(incident.id))
    await forge_click(
        world, OTTO, otto_channel, guidelines.ts, Action.ACKNOWLEDGE_GUIDELINES, f"{engagement.id}:1"
    )
    # as an incident and an engagement that never were (tests/e2e/test_existence.py)
    assert world.all_said_to(OTTO)[-2:] == [
        "That incident no longer exists.",
        "That engagement no longer exists.",
    ]
