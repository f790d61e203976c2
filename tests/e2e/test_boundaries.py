"""The boundary table: every surface of the app tried by every persona, end to end.

Rows are surfaces (each slash command and subcommand, button, form, App Home, what reaches whom
by DM or post, reminders, exports); columns are personas: the admin, the brand team (manager,
member, legal), the incident's influencer (Ivy), another influencer (Otto, on another
campaign), an external influencer (Eve, through Slack Connect), a workspace guest (Gus) and a
user of another organisation (Pat). Each cell says whether the persona may (the action
happens, or the thing is shown to them) or may not. A refusal writes nothing (every row of
every table compared), invites nobody, posts nothing, shares no file, and the persona is told
only in an ephemeral message or their own DM. After every cell, nobody can read what they must
never read (an unshared review, legal's advice, another influencer's incident).

Where a persona could not reach a button or form (a private channel they are not in, a form
the bot refused to open), the attempt is the same signed payload forged by hand.

The scenario (tests/e2e/boundaries_helpers.py) is built once per backend and put back before
each cell. Test ids read as `surface-persona`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select, update

from bot import messages
from bot.clock import FakeClock
from bot.ids import Action, Callback, Command, Field, Shortcut
from playground import people
from playground.emulator import BotReply, SlackEmulator
from playground.emulator.elements import iter_elements
from playground.stack import running_stack
from storage.models import (
    Campaign,
    CampaignRole,
    Deliverable,
    Engagement,
    Guideline,
    Incident,
    IncidentEvent,
    Influencer,
    Review,
)
from tests.conftest import BACKENDS
from tests.databases import PG_ENV
from tests.e2e.boundaries_helpers import (
    BR1_TEXT,
    BR4_TEXT,
    LEGAL,
    LEGAL_ADVICE,
    MANAGER,
    NORA,
    OTTO,
    PARTNER_TEAM,
    PERSONAS,
    SHARED_NOTE,
    START,
    UNSHARED_NOTE,
    Facts,
    Table,
    build_scenario,
    campaign_values,
    check,
    command_channel,
    deliverable,
    ephemeral_click,
    fill_or_forge,
    home_click,
    press,
    readable,
    said_since,
    shortcut,
    slack_state,
    status_of,
    told,
    view_action,
)
from tests.e2e.harness import IVY, World, option_value, text_of

BRAND = frozenset({"admin", "manager", "member", "legal"})
SETUP = frozenset({"admin", "manager"})  # invite, roles, guidelines, deliverables (permissions.py)
DECIDERS = frozenset({"admin", "manager", "legal"})  # resolve, dismiss, export
CREATORS = frozenset({"admin", "manager"})  # admins, and Maya: the admin made her a campaign creator
EVERYONE = frozenset(PERSONAS)
NOBODY: frozenset[str] = frozenset()

#: Who must never read each marker, by any surface, whatever a cell did (checked after every cell).
NEVER = {
    UNSHARED_NOTE: {"ivy", "otto", "eve", "guest", "partner"},
    SHARED_NOTE: {"otto", "eve", "guest", "partner"},  # shared with Ivy only
    BR1_TEXT: {"otto", "eve", "guest", "partner"},
    BR4_TEXT: {"ivy", "eve", "member", "legal", "guest", "partner"},  # autumn's: Maya and Otto
    LEGAL_ADVICE: {"ivy", "otto", "eve", "guest", "partner"},
    "was escalated by": {"ivy", "otto", "eve", "guest", "partner"},  # legal's escalation posts
    "was escalated automatically": {"ivy", "otto", "eve", "guest", "partner"},
}


# ---------------------------------------------------------------------------------------------
# the world: the scenario once per backend, put back before each cell


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=BACKENDS)
async def table(request, tmp_path_factory, sqlite_template, postgres_template) -> AsyncIterator[Table]:
    if request.param == "sqlite":
        url = sqlite_template.fresh(tmp_path_factory.mktemp("boundaries"))
    elif postgres_template is None:
        pytest.skip(f"PostgreSQL case skipped: set {PG_ENV} (.ci/run sets it) to run it")
    else:
        url = await postgres_template.fresh()
    emulator = SlackEmulator()
    people.populate(emulator)
    clock = FakeClock(START)
    try:
        async with running_stack(emulator, database_url=url, clock=clock) as stack:
            world = World(stack=stack, clock=clock)
            yield await Table.capture(world, await build_scenario(world), tmp_path_factory.mktemp("scenario"))
    finally:
        if request.param == "postgresql":
            await postgres_template.drop(url)


# ---------------------------------------------------------------------------------------------
# one attempt


@dataclass
class Try:
    table: Table
    persona: str
    user: str
    views_before: list[str] = field(default_factory=list)
    reply: BotReply | None = None
    said: str = ""  # what the bot told the persona (ephemeral messages and DMs)
    forge: bool = False  # submit forms forged even when the persona could open them
    seen: str = ""  # what a surface showed (a list, a home tab, a file)

    @property
    def world(self) -> World:
        return self.table.world

    @property
    def facts(self) -> Facts:
        return self.table.facts

    @property
    def emulator(self) -> SlackEmulator:
        return self.world.emulator

    async def run(self, line: str) -> BotReply:
        return await self.world.run(
            self.user, line, channel=command_channel(self.emulator, self.facts, self.user)
        )

    def opened(self, callback_id: str) -> bool:
        return any(
            v.callback_id == callback_id and v.id not in self.views_before
            for v in self.emulator.open_views(self.user)
        )

    async def press(self, channel: str, ts: str, action_id: str, value: str) -> None:
        self.reply = await press(
            self.world, self.user, self.facts.channels.get(channel, channel), ts, action_id, value
        )

    async def fill(self, callback_id: str, kept: str, values: dict[str, Any]) -> None:
        _, self.reply = await fill_or_forge(
            self.world,
            self.user,
            self.views_before,
            callback_id,
            self.facts.views[kept],
            values,
            forge=self.forge,
        )


Act = Callable[[Try], Awaitable[Any]]
Check = Callable[[Try], Awaitable[bool]]


@dataclass(frozen=True)
class Surface:
    name: str
    allowed: frozenset[str]
    act: Act
    happened: Check  # the action happened, or the persona was shown the thing
    why: str = ""  # why the row is what it is, where the role table alone does not say
    prepare: Act | None = None  # done before the cell's `before` state (not the persona's doing)
    reads_only: bool = False  # nothing to attempt: what reached whom in the scenario itself
    probes: bool = False  # `happened` acts itself (someone else tries something afterwards)


def opened(callback_id: str) -> Check:
    async def check_opened(t: Try) -> bool:
        return t.opened(callback_id)

    return check_opened


def modal_shows(marker: str) -> Check:
    """A form the attempt opened shows `marker`."""

    async def check_modal_shows(t: Try) -> bool:
        new = [v for v in t.emulator.open_views(t.user) if v.id not in t.views_before]
        t.seen = "\n".join(text_of({"blocks": v.blocks}) for v in new)
        return marker in t.seen

    return check_modal_shows


def shows(marker: str) -> Check:
    async def check_shows(t: Try) -> bool:
        return marker in t.said or marker in t.seen

    return check_shows


def command(line: str) -> Act:
    async def act(t: Try) -> None:
        t.reply = await t.run(line)

    return act


async def exists(t: Try, model, *where) -> bool:
    async with t.world.db.transaction() as s:
        return (await s.exec(select(model).where(*where))).first() is not None


def campaign_exists(slug: Callable[[Try], str]) -> Check:
    async def check_campaign(t: Try) -> bool:
        return await exists(t, Campaign, Campaign.slug == slug(t))

    return check_campaign


async def engaged(t: Try, user_id: str) -> bool:
    async with t.world.db.transaction() as s:
        found = await s.exec(
            select(Engagement.id)
            .join(Influencer, Influencer.id == Engagement.influencer_id)
            .where(Influencer.slack_user_id == user_id)
        )
        return found.first() is not None


def role_of(user_id: str) -> Check:
    async def check_role(t: Try) -> bool:
        spring = await _campaign(t, "spring")
        return await exists(
            t, CampaignRole, CampaignRole.campaign_id == spring.id, CampaignRole.user_id == user_id
        )

    return check_role


def no_role_of(user_id: str) -> Check:
    has_role = role_of(user_id)

    async def check_no_role(t: Try) -> bool:
        return not await has_role(t)

    return check_no_role


async def _campaign(t: Try, slug: str) -> Campaign:
    async with t.world.db.transaction() as s:
        return (await s.exec(select(Campaign).where(Campaign.slug == slug))).scalars().one()


# ---- campaigns


async def new_campaign(t: Try, slug: str, escalation: str | None = None, user: str | None = None) -> None:
    user = user or t.user
    before = [v.id for v in t.emulator.open_views(user)]
    await t.world.run(user, "/campaign new", channel=command_channel(t.emulator, t.facts, user))
    _, t.reply = await fill_or_forge(
        t.world,
        user,
        before,
        Callback.CAMPAIGN_NEW,
        t.facts.views["campaign_new"],
        campaign_values(slug, f"Campaign {slug}", escalation),
        forge=t.forge and user == t.user,
    )


def create(escalation: str | None = None) -> Act:
    async def act(t: Try) -> None:
        channel = t.facts.channels[escalation] if escalation else None
        await new_campaign(t, f"new-{t.persona}", channel)

    return act


created = campaign_exists(lambda t: f"new-{t.persona}")


async def grant_creator(t: Try) -> None:
    if t.persona != "admin":
        await t.world.run(people.ADMIN.user_id, f"/campaign creators add <@{t.user}>")


def can_create(user_id: str) -> Check:
    """Probe after the persona's command: may `user_id` create a campaign now?"""

    async def check_probe(t: Try) -> bool:
        slug = f"probe-{t.persona}"
        await new_campaign(t, slug, user=user_id)
        return await exists(t, Campaign, Campaign.slug == slug)

    return check_probe


