"""Breach reports, the card and thread, and the whole lifecycle, through the emulator."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import messages
from bot.domain.enums import Outcome
from bot.domain.incidents import OUTCOME_STRIKES
from bot.ids import Action, Callback, Field, Shortcut
from bot.services import EXPORTS_AT_ONCE
from storage.models import Engagement, Incident, IncidentEvent, Influencer
from tests.e2e.harness import (
    ADMIN,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    option_value,
    report,
    report_values,
    set_up_team,
    text_of,
)


async def incident(world: World, number: int = 1) -> Incident:
    async with world.db.transaction() as s:
        return (await s.exec(select(Incident).where(Incident.number == number))).scalars().one()


async def events(world: World, kind: str | None = None) -> list[IncidentEvent]:
    async with world.db.transaction() as s:
        query = select(IncidentEvent).order_by(IncidentEvent.id)
        if kind:
            query = query.where(IncidentEvent.kind == kind)
        return list((await s.exec(query)).scalars())


async def press(world: World, user: str, channel: str, action_id: str):
    card = card_of(world, channel)
    return await world.slack.click(user, channel, card.ts, action_id)


async def fill(world: World, user: str, values: dict) -> object:
    view = world.top_view(user)
    return await world.slack.submit_view(user, view.id, {k: {k: v} for k, v in values.items()})


async def test_report_posts_card_thread_escalation_and_receipt(world: World):
    channel = await set_up_team(world)
    reply = await report(world, severity="critical", clause="G6")
    assert reply.ok and not reply.body

    row = await incident(world)
    assert (row.number, row.status, row.severity, row.reporter_id) == (1, "reported", "critical", MEMBER)
    assert row.response_due_at == world.clock.now() + timedelta(hours=24)
    assert row.evidence == ["https://instagram.example/p/123"]
    card = card_of(world, channel)
    assert row.card_ts == card.ts and row.channel_id == channel
    text = text_of(card)
    for expected in (
        "BR-1 · G6 Brand safety",
        ":red_circle: critical",
        ":new: reported",
        "<!date^",
        "cure period 24 h",
        "Acknowledge",
        "Propose resolution",
        "Dismiss",
    ):
        assert expected in text
    thread = world.emulator.replies(channel, card.ts)
    opener = text_of(thread[-1])
    assert opener.startswith(f"<@{IVY}>, this thread is the mediation of BR-1")
    assert "*G6 · Brand safety*" in opener and "24 h" in opener
    legal = text_of(world.emulator.history(world.emulator.channel_by_name("legal").id)[-1])
    assert ":rotating_light: *BR-1* was reported" in legal and "consider putting the payment" in legal
    assert world.dm_to(MEMBER).startswith(":white_check_mark: Reported *BR-1* (critical, G6)")
    assert [e.kind for e in await events(world)] == ["created"]


async def test_severity_defaults_to_the_clause_and_minor_skips_legal(world: World):
    channel = await set_up_team(world)
    legal_channel = world.emulator.channel_by_name("legal").id
    before = len(world.emulator.history(legal_channel))
    await report(world, clause="G2")  # deadline clause, moderate by default
    assert (await incident(world)).severity == "moderate"
    assert len(world.emulator.history(legal_channel)) == before
    assert "cure period 72 h" in text_of(card_of(world, channel))


async def test_full_lifecycle_with_accepted_proposal(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    assert (await incident(world)).status == "acknowledged"

    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    assert world.top_view(IVY).callback_id == Callback.INCIDENT_RESPOND
    await fill(world, IVY, {Field.STATEMENT: "I forgot the tag; I have added #ad now."})
    row = await incident(world)
    assert row.status == "in_mediation" and row.responded_at == world.clock.now()

    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    due = world.clock.now() + timedelta(days=2)
    await fill(
        world,
        MEMBER,
        {
            Field.OUTCOME: "corrective_action",
            Field.TERMS: "Pin a comment with #ad.",
            Field.DEADLINE: int(due.timestamp()),
        },
    )
    row = await incident(world)
    assert (row.status, row.proposed_outcome, row.proposed_by) == (
        "resolution_proposed",
        "corrective_action",
        MEMBER,
    )
    assert "Accepting resolves BR-1 with 2 strikes" in text_of(card_of(world, channel))

    await press(world, IVY, channel, Action.INCIDENT_ACCEPT)
    row = await incident(world)
    assert (row.status, row.outcome, row.strikes, row.resolved_by) == (
        "resolved",
        "corrective_action",
        2,
        IVY,
    )
    card = card_of(world, channel)
    assert ":white_check_mark: resolved" in text_of(card)
    assert not any(b["type"] == "actions" for b in card.blocks)  # no buttons on a closed incident
    kinds = [(e.kind, e.data.get("to")) for e in await events(world)]
    assert kinds == [
        ("created", "reported"),
        ("status_changed", "acknowledged"),
        ("response", "in_mediation"),
        ("resolution_proposed", "resolution_proposed"),
        ("status_changed", "resolved"),
    ]
    notes = [text_of(m) for m in world.emulator.replies(channel, card.ts)][2:]
    assert notes[0] == f":eyes: <@{IVY}> acknowledged the report."
    assert notes[-1].startswith(f":white_check_mark: <@{IVY}> accepted the proposed resolution")


async def test_dispute_escalate_and_resolve_by_legal(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MANAGER, {Field.OUTCOME: "fee_reduction", Field.TERMS: "10% off the fee."})
    await press(world, IVY, channel, Action.INCIDENT_DISPUTE)
    assert (await incident(world)).status == "resolution_proposed"  # the form asks why first
    await fill(world, IVY, {Field.REASON: "The reel had #ad in the first line."})
    row = await incident(world)
    assert row.status == "in_mediation" and row.proposed_outcome is None
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    await fill(world, MEMBER, {Field.REASON: "She keeps disputing; legal should decide."})
    row = await incident(world)
    assert row.status == "escalated" and row.escalated_at == world.clock.now()
    legal = text_of(world.emulator.history(world.emulator.channel_by_name("legal").id)[-1])
    assert f"was escalated by <@{MEMBER}>: _She keeps disputing; legal should decide._" in legal
    card = card_of(world, channel)
    thread = [text_of(m) for m in world.emulator.replies(channel, card.ts)]
    assert any("disputed the proposed resolution" in n and "> The reel had #ad" in n for n in thread)
    assert any(n.endswith("escalated BR-1 to legal.") for n in thread)  # the reason is legal's
    assert not any("She keeps disputing" in n for n in thread)
    timeline = [(e.kind, e.text) for e in await events(world)]
    assert ("status_changed", "The reel had #ad in the first line.") in timeline
    assert ("escalated", "She keeps disputing; legal should decide.") in timeline
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    await fill(world, LEGAL, {Field.OUTCOME: "warning", Field.STRIKES: "1", Field.NOTE: "First warning."})
    row = await incident(world)
    assert (row.status, row.outcome, row.strikes, row.resolved_by, row.resolution_note) == (
        "resolved",
        "warning",
        1,
        LEGAL,
        "First warning.",
    )


@pytest.mark.parametrize("outcome", [o.value for o in Outcome])
async def test_each_outcome_acts(world: World, outcome: str):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_RESOLVE)
    view = world.top_view(MANAGER)
    strikes_block = next(b for b in view.blocks if b.get("block_id") == Field.STRIKES)
    assert strikes_block["element"]["initial_option"]["value"] == "2"  # major → 2 by default
    strikes = str(min(2, len(OUTCOME_STRIKES[outcome]) - 1))  # what the outcome allows
    await fill(world, MANAGER, {Field.OUTCOME: outcome, Field.STRIKES: strikes})
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().one()
    row = await incident(world)
    assert (row.status, row.outcome) == ("resolved", outcome)
    assert (engagement.status == "terminated") == (outcome == "contract_terminated")
    assert engagement.payment_hold == (outcome == "payment_withheld")


async def test_dismiss_needs_a_reason(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, LEGAL, channel, Action.INCIDENT_DISMISS)
    forged = await world.forge_submission(LEGAL, world.top_view(LEGAL), {})
    assert forged.body == {"response_action": "errors", "errors": {Field.REASON: "Say why it is dismissed."}}
    await fill(world, LEGAL, {Field.REASON: "The post was organic, not part of the campaign."})
    row = await incident(world)
    assert (row.status, row.resolution_note, row.outcome) == (
        "dismissed",
        "The post was organic, not part of the campaign.",
        None,
    )


ROLES = {"manager": MANAGER, "member": MEMBER, "legal": LEGAL, "influencer": IVY, "admin": ADMIN}
ALLOWED = {
    Action.INCIDENT_ACKNOWLEDGE: {"influencer"},
    Action.INCIDENT_RESPOND: {"influencer"},
    Action.INCIDENT_PROPOSE: {"manager", "member", "legal", "admin"},
    Action.INCIDENT_ESCALATE: {"manager", "member", "legal", "admin"},
    Action.INCIDENT_RESOLVE: {"manager", "legal", "admin"},
    Action.INCIDENT_DISMISS: {"manager", "legal", "admin"},
    Action.INCIDENT_ACCEPT: {"influencer"},
    Action.INCIDENT_DISPUTE: {"influencer"},
}


@pytest.mark.parametrize("action_id", list(ALLOWED))
async def test_every_button_by_every_role(world: World, action_id: str):
    channel = await set_up_team(world)
    world.emulator.channel(channel).members.add(ADMIN)
    await report(world)
    if action_id in (Action.INCIDENT_ACCEPT, Action.INCIDENT_DISPUTE):
        await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
        await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.TERMS: "A warning."})
    before = (await incident(world)).status
    for role, user_id in ROLES.items():
        views_before = len(world.emulator.open_views(user_id))
        await press(world, user_id, channel, action_id)
        status = (await incident(world)).status
        opened = len(world.emulator.open_views(user_id)) > views_before
        if role in ALLOWED[action_id]:
            assert opened or status != before, f"{role} should be able to press {action_id}"
            if opened:
                world.emulator.workspace.close_views(user_id)
            if status != before:
                return  # the move happened; the remaining roles are covered by other statuses
        else:
            said = world.said_to(user_id)
            assert said.startswith(":no_entry: Only "), (role, said)
            assert status == before and not opened
    assert OTTO  # every role was tried


async def test_refusal_names_the_role_needed(world: World):
    channel = await set_up_team(world)
    await report(world)
    await press(world, MEMBER, channel, Action.INCIDENT_RESOLVE)
    assert world.said_to(MEMBER) == (
        ":no_entry: Only a campaign *manager* or *legal*, or a workspace *admin*, can resolve this incident."
    )
    await press(world, MANAGER, channel, Action.INCIDENT_ACKNOWLEDGE)
    assert (
        world.said_to(MANAGER)
        == f":no_entry: Only <@{IVY}>, the influencer BR-1 is about, can acknowledge this incident."
    )


async def test_double_click_gives_one_transition(world: World):
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel)
    stale_blocks = list(card.blocks)
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    world.emulator.find_message(channel, card.ts).blocks = stale_blocks  # a client still showing the old card
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    said = world.said_to(IVY)
    assert said.startswith(f"BR-1 was already acknowledged by <@{IVY}> <!date^")
    assert len(await events(world, "status_changed")) == 1


async def test_concurrent_clicks_give_one_transition(world: World):
    channel = await set_up_team(world)
    await report(world)
    forms = {}
    for u in (MANAGER, MEMBER, LEGAL):  # three people open Escalate, then all submit at once
        await press(world, u, channel, Action.INCIDENT_ESCALATE)
        forms[u] = world.top_view(u)
    world.slack.after_request = None  # let the requests race; settle afterwards
    replies = await asyncio.gather(
        *(
            world.slack.submit_view(u, v.id, {Field.REASON: {Field.REASON: f"Escalated by {u}"}})
            for u, v in forms.items()
        )
    )
    await world.stack.settle()
    escalations = await events(world, "escalated")
    assert len(escalations) == 1
    losers = [u for u, r in zip(forms, replies, strict=True) if u != escalations[0].actor_id]
    for loser, reply in zip(forms, replies, strict=True):
        if loser in losers:  # the form is replaced by what happened, with nothing left to submit
            assert reply.body["response_action"] == "update" and "submit" not in reply.body["view"]
            assert text_of(reply.body["view"]).startswith(
                ":information_source: BR-1 was already escalated by"
            )


async def test_concurrent_reports_get_distinct_numbers(world: World):
    await set_up_team(world)
    users = [MANAGER, MEMBER, LEGAL, ADMIN]
    views = {}
    for user in users:
        await world.run(user, "/breach")
        view = world.top_view(user)
        value = option_value(view, Field.ENGAGEMENT, "Spring Launch")
        await world.slack.click_in_view(user, view.id, "report_engagement", value=value)
        views[user] = world.top_view(user)
    world.slack.after_request = None
    await asyncio.gather(
        *(
            world.slack.submit_view(
                u,
                v.id,
                {  # a clause each: the same clause twice would ask "possible duplicate?"
                    Field.GUIDELINE: {Field.GUIDELINE: option_value(v, Field.GUIDELINE, f"G{k} ")},
                    Field.DESCRIPTION: {Field.DESCRIPTION: f"Rude to {u}"},
                },
            )
            for k, (u, v) in enumerate(views.items(), start=1)
        )
    )
    await world.stack.settle()
    async with world.db.transaction() as s:
        numbers = sorted((await s.exec(select(Incident.number))).scalars())
    assert numbers == [1, 2, 3, 4]


async def test_message_shortcut_prefills_evidence_and_influencer(world: World):
    channel = await set_up_team(world)
    said = await world.slack.post_message(IVY, channel, "Honestly your brand is a joke")
    await world.slack.message_shortcut(MANAGER, channel, said.ts, Shortcut.REPORT_BREACH)
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.BREACH_REPORT
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert blocks[Field.ENGAGEMENT]["element"]["initial_option"]["text"]["text"] == "Spring Launch · Ivy"
    permalink = blocks[Field.EVIDENCE]["element"]["initial_value"]
    assert world.emulator.find_permalink(permalink).ts == said.ts
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G4 ")},
            Field.DESCRIPTION: {Field.DESCRIPTION: "Insulted the brand in the shared channel."},
        },
    )
    assert reply.ok and not reply.body
    assert (await incident(world)).evidence == [permalink]


async def test_prefilled_report_button(world: World):
    channel = await set_up_team(world)
    async with world.db.transaction() as s:
        engagement_id = (await s.exec(select(Engagement.id))).scalar_one()
    # as the reminder engine posts it: a button whose value prefills the report
    await world.stack.bot.services.client.chat_postMessage(
        channel=channel,
        text="overdue",
        blocks=[
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": Action.REPORT_BREACH_PREFILLED,
                        "text": {"type": "plain_text", "text": "Report missed deadline?"},
                        "value": f'{{"engagement_id": {engagement_id}, "guideline_code": "G2", '
                        '"evidence": ["https://x.example/late"]}',
                    }
                ],
            }
        ],
    )
    message = world.emulator.history(channel)[-1]
    await world.slack.click(MANAGER, channel, message.ts, Action.REPORT_BREACH_PREFILLED)
    view = world.top_view(MANAGER)
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert blocks[Field.GUIDELINE]["element"]["initial_option"]["text"]["text"].startswith("G2 ")
    assert blocks[Field.EVIDENCE]["element"]["initial_value"] == "https://x.example/late"


async def test_report_validation(world: World):
    await set_up_team(world)
    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    value = option_value(view, Field.ENGAGEMENT, "Spring Launch")
    await world.slack.click_in_view(MEMBER, view.id, "report_engagement", value=value)
    view = world.top_view(MEMBER)
    future = world.clock.now() + timedelta(hours=2)
    reply = await world.slack.submit_view(
        MEMBER,
        view.id,
        {
            Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G1 ")},
            Field.DESCRIPTION: {Field.DESCRIPTION: "x"},
            Field.OCCURRED_AT: {Field.OCCURRED_AT: int(future.timestamp())},
            Field.EVIDENCE: {Field.EVIDENCE: "https://ok.example/1\njavascript:alert(1)"},
        },
    )
    assert reply.body["response_action"] == "errors"
    assert reply.body["errors"] == {
        Field.EVIDENCE: "Use http(s) links only, one per line; not: javascript:alert(1)",
        Field.OCCURRED_AT: "That is in the future.",
    }
    forged = await world.forge_submission(
        MEMBER,
        view,
        {
            Field.DESCRIPTION: {"type": "plain_text_input", "value": "y" * 3001},
            Field.SEVERITY: {"type": "static_select", "selected_option": {"value": "apocalyptic"}},
        },
    )
    assert set(forged.body["errors"]) == {
        Field.ENGAGEMENT,
        Field.GUIDELINE,
        Field.DESCRIPTION,
        Field.SEVERITY,
        Field.OCCURRED_AT,
    }
    assert "3000 characters" in forged.body["errors"][Field.DESCRIPTION]
    assert await world.count(Incident) == 0


async def test_outsiders_cannot_report_or_forge_a_report(world: World):
    await set_up_team(world)
    await world.run(OTTO, "/breach")
    assert world.said_to(OTTO).startswith(":no_entry: You have no campaign with influencers to report on")
    await world.run(IVY, "/breach")  # an influencer: told where her side of a breach happens
    assert world.said_to(IVY) == messages.REPORTING_IS_THE_BRANDS
    assert "your shared channel" in world.said_to(IVY) and "/breach list" in world.said_to(IVY)
    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    values = report_values(view, "Spring Launch", "forged", int(world.clock.now().timestamp()))
    # Otto has no part in Ivy's engagement: to him it does not exist (docs/trust-boundaries.md)
    forged = await world.forge_submission(OTTO, view, values)
    assert forged.body["errors"] == {Field.ENGAGEMENT: "That engagement no longer exists."}
    # Ivy knows it (it is hers) and is told why not
    forged = await world.forge_submission(IVY, view, values)
    assert forged.body["errors"] == {
        Field.ENGAGEMENT: "You are not on this campaign's brand team, so you can't report on it."
    }
    assert await world.count(Incident) == 0


EVIL = "<!channel> <@U123> <https://evil.example|click> & more"


async def test_user_text_is_escaped_everywhere(world: World):
    channel = await set_up_team(world)
    await report(world, description=EVIL)
    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    await fill(world, IVY, {Field.STATEMENT: EVIL})
    await press(world, MANAGER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MANAGER, {Field.OUTCOME: "warning", Field.TERMS: EVIL})
    await world.run(MANAGER, "/breach show BR-1")
    await world.run(MANAGER, "/breach list")
    seen = [text_of(m) for m in world.emulator.history(channel)]
    seen += [text_of(m) for m in world.emulator.replies(channel, card_of(world, channel).ts)]
    seen += world.all_said_to(MANAGER) + [text_of(m) for m in world.emulator.dm(MEMBER)]
    everything = "\n".join(seen)
    assert "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; more" in everything
    assert (
        "<!channel>" not in everything and "<@U123>" not in everything and "<https://evil" not in everything
    )


async def test_thread_replies_recorded_once(world: World):
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel)
    sent = await world.slack.post_message(IVY, channel, "I'll fix it today", thread_ts=card.ts)
    await world.slack.redeliver(sent.envelope, retry_num=1, reason="http_timeout")
    await world.slack.redeliver(sent.envelope, retry_num=2, reason="http_timeout")
    replies = await events(world, "thread_reply")
    assert [(e.actor_id, e.text) for e in replies] == [(IVY, "I'll fix it today")]
    assert (await incident(world)).responded_at == world.clock.now()  # the influencer's reply counts
    await world.slack.post_message(MANAGER, channel, "Thanks", thread_ts=card.ts)
    await world.slack.post_message(MANAGER, channel, "Unrelated top-level message")
    assert len(await events(world, "thread_reply")) == 2


async def test_a_reply_in_the_thread_is_a_response_on_the_card_and_the_homes(world: World):
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel)
    await world.slack.post_message(IVY, channel, "Fixed: #ad is in the first line now.", thread_ts=card.ts)
    shown = text_of(world.emulator.find_message(channel, card.ts))
    assert "Influencer responded" in shown and "Response due" not in shown
    # the ball is in the brand's court, although Ivy pressed nothing
    manager = text_of({"blocks": world.emulator.home(MANAGER).blocks})
    waiting = manager.split("Incidents waiting on you* (1)")[1].split("Open incidents")[0]
    assert "`BR-1`" in waiting
    ivy = text_of({"blocks": world.emulator.home(IVY).blocks})
    assert "`BR-1`" in ivy and "your response is due" not in ivy


async def test_list_and_show_visibility(world: World):
    await set_up_team(world)
    await report(world)
    await world.new_campaign("autumn", user=OTTO)
    await world.run(OTTO, f"/campaign invite autumn <@{IVY}>")
    await world.run(MANAGER, "/breach list")
    assert "*BR-1*" in world.said_to(MANAGER)
    await world.run(IVY, "/breach list all")
    assert "*BR-1*" in world.said_to(IVY)
    await world.run(OTTO, "/breach list")
    assert world.said_to(OTTO) == "No open incidents you can see."
    await world.run(OTTO, "/breach show BR-1")
    assert world.said_to(OTTO) == ":mag: No incident BR-1 that you can see."
    await world.run(ADMIN, "/breach show br-1")
    shown = world.said_to(ADMIN)
    assert "BR-1 · G1" in shown and "*Timeline* (1 event)" in shown and "reported it" in shown
    await world.run(MANAGER, "/breach list open autumn")  # Otto's campaign: no part in it
    assert world.said_to(MANAGER) == messages.unknown_slug("autumn")
    await world.run(MANAGER, "/breach list open nope")
    assert world.said_to(MANAGER) == messages.unknown_slug("nope")
    for bad in ("/breach show", "/breach show 12x", "/breach list open a b"):
        await world.run(MANAGER, bad)
        assert world.said_to(MANAGER).startswith(":warning: Usage:")
    await world.run(MANAGER, "/breach nonsense")
    assert world.said_to(MANAGER).startswith(":warning: `/breach nonsense` is not a command I know.")


async def test_breach_show_has_no_orphan_button_row_labels(world: World):
    """`/breach show` is a read-only copy of the card: the row labels ("For @Ivy", "For the brand
    team") head the card's buttons in the channel, so without the buttons they are left out too."""
    channel = await set_up_team(world)
    await report(world)
    labels = ("*For the brand team*", f"*For <@{IVY}>*")
    assert all(label in text_of(card_of(world, channel)) for label in labels)  # the card keeps them
    for user in (MANAGER, IVY):
        await world.run(user, "/breach show BR-1")
        shown = world.said_to(user)
        assert "BR-1 · G1" in shown and "*Timeline*" in shown
        assert not any(label in shown for label in labels), (user, shown)


async def test_export_csv(world: World):
    channel = await set_up_team(world)
    await report(world, description='=HYPERLINK("http://evil.example")')
    await report(world, clause="G2", description="+1 day late")
    await world.slack.post_message(IVY, channel, "@here sorry", thread_ts=card_of(world, channel).ts)
    await world.run(MANAGER, "/breach export spring")
    assert world.said_to(MANAGER).startswith(
        ":inbox_tray: Sent `incidents-spring-2027-03-01.csv` (2 incidents)"
    )
    uploaded = list(world.emulator.files.values())[-1]
    lines = uploaded.content.decode().splitlines()
    assert lines[0].startswith("number,campaign,influencer,influencer_email,clause")
    assert lines[1].startswith("BR-2,spring,Ivy,ivy@creators.example,G2,")
    assert ",'+1 day late," in lines[1]
    assert "'=HYPERLINK" in lines[2] and lines[2].endswith(",1,0,0")  # 1 event, no thread reply for BR-1
    assert lines[1].endswith(",2,1,0")  # BR-2's card got the thread reply
    await world.run(MEMBER, "/breach export")
    assert (
        world.said_to(MEMBER)
        == ":no_entry: Only a campaign *manager* or *legal*, or a workspace *admin*, can export incidents."
    )


async def test_an_export_asked_again_while_it_is_prepared_makes_no_second_file(world: World):
    """Maya sends `/breach export spring` twice while Slack is slow to take the file: one CSV comes
    to her DM, the other command is told the first is still being prepared. Once it has arrived, she
    may ask again."""
    await set_up_team(world)
    await report(world)
    world.emulator.inject_delay("file_upload", 1.0)
    before = len(world.emulator.files)
    await asyncio.gather(
        world.run(MANAGER, "/breach export spring"), world.run(MANAGER, "/breach export spring")
    )
    await world.stack.settle()
    said = world.all_said_to(MANAGER)
    assert sum(text.startswith(":inbox_tray: Sent `incidents-spring-") for text in said) == 1, said
    assert messages.EXPORT_RUNNING in said, said
    assert len(world.emulator.files) == before + 1
    await world.run(MANAGER, "/breach export spring")
    assert world.said_to(MANAGER).startswith(":inbox_tray: Sent `incidents-spring-")
    assert len(world.emulator.files) == before + 2


async def test_exports_beyond_a_few_at_once_wait_their_turn(world: World):
    """Maya, legal and an admin export at once while Slack is slow to take files: the process
    prepares `EXPORTS_AT_ONCE` (two) at a time, the third starts once one has been handed to Slack
    (told meanwhile that theirs is next in line), and each of them gets their file."""
    await set_up_team(world)
    await report(world)
    exporters = (MANAGER, LEGAL, ADMIN)
    world.emulator.inject_delay("file_upload", 0.5, times=len(exporters))
    start = len(world.emulator.calls)
    await asyncio.gather(*(world.run(user, "/breach export spring") for user in exporters))
    await world.stack.settle()
    preparing = most = 0
    for call in world.emulator.calls[start:]:
        if call.method == "files.getUploadURLExternal":
            preparing += 1
            most = max(most, preparing)
        elif call.method == "files.completeUploadExternal":
            preparing -= 1
    assert most == EXPORTS_AT_ONCE == 2
    for user in exporters:
        assert world.said_to(user).startswith(":inbox_tray: Sent `incidents-spring-"), user
    waited = [
        user for user in exporters if any("is next in line" in text_of(m) for m in world.emulator.dm(user))
    ]
    assert len(waited) == 1, "the one who waited is told so in their DM, where the file comes"


async def test_strike_thresholds_notify_legal(world: World):
    channel = await set_up_team(world)
    legal_channel = world.emulator.channel_by_name("legal").id
    confirmed = {Field.CONFIRM_STANDING: ["confirmed"]}
    resolutions = (
        (1, "G1", "fee_reduction", "2"),
        (2, "G2", "warning", "1"),
        (3, "G3", "fee_reduction", "2"),
    )
    for n, clause, outcome, strikes in resolutions:
        await report(world, clause=clause)
        card = next(m for m in world.emulator.history(channel) if f"BR-{n} " in text_of(m))
        await world.slack.click(MANAGER, channel, card.ts, Action.INCIDENT_RESOLVE)
        await fill(
            world, MANAGER, {Field.OUTCOME: outcome, Field.STRIKES: strikes, **(confirmed if n > 1 else {})}
        )
    legal_posts = [text_of(m) for m in world.emulator.history(legal_channel)]
    probation = [p for p in legal_posts if "on probation" in p]
    suspension = [p for p in legal_posts if "suspension is recommended" in p]
    assert len(probation) == 1 and "3 strikes" in probation[0]
    assert len(suspension) == 1 and "5 strikes" in suspension[0]
    async with world.db.transaction() as s:
        assert (await s.exec(select(Influencer.status))).scalar_one() == "probation"


async def test_auto_escalation_happens_once(world: World):
    from bot.flows.incidents import auto_escalate

    await set_up_team(world)
    await report(world)
    row = await incident(world)
    svc = world.stack.bot.services
    results = await asyncio.gather(
        auto_escalate(svc, row.team_id, row.id), auto_escalate(svc, row.team_id, row.id)
    )
    assert sorted(results) == [False, True]
    escalated = await events(world, "escalated")
    assert len(escalated) == 1 and escalated[0].actor_id is None and escalated[0].data["automatic"] is True
    assert (await incident(world)).status == "escalated"


async def test_no_auto_escalation_after_a_response(world: World):
    from bot.flows.incidents import auto_escalate

    channel = await set_up_team(world)
    await report(world)
    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    await fill(world, IVY, {Field.STATEMENT: "Here is my side."})
    row = await incident(world)
    assert await auto_escalate(world.stack.bot.services, row.team_id, row.id) is False
    assert (await incident(world)).status == "in_mediation"


async def test_app_home_follows_the_incident(world: World):
    channel = await set_up_team(world)
    await report(world)
    home = text_of({"blocks": world.emulator.home(IVY).blocks})  # published without opening the tab
    assert "BR-1" in home and "your response is due" in home
    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    await fill(world, IVY, {Field.STATEMENT: "Fixed."})
    await press(world, LEGAL, channel, Action.INCIDENT_DISMISS)
    await fill(world, LEGAL, {Field.REASON: "Fixed in time."})
    assert "BR-1" not in text_of({"blocks": world.emulator.home(IVY).blocks})
    assert "BR-1" not in text_of({"blocks": world.emulator.home(MANAGER).blocks})


async def test_the_influencer_home_asks_for_an_answer_to_a_proposal(world: World):
    channel = await set_up_team(world)
    await report(world)  # major: a response is due in 48 h
    await press(world, IVY, channel, Action.INCIDENT_RESPOND)
    await fill(world, IVY, {Field.STATEMENT: "I tagged it late, sorry."})
    world.clock.advance(timedelta(hours=60))  # the cure period is long over
    await press(world, MEMBER, channel, Action.INCIDENT_PROPOSE)
    await fill(world, MEMBER, {Field.OUTCOME: "warning", Field.TERMS: "Keep #ad first."})
    home = text_of({"blocks": world.emulator.home(IVY).blocks})
    line = next(line for line in home.splitlines() if "`BR-1`" in line)
    assert "accept or dispute the proposed resolution" in line and "your response is due" not in line


async def test_an_escalation_reaches_legal_even_if_the_card_update_fails(world: World):
    channel = await set_up_team(world)
    await report(world, clause="G2")  # moderate: nothing posted to legal at report time
    legal = world.emulator.channel_by_name("legal").id
    before = len(world.emulator.history(legal))
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    world.emulator.inject_failure("chat.update", error="message_not_found")
    await fill(world, MEMBER, {Field.REASON: "Needs legal."})
    assert (await incident(world)).status == "escalated"
    posts = world.emulator.history(legal)[before:]
    assert len(posts) == 1 and f"was escalated by <@{MEMBER}>" in text_of(posts[0])
    # the refused card update costs nothing else: the thread is told, and no error reaches MEMBER
    thread = [text_of(m) for m in world.emulator.replies(channel, card_of(world, channel).ts)]
    assert any(f"<@{MEMBER}> escalated BR-1 to legal" in t for t in thread), thread
    assert not any("Something went wrong" in text_of(m) for m in world.emulator.dm(MEMBER))
