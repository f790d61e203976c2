"""Deliverables end to end: the card, submitted / approved / published, lateness, who may press
what, and the compliance checklist with the disclosure lint's suggestions."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.domain.enums import ComplianceItem
from bot.flows.deliverables import mark_overdue
from bot.ids import Action, Callback, Field
from playground.emulator import BotReply, Message
from scheduler.planner import deliverable_series
from storage.models import ComplianceCheck, Deliverable, Engagement, Reminder
from tests.e2e.harness import IVY, LEGAL, MANAGER, MEMBER, OTTO, World, forge_click, text_of
from tests.e2e.test_slack_failures import fail_when

POST = "https://instagram.example/p/abc123"
DRAFT = "https://drive.example/file/draft-1"
CHECK_REFUSAL = (
    ":no_entry: Only a campaign *manager*, *member* or *legal*, or a workspace *admin*, "
    "can run compliance checks."
)
SUBMIT_REFUSAL = ":no_entry: Only the *influencer* of this deliverable can mark it submitted."
PUBLISH_REFUSAL = ":no_entry: Only the *influencer* of this deliverable can mark it published."


# ---------------------------------------------------------------------------------------------
# helpers


async def setup(world: World, market: str = "US") -> tuple[Deliverable, str]:
    await world.new_campaign("spring", **{Field.MARKET: market})
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    option = view.blocks[1]["element"]["options"][0]["value"]
    due = world.clock.now() + timedelta(days=3)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option},
            Field.TITLE: {Field.TITLE: "Launch <reel>"},
            Field.PLATFORM: {Field.PLATFORM: "instagram"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body
    return await deliverable(world), channel


async def deliverable(world: World) -> Deliverable:
    async with world.db.transaction() as s:
        return (await s.exec(select(Deliverable))).scalars().one()


async def checks(world: World) -> dict[str, ComplianceCheck]:
    async with world.db.transaction() as s:
        rows = (await s.exec(select(ComplianceCheck))).scalars().all()
    return {c.item: c for c in rows}


def card(world: World, channel: str, d: Deliverable) -> Message:
    message = world.emulator.find_message(channel, d.card_ts)
    assert message is not None, "no card"
    return message


def buttons(message: Message | dict) -> list[str]:
    blocks = message.blocks if isinstance(message, Message) else message["blocks"]
    return [e["action_id"] for b in blocks if b.get("type") == "actions" for e in b["elements"]]


async def open_form(world: World, user: str, channel: str, d: Deliverable, action_id: str):
    await world.slack.click(user, channel, d.card_ts, action_id, value=str(d.id))
    return world.top_view(user)


async def submit(world: World, channel: str, d: Deliverable, url: str = DRAFT) -> BotReply:
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_SUBMIT)
    assert view.callback_id == Callback.DELIVERABLE_SUBMIT
    return await world.slack.submit_view(IVY, view.id, {Field.URL: {Field.URL: url}})


async def publish(
    world: World,
    channel: str,
    d: Deliverable,
    caption: str = "#ad Launch day!",
    url: str = POST,
    **extra: Any,
) -> BotReply:
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    assert view.callback_id == Callback.DELIVERABLE_PUBLISH
    values = {Field.URL: {Field.URL: url}, Field.CAPTION: {Field.CAPTION: caption}}
    values.update({k: {k: v} for k, v in extra.items()})
    return await world.slack.submit_view(IVY, view.id, values, check_required=False)


def checklist(world: World) -> Message:
    for message in reversed(world.emulator.dm(MANAGER)):
        if "Compliance checklist" in text_of(message):
            return message
    raise AssertionError("no checklist in the manager's DM")


async def published(
    world: World, caption: str = "#ad Launch day!", market: str = "US"
) -> tuple[Deliverable, str]:
    d, channel = await setup(world, market)
    reply = await publish(world, channel, d, caption)
    assert reply.ok and not reply.body, reply.body
    return await deliverable(world), channel


# ---------------------------------------------------------------------------------------------
# the card and the flow


async def test_card_is_posted_with_the_influencer_buttons(world: World):
    d, channel = await setup(world)
    message = card(world, channel, d)
    said = text_of(message)
    assert f"Deliverable for <@{IVY}>: *Launch &lt;reel&gt;* (instagram), due <!date^" in said
    assert "Status: *planned*" in said
    assert buttons(message) == [
        Action.DELIVERABLE_SUBMIT,
        Action.DELIVERABLE_PUBLISH,
        Action.DELIVERABLE_RESCHEDULE,
        Action.DELIVERABLE_CANCEL,
    ]


async def test_submit_approve_publish(world: World):
    d, channel = await setup(world)
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_SUBMIT)
    before = await world.row_counts()
    for bad, error in (
        ("ftp://files.example/x", "Paste a web link starting with https:// (or http://)."),
        ("javascript:alert(1)", "Paste a web link starting with https:// (or http://)."),
        ("https://two links.example", "A link has no spaces; paste one link."),
        ("https://localhost/x", "Paste a web link starting with https:// (or http://)."),
    ):
        reply = await world.slack.submit_view(IVY, view.id, {Field.URL: {Field.URL: bad}})
        assert reply.body == {"response_action": "errors", "errors": {Field.URL: error}}, bad
    assert await world.row_counts() == before and (await deliverable(world)).status == "planned"

    reply = await world.slack.submit_view(IVY, view.id, {Field.URL: {Field.URL: DRAFT}})
    assert reply.ok and not reply.body
    d = await deliverable(world)
    assert (d.status, d.submitted_url, d.submitted_at) == ("submitted", DRAFT, world.clock.now())
    message = card(world, channel, d)
    assert ":inbox_tray: *submitted*" in text_of(message) and DRAFT in text_of(message)
    assert "late" not in text_of(message)
    assert buttons(message) == [  # Ivy's row, then the brand team's
        Action.DELIVERABLE_PUBLISH,
        Action.DELIVERABLE_APPROVE,
        Action.DELIVERABLE_REQUEST_CHANGES,
        Action.DELIVERABLE_CANCEL,
    ]
    assert f"<@{IVY}> submitted *Launch &lt;reel&gt;* for `spring`: {DRAFT}" in world.dm_to(MANAGER)

    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_APPROVE, value=str(d.id))
    d = await deliverable(world)
    assert d.status == "approved"
    assert buttons(card(world, channel, d)) == [
        Action.DELIVERABLE_PUBLISH,
        Action.DELIVERABLE_REQUEST_CHANGES,
        Action.DELIVERABLE_CANCEL,
    ]
    thread = world.emulator.replies(channel, d.card_ts)
    assert any(f"<@{MEMBER}> approved *Launch &lt;reel&gt;*" in text_of(m) for m in thread)

    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    before = await world.row_counts()
    reply = await world.slack.submit_view(
        IVY,
        view.id,
        {Field.URL: {Field.URL: "instagram.com/p/1"}, Field.CAPTION: {Field.CAPTION: ""}},
        check_required=False,
    )
    assert reply.body == {
        "response_action": "errors",
        "errors": {
            Field.URL: "Paste a web post URL starting with https:// (or http://).",
            Field.CAPTION: "Paste the post's caption (the text under the post) "
            "so the disclosure can be checked.",
        },
    }
    reply = await world.slack.submit_view(
        IVY, view.id, {Field.URL: {Field.URL: POST}, Field.CAPTION: {Field.CAPTION: "x" * 3001}}
    )
    assert reply.body["errors"] == {
        Field.CAPTION: "The caption is 3001 characters; Slack accepts 3000 at most."
    }
    assert await world.row_counts() == before

    reply = await world.slack.submit_view(
        IVY, view.id, {Field.URL: {Field.URL: POST}, Field.CAPTION: {Field.CAPTION: "#ad Launch day!"}}
    )
    assert reply.ok and not reply.body
    d = await deliverable(world)
    assert (d.status, d.published_url, d.caption) == ("published", POST, "#ad Launch day!")
    message = card(world, channel, d)
    assert ":rocket: *published*" in text_of(message) and buttons(message) == [Action.CHECKLIST_OPEN]
    assert sorted(await checks(world)) == sorted(ComplianceItem)
    assert all(c.status == "pending" for c in (await checks(world)).values())
    said = text_of(checklist(world))
    assert "Compliance checklist · Launch <reel>" in said and POST in said
    assert (d.checklist_channel_id, d.checklist_ts) == (
        world.emulator.dm_channel(MANAGER).id,
        checklist(world).ts,
    )
    # approved content was submitted first, so no note on that item
    assert (await checks(world))[ComplianceItem.MATCHES_APPROVED_CONTENT].suggestion is None


async def test_late_submission_is_marked_late(world: World):
    d, channel = await setup(world)
    world.clock.advance(timedelta(days=4))
    assert (await submit(world, channel, d)).ok
    d = await deliverable(world)
    assert d.status == "submitted" and d.submitted_at > d.due_at
    said = text_of(card(world, channel, d))
    assert ":hourglass: *late* (24 h after the due time)" in said
    assert "— 24 h after the due time" in world.dm_to(MANAGER)


async def test_overdue_sweep_marks_late_then_submission_clears_it(world: World):
    d, channel = await setup(world)
    svc = world.stack.bot.services
    assert await mark_overdue(svc) == []
    world.clock.advance(timedelta(days=3, minutes=1))
    assert await mark_overdue(svc) == [d.id]
    assert await mark_overdue(svc) == []  # already late: one transition
    d = await deliverable(world)
    assert d.status == "late"
    message = card(world, channel, d)
    assert ":hourglass: *late* — the due time passed and nothing was submitted yet" in text_of(message)
    assert Action.DELIVERABLE_SUBMIT in buttons(message)
    assert (await submit(world, channel, d)).ok
    d = await deliverable(world)
    assert d.status == "submitted" and "*late* (1 min after the due time)" in text_of(card(world, channel, d))


async def test_a_submission_notice_slack_refuses_stops_nothing_else(world: World):
    """The DM to the brand failing is logged, and the rest goes on: the submission is stored and
    shown on the card, and App Home is refreshed for those who see the deliverable."""
    d, channel = await setup(world)
    world.emulator.inject_failure("chat.postMessage", error="channel_not_found")
    published = len(world.emulator.calls_to("views.publish"))
    reply = await submit(world, channel, d)
    assert reply.ok and not reply.body
    assert (await deliverable(world)).status == "submitted"
    assert ":inbox_tray: *submitted*" in text_of(card(world, channel, d))
    homes = {call["user_id"] for call in world.emulator.calls_to("views.publish")[published:]}
    assert {MANAGER, IVY} <= homes


async def test_a_checklist_slack_refuses_stops_nothing_else(world: World):
    """The checklist's DM to the owner, refused, is logged and costs nothing else: the publication
    is stored and on the card, App Home is refreshed for those who see the deliverable, and the
    checklist still opens from the card's button."""
    d, channel = await setup(world)
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == MANAGER, error="messages_tab_disabled")
    homes = len(world.emulator.calls_to("views.publish"))
    reply = await publish(world, channel, d)
    assert reply.ok and not reply.body, reply.body
    d = await deliverable(world)
    assert (d.status, d.checklist_ts) == ("published", None)
    assert buttons(card(world, channel, d)) == [Action.CHECKLIST_OPEN]
    assert {MANAGER, IVY} <= {call["user_id"] for call in world.emulator.calls_to("views.publish")[homes:]}
    assert not [m for m in world.emulator.dm(MANAGER) if "Compliance checklist" in text_of(m)]
    await world.slack.click(MANAGER, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    assert "Launch <reel>" in text_of({"blocks": world.top_view(MANAGER).blocks})


async def test_only_the_influencer_marks_submitted_or_published(world: World):
    d, channel = await setup(world)
    for who in (MANAGER, MEMBER, LEGAL):
        await world.slack.click(who, channel, d.card_ts, Action.DELIVERABLE_SUBMIT, value=str(d.id))
        assert world.said_to(who) == SUBMIT_REFUSAL
        assert world.emulator.open_views(who) == []
    await world.slack.click(MANAGER, channel, d.card_ts, Action.DELIVERABLE_PUBLISH, value=str(d.id))
    assert world.said_to(MANAGER) == PUBLISH_REFUSAL
    # someone with no part in it is told what a deliverable that never was would tell them
    await forge_click(world, OTTO, channel, d.card_ts, Action.DELIVERABLE_SUBMIT, str(d.id))
    assert world.said_to(OTTO) == "That deliverable no longer exists."

    # a submission forged by someone else from Ivy's form is refused and writes nothing
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    before = await world.row_counts()
    reply = await world.forge_submission(
        MANAGER, view, {Field.URL: {"value": POST}, Field.CAPTION: {"value": "#ad hi"}}
    )
    # a field error is plain text: the same refusal, with the person named
    refusal = "Only the influencer of this deliverable can mark it published."
    assert reply.body == {"response_action": "errors", "errors": {Field.URL: refusal}}
    assert await world.row_counts() == before and (await deliverable(world)).status == "planned"
    # and the influencer may not approve or cancel their own deliverable
    await forge_click(world, IVY, channel, d.card_ts, Action.DELIVERABLE_CANCEL, str(d.id))
    assert (
        world.said_to(IVY)
        == ":no_entry: Only a campaign *manager* or a workspace *admin* can cancel deliverables."
    )


async def test_double_clicks_make_one_transition(world: World):
    d, channel = await setup(world)
    assert (await submit(world, channel, d)).ok
    d = await deliverable(world)
    # a stale card still showing "Mark submitted"
    await forge_click(world, IVY, channel, d.card_ts, Action.DELIVERABLE_SUBMIT, str(d.id))
    assert world.said_to(IVY).startswith("“Launch &lt;reel&gt;” is already submitted (<!date^")
    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_APPROVE, value=str(d.id))
    await forge_click(world, LEGAL, channel, d.card_ts, Action.DELIVERABLE_APPROVE, str(d.id))
    assert world.said_to(LEGAL) == "“Launch &lt;reel&gt;” is already approved."

    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    values = {Field.URL: {"value": POST}, Field.CAPTION: {"value": "#ad Launch!"}}
    first = await world.forge_submission(IVY, view, values)
    second = await world.forge_submission(IVY, view, values)
    assert first.ok and not first.body
    assert second.body["response_action"] == "errors"
    # a field error is plain text: the title as typed, the date as words
    assert second.body["errors"][Field.URL] == "“Launch <reel>” is already published (2027-03-01 14:00 UTC)."
    assert len(await checks(world)) == 5
    assert len([m for m in world.emulator.dm(MANAGER) if "Compliance checklist" in text_of(m)]) == 1


