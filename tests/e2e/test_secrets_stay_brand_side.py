"""A rich scenario with a distinctive secret in every brand-only text field, then what
an influencer (Ivy, or Otto on another campaign) can read anywhere, including what the bot sent
through every Web API call (a card's `chat.update`, a message's fallback `text`, attachments),
every modal ever shown to them and their App Home.

Built on the boundary table's scenario (tests/e2e/boundaries_helpers.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.ids import Action, Field
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.models import Deliverable
from tests.e2e.boundaries_helpers import (
    ADMIN,
    BR4_TEXT,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    START,
    UNSHARED_NOTE,
    Facts,
    _one,
    build_scenario,
    readable,
)
from tests.e2e.harness import IVY, World, option_value

S_ESCALATE = "SecretEscalateReason-9133"
S_DISMISS = "SecretDismissReason-2281"
S_RESOLVE = "SecretResolveNote-6402"
S_CHECK = "SecretCheckNote-5127"
S_OTTO_REVIEW = "SecretOttoReview-3390"
S_LEGAL_CHAT = "SecretLegalChat-7788"


@pytest.fixture
async def scenario(database_url) -> AsyncIterator[tuple[World, Facts]]:
    emulator = SlackEmulator()
    people.populate(emulator)
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock) as stack:
        world = World(stack=stack, clock=clock)
        facts = await build_scenario(world)
        yield world, facts


def everything_sent_to(world: World, user_id: str) -> str:
    """`readable` and, beyond it, every Web API call whose message reached a place `user_id` is in
    now (every version of a message, its fallback text and attachments), every view ever shown
    to them (modals since replaced, App Home versions) as raw JSON."""
    ws = world.emulator.workspace
    mine = {c.id for c in ws.channels.values() if user_id in c.members}
    parts = [readable(ws, user_id)]
    for call in world.emulator.calls:
        args = call.args if hasattr(call, "args") else {}
        channel = args.get("channel")
        if call.method in ("chat.postMessage", "chat.update", "chat.scheduleMessage", "chat.meMessage"):
            if channel in mine or channel == user_id:
                parts.append(json.dumps(args))
        elif (
            (call.method == "chat.postEphemeral" and args.get("user") == user_id)
            or (call.method == "views.publish" and args.get("user_id") == user_id)
            or (call.method == "chat.unfurl" and channel in mine)
        ):
            parts.append(json.dumps(args))
    for view in ws.views.values():
        if view.user_id == user_id:
            parts.append(json.dumps(view.definition))
    for m in ws.messages.values():
        for msg in m:
            if msg.channel in mine:
                parts.append(msg.text or "")
                parts.append(json.dumps(msg.attachments))
    return "\n".join(parts)


async def _submit_top(world: World, user: str, values: dict) -> None:
    reply = await world.slack.submit_view(user, world.top_view(user).id, values, check_required=False)
    assert reply.ok and not reply.body, (user, reply.status, reply.body)


RATINGS = (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)


async def drive(world: World, facts: Facts) -> None:
    slack, emu = world.slack, world.emulator
    ivy_ch, otto_ch, legal_ch = facts.channels["ivy"], facts.channels["otto"], facts.channels["legal"]
    # legal talks in its own channel
    await slack.post_message(LEGAL, legal_ch, f"{S_LEGAL_CHAT}: keep Ivy's fee frozen")
    # BR-1 (in mediation): Mo escalates it, with a reason for legal
    await slack.click(MEMBER, ivy_ch, facts.cards["BR-1"], Action.INCIDENT_ESCALATE)
    await _submit_top(world, MEMBER, {Field.REASON: {Field.REASON: S_ESCALATE}})
    # Ivy answers again after the escalation
    await slack.click(IVY, ivy_ch, facts.cards["BR-1"], Action.INCIDENT_RESPOND)
    await _submit_top(world, IVY, {Field.STATEMENT: {Field.STATEMENT: "I fixed the caption."}})
    # BR-2 (critical): legal dismisses it with a reason
    await slack.click(LEGAL, ivy_ch, facts.cards["BR-2"], Action.INCIDENT_DISMISS)
    await _submit_top(world, LEGAL, {Field.REASON: {Field.REASON: S_DISMISS}})
    # BR-3 (proposed: a warning): legal resolves with payment withheld, 3 strikes and its own note
    await slack.click(LEGAL, ivy_ch, facts.cards["BR-3"], Action.INCIDENT_RESOLVE)
    await _submit_top(
        world,
        LEGAL,
        {
            Field.OUTCOME: {Field.OUTCOME: "payment_withheld"},
            Field.STRIKES: {Field.STRIKES: "3"},
            Field.NOTE: {Field.NOTE: S_RESOLVE},
            Field.CONFIRM_STANDING: {Field.CONFIRM_STANDING: ["confirmed"]},
        },
    )
    # a compliance item failed with a note
    await slack.click(
        MANAGER, facts.checklist[0], facts.checklist[1], Action.CHECK_FAIL, value=str(facts.checks[1])
    )
    await _submit_top(world, MANAGER, {Field.NOTE: {Field.NOTE: S_CHECK}})
    # Otto's review, shared with him
    await world.run(MANAGER, "/review")
    view = world.top_view(MANAGER)
    values = {
        Field.ENGAGEMENT: {Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Autumn Drop · Otto")},
        **{
            f: {f: "2"} for f in (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)
        },
        Field.WOULD_WORK_AGAIN: {Field.WOULD_WORK_AGAIN: "no"},
        Field.NOTES: {Field.NOTES: S_OTTO_REVIEW},
        Field.REVIEW_OPTIONS: {Field.REVIEW_OPTIONS: ["shared"]},
    }
    await _submit_top(world, MANAGER, values)
    # the brand team reads, in the shared channel itself
    for line in (
        "/breach show BR-1",
        "/breach show BR-2",
        "/breach show BR-3",
        "/breach list all",
        f"/review history <@{IVY}>",
        "/breach export spring",
        "/campaign show spring",
        "/campaign report spring",
        "/campaign reminders spring",
    ):
        for who in (MANAGER, LEGAL, ADMIN):
            await world.run(who, line, channel=ivy_ch)
    # the influencers read everything they may
    for who, channel in ((IVY, ivy_ch), (OTTO, otto_ch)):
        for line in (
            "/breach list all",
            "/breach show BR-1",
            "/breach show BR-2",
            "/breach show BR-3",
            "/breach show BR-4",
            "/campaign show spring",
            "/campaign show autumn",
            "/campaign list",
            "/review history",
            f"/review history <@{IVY}>",
            "/breach export",
            "/campaign help",
            "/breach help",
        ):
            await world.run(who, line)
            await world.run(who, line, channel=channel)
        await slack.open_home(who)
    # time passes: every reminder
    for _ in range(8):
        world.clock.advance(timedelta(days=1))
        await world.stack.bot.dispatcher.tick()
        await world.stack.settle()
    for who in (IVY, OTTO):
        await slack.open_home(who)
    del emu


SECRETS_IVY = {
    S_ESCALATE: "escalation reason",
    S_DISMISS: "dismissal reason",
    S_RESOLVE: "legal's resolution note",
    S_CHECK: "compliance check note",
    S_OTTO_REVIEW: "Otto's review",
    S_LEGAL_CHAT: "escalation channel chat",
    UNSHARED_NOTE: "unshared review",
    BR4_TEXT: "Otto's incident",
    "consider putting the payment": "legal's payment advice",
    "still unresolved": "owner's unresolved reminder",
    "Possible breach of": "conduct flag",
    "Follow it in": "reporter's confirmation",
    "Escalation channel": "escalation channel name",
    "U0OTTO": "Otto's id",
    "Otto Outsider": "Otto's name",
    "cg-autumn": "Otto's channel",
    "legal, please review": "strike threshold notice",
    "probation": "probation standing",
}


#: What Otto may read of the above: his own incident and review, his own id.
OTTO_OWN = {S_OTTO_REVIEW, BR4_TEXT, "U0OTTO", "Otto Outsider", "cg-autumn"}
#: Beyond the secrets, what Otto must never read of Ivy's engagement.
IVY_FOR_OTTO = {"U0IVY": "Ivy's id", "Ivy Influencer": "Ivy's name", "BR1-detail": "Ivy's incident"}


async def test_no_brand_text_reaches_ivy_or_otto_after_a_full_scenario(scenario):
    world, facts = scenario
    await drive(world, facts)
    # the scenario did happen: the brand team reads every secret
    brand = "\n".join(everything_sent_to(world, who) for who in (MANAGER, LEGAL, ADMIN))
    for secret in (S_ESCALATE, S_DISMISS, S_RESOLVE, S_CHECK, S_OTTO_REVIEW, S_LEGAL_CHAT, UNSHARED_NOTE):
        assert secret in brand, secret
    leaks = []
    for who, secrets in (
        (IVY, SECRETS_IVY),
        (OTTO, {**{k: v for k, v in SECRETS_IVY.items() if k not in OTTO_OWN}, **IVY_FOR_OTTO}),
    ):
        seen = everything_sent_to(world, who)
        leaks += [(who, what) for secret, what in secrets.items() if secret in seen]
    assert leaks == []
    # and nothing the bot posted in the shared channels has its links previewed: a brand's text
    # (a deliverable's title, a campaign's name) may carry an internal link
    shared = {facts.channels["ivy"], facts.channels["eve"], facts.channels["otto"]}
    previewed = [
        str(call.args.get("text"))[:60]
        for call in world.emulator.calls
        if call.method == "chat.postMessage"
        and call.args.get("channel") in shared
        and call.args.get("unfurl_links") is not False
    ]
    assert previewed == []


BRIEF = "https://docs.example/internal-brief-9"


async def test_deliverable_notes_in_the_shared_channel_are_posted_without_link_previews(scenario):
    """The deliverable's title is the brand's text and may carry a link (a brief, a draft). The card
    is posted with `NO_UNFURL`, and so are the thread notes that repeat the title ("moved the due
    time", "approved"): otherwise
    Slack would preview the link in the shared channel (docs/trust-boundaries.md, "link previews")."""
    world, facts = scenario
    slack, ivy = world.slack, facts.channels["ivy"]
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    due = world.clock.now() + timedelta(days=3)
    values = {
        Field.ENGAGEMENT: {Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Ivy")},
        Field.TITLE: {Field.TITLE: f"Reel per brief {BRIEF}"},
        Field.PLATFORM: {Field.PLATFORM: "instagram"},
        Field.DUE: {Field.DUE: int(due.timestamp())},
    }
    assert (await slack.submit_view(MANAGER, view.id, values)).ok
    d = await _one(world, Deliverable, Deliverable.title.like("Reel per brief%"))
    await slack.click(MANAGER, ivy, d.card_ts, Action.DELIVERABLE_RESCHEDULE, value=str(d.id))
    later = int((due + timedelta(days=2)).timestamp())
    await slack.submit_view(MANAGER, world.top_view(MANAGER).id, {Field.DUE: {Field.DUE: later}})
    await slack.click(IVY, ivy, d.card_ts, Action.DELIVERABLE_SUBMIT, value=str(d.id))
    await slack.submit_view(
        IVY, world.top_view(IVY).id, {Field.URL: {Field.URL: "https://drive.example/d/9"}}
    )
    await slack.click(MANAGER, ivy, d.card_ts, Action.DELIVERABLE_APPROVE, value=str(d.id))
    await world.stack.settle()
    posts = [
        c.args
        for c in world.emulator.calls
        if c.method == "chat.postMessage" and c.args.get("channel") == ivy and BRIEF in json.dumps(c.args)
    ]
    assert len(posts) == 3  # the card, "moved the due time", "approved"
    previewed = [p["text"][:60] for p in posts if p.get("unfurl_links") is not False]
    assert previewed == []
