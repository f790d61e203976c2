"""When someone's rights shrink (their engagement terminated, their campaign role changed, the
campaign creator right taken back): what a button, a form or a reminder drawn before can still do,
and what their App Home shows without their opening it again.

A form is authorised again when it is submitted and a reminder is asked again when it comes due,
so neither acts on rights that are gone; each change of rights re-publishes the App Home of the
person it is about."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.enums import ComplianceItem
from bot.ids import Action, Callback, Field
from storage.models import Campaign, Engagement, Guideline, Incident, Reminder
from tests.e2e.harness import (
    ADMIN,
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
from tests.e2e.test_deliverables import checks, deliverable, published, setup
from tests.e2e.test_incidents import fill, press

CLOSED = "This engagement was terminated; its deliverables are closed."


async def _terminate(world: World, channel: str) -> None:
    """The member reports a breach; the manager resolves it with the contract terminated."""
    reply = await report(world)
    assert reply.ok and not reply.body, reply.body
    await press(world, MANAGER, channel, Action.INCIDENT_RESOLVE)
    reply = await fill(world, MANAGER, {Field.OUTCOME: "contract_terminated", Field.STRIKES: "2"})
    assert reply.ok and not reply.body, reply.body
    async with world.db.transaction() as s:
        assert (await s.exec(select(Engagement.status))).scalar_one() == "terminated"


def _verdict(world: World, channel: str):
    verdicts = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()]
    assert verdicts, "Ivy was told nothing"
    return verdicts[-1]


async def _home_text(world: World, user: str, *, reopen: bool = True) -> str:
    """The home Slack shows `user`: opened again (`reopen`), or as last published without it."""
    if reopen:
        assert (await world.slack.open_home(user)).ok
        await world.stack.settle()
    view = world.emulator.home(user)
    assert view is not None, f"no home published for {user}"
    return text_of({"blocks": view.blocks})


# ---------------------------------------------------------------------------------------------
# an engagement terminated


async def test_caption_form_submitted_after_termination_changes_nothing(world: World):
    """Ivy opened "Edit caption" while engaged; her contract is terminated; she submits. The form
    says why, and the brand's checklist takes no new suggestion from her closed deliverable."""
    d, channel = await published(world, caption="Loving this launch #collab")
    await world.slack.click(
        IVY, channel, _verdict(world, channel).ts, Action.DELIVERABLE_EDIT_CAPTION, value=str(d.id)
    )
    view = world.top_view(IVY)
    assert view.callback_id == Callback.DELIVERABLE_CAPTION
    await _terminate(world, channel)
    before = await checks(world)
    assert before[ComplianceItem.DISCLOSURE_PRESENT].suggested_status == "failed"

    reply = await world.slack.submit_view(
        IVY, view.id, {Field.CAPTION: {Field.CAPTION: "#ad Loving this launch"}}
    )
    await world.stack.settle()
    assert reply.body["errors"][Field.CAPTION] == CLOSED, reply.body
    assert (await deliverable(world)).caption == "Loving this launch #collab"
    after = await checks(world)
    assert after[ComplianceItem.DISCLOSURE_PRESENT].suggested_status == "failed"


async def test_edit_caption_button_after_termination_opens_no_form(world: World):
    d, channel = await published(world, caption="Loving this launch #collab")
    verdict = _verdict(world, channel)
    await _terminate(world, channel)
    world.emulator.workspace.close_views(IVY)
    await world.slack.click(IVY, channel, verdict.ts, Action.DELIVERABLE_EDIT_CAPTION, value=str(d.id))
    await world.stack.settle()
    assert not world.emulator.open_views(IVY)
    assert CLOSED in world.said_to(IVY), world.all_said_to(IVY)


async def test_a_terminated_influencers_home_lists_no_deliverable_still_due(world: World):
    """Termination closes the engagement's deliverables (submitting is refused, reminders stop) and
    drops the campaign from "My campaigns"; "My deliverables" drops them too. (The brand's home may
    keep them: the brand can still cancel them.)"""
    _, channel = await setup(world)
    before = await _home_text(world, IVY)
    assert "Launch &lt;reel&gt;" in before or "Launch <reel>" in before, before
    await _terminate(world, channel)
    assert (await deliverable(world)).status in ("planned", "cancelled")
    ivy = await _home_text(world, IVY)
    assert "Launch &lt;reel&gt;" not in ivy and "Launch <reel>" not in ivy, ivy


# ---------------------------------------------------------------------------------------------
# a campaign role changed


async def _escalate(world: World, channel: str) -> None:
    assert (await report(world)).ok
    card = card_of(world, channel)
    await world.slack.click(MEMBER, channel, card.ts, Action.INCIDENT_ESCALATE)
    view = world.top_view(MEMBER)
    reply = await world.slack.submit_view(
        MEMBER, view.id, {Field.REASON: {Field.REASON: "Legal should decide."}}
    )
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()


async def test_legal_made_a_member_has_their_home_republished_without_legals_escalations(world: World):
    """`/campaign role` moves Lee from legal to member: the home Slack shows Lee (published when the
    escalation came in) is published again, without "Escalations waiting for legal"."""
    channel = await set_up_team(world)
    await _escalate(world, channel)
    shown = await _home_text(world, LEGAL)
    assert "Escalations waiting for legal* (1)" in shown, shown
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> member")
    assert "is now a *member*" in world.said_to(MANAGER), world.said_to(MANAGER)
    await world.stack.settle()
    shown = await _home_text(world, LEGAL, reopen=False)  # what Slack shows without a new open
    assert "Escalations waiting for legal" not in shown, shown