def cannot(check_fn: Check) -> Check:
    async def negated(t: Try) -> bool:
        return not await check_fn(t)

    return negated


def invite_linking(channel: str) -> Act:
    async def act(t: Try) -> None:
        name = t.emulator.channel(t.facts.channels[channel]).name
        t.reply = await t.run(f"/campaign invite spring <@{NORA}> <#{t.facts.channels[channel]}|{name}>")

    return act


async def nora_engaged(t: Try) -> bool:
    return await engaged(t, NORA)


async def lee_engaged(t: Try) -> bool:
    return await engaged(t, LEGAL)


def home_button(action_id: str, value: str | Callable[[Try], str]) -> Act:
    async def act(t: Try) -> None:
        t.reply = await home_click(t.world, t.user, action_id, value if isinstance(value, str) else value(t))

    return act


async def report_shortcut(t: Try) -> None:
    channel, ts = t.facts.channels["ivy"], t.facts.ivy_message_ts
    t.reply = await shortcut(t.world, t.user, channel, ts, Shortcut.REPORT_BREACH)


async def acknowledge_otto(t: Try) -> None:
    value = f"{t.facts.engagements['otto']}:1"
    await t.press("otto", t.facts.otto_guidelines_ts, Action.ACKNOWLEDGE_GUIDELINES, value)


async def otto_acknowledged(t: Try) -> bool:
    otto = t.facts.engagements["otto"]
    return await exists(t, Engagement, Engagement.id == otto, Engagement.acknowledged_version == 1)


async def edit_guidelines(t: Try) -> None:
    await t.run("/campaign guidelines spring")
    await t.fill(
        Callback.GUIDELINES_EDIT, "guidelines", {Field.clause("G1", "title"): f"Edited by {t.persona}"}
    )


async def guidelines_edited(t: Try) -> bool:
    return await exists(t, Guideline, Guideline.title == f"Edited by {t.persona}")


async def add_deliverable(t: Try) -> None:
    await t.run("/campaign deliverable spring")
    kept = t.facts.views["deliverable_new"]
    due = t.world.clock.now() + timedelta(days=4)
    await t.fill(
        Callback.DELIVERABLE_NEW,
        "deliverable_new",
        {
            Field.ENGAGEMENT: option_value(kept, Field.ENGAGEMENT, "Ivy"),
            Field.TITLE: f"Extra by {t.persona}",
            Field.PLATFORM: "instagram",
            Field.DUE: int(due.timestamp()),
        },
    )


async def deliverable_added(t: Try) -> bool:
    return await exists(t, Deliverable, Deliverable.title == f"Extra by {t.persona}")


async def shows_escalation_channel(t: Try) -> bool:
    return f"<#{t.facts.channels['legal']}>" in t.said


async def shows_other_influencers(t: Try) -> bool:
    """/campaign show spring names an influencer of spring other than the persona."""
    others = [u for u in (IVY, t.facts.users["eve"]) if u != t.user]
    return any(f"<@{u}>" in t.said for u in others)


def campaign_flag(column: str, wanted: bool) -> Check:
    async def check_flag(t: Try) -> bool:
        return getattr(await _campaign(t, "spring"), column) == wanted

    return check_flag


def campaign_status(wanted: str) -> Check:
    async def check_status(t: Try) -> bool:
        return (await _campaign(t, "spring")).status == wanted

    return check_status


async def complete_spring(t: Try) -> None:
    """Spring was completed by its owner (for the row that reopens it)."""
    await t.world.run(people.MANAGER.user_id, "/campaign complete spring")


async def charts_sent(t: Try) -> bool:
    """Charts (files) reached the persona's DM."""
    dm = {c.id for c in t.emulator.workspace.channels.values() if c.is_im and c.im_user == t.user}
    return any(dm.intersection(f.channels) for f in t.emulator.workspace.files.values())


# ---- breaches


async def report_breach(t: Try) -> None:
    await t.run("/breach")
    kept = t.facts.views["report"]
    engagement = option_value(kept, Field.ENGAGEMENT, "Spring Launch · Ivy")
    mine = [v for v in t.emulator.open_views(t.user) if v.id not in t.views_before]
    view = next((v for v in mine if v.callback_id == Callback.BREACH_REPORT), None)
    values = {Field.DESCRIPTION: f"Reported by {t.persona}"}
    if view is not None and not t.forge:
        try:
            await t.world.slack.click_in_view(
                t.user, view.id, Action.REPORT_ENGAGEMENT_CHOSEN, value=engagement
            )
        except AssertionError:  # Ivy's engagement is not among the persona's choices
            view = None
    if view is None or t.forge:
        values |= {Field.ENGAGEMENT: engagement, Field.GUIDELINE: option_value(kept, Field.GUIDELINE, "G4 ")}
    else:
        values[Field.GUIDELINE] = option_value(t.world.top_view(t.user), Field.GUIDELINE, "G4 ")
    await t.fill(Callback.BREACH_REPORT, "report", values)


