"""Acting on something that changed while its button or form was on screen, and sending a form
twice; and what the bot's posts let Slack fetch.

A button or a form shows the state of the moment it was built. By the time it is pressed or
submitted the campaign may be closed, the engagement terminated, or the same signed submission
may arrive a second time (a double click, a retried request). Each case here is decided by the
store as it is when the action is written, never by what was read before Slack was asked
something: the refusal names what changed, and a repeat does nothing.

The last test covers what the bot posts: a card that carries links someone typed is posted
without unfurls, so Slack fetches and previews nothing of them in the shared channel.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

from sqlalchemy import select

from bot.ids import Action, Callback, Field
from playground import people
from storage.models import Deliverable, Engagement, Review
from tests.e2e.harness import (
    EVE_EMAIL,
    MANAGER,
    MEMBER,
    World,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.test_deliverables import deliverable as _deliverable
from tests.e2e.test_deliverables import setup, submit
from tests.e2e.test_incidents import fill, incident, press


async def _replay(world: World, reply) -> object:
    """The exact signed request sent again (a retried or double-sent submission)."""
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(reply.payload)}), "application/x-www-form-urlencoded"
    )


# ------------------------------------------------------------------------------------------------
# Guidelines acknowledged while the engagement is being terminated


async def test_acknowledging_during_a_termination_does_not_bring_the_engagement_back(world: World):
    await set_up_team(world)
    await world.invite(EVE_EMAIL)
    eve = people.join_external(world.emulator)
    channel = next(
        c.id for c in world.emulator.workspace.channels.values() if c.name.startswith("cg-spring-eve")
    )
    guidelines = world.guidelines_message(channel)
    await world.run(MANAGER, "/breach")
    view = world.top_view(MANAGER)
    labels = [
        o["text"]["text"]
        for b in view.blocks
        if b.get("block_id") == Field.ENGAGEMENT
        for o in b["element"].get("options") or []
    ]
    world.emulator.workspace.close_views(MANAGER)
    label = next(label for label in labels if "Ivy" not in label)
    reply = await report(world, MANAGER, engagement_label=label)
    assert reply.ok and not reply.body, reply.body
    await press(world, MANAGER, channel, Action.INCIDENT_RESOLVE)
    resolve_view = world.top_view(MANAGER)

    world.emulator.inject_delay("users.info", 1.0)  # Slack is slow to say who Eve is

    async def terminate() -> None:
        await asyncio.sleep(0.3)  # Eve's click is being handled
        done = await world.slack.submit_view(
            MANAGER,
            resolve_view.id,
            {Field.OUTCOME: {Field.OUTCOME: "contract_terminated"}, Field.STRIKES: {Field.STRIKES: "2"}},
        )
        assert done.ok and not done.body, done.body

    await asyncio.gather(
        world.slack.click(eve.id, channel, guidelines.ts, Action.ACKNOWLEDGE_GUIDELINES), terminate()
    )
    await world.stack.settle()
    assert (await incident(world)).outcome == "contract_terminated"
    async with world.db.transaction() as s:
        status, acknowledged = (
            await s.exec(
                select(Engagement.status, Engagement.acknowledged_version).where(
                    Engagement.channel_id == channel
                )
            )
        ).one()
    assert status == "terminated", status
    assert acknowledged is None  # nothing of the acknowledgement was written
    assert "terminated" in world.said_to(eve.id), world.all_said_to(eve.id)


# ------------------------------------------------------------------------------------------------
# Deliverables: a closed campaign, a terminated engagement


async def _deliverable_submitted(world: World) -> tuple[Deliverable, str]:
    d, channel = await setup(world)
    assert (await submit(world, channel, d)).ok
    d = await _deliverable(world)
    assert d.status == "submitted"
    return d, channel


async def test_request_changes_form_submitted_after_the_campaign_closed_owes_nothing_new(world: World):
    d, channel = await _deliverable_submitted(world)
    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_REQUEST_CHANGES, value=str(d.id))
    view = world.top_view(MEMBER)
    assert view.callback_id == Callback.DELIVERABLE_CHANGES
    await world.run(MANAGER, "/campaign complete spring")
    assert "complete" in world.said_to(MANAGER).lower()
    reply = await world.slack.submit_view(MEMBER, view.id, {Field.NOTE: {Field.NOTE: "Shorter intro."}})
    await world.stack.settle()
    # nothing more is owed on a closed campaign: the submission is not sent back to planned
    assert (await _deliverable(world)).status == "submitted", reply.body
    error = reply.body["errors"][Field.NOTE]
    assert "is completed" in error and "/campaign reopen spring" in error, error
    thread = [text_of(m) for m in world.emulator.replies(channel, d.card_ts)]
    assert not any("Shorter intro." in t for t in thread), thread


async def test_request_changes_button_on_a_closed_campaign_opens_no_form(world: World):
    d, channel = await _deliverable_submitted(world)
    await world.run(MANAGER, "/campaign cancel spring")
    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_REQUEST_CHANGES, value=str(d.id))
    await world.stack.settle()
    assert not world.emulator.open_views(MEMBER)
    assert "is cancelled" in world.said_to(MEMBER), world.all_said_to(MEMBER)
    assert (await _deliverable(world)).status == "submitted"


async def test_approve_after_the_engagement_was_terminated_is_refused(world: World):
    d, channel = await _deliverable_submitted(world)
    await report(world)
    await press(world, MANAGER, channel, Action.INCIDENT_RESOLVE)
    reply = await fill(world, MANAGER, {Field.OUTCOME: "contract_terminated", Field.STRIKES: "2"})
    assert reply.ok and not reply.body, reply.body
    async with world.db.transaction() as s:
        assert (await s.exec(select(Engagement.status))).scalar_one() == "terminated"
    # the deliverable card still offers Approve; the member presses it
    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_APPROVE, value=str(d.id))
    await world.stack.settle()
    assert (await _deliverable(world)).status == "submitted"
    assert "terminated" in world.said_to(MEMBER), world.all_said_to(MEMBER)
    thread = [text_of(m) for m in world.emulator.replies(channel, d.card_ts)]
    assert not any("mark it published once it is live" in t for t in thread), thread


# ------------------------------------------------------------------------------------------------
# The same review form sent twice


async def test_review_form_sent_twice_stores_one_review(world: World):
    channel = await set_up_team(world)
    await world.run(MANAGER, "/review")
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.REVIEW_LOG
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement.id))).scalar_one()
    values = {
        Field.ENGAGEMENT: {Field.ENGAGEMENT: str(engagement)},
        Field.CONDUCT: {Field.CONDUCT: "4"},
        Field.COMMUNICATION: {Field.COMMUNICATION: "4"},
        Field.TIMELINESS: {Field.TIMELINESS: "5"},
        Field.CONTENT_QUALITY: {Field.CONTENT_QUALITY: "4"},
        Field.WOULD_WORK_AGAIN: {Field.WOULD_WORK_AGAIN: "yes"},
        Field.REVIEW_OPTIONS: {Field.REVIEW_OPTIONS: ["shared"]},
    }
    first = await world.slack.submit_view(MANAGER, view.id, values)
    assert first.ok and not first.body, first.body
    again = await _replay(world, first)
    assert again.status == 200
    await world.stack.settle()
    async with world.db.transaction() as s:
        reviews = (await s.exec(select(Review))).scalars().all()
    assert len(reviews) == 1, len(reviews)
    shared = [m for m in world.emulator.history(channel) if "shared a review" in text_of(m)]
    assert len(shared) == 1, len(shared)


async def test_a_review_form_refused_once_can_still_be_sent(world: World):
    """The once-only mark is written in the review's transaction: a submission of the form refused
    there (an engagement the reviewer may not review) writes nothing, so the form still counts."""
    await set_up_team(world)
    await world.run(MANAGER, "/review")
    view = world.top_view(MANAGER)
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement.id))).scalar_one()
    picked = {b.get("block_id"): (b.get("element") or {}).get("initial_date") for b in view.blocks}
    forged = {
        Field.ENGAGEMENT: {"type": "static_select", "selected_option": {"value": str(engagement + 1000)}},
        **{
            field: {"type": "static_select", "selected_option": {"value": "4"}}
            for field in (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)
        },
        Field.WOULD_WORK_AGAIN: {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        Field.PERIOD_START: {"type": "datepicker", "selected_date": picked[Field.PERIOD_START]},
        Field.PERIOD_END: {"type": "datepicker", "selected_date": picked[Field.PERIOD_END]},
    }
    refused = await world.forge_submission(MANAGER, view, forged)
    assert Field.ENGAGEMENT in (refused.body or {}).get("errors", {}), refused.body
    assert await world.count(Review) == 0
    forged[Field.ENGAGEMENT] = {"type": "static_select", "selected_option": {"value": str(engagement)}}
    stored = await world.forge_submission(MANAGER, view, forged)
    assert stored.ok and not stored.body, stored.body
    assert await world.count(Review) == 1


# ------------------------------------------------------------------------------------------------
# Links someone typed, posted without previews


async def test_the_incident_card_does_not_unfurl_the_evidence_links_it_carries(world: World):
    """Slack unfurls media links of an app's message by default (`unfurl_media` defaults to
    true): a brand-typed evidence URL (an image, a video, a document host) would be fetched by
    Slack and previewed in the shared channel as soon as the card is posted."""
    channel = await set_up_team(world)
    evidence = "https://media.example/private/ivy-story-capture.png"
    assert (await report(world, evidence=evidence)).ok
    posts = [
        call
        for call in world.emulator.calls_to("chat.postMessage")
        if call.get("channel") == channel and evidence in str(call.get("blocks"))
    ]
    assert posts, "the card was not posted with the evidence"
    for call in posts:
        assert str(call.get("unfurl_links")).lower() in ("false", "0"), call.get("text")
        assert str(call.get("unfurl_media")).lower() in ("false", "0"), call.get("text")


async def test_deliverable_posts_in_the_shared_channel_do_not_unfurl(world: World):
    """The deliverable card, and the note asking for changes (whose text the brand typed), are
    posted without previews too."""
    d, channel = await _deliverable_submitted(world)
    await world.slack.click(MEMBER, channel, d.card_ts, Action.DELIVERABLE_REQUEST_CHANGES, value=str(d.id))
    note = "Use the cut at https://media.example/cut-2.mp4 instead."
    reply = await fill(world, MEMBER, {Field.NOTE: note})
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()
    posts = [c for c in world.emulator.calls_to("chat.postMessage") if c.get("channel") == channel]
    card = [c for c in posts if "Launch &lt;reel&gt;" in str(c.get("text")) + str(c.get("blocks"))]
    asked = [c for c in posts if "media.example/cut-2.mp4" in str(c.get("text"))]
    assert card and asked, [c.get("text") for c in posts]
    for call in card + asked:
        assert str(call.get("unfurl_links")).lower() in ("false", "0"), call.get("text")
        assert str(call.get("unfurl_media")).lower() in ("false", "0"), call.get("text")