async def test_resolve_form_of_legal_made_a_member_resolves_nothing(world: World):
    channel = await set_up_team(world)
    assert (await report(world)).ok
    await world.slack.click(LEGAL, channel, card_of(world, channel).ts, Action.INCIDENT_RESOLVE)
    view = world.top_view(LEGAL)
    assert view.callback_id == Callback.INCIDENT_RESOLVE
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> member")
    reply = await world.slack.submit_view(
        LEGAL, view.id, {Field.OUTCOME: {Field.OUTCOME: "warning"}, Field.STRIKES: {Field.STRIKES: "0"}}
    )
    await world.stack.settle()
    assert (
        "Only a campaign manager or legal, or a workspace admin, can resolve"
        in reply.body["errors"][Field.OUTCOME]
    )
    async with world.db.transaction() as s:
        assert (await s.exec(select(Incident.status))).scalar_one() == "reported"


async def test_guidelines_form_of_a_manager_made_a_member_saves_nothing(world: World):
    await set_up_team(world)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> manager")
    await world.run(MEMBER, "/campaign guidelines spring")
    view = world.top_view(MEMBER)
    assert view.callback_id == Callback.GUIDELINES_EDIT
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    async with world.db.transaction() as s:
        before = len((await s.exec(select(Guideline))).scalars().all())
    values = {Field.clause("G1", "title"): {Field.clause("G1", "title"): "Anything goes"}}
    reply = await world.slack.submit_view(MEMBER, view.id, values)
    await world.stack.settle()
    assert (
        "Only a campaign manager or a workspace admin can edit"
        in reply.body["errors"][Field.clause("G1", "title")]
    )
    async with world.db.transaction() as s:
        rows = (await s.exec(select(Guideline))).scalars().all()
    assert len(rows) == before and all(g.title != "Anything goes" for g in rows)


async def test_a_manager_made_a_member_gets_no_managers_digest(world: World):
    await set_up_team(world)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> manager")
    await report(world)
    dispatcher = world.stack.bot.dispatcher
    await dispatcher.tick()
    async with world.db.transaction() as s:
        planned = {
            r.target_user
            for r in (await s.exec(select(Reminder).where(Reminder.kind == "weekly_digest"))).scalars()
        }
    assert MEMBER in planned, planned
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    world.clock.set(datetime(2027, 3, 8, 15, 0, tzinfo=UTC))
    await dispatcher.tick()
    await world.stack.settle()
    digests = lambda user: [m for m in world.emulator.dm(user) if "Weekly digest" in (m.text or "")]  # noqa: E731
    assert digests(MANAGER), "the manager got no digest"
    assert not digests(MEMBER)
    assert not digests(IVY)


async def test_show_more_naming_a_campaign_the_user_is_not_on_lists_nothing_of_it(world: World):
    """ "Show more" carries its slug and keyset in its value: a value edited to name another
    campaign is answered as `/breach list <slug>` is (the scope is the clicker's, never the value's)."""
    channel = await set_up_team(world)
    assert (await report(world)).ok
    value = json.dumps({"open": False, "before": 100, "slug": "spring"})
    reply = await forge_click(
        world, OTTO, channel, card_of(world, channel).ts, Action.INCIDENT_LIST_MORE, value
    )
    assert reply.ok
    await world.stack.settle()
    said = "\n".join(world.all_said_to(OTTO))
    assert "BR-1" not in said and "No campaign `spring` that you can see" in said, said


# ---------------------------------------------------------------------------------------------
# the campaign creator right


async def test_the_creator_right_given_and_taken_back_republishes_the_new_campaign_button(world: World):
    """Otto's home, as Slack shows it without his opening it again, offers "New campaign" once an
    admin makes him a campaign creator and no longer once the right is taken back."""
    await _home_text(world, OTTO)
    assert Action.HOME_NEW_CAMPAIGN not in str(world.emulator.home(OTTO).blocks)
    await world.grant_creator(OTTO)
    await world.stack.settle()
    assert Action.HOME_NEW_CAMPAIGN in str(world.emulator.home(OTTO).blocks)
    await world.run(ADMIN, f"/campaign creators remove <@{OTTO}>")
    assert "may no longer create campaigns" in world.said_to(ADMIN), world.said_to(ADMIN)
    await world.stack.settle()
    assert Action.HOME_NEW_CAMPAIGN not in str(world.emulator.home(OTTO).blocks)


async def test_new_campaign_form_opened_before_the_creator_right_was_taken_back_creates_nothing(world: World):
    view = await world.open_new_campaign(MANAGER)
    await world.run(ADMIN, f"/campaign creators remove <@{MANAGER}>")
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.NAME: {Field.NAME: "Spring Launch"},
            Field.SLUG: {Field.SLUG: "spring"},
            Field.BRAND: {Field.BRAND: "Acme"},
            Field.START: {Field.START: "2027-03-01"},
            Field.END: {Field.END: "2027-05-31"},
            Field.MARKET: {Field.MARKET: "US"},
        },
    )
    await world.stack.settle()
    assert "can't create campaigns" in str(reply.body), reply.body
    assert await world.count(Campaign) == 0