async def breach_reported(t: Try) -> bool:
    return await exists(t, Incident, Incident.description == f"Reported by {t.persona}")


def exported(marker: str) -> Check:
    async def check_export(t: Try) -> bool:
        dm = {c.id for c in t.emulator.workspace.channels.values() if c.is_im and c.im_user == t.user}
        files = [f for f in t.emulator.workspace.files.values() if dm.intersection(f.channels) and f.content]
        return any(marker in f.content.decode() for f in files)

    return check_export


async def list_more(t: Try) -> None:
    value = json.dumps({"open": False, "before": 100})
    channel = command_channel(t.emulator, t.facts, t.user)
    t.reply = await ephemeral_click(t.world, t.user, channel, Action.INCIDENT_LIST_MORE, value)


async def engagement_chosen(t: Try) -> None:
    """The report form's campaign select: the persona's own form when they could open one."""
    await t.run("/breach")
    mine = [v for v in t.emulator.open_views(t.user) if v.callback_id == Callback.BREACH_REPORT]
    view = mine[-1] if mine else t.facts.views["report"]
    engagement = option_value(t.facts.views["report"], Field.ENGAGEMENT, "Spring Launch · Ivy")
    try:
        t.reply = await view_action(t.world, t.user, view, Action.REPORT_ENGAGEMENT_CHOSEN, engagement)
    except AssertionError:  # the persona's form does not offer Ivy's engagement: forged
        t.reply = await view_action(
            t.world, t.user, t.facts.views["report"], Action.REPORT_ENGAGEMENT_CHOSEN, engagement
        )


async def clauses_offered(t: Try) -> bool:
    """The persona's report form now lists spring's clauses."""
    for view in t.emulator.open_views(t.user):
        if view.callback_id == Callback.BREACH_REPORT and "Disclose the partnership" in json.dumps(
            view.blocks
        ):
            return True
    return False


# ---- reviews


RATINGS = (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)


async def log_review(t: Try) -> None:
    await t.run("/review")
    kept = t.facts.views["review"]
    values = {
        Field.ENGAGEMENT: option_value(kept, Field.ENGAGEMENT, "Spring Launch · Ivy"),
        **{f: "4" for f in RATINGS},
        Field.WOULD_WORK_AGAIN: "yes",
        Field.NOTES: f"Review by {t.persona}",
    }
    await t.fill(Callback.REVIEW_LOG, "review", values)


async def review_logged(t: Try) -> bool:
    return await exists(t, Review, Review.notes == f"Review by {t.persona}")


# ---- incidents


def card(number: str, action_id: str) -> Act:
    async def act(t: Try) -> None:
        ts = t.facts.cards[number]
        message = t.emulator.find_message(t.facts.channels.get("ivy", "ivy"), ts)
        shown = [e.get("value") for _, e in iter_elements(message.blocks) if e.get("action_id") == action_id]
        # the button's own value (Accept and Dispute also name the proposal the card shows)
        await t.press("ivy", ts, action_id, shown[0] if shown else str(t.facts.incidents[number]))

    return act


def card_form(number: str, action_id: str, callback_id: str, kept: str, values: Callable[[Try], dict]) -> Act:
    async def act(t: Try) -> None:
        await card(number, action_id)(t)
        await t.fill(callback_id, kept, values(t))

    return act


respond_form = card_form(
    "BR-1", Action.INCIDENT_RESPOND, Callback.INCIDENT_RESPOND, "respond",
    lambda t: {Field.STATEMENT: f"Statement by {t.persona}"},
)  # fmt: skip
propose_form = card_form(
    "BR-1", Action.INCIDENT_PROPOSE, Callback.INCIDENT_PROPOSE, "propose",
    lambda t: {Field.OUTCOME: "warning", Field.TERMS: f"Terms by {t.persona}"},
)  # fmt: skip
resolve_form = card_form(
    "BR-1", Action.INCIDENT_RESOLVE, Callback.INCIDENT_RESOLVE, "resolve",
    lambda t: {Field.OUTCOME: "warning", Field.STRIKES: "1", Field.NOTE: f"Resolved by {t.persona}"},
)  # fmt: skip
dispute_form = card_form(
    "BR-3", Action.INCIDENT_DISPUTE, Callback.INCIDENT_DISPUTE, "dispute",
    lambda t: {Field.REASON: f"Disputed by {t.persona}"},
)  # fmt: skip
escalate_form = card_form(
    "BR-1", Action.INCIDENT_ESCALATE, Callback.INCIDENT_ESCALATE, "escalate",
    lambda t: {Field.REASON: f"Escalated by {t.persona}"},
)  # fmt: skip
dismiss_form = card_form(
    "BR-1", Action.INCIDENT_DISMISS, Callback.INCIDENT_DISMISS, "dismiss",
    lambda t: {Field.REASON: f"Dismissed by {t.persona}"},
)  # fmt: skip


def status(number: str, wanted: str) -> Check:
    async def check_status(t: Try) -> bool:
        return await status_of(t.world, t.facts.incidents[number]) == wanted

    return check_status


async def responded(t: Try) -> bool:
    return await exists(t, IncidentEvent, IncidentEvent.text == f"Statement by {t.persona}")


async def share_legal_channel(t: Try) -> None:
    """#legal has been shared with another organisation since it was chosen."""
    t.emulator.channel(t.facts.channels["legal"]).shared_team_ids.update({t.emulator.team_id, PARTNER_TEAM})


async def card_refused(t: Try) -> None:
    """Slack refused BR-1's card and the deliverable's (the channel was fixed since): no card kept."""
    async with t.world.db.transaction() as s:
        await s.exec(update(Incident).where(Incident.id == t.facts.incidents["BR-1"]).values(card_ts=None))
        await s.exec(
            update(Deliverable).where(Deliverable.id == t.facts.deliverables["planned"]).values(card_ts=None)
        )


def card_posted_again(model, key: Callable[[Facts], int]) -> Check:
    async def check_posted(t: Try) -> bool:
        async with t.world.db.transaction() as s:
            row = await s.get(model, key(t.facts))
        return row is not None and row.card_ts is not None

    return check_posted


async def legacy_dual_role(t: Try) -> None:
    """Otto holds legal on spring from before one person, one side (nothing lets anyone grant it
    now): a row written straight into the store."""
    spring = await _campaign(t, "spring")
    async with t.world.db.transaction() as s:
        s.add(CampaignRole(team_id=spring.team_id, campaign_id=spring.id, user_id=OTTO, role="legal",
                           granted_by=MANAGER, created_at=START))  # fmt: skip


async def escalated_held_back(t: Try) -> bool:
    """Escalated, but nothing posted in #legal now that it is shared; the managers are told."""
    if await status_of(t.world, t.facts.incidents["BR-1"]) != "escalated":
        return False
    posted = [text_of(m) for m in t.emulator.history(t.facts.channels["legal"]) if "BR-1" in text_of(m)]
    t.seen = "\n".join(posted)
    return not any("was escalated by" in p for p in posted)


async def escalated_to_legal(t: Try) -> bool:
    if await status_of(t.world, t.facts.incidents["BR-1"]) != "escalated":
        return False
    posts = [text_of(m) for m in t.emulator.history(t.facts.channels["legal"])]
    t.seen = "escalated; #legal has: " + " / ".join(p[:80] for p in posts[-2:])
    return any("*BR-1* was escalated by" in p for p in posts)