async def test_cancel_by_a_manager(world: World):
    d, channel = await setup(world)
    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_CANCEL, value=str(d.id))
    assert (
        world.said_to(MEMBER)
        == ":no_entry: Only a campaign *manager* or a workspace *admin* can cancel deliverables."
    )
    assert (await deliverable(world)).status == "planned"
    await world.slack.click(MANAGER, channel, d.card_ts, Action.DELIVERABLE_CANCEL, value=str(d.id))
    d = await deliverable(world)
    assert d.status == "cancelled" and buttons(card(world, channel, d)) == []
    await forge_click(world, IVY, channel, d.card_ts, Action.DELIVERABLE_SUBMIT, str(d.id))
    assert world.said_to(IVY) == "“Launch &lt;reel&gt;” was cancelled; there is nothing to submit."


async def test_forged_button_values_are_refused(world: World):
    d, channel = await setup(world)
    for value in ("", "abc", "999999", "1; DROP TABLE deliverable"):
        await forge_click(world, IVY, channel, d.card_ts, Action.DELIVERABLE_SUBMIT, value)
        assert world.said_to(IVY) in ("That button is not one of mine.", "That deliverable no longer exists.")
        await forge_click(world, MANAGER, channel, d.card_ts, Action.CHECK_PASS, value)
        assert world.said_to(MANAGER) in (
            "That button is not one of mine.",
            "That compliance check no longer exists.",
        )
    assert (await deliverable(world)).status == "planned"


# ---------------------------------------------------------------------------------------------
# the checklist


async def _decide(world: World, user: str, check: ComplianceCheck, action_id: str, note: str | None = None):
    dm = world.emulator.dm_channel(MANAGER).id
    ts = checklist(world).ts
    if user == MANAGER:
        await world.slack.click(MANAGER, dm, ts, action_id, value=str(check.id))
    else:
        await forge_click(world, user, dm, ts, action_id, str(check.id))
    if note is not None:
        view = world.top_view(user)
        assert view.callback_id == Callback.CHECK_NOTE
        return await world.slack.submit_view(
            user, view.id, {Field.NOTE: {Field.NOTE: note}}, check_required=False
        )
    return None


async def test_checklist_buttons_per_role(world: World):
    await published(world)
    c = await checks(world)
    await _decide(world, MANAGER, c[ComplianceItem.DISCLOSURE_PRESENT], Action.CHECK_PASS)
    await _decide(world, MEMBER, c[ComplianceItem.NO_COMPETITOR_MENTION], Action.CHECK_PASS)
    reply = await _decide(world, LEGAL, c[ComplianceItem.BRAND_SAFETY], Action.CHECK_FAIL, "Swearing at 0:42")
    assert reply.ok and not reply.body
    reply = await _decide(world, MEMBER, c[ComplianceItem.MATCHES_APPROVED_CONTENT], Action.CHECK_WAIVE, "")
    assert reply.body == {
        "response_action": "errors",
        "errors": {Field.NOTE: "Say why it is waived: the note is kept with the check."},
    }
    reply = await world.slack.submit_view(
        MEMBER, world.top_view(MEMBER).id, {Field.NOTE: {Field.NOTE: "Edit agreed <!channel>"}}
    )
    assert reply.ok and not reply.body

    before = await world.row_counts()
    placement = c[ComplianceItem.DISCLOSURE_PLACEMENT]
    # Ivy knows of it and is told who may; Otto has no part in it: a check that never was
    for who, refusal in ((IVY, CHECK_REFUSAL), (OTTO, "That compliance check no longer exists.")):
        for action_id in (Action.CHECK_PASS, Action.CHECK_FAIL, Action.CHECK_WAIVE):
            await _decide(world, who, placement, action_id)
            assert world.said_to(who) == refusal
            assert world.emulator.open_views(who) == []
    assert await world.row_counts() == before

    c = await checks(world)
    assert {item: (check.status, check.checked_by) for item, check in c.items()} == {
        ComplianceItem.DISCLOSURE_PRESENT: ("passed", MANAGER),
        ComplianceItem.DISCLOSURE_PLACEMENT: ("pending", None),
        ComplianceItem.NO_COMPETITOR_MENTION: ("passed", MEMBER),
        ComplianceItem.MATCHES_APPROVED_CONTENT: ("waived", MEMBER),
        ComplianceItem.BRAND_SAFETY: ("failed", LEGAL),
    }
    assert c[ComplianceItem.BRAND_SAFETY].note == "Swearing at 0:42"
    said = text_of(checklist(world))
    assert "4 of 5 checked · 1 failed" in said
    assert f"*Brand safety* — failed by <@{LEGAL}>" in said and "> Swearing at 0:42" in said
    assert "Edit agreed &lt;!channel&gt;" in said and "<!channel>" not in said
    # only the pending item still has pass / fail / waive
    assert buttons(checklist(world)).count(Action.CHECK_PASS) == 1

    # a second decision on a decided item: one transition, a clear answer
    await _decide(world, LEGAL, c[ComplianceItem.DISCLOSURE_PRESENT], Action.CHECK_FAIL)
    assert world.said_to(LEGAL).startswith(f"*Disclosure present* was already passed by <@{MANAGER}> <!date^")
    assert world.emulator.open_views(LEGAL) == []