# ---- deliverables and compliance checks


NEW_DUE = START + timedelta(days=9)


def deliverable_button(key: str, action_id: str) -> Act:
    async def act(t: Try) -> None:
        d = t.facts.deliverables[key]
        await t.press("ivy", t.facts.deliverable_cards[key], action_id, str(d))

    return act


def deliverable_form(
    key: str, action_id: str, callback_id: str, kept: str, values: Callable[[Try], dict]
) -> Act:
    async def act(t: Try) -> None:
        await deliverable_button(key, action_id)(t)
        await t.fill(callback_id, kept, values(t))

    return act


def deliverable_status(key: str, wanted: str) -> Check:
    async def check_status(t: Try) -> bool:
        return (await deliverable(t.world, t.facts.deliverables[key])).status == wanted

    return check_status


async def caption_edited(t: Try) -> bool:
    d = await deliverable(t.world, t.facts.deliverables["published"])
    return d.caption == f"#ad edited by {t.persona}"


async def rescheduled(t: Try) -> bool:
    d = await deliverable(t.world, t.facts.deliverables["planned"])
    return d.due_at.replace(tzinfo=None) == NEW_DUE.replace(tzinfo=None)


submit_form = deliverable_form(
    "planned", Action.DELIVERABLE_SUBMIT, Callback.DELIVERABLE_SUBMIT, "deliverable_submit",
    lambda t: {Field.URL: f"https://drive.example/{t.persona}"},
)  # fmt: skip
publish_form = deliverable_form(
    "planned", Action.DELIVERABLE_PUBLISH, Callback.DELIVERABLE_PUBLISH, "deliverable_publish",
    lambda t: {Field.URL: f"https://instagram.example/p/{t.persona}", Field.CAPTION: f"#ad by {t.persona}"},
)  # fmt: skip
changes_form = deliverable_form(
    "submitted", Action.DELIVERABLE_REQUEST_CHANGES, Callback.DELIVERABLE_CHANGES, "deliverable_changes",
    lambda t: {Field.NOTE: f"Changes asked by {t.persona}"},
)  # fmt: skip


async def edit_caption(t: Try) -> None:
    """The "Edit caption" button of the disclosure verdict Ivy was shown (an ephemeral message)."""
    channel, ts = t.facts.verdict
    value = str(t.facts.deliverables["published"])
    if t.user == IVY:
        t.reply = await t.world.slack.click(IVY, channel, ts, Action.DELIVERABLE_EDIT_CAPTION, value=value)
    else:
        t.reply = await ephemeral_click(t.world, t.user, channel, Action.DELIVERABLE_EDIT_CAPTION, value)


async def caption_form(t: Try) -> None:
    await edit_caption(t)
    await t.fill(
        Callback.DELIVERABLE_CAPTION, "deliverable_caption", {Field.CAPTION: f"#ad edited by {t.persona}"}
    )


reschedule_form = deliverable_form(
    "planned", Action.DELIVERABLE_RESCHEDULE, Callback.DELIVERABLE_RESCHEDULE, "deliverable_reschedule",
    lambda t: {Field.DUE: int(NEW_DUE.timestamp())},
)  # fmt: skip


def checklist_button(action_id: str) -> Act:
    async def act(t: Try) -> None:
        channel, ts = t.facts.checklist
        await t.press(channel, ts, action_id, str(t.facts.checks[0]))

    return act


def check_status(wanted: str) -> Check:
    async def check_check(t: Try) -> bool:
        return (await check(t.world, t.facts.checks[0])).status == wanted

    return check_check


async def fail_with_note(t: Try) -> None:
    await checklist_button(Action.CHECK_FAIL)(t)
    await t.fill(Callback.CHECK_NOTE, "check_note", {Field.NOTE: f"Failed by {t.persona}"})


# ---- App Home, and what reached whom


async def open_home(t: Try) -> None:
    await t.world.slack.open_home(t.user)
    home = t.emulator.home(t.user)
    t.seen = text_of({"blocks": home.blocks}) if home else ""


def reached(marker: str) -> Check:
    async def check_reached(t: Try) -> bool:
        return marker in readable(t.table.workspace, t.user)

    return check_reached


async def nothing(t: Try) -> None:
    return None


async def remind(t: Try) -> None:
    """Eight days pass; the dispatcher runs once a day."""
    await t.table.after_reminders()


def reminded(marker: str) -> Check:
    async def check_reminded(t: Try) -> bool:
        return marker in readable(t.table.reminded, t.user)

    return check_reminded


# ---------------------------------------------------------------------------------------------
# the table


def S(
    name: str, allowed: set[str] | frozenset[str], act: Act, happened: Check, why: str = "", **kw: Any
) -> Surface:
    return Surface(name, frozenset(allowed), act, happened, why, **kw)


def R(name: str, allowed: set[str] | frozenset[str], happened: Check, why: str = "") -> Surface:
    """A row about what reached whom: the persona attempts nothing (reminders: time passes)."""
    act = remind if happened.__name__ == "check_reminded" else nothing
    return Surface(name, frozenset(allowed), act, happened, why, reads_only=True)


# The table. Each row: surface, who may, the attempt, what shows it happened, and why the row is
# what it is where the role table (bot/domain/permissions.py, bot/domain/incidents.py) does not say.
# fmt: off
SURFACES = [
    # ---- /campaign
    S("campaign-new-open", CREATORS, command("/campaign new"), opened(Callback.CAMPAIGN_NEW),
      "admins and campaign creators only; the others are told who may, and how to get the right, "
      "before a form opens"),
    S("campaign-new-submit", CREATORS, create(), created,
      "checked again on submission: a submission can be forged without the form"),
    S("campaign-new-after-grant", BRAND, create(), created,
      "after the admin's `/campaign creators add @persona`: people of the brand side may; an influencer "
      "anywhere, a guest or a user of another organisation never", prepare=grant_creator),
    S("home-new-campaign", CREATORS, home_button(Action.HOME_NEW_CAMPAIGN, "new"),
      opened(Callback.CAMPAIGN_NEW), "the App Home button is the same door as `/campaign new`"),
    S("campaign-list", BRAND | {"ivy", "eve"}, command("/campaign list"), shows("`spring`"),
      "a campaign is listed to its team, its influencers and admins; Otto is on autumn only"),
    S("campaign-show", BRAND | {"ivy", "eve"}, command("/campaign show spring"),
      shows("Disclose the partnership clearly")),
    S("campaign-show-other-influencers", BRAND, command("/campaign show spring"), shows_other_influencers,
      "an influencer sees their own engagement only"),
    S("campaign-show-escalation-channel", BRAND, command("/campaign show spring"), shows_escalation_channel,
      "where legal deliberates is the brand's business: an influencer has no use for legal's private "
      "channel (Slack hides its name from non-members, not its existence)"),
    S("campaign-report-spring", BRAND, command("/campaign report spring"), charts_sent,
      "a campaign's charts: its brand team and admins"),
    S("campaign-report-all", {"admin"}, command("/campaign report"), shows("Report: All campaigns"),
      "the charts of every campaign: admins only"),
    S("campaign-report-mine", BRAND, command("/campaign report"), charts_sent,
      "without a slug, the charts of the campaigns where one holds a brand role (an admin's: all)"),
    S("campaign-digest-off", SETUP, command("/campaign digest spring off"),
      campaign_flag("digest_enabled", False), "the managers' Monday digest: managers and admins"),
    S("campaign-conduct-on", SETUP, command("/campaign conduct spring on"),
      campaign_flag("conduct_monitor", True), "the conduct monitor: managers and admins"),
    S("campaign-complete", SETUP, command("/campaign complete spring"), campaign_status("completed"),
      "closing a campaign stops its reminders: managers and admins"),
    S("campaign-cancel", SETUP, command("/campaign cancel spring"), campaign_status("cancelled")),
    S("campaign-reopen", SETUP, command("/campaign reopen spring"), campaign_status("active"),
      prepare=complete_spring),
    S("campaign-help", EVERYONE, command("/campaign help"), shows("campaign setup")),
    S("campaign-help-setup", SETUP, command("/campaign help"), shows("`/campaign invite"),
      "the help shows each person what they may run: setting a campaign up, its managers and admins"),
    S("campaign-help-creators", {"admin"}, command("/campaign help"), shows("`/campaign creators"),
      "who may create campaigns: admins only"),
    S("campaign-invite", SETUP, command(f"/campaign invite spring <@{NORA}>"), nora_engaged),
    S("invite-link-own-channel", SETUP, invite_linking("lounge"), nora_engaged,
      "#lounge: the inviter is in it; private; not legal's, no engagement's, not shared"),
    S("invite-link-public-channel", NOBODY, invite_linking("plaza"), nora_engaged,
      "never a public channel: anyone may join it"),
    S("invite-link-general", NOBODY, invite_linking("general"), nora_engaged, "never #general"),
    S("invite-link-escalation-channel", NOBODY, invite_linking("legal"), nora_engaged,
      "never a campaign's escalation channel"),
    S("invite-link-other-engagement", NOBODY, invite_linking("otto"), nora_engaged,
      "never another engagement's channel (Otto's, on autumn, which Maya is in)"),
    S("invite-link-shared-channel", NOBODY, invite_linking("partners"), nora_engaged,
      "never a channel shared with an organisation other than the influencer's"),
    S("invite-link-not-a-member", NOBODY, invite_linking("finance"), nora_engaged,
      "the inviter must be in the channel (#finance: only Mo and the bot)"),
    S("invite-brand-role-holder", NOBODY, command(f"/campaign invite autumn <@{LEGAL}>"), lee_engaged,
      "one person, one side: Lee is legal on spring, so never an influencer on autumn"),
    S("role-grant", SETUP, command(f"/campaign role spring <@{NORA}> member"), role_of(NORA)),
    S("role-grant-influencer-elsewhere", NOBODY, command(f"/campaign role spring <@{OTTO}> legal"),
      role_of(OTTO), "one person, one side: Otto is an influencer on autumn"),
    S("role-grant-influencer-here", NOBODY, command(f"/campaign role spring <@{IVY}> legal"), role_of(IVY),
      "one person, one side"),
    S("role-clear", SETUP, command(f"/campaign role spring <@{LEGAL}> none"), no_role_of(LEGAL)),
    S("role-clear-without-rights", SETUP, command(f"/campaign role spring <@{OTTO}> none"), no_role_of(OTTO),
      "Otto's legal on spring, from before one person, one side, gives no rights; cleared like any role",
      prepare=legacy_dual_role),
    S("campaign-show-role-without-rights", BRAND, command("/campaign show spring"),
      shows(f"<@{OTTO}> holds the *legal* role but is an influencer"),
      "listed apart from the team, to the team: Otto, whose role it is, sees no team",
      prepare=legacy_dual_role),
    S("guidelines-open", SETUP, command("/campaign guidelines spring"), opened(Callback.GUIDELINES_EDIT)),
    S("guidelines-submit", SETUP, edit_guidelines, guidelines_edited),
    S("deliverable-new-open", SETUP, command("/campaign deliverable spring"),
      opened(Callback.DELIVERABLE_NEW)),
    S("deliverable-new-submit", SETUP, add_deliverable, deliverable_added),
    S("reminders-spring", SETUP, command("/campaign reminders spring"), shows("reminders on `spring`")),
    S("reminders-all", SETUP, command("/campaign reminders"), shows("No failed or late reminders")),
    S("creators-add", {"admin"}, command(f"/campaign creators add <@{NORA}>"), can_create(NORA),
      "admins only; probed by Nora creating a campaign afterwards", probes=True),
    S("creators-remove", {"admin"}, command(f"/campaign creators remove <@{MANAGER}>"),
      cannot(can_create(MANAGER)), "admins only; probed by Maya creating a campaign afterwards", probes=True),
    S("creators-list", {"admin"}, command("/campaign creators list"), shows(f"<@{MANAGER}>"),
      "the list is an admin tool like the rest of `/campaign creators`"),
    S("escalation-channel-private", CREATORS, create("legal"), created,
      "#legal: private, not shared, no engagement's, the chooser is in it"),
    S("escalation-channel-general", NOBODY, create("general"), created, "must be private"),
    S("escalation-channel-public", NOBODY, create("plaza"), created, "must be private"),
    S("escalation-channel-engagement", NOBODY, create("ivy"), created, "never an influencer's channel"),
    S("escalation-channel-shared", NOBODY, create("partners"), created,
      "never shared with another organisation"),
    S("escalation-channel-not-a-member", NOBODY, create("finance"), created, "the chooser must be in it"),
    # ---- /breach
    S("breach-open", BRAND, command("/breach"), opened(Callback.BREACH_REPORT)),
    S("breach-submit", BRAND, report_breach, breach_reported),
    S("breach-shortcut", BRAND, report_shortcut, opened(Callback.BREACH_REPORT),
      "on a message of Ivy's in her channel"),
    S("breach-form-campaign-chosen", BRAND, engagement_chosen, clauses_offered,
      "the form's campaign select lists that campaign's clauses; the others' attempt is forged on Mo's "
      "form and must leave it alone"),
    S("breach-prefilled-button", BRAND, home_button(Action.REPORT_BREACH_PREFILLED, "{}"),
      opened(Callback.BREACH_REPORT)),
    S("breach-list-BR-1", BRAND | {"ivy"}, command("/breach list all"), shows("BR-1"),
      "Ivy's incident: spring's team, admins and Ivy"),
    S("breach-list-more-BR-1", BRAND | {"ivy"}, list_more, shows("BR-1"),
      "the list's Show more button, forged with a value reaching back to BR-1"),
    S("breach-list-BR-4", SETUP | {"otto"}, command("/breach list all"), shows("BR-4"),
      "Otto's incident on autumn: autumn's team (Maya), admins and Otto"),
    S("breach-show-BR-1", BRAND | {"ivy"}, command("/breach show BR-1"), shows(BR1_TEXT)),
    S("breach-show-BR-4", SETUP | {"otto"}, command("/breach show BR-4"), shows(BR4_TEXT)),
    S("breach-export", DECIDERS, command("/breach export"), exported("BR-1"),
      "exports are for managers, legal and admins"),
    S("breach-export-BR-4", SETUP, command("/breach export"), exported("BR-4"),
      "an export holds the campaigns where the persona may export: Lee is legal on spring only"),
    S("breach-verify", BRAND, command("/breach verify BR-1"), shows("timeline is *intact"),
      "checking an incident's timeline against its hash chain: the brand team of its campaign"),
    S("breach-help", EVERYONE, command("/breach help"), shows("/breach list")),
    S("breach-help-export", DECIDERS, command("/breach help"), shows("`/breach export"),
      "the help names the export to those who may export"),
    # ---- /review
    S("review-open", BRAND, command("/review"), opened(Callback.REVIEW_LOG)),
    S("review-submit", BRAND, log_review, review_logged),
    S("review-history-ivy", BRAND, command(f"/review history <@{IVY}>"), shows("Scorecard · "),
      "scorecards (unshared reviews included) are for the brand side only"),
    S("review-history-otto", SETUP, command(f"/review history <@{OTTO}>"), shows("Scorecard · "),
      "a brand role opens the scorecards of that campaign's influencers, not everyone's: Mo and Lee "
      "are on spring, Otto on autumn"),
    S("review-history-legacy-dual-role", BRAND, command(f"/review history <@{IVY}>"), shows("Scorecard · "),
      "Otto still holds legal on spring from before one person, one side: an influencer reads no "
      "scorecard, whatever else he holds", prepare=legacy_dual_role),
    S("review-log-button", BRAND, home_button(Action.LOG_REVIEW, lambda t: str(t.facts.engagements["ivy"])),
      opened(Callback.REVIEW_LOG),
      "the Log review button prefilled with Ivy's engagement"),
    S("review-help", EVERYONE, command("/review help"), shows("performance reviews")),
    S("review-help-history", BRAND, command("/review help"), shows("`/review history"),
      "the help names scorecards to the brand side only"),
    # ---- buttons and forms in the shared channels and the owner's DM
    S("guidelines-acknowledge", {"otto"}, acknowledge_otto, otto_acknowledged,
      "Otto's guidelines: only Otto; an admin does not act for an influencer"),
    S("incident-acknowledge", {"ivy"}, card("BR-2", Action.INCIDENT_ACKNOWLEDGE),
      status("BR-2", "acknowledged"), "the influencer's move: not even an admin"),
    S("incident-respond", {"ivy"}, card("BR-1", Action.INCIDENT_RESPOND), opened(Callback.INCIDENT_RESPOND)),
    S("incident-respond-submit", {"ivy"}, respond_form, responded),
    S("incident-propose", BRAND, card("BR-1", Action.INCIDENT_PROPOSE), opened(Callback.INCIDENT_PROPOSE)),
    S("incident-propose-submit", BRAND, propose_form, status("BR-1", "resolution_proposed")),
    S("incident-accept", {"ivy"}, card("BR-3", Action.INCIDENT_ACCEPT), status("BR-3", "resolved")),
    S("incident-dispute", {"ivy"}, card("BR-3", Action.INCIDENT_DISPUTE), opened(Callback.INCIDENT_DISPUTE)),
    S("incident-dispute-submit", {"ivy"}, dispute_form, status("BR-3", "in_mediation")),
    S("incident-escalate", BRAND, card("BR-1", Action.INCIDENT_ESCALATE), opened(Callback.INCIDENT_ESCALATE)),
    S("incident-escalate-submit", BRAND, escalate_form, escalated_to_legal,
      "escalated, and the post goes to legal's private channel"),
    S("incident-escalate-legal-now-shared", BRAND, escalate_form, escalated_held_back,
      "#legal was shared with another organisation after it was chosen: the move happens, the post to "
      "#legal is held back", prepare=share_legal_channel),
    S("incident-resolve", DECIDERS, card("BR-1", Action.INCIDENT_RESOLVE), opened(Callback.INCIDENT_RESOLVE)),
    S("incident-resolve-submit", DECIDERS, resolve_form, status("BR-1", "resolved")),
    S("incident-dismiss", DECIDERS, card("BR-1", Action.INCIDENT_DISMISS), opened(Callback.INCIDENT_DISMISS)),
    S("incident-dismiss-submit", DECIDERS, dismiss_form, status("BR-1", "dismissed")),
    S("deliverable-submit", {"ivy"}, deliverable_button("planned", Action.DELIVERABLE_SUBMIT),
      opened(Callback.DELIVERABLE_SUBMIT), "the influencer's move: not even an admin"),
    S("deliverable-submit-form", {"ivy"}, submit_form, deliverable_status("planned", "submitted")),
    S("deliverable-publish", {"ivy"}, deliverable_button("planned", Action.DELIVERABLE_PUBLISH),
      opened(Callback.DELIVERABLE_PUBLISH)),
    S("deliverable-publish-form", {"ivy"}, publish_form, deliverable_status("planned", "published")),
    S("deliverable-approve", BRAND, deliverable_button("submitted", Action.DELIVERABLE_APPROVE),
      deliverable_status("submitted", "approved")),
    S("deliverable-request-changes", SETUP | {"member"},
      deliverable_button("submitted", Action.DELIVERABLE_REQUEST_CHANGES),
      opened(Callback.DELIVERABLE_CHANGES), "admins, managers and members (permissions.py)"),
    S("deliverable-changes-form", SETUP | {"member"}, changes_form,
      deliverable_status("submitted", "planned")),
    S("deliverable-edit-caption", {"ivy"}, edit_caption, opened(Callback.DELIVERABLE_CAPTION),
      "the influencer's own caption, from the verdict she was shown when she published"),
    S("deliverable-caption-form", {"ivy"}, caption_form, caption_edited),
    S("deliverable-cancel", SETUP, deliverable_button("planned", Action.DELIVERABLE_CANCEL),
      deliverable_status("planned", "cancelled")),
    S("deliverable-reschedule", SETUP, deliverable_button("planned", Action.DELIVERABLE_RESCHEDULE),
      opened(Callback.DELIVERABLE_RESCHEDULE)),
    S("deliverable-reschedule-form", SETUP, reschedule_form, rescheduled),
    S("checklist-open", BRAND, deliverable_button("published", Action.CHECKLIST_OPEN),
      opened(Callback.CHECKLIST), "the card's checklist button: every brand role of the campaign"),
    S("check-pass", BRAND, checklist_button(Action.CHECK_PASS), check_status("passed"),
      "the checklist is in Maya's DM: the others' clicks are forged"),
    S("check-fail", BRAND, checklist_button(Action.CHECK_FAIL), opened(Callback.CHECK_NOTE)),
    S("check-waive", BRAND, checklist_button(Action.CHECK_WAIVE), opened(Callback.CHECK_NOTE)),
    S("check-note-form", BRAND, fail_with_note, check_status("failed")),
    S("incident-post-card-again", BRAND,
      home_button(Action.INCIDENT_POST_CARD, lambda t: str(t.facts.incidents["BR-1"])),
      card_posted_again(Incident, lambda f: f.incidents["BR-1"]),
      "the button of the reporter's message when Slack refused the card: the brand team",
      prepare=card_refused),
    S("deliverable-post-card-again", BRAND,
      home_button(Action.DELIVERABLE_POST_CARD, lambda t: str(t.facts.deliverables["planned"])),
      card_posted_again(Deliverable, lambda f: f.deliverables["planned"]),
      "the same for a deliverable's card", prepare=card_refused),
    # ---- App Home
    S("home-shows-BR-1", BRAND | {"ivy"}, open_home, shows("BR-1"),
      "admins see every open incident; spring's team and Ivy see BR-1"),
    S("home-view-all-BR-1", BRAND | {"ivy"}, home_button(Action.HOME_VIEW_ALL, "open"), shows("BR-1"),
      "a home section's View all: the persona's own open incidents, by DM"),
    S("home-open-BR-1", BRAND | {"ivy"}, home_button(Action.HOME_OPEN_INCIDENT, "1"), modal_shows("BR-1"),
      "a home line's Open: the incident's detail in a form, shown to whoever /breach show shows it"),
    S("home-shows-BR-4", SETUP | {"otto"}, open_home, shows("BR-4")),
    # ---- what reached whom in the scenario: DMs, posts in shared channels and in #legal
    R("reach-unshared-review", {"manager"}, reached(UNSHARED_NOTE),
      "an unshared review reaches its reviewer (Maya, by DM) and no influencer"),
    R("reach-shared-review", {"manager", "member", "legal", "ivy"}, reached(SHARED_NOTE),
      "a shared review is posted in Ivy's channel"),
    R("reach-legal-advice", {"admin", "manager", "legal"}, reached(LEGAL_ADVICE),
      "legal's advice on a critical report is posted in #legal only"),
    R("reach-BR-1-detail", {"manager", "member", "legal", "ivy"}, reached(BR1_TEXT),
      "the card in Ivy's channel, and the reporter's receipt"),
    R("reach-BR-4-detail", {"manager", "otto"}, reached(BR4_TEXT), "the card in Otto's channel"),
    # ---- reminders: eight days pass, the dispatcher runs once a day
    R("reminder-acknowledge-guidelines", {"manager", "otto"},
      reminded("acknowledge version 1 of the guidelines of *Autumn Drop*"), "in Otto's channel"),
    R("reminder-deliverable-due", {"manager", "member", "legal", "ivy"},
      reminded("*Reel (planned)* (instagram) is due"), "in Ivy's channel"),
    R("reminder-deliverable-overdue-owner", {"manager"}, reminded("Report missed deadline?"),
      "the campaign owner, by DM"),
    R("reminder-mediation-BR-3", {"manager", "member", "legal", "ivy"},
      reminded("*BR-3* is waiting for your answer"), "in the thread of Ivy's incident"),
    R("reminder-mediation-BR-4", {"manager", "otto"}, reminded("*BR-4* is waiting for your response"),
      "in the thread of Otto's incident"),
    R("reminder-auto-escalation-to-legal", {"admin", "manager", "legal"},
      reminded("*BR-2* was escalated automatically"), "legal's private channel only"),
    R("reminder-unresolved-owner", {"manager"}, reminded("has been open for 7 days"), "the owner, by DM"),
    R("reminder-review-due", {"manager"}, reminded("Time for a weekly review"), "the owner, by DM"),
    R("reminder-compliance-pending", {"manager"}, reminded("compliance checks still pending"),
      "the owner, by DM"),
]
# fmt: on