async def test_lint_suggestion_appears_on_the_checklist(world: World):
    caption = "Loved this trail run with my new shoes!\n#run #trail #fit #shoes #ad #sport #outdoors #nature"
    await published(world, caption)
    c = await checks(world)
    present, placement = c[ComplianceItem.DISCLOSURE_PRESENT], c[ComplianceItem.DISCLOSURE_PLACEMENT]
    assert (present.status, present.suggested_status) == ("pending", "passed")
    assert (placement.status, placement.suggested_status) == ("pending", "failed")
    assert placement.suggestion.startswith("Lint (US): buried (line 2, character 65) — “#ad” is only among")
    assert c[ComplianceItem.BRAND_SAFETY].suggestion is None
    # published without a submission first
    assert c[ComplianceItem.MATCHES_APPROVED_CONTENT].suggestion == (
        "Published without being submitted for approval first."
    )
    message = checklist(world)
    said = text_of(message)
    assert "suggests *fail*: Lint (US): buried" in said and "suggests *pass*: Lint (US): buried" in said
    labels = [e["text"]["text"] for b in message.blocks if b.get("type") == "actions" for e in b["elements"]]
    assert labels.count("Fail (suggested)") == 1 and labels.count("Pass (suggested)") == 1

    # confirming the suggested fail starts from the lint's reason
    await _decide(world, MEMBER, placement, Action.CHECK_FAIL)
    view = world.top_view(MEMBER)
    note = next(b for b in view.blocks if b.get("block_id") == Field.NOTE)
    assert note["element"]["initial_value"] == placement.suggestion
    assert (await world.slack.submit_view(MEMBER, view.id)).ok
    assert (await checks(world))[ComplianceItem.DISCLOSURE_PLACEMENT].note == placement.suggestion