#: The row that tries each id of bot/ids.py: a new button, form, command or shortcut needs a row.
EXERCISED_BY = {
    Command.CAMPAIGN: "campaign-list",
    Command.BREACH: "breach-open",
    Command.REVIEW: "review-open",
    Shortcut.REPORT_BREACH: "breach-shortcut",
    Callback.CAMPAIGN_NEW: "campaign-new-submit",
    Callback.GUIDELINES_EDIT: "guidelines-submit",
    Callback.DELIVERABLE_NEW: "deliverable-new-submit",
    Callback.DELIVERABLE_SUBMIT: "deliverable-submit-form",
    Callback.DELIVERABLE_PUBLISH: "deliverable-publish-form",
    Callback.DELIVERABLE_RESCHEDULE: "deliverable-reschedule-form",
    Callback.CHECK_NOTE: "check-note-form",
    Callback.CHECKLIST: "checklist-open",
    Callback.DELIVERABLE_CHANGES: "deliverable-changes-form",
    Callback.DELIVERABLE_CAPTION: "deliverable-caption-form",
    Callback.REVIEW_LOG: "review-submit",
    Callback.BREACH_REPORT: "breach-submit",
    Callback.INCIDENT_RESPOND: "incident-respond-submit",
    Callback.INCIDENT_PROPOSE: "incident-propose-submit",
    Callback.INCIDENT_RESOLVE: "incident-resolve-submit",
    Callback.INCIDENT_DISMISS: "incident-dismiss-submit",
    Callback.INCIDENT_DISPUTE: "incident-dispute-submit",
    Callback.INCIDENT_ESCALATE: "incident-escalate-submit",
    Action.ACKNOWLEDGE_GUIDELINES: "guidelines-acknowledge",
    Action.REPORT_BREACH_PREFILLED: "breach-prefilled-button",
    Action.DELIVERABLE_SUBMIT: "deliverable-submit",
    Action.DELIVERABLE_PUBLISH: "deliverable-publish",
    Action.DELIVERABLE_APPROVE: "deliverable-approve",
    Action.DELIVERABLE_CANCEL: "deliverable-cancel",
    Action.DELIVERABLE_RESCHEDULE: "deliverable-reschedule",
    Action.DELIVERABLE_REQUEST_CHANGES: "deliverable-request-changes",
    Action.DELIVERABLE_EDIT_CAPTION: "deliverable-edit-caption",
    Action.CHECKLIST_OPEN: "checklist-open",
    Action.CHECK_PASS: "check-pass",
    Action.CHECK_FAIL: "check-fail",
    Action.CHECK_WAIVE: "check-waive",
    Action.INCIDENT_ACKNOWLEDGE: "incident-acknowledge",
    Action.INCIDENT_RESPOND: "incident-respond",
    Action.INCIDENT_PROPOSE: "incident-propose",
    Action.INCIDENT_ACCEPT: "incident-accept",
    Action.INCIDENT_DISPUTE: "incident-dispute",
    Action.INCIDENT_ESCALATE: "incident-escalate",
    Action.INCIDENT_RESOLVE: "incident-resolve",
    Action.INCIDENT_DISMISS: "incident-dismiss",
    Action.REPORT_ENGAGEMENT_CHOSEN: "breach-form-campaign-chosen",
    Action.LOG_REVIEW: "review-log-button",
    Action.HOME_NEW_CAMPAIGN: "home-new-campaign",
    Action.INCIDENT_LIST_MORE: "breach-list-more-BR-1",
    Action.HOME_VIEW_ALL: "home-view-all-BR-1",
    Action.INCIDENT_POST_CARD: "incident-post-card-again",
    Action.DELIVERABLE_POST_CARD: "deliverable-post-card-again",
    Action.HOME_OPEN_INCIDENT: "home-open-BR-1",
}

#: The row that tries each command and subcommand of the usage texts (bot/messages.py).
SUBCOMMAND_TRIED_BY = {
    "/campaign new": "campaign-new-open",
    "/campaign list": "campaign-list",
    "/campaign show": "campaign-show",
    "/campaign invite": "campaign-invite",
    "/campaign role": "role-grant",
    "/campaign guidelines": "guidelines-open",
    "/campaign deliverable": "deliverable-new-open",
    "/campaign reminders": "reminders-spring",
    "/campaign report": "campaign-report-spring",
    "/campaign digest": "campaign-digest-off",
    "/campaign conduct": "campaign-conduct-on",
    "/campaign complete": "campaign-complete",
    "/campaign cancel": "campaign-cancel",
    "/campaign reopen": "campaign-reopen",
    "/campaign creators": "creators-add",
    "/campaign help": "campaign-help",
    "/breach": "breach-open",
    "/breach list": "breach-list-BR-1",
    "/breach show": "breach-show-BR-1",
    "/breach export": "breach-export",
    "/breach verify": "breach-verify",
    "/breach help": "breach-help",
    "/review": "review-open",
    "/review history": "review-history-ivy",
    "/review help": "review-help",
}

BY_NAME = {s.name: s for s in SURFACES}
assert len(BY_NAME) == len(SURFACES), "surface names are unique"
CELLS = [pytest.param(s.name, p, id=f"{s.name}-{p}") for s in SURFACES for p in PERSONAS]