async def test_missing_disclosure_suggests_fail_and_caption_is_escaped(world: World):
    await published(world, "<!channel> new drop <https://evil.example|free money> & more")
    c = await checks(world)
    assert c[ComplianceItem.DISCLOSURE_PRESENT].suggested_status == "failed"
    assert "missing" in c[ComplianceItem.DISCLOSURE_PRESENT].suggestion
    said = text_of(checklist(world))
    assert "> &lt;!channel&gt; new drop &lt;https://evil.example|free money&gt; &amp; more" in said
    assert "<!channel>" not in said and "<https://evil" not in said


async def test_a_fail_offers_report_breach_prefilled(world: World):
    await published(world, "Launch day! #sp")
    async with world.db.transaction() as s:
        engagement_id = (await s.exec(select(Engagement.id))).scalar_one()
    c = await checks(world)
    expected = {
        ComplianceItem.DISCLOSURE_PRESENT: "G1",
        ComplianceItem.NO_COMPETITOR_MENTION: "G3",
        ComplianceItem.MATCHES_APPROVED_CONTENT: "G5",
        ComplianceItem.BRAND_SAFETY: "G6",
    }
    for item in expected:
        reply = await _decide(world, MANAGER, c[item], Action.CHECK_FAIL, f"{item} fails")
        assert reply.ok and not reply.body
    message = checklist(world)
    reports = [
        e
        for b in message.blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.REPORT_BREACH_PREFILLED
    ]
    assert [json.loads(e["value"]) for e in reports] == [
        {"engagement_id": engagement_id, "guideline_code": code, "evidence": [POST]}
        for code in expected.values()
    ]
    assert [e["text"]["text"] for e in reports] == [f"Report breach of {code}" for code in expected.values()]
    # the disclosure fail confirmed the lint's suggestion
    assert c[ComplianceItem.DISCLOSURE_PRESENT].suggested_status == "failed"
    assert "#sp" in c[ComplianceItem.DISCLOSURE_PRESENT].suggestion


async def test_fr_publish_form_asks_about_images(world: World):
    d, channel = await setup(world, "FR")
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    assert any(b.get("block_id") == Field.IMAGES for b in view.blocks)
    reply = await world.slack.submit_view(
        IVY,
        view.id,
        {
            Field.URL: {Field.URL: POST},
            Field.CAPTION: {Field.CAPTION: "#ad Ma routine du matin"},
            Field.IMAGES: {Field.IMAGES: ["retouched"]},
        },
    )
    assert reply.ok and not reply.body
    present = (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT]
    assert present.suggested_status == "failed"
    assert "Lint (FR): weak" in present.suggestion and "Images retouchées" in present.suggestion


async def test_us_publish_form_has_no_images_question(world: World):
    d, channel = await setup(world)
    view = await open_form(world, IVY, channel, d, Action.DELIVERABLE_PUBLISH)
    assert not any(b.get("block_id") == Field.IMAGES for b in view.blocks)


async def test_report_breach_button_opens_the_prefilled_report(world: World):
    await published(world, "Launch day! #sp")
    c = await checks(world)
    await _decide(world, MANAGER, c[ComplianceItem.DISCLOSURE_PRESENT], Action.CHECK_FAIL, "Only #sp")
    dm = world.emulator.dm_channel(MANAGER).id
    await world.slack.click(MANAGER, dm, checklist(world).ts, Action.REPORT_BREACH_PREFILLED)
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.BREACH_REPORT
    assert POST in json.dumps(view.blocks) and "G1" in json.dumps(view.blocks)