def _ids(kind: type) -> set[str]:
    return {v for k, v in vars(kind).items() if not k.startswith("_") and isinstance(v, str)}


def test_every_slack_id_and_subcommand_has_a_row():
    """Each command and subcommand, shortcut, form and button the app has is tried by every persona."""
    registered = _ids(Command) | _ids(Shortcut) | _ids(Callback) | _ids(Action)
    missing, gone = registered - set(EXERCISED_BY), set(EXERCISED_BY) - registered
    assert not missing and not gone, f"without a row: {sorted(missing)}; no longer registered: {sorted(gone)}"
    usage = (messages.CAMPAIGN_USAGE, messages.BREACH_USAGE, messages.REVIEW_USAGE)
    told = {f"{c} {w}".strip() for text in usage for c, w in re.findall(r"`(/\w+)(?: (\w+))?", text)}
    missing, gone = told - set(SUBCOMMAND_TRIED_BY), set(SUBCOMMAND_TRIED_BY) - told
    assert not missing and not gone, f"subcommands without a row: {sorted(missing)}; gone: {sorted(gone)}"
    assert set(EXERCISED_BY.values()) | set(SUBCOMMAND_TRIED_BY.values()) <= set(BY_NAME)


# ---------------------------------------------------------------------------------------------
# one cell


def _leaks(ws: Any, facts: Facts) -> list[str]:
    found = []
    for persona in PERSONAS:
        text = readable(ws, facts.users[persona])
        found += [f"{persona} can read {m!r}" for m, never in NEVER.items() if persona in never and m in text]
    return found


def _slack_changes(before: dict, after: dict, user: str, own_dm: str | None) -> list[str]:
    changes = []
    for key in ("members", "shared"):
        for channel in set(before[key]) | set(after[key]):
            if channel != own_dm and before[key].get(channel) != after[key].get(channel):
                changes.append(
                    f"{key} of {channel}: {sorted(before[key].get(channel) or [])} -> "
                    f"{sorted(after[key].get(channel) or [])}"
                )
    for channel in set(before["messages"]) | set(after["messages"]):
        if channel != own_dm and before["messages"].get(channel, []) != after["messages"].get(channel, []):
            new = [
                m[2][:120]
                for m in after["messages"].get(channel, [])
                if m not in before["messages"].get(channel, [])
            ]
            changes.append(f"messages in {channel} changed: {new}")
    if before["invites"] != after["invites"]:
        changes.append(f"Slack Connect invites: {before['invites']} -> {after['invites']}")
    for file_id, channels in after["files"].items():
        if before["files"].get(file_id) != channels and not channels <= {own_dm}:
            changes.append(f"file {file_id} shared in {sorted(channels)}")
    for view_id, (owner, definition) in after["views"].items():
        if owner != user and before["views"].get(view_id, (owner, None))[1] != definition:
            changes.append(f"{owner}'s modal {view_id} changed")
    return changes


@pytest.mark.asyncio(loop_scope="module")  # one world per backend for the whole table
@pytest.mark.parametrize(("surface_name", "persona"), CELLS)
async def test_boundary(table: Table, surface_name: str, persona: str):
    surface = BY_NAME[surface_name]
    await table.reset()
    user = table.facts.users[persona]
    t = Try(table, persona, user)
    expected = persona in surface.allowed
    rows_before = None
    if surface.prepare is not None:
        await surface.prepare(t)
        await table.world.stack.settle()
        rows_before = await table.rows()
    emulator = table.world.emulator
    slack_before = slack_state(emulator.workspace) if surface.prepare else table.slack
    told_before = told(emulator.workspace, user)
    t.views_before = [v.id for v in emulator.open_views(user)]

    await surface.act(t)
    await table.world.stack.settle()

    t.said = said_since(emulator.workspace, user, told_before)
    if surface.reads_only:
        written = {}
    elif expected:
        written, table.dirty = {}, True  # put the database back before the next cell
    else:
        written = await table.changed(rows_before)
    slack_after = slack_state(emulator.workspace)
    happened = await surface.happened(t)
    await table.world.stack.settle()
    table.dirty = table.dirty or surface.probes

    verdict = "may" if expected else "may not"
    why = surface.why or "the role table"
    answer = t.reply.body if t.reply is not None and t.reply.body else ""
    context = (
        f"{surface.name} as {persona} ({verdict}: {why}); the bot said: {t.said[:600]!r} {answer!r:.300}"
    )
    if t.reply is not None:  # the attempt reached a listener (a button nobody handles refuses nothing)
        assert t.reply.status == 200, f"the bot answered {t.reply.status}; {context}"
    if expected:
        assert happened, f"refused or not shown, but {context}; seen: {t.seen[:300]!r}"
    else:
        assert not happened, f"allowed or shown, but {context}; seen: {t.seen[:300]!r}"
        if not surface.reads_only:
            own_dm = next(
                (c.id for c in emulator.workspace.channels.values() if c.is_im and c.im_user == user), None
            )
            assert not written, f"a refusal wrote {written}; {context}"
            changes = _slack_changes(slack_before, slack_after, user, own_dm)
            assert not changes, f"a refusal changed Slack: {changes}; {context}"
    leaks = _leaks(table.reminded if surface.act is remind else emulator.workspace, table.facts)
    assert not leaks, f"after {surface.name} as {persona}: {leaks}"


#: A form row and someone it allows, who did not open the form kept for forging (where possible).
FORGED_BY_ALLOWED = [
    ("campaign-new-submit", "admin"),
    ("guidelines-submit", "admin"),
    ("deliverable-new-submit", "admin"),
    ("breach-submit", "legal"),
    ("review-submit", "legal"),
    ("incident-respond-submit", "ivy"),
    ("incident-propose-submit", "member"),
    ("incident-dispute-submit", "ivy"),
    ("incident-escalate-submit", "legal"),
    ("incident-resolve-submit", "legal"),
    ("incident-dismiss-submit", "admin"),
    ("deliverable-submit-form", "ivy"),
    ("deliverable-publish-form", "ivy"),
    ("deliverable-caption-form", "ivy"),
    ("deliverable-changes-form", "member"),
    ("deliverable-reschedule-form", "admin"),
    ("check-note-form", "legal"),
]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("surface_name", "persona"), FORGED_BY_ALLOWED, ids=[f"{s}-{p}" for s, p in FORGED_BY_ALLOWED]
)
async def test_forged_forms_are_well_formed(table: Table, surface_name: str, persona: str):
    """The table's forged submissions are the real thing: from someone the form allows, the same
    forgery does what the form does. So when the table sees a forgery refused, it is refused for who
    sent it, not for its shape."""
    surface = BY_NAME[surface_name]
    assert persona in surface.allowed
    await table.reset()
    t = Try(table, persona, table.facts.users[persona], forge=True)
    t.views_before = [v.id for v in table.world.emulator.open_views(t.user)]
    await surface.act(t)
    await table.world.stack.settle()
    table.dirty = True
    assert await surface.happened(t), (
        f"{surface_name} forged by {persona}: {t.reply.body if t.reply else None!r}"
    )