async def test_the_scheduler_tick_marks_overdue_deliverables_late(world: World):
    d, channel = await setup(world)
    dispatcher = world.stack.bot.dispatcher
    assert (await dispatcher.tick()).marked_late == 0
    world.clock.advance(timedelta(days=3, minutes=1))
    assert (await dispatcher.tick()).marked_late == 1
    assert (await deliverable(world)).status == "late"
    assert ":hourglass: *late*" in text_of(card(world, channel, d))


async def test_the_manager_moves_the_due_time_and_a_late_deliverable_is_planned_again(world: World):
    d, channel = await setup(world)
    world.clock.advance(timedelta(days=3, minutes=1))
    await world.stack.bot.dispatcher.tick()
    d = await deliverable(world)
    assert d.status == "late" and Action.DELIVERABLE_RESCHEDULE in buttons(card(world, channel, d))
    was = d.due_at

    for outsider in (MEMBER, IVY):  # members run checks, not the schedule; influencers never
        await world.slack.click(outsider, channel, d.card_ts, Action.DELIVERABLE_RESCHEDULE, value=str(d.id))
        assert world.said_to(outsider) == (
            ":no_entry: Only a campaign *manager* or a workspace *admin* can change a deliverable's due time."
        )
    view = await open_form(world, MANAGER, channel, d, Action.DELIVERABLE_RESCHEDULE)
    assert view.callback_id == Callback.DELIVERABLE_RESCHEDULE
    past = int((world.clock.now() - timedelta(hours=1)).timestamp())
    reply = await world.slack.submit_view(MANAGER, view.id, {Field.DUE: {Field.DUE: past}})
    assert reply.body == {
        "response_action": "errors",
        "errors": {Field.DUE: "The new due time is in the past."},
    }

    new_due = (world.clock.now() + timedelta(days=5)).replace(microsecond=0)
    reply = await world.slack.submit_view(
        MANAGER, view.id, {Field.DUE: {Field.DUE: int(new_due.timestamp())}}
    )
    assert reply.ok and not reply.body
    d = await deliverable(world)
    assert (d.status, d.due_at) == ("planned", new_due)
    thread = [text_of(m) for m in world.emulator.replies(channel, d.card_ts)]
    assert any(f"<@{MANAGER}> moved the due time of *" in t and "(was <!date^" in t for t in thread)
    assert f"{int(was.timestamp())}" in "".join(thread)
    # the reminders follow the new time: the "due in 24 hours" row moved and is sent then
    world.clock.set(new_due - timedelta(hours=24))
    await world.stack.bot.dispatcher.tick()
    async with world.db.transaction() as s:
        key = f"{deliverable_series(d.id, new_due)}:t-24h"
        row = (await s.exec(select(Reminder).where(Reminder.dedupe_key == key))).scalar_one()
    assert (row.due_at, row.status) == (new_due - timedelta(hours=24), "sent")
    assert "*Launch &lt;reel&gt;* (instagram) is due" in text_of(world.emulator.history(channel)[-1])


async def test_the_same_new_deliverable_submission_sent_twice_adds_one_deliverable(world: World):
    """Maya submits the new deliverable form; the very same signed `view_submission` (same view,
    same values) arrives again, as a retried request or a replay within Slack's five minutes would.
    It is recognised by its user and view, as a report or a review form is, and adds nothing: one
    deliverable, one card, one set of reminders."""
    await setup(world)
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    due = int((world.clock.now() + timedelta(days=3)).timestamp())
    ivy = view.blocks[1]["element"]["options"][0]
    values = {
        Field.ENGAGEMENT: {"type": "static_select", "selected_option": ivy},
        Field.TITLE: {"type": "plain_text_input", "value": "Second reel"},
        Field.PLATFORM: {"type": "static_select", "selected_option": {"value": "instagram"}},
        Field.DUE: {"type": "datetimepicker", "selected_date_time": due},
    }
    first = await world.forge_submission(MANAGER, view, values)
    assert first.ok and not first.body, first.body
    await world.stack.settle()
    assert await world.count(Deliverable) == 2
    reminders = await world.count(Reminder)
    again = await world.forge_submission(MANAGER, view, values)
    assert again.ok and not again.body, again.body
    await world.stack.settle()
    assert await world.count(Deliverable) == 2, "one form, submitted twice, added two deliverables"
    assert await world.count(Reminder) == reminders
    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    assert sum("Second reel" in text_of(m) for m in world.emulator.history(channel)) == 1
