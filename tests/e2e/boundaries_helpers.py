"""The machinery of the boundary table (test_boundaries.py): one scenario, who can read what,
and a persona's attempts, honest or forged.

The scenario is built once per database backend through the emulator, like every end-to-end
test, then *restored* for each cell of the table: the database is copied (a SQLite file, or a
PostgreSQL database created from it as a template) and the emulated workspace is deep-copied,
so each cell starts from the same state in a few milliseconds instead of replaying forty
requests. A cell then runs its one attempt against a freshly started bot.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.ids import Action, Callback, Field
from playground import people
from playground.emulator import BotReply, Message, SlackEmulator, View, payloads
from playground.emulator.elements import iter_elements, state_values
from storage.models import (
    ComplianceCheck,
    Deliverable,
    Engagement,
    Incident,
    Influencer,
    metadata,
)
from tests.e2e.harness import World, forge_click, option_value, text_of

START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)

ADMIN, MANAGER, MEMBER, LEGAL = (
    people.ADMIN.user_id,
    people.MANAGER.user_id,
    people.MEMBER.user_id,
    people.LEGAL.user_id,
)
IVY, OTTO = people.INFLUENCER.user_id, people.OUTSIDER.user_id
GUEST, PARTNER = "U0GUS", "U0PAT"
PARTNER_TEAM = "T0PARTNER"
#: A workspace member with no role anywhere: whom the table invites, grants roles to, etc.
NORA = "U0NORA"

#: The personas of the table, in the order of its columns.
PERSONAS = ("admin", "manager", "member", "legal", "ivy", "otto", "eve", "guest", "partner")

#: Markers planted in the scenario: who must never read them, by any surface.
UNSHARED_NOTE = "Unshared-note-7731: late twice, keep an eye on her"
SHARED_NOTE = "Shared-note-4410: great energy on the launch"
BR1_TEXT = "BR1-detail-5512 posted the launch reel without #ad"
BR4_TEXT = "BR4-detail-8820 missed the teaser deadline"
#: What the escalation channel hears about a critical report (BR-2): legal's advice.
LEGAL_ADVICE = "consider putting the payment"


# ---------------------------------------------------------------------------------------------
# the scenario


@dataclass
class Facts:
    """Ids of everything the table acts on, learnt while building the scenario."""

    users: dict[str, str]  # persona -> Slack user id
    channels: dict[str, str]  # name -> channel id (ivy, eve, otto, legal, general, partners, ...)
    engagements: dict[str, int]  # ivy, eve, otto
    otto_guidelines_ts: str
    incidents: dict[str, int]  # BR-1 … BR-4 -> incident id
    cards: dict[str, str]  # BR-n -> card ts
    deliverables: dict[str, int]  # planned, submitted, published
    deliverable_cards: dict[str, str]
    checks: list[int]  # compliance checks of the published deliverable, pending
    checklist: tuple[str, str]  # (channel, ts) of the checklist in the owner's DM
    ivy_message_ts: str  # a message of Ivy's in her shared channel (the report shortcut)
    verdict: tuple[str, str] = ("", "")  # (channel, ts) of Ivy's ephemeral disclosure verdict
    views: dict[str, View] = field(default_factory=dict)  # opened once, for forged submissions

    def persona(self, user_id: str) -> str:
        return next((p for p, u in self.users.items() if u == user_id), user_id)


async def _one(world: World, model, *where):
    async with world.db.transaction() as s:
        return (await s.exec(select(model).where(*where))).scalars().one()


async def _ok(reply: BotReply, what: str) -> None:
    assert reply.ok and not reply.body, f"{what}: {reply.status} {reply.body}"


def _close(world: World, user: str) -> None:
    world.emulator.workspace.close_views(user)


def _keep(world: World, facts: Facts, name: str, user: str, callback_id: str) -> View:
    view = world.top_view(user)
    assert view.callback_id == callback_id, (name, view.callback_id)
    facts.views[name] = copy.deepcopy(view)
    _close(world, user)
    return view


def _workspace_setup(emulator: SlackEmulator) -> None:
    """People and channels beyond playground.people: a neutral member, a guest's and a partner's
    channels, and channels the table tries to link or to use as escalation channel."""
    ws = emulator.workspace
    if GUEST not in ws.users:  # older casts have no guest and no partner
        emulator.add_user("gus", user_id=GUEST, real_name="Gus Guest", email="gus@agency.example")
        ws.users[GUEST].is_restricted = True
    if PARTNER not in ws.users:
        emulator.add_user(
            "pat", user_id=PARTNER, real_name="Pat Partner", email="pat@partner.example", team_id=PARTNER_TEAM
        )
    emulator.add_user("nora", user_id=NORA, real_name="Nora Neutral", email="nora@acme.example")
    bot = emulator.bot_user.id
    emulator.workspace.channels[emulator.channel_by_name("general").id].members.add(NORA)
    emulator.channel_by_name("legal").members.add(bot)
    # private, the creators' own: a channel that may be linked (the inviter and the bot are in it)
    emulator.add_channel("lounge", is_private=True, creator=MANAGER, members=[ADMIN, bot])
    # the same, public: anyone may join it, other influencers included, so it is never linked
    emulator.add_channel("plaza", creator=MANAGER, members=[ADMIN, bot])
    # shared with another organisation (Slack Connect), where Pat talks with the brand
    partners = emulator.add_channel(
        "partners", is_private=True, creator=MANAGER, members=[ADMIN, PARTNER, bot]
    )
    partners.shared_team_ids.update({emulator.team_id, PARTNER_TEAM})
    # private, neither the admin nor the manager is in it
    emulator.add_channel("finance", is_private=True, creator=MEMBER, members=[bot])
    # the guest's channel with the brand
    emulator.add_channel("agency", is_private=True, creator=MANAGER, members=[GUEST, bot])


async def build_scenario(world: World) -> Facts:
    """Campaign `spring` (manager Maya, member Mo, legal Lee; escalation channel #legal) with Ivy
    and Eve (external, through Slack Connect); campaign `autumn` (Maya) with Otto, who has not
    acknowledged yet. Ivy: BR-1 in mediation, BR-2 reported (critical), BR-3 with a proposed
    resolution; Otto: BR-4 reported. Ivy's deliverables: one planned, one submitted, one
    published with its checklist pending. Two reviews of Ivy: one unshared, one shared."""
    emu, slack = world.emulator, world.slack
    _workspace_setup(emu)
    await world.run(ADMIN, f"/campaign creators add <@{MANAGER}>")  # the creator right, where it exists
    legal = emu.channel_by_name("legal").id
    await create_campaign(world, MANAGER, "spring", "Spring Launch", legal)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    await world.invite(IVY, "spring")
    ivy_channel = emu.channel_by_name("cg-spring-ivy").id
    await slack.click(
        IVY, ivy_channel, world.guidelines_message(ivy_channel).ts, Action.ACKNOWLEDGE_GUIDELINES
    )
    await world.invite(people.EXTERNAL.email, "spring")
    eve = people.join_external(emu)
    eve_channel = next(c.id for c in emu.workspace.channels.values() if c.name.startswith("cg-spring-eve"))
    await slack.click(
        eve.id, eve_channel, world.guidelines_message(eve_channel).ts, Action.ACKNOWLEDGE_GUIDELINES
    )

    await create_campaign(world, MANAGER, "autumn", "Autumn Drop")
    await world.invite(OTTO, "autumn")
    otto_channel = emu.channel_by_name("cg-autumn-otto").id

    facts = Facts(
        users={
            "admin": ADMIN,
            "manager": MANAGER,
            "member": MEMBER,
            "legal": LEGAL,
            "ivy": IVY,
            "otto": OTTO,
            "eve": eve.id,
            "guest": GUEST,
            "partner": PARTNER,
        },
        channels={
            "ivy": ivy_channel,
            "eve": eve_channel,
            "otto": otto_channel,
            "legal": legal,
            "general": emu.channel_by_name("general").id,
            "lounge": emu.channel_by_name("lounge").id,
            "plaza": emu.channel_by_name("plaza").id,
            "partners": emu.channel_by_name("partners").id,
            "finance": emu.channel_by_name("finance").id,
            "agency": emu.channel_by_name("agency").id,
        },
        engagements={},
        otto_guidelines_ts=world.guidelines_message(otto_channel).ts,
        incidents={},
        cards={},
        deliverables={},
        deliverable_cards={},
        checks=[],
        checklist=("", ""),
        ivy_message_ts="",
    )
    for name in ("ivy", "eve", "otto"):
        engagement = await _one(world, Engagement, Engagement.channel_id == facts.channels[name])
        facts.engagements[name] = engagement.id

    # ---- incidents
    await _report(world, facts, MEMBER, "G1", BR1_TEXT, "Spring Launch · Ivy", "BR-1")
    await slack.click(IVY, ivy_channel, facts.cards["BR-1"], Action.INCIDENT_RESPOND)
    await _ok(
        await slack.submit_view(
            IVY, world.top_view(IVY).id, {Field.STATEMENT: {Field.STATEMENT: "Fixed it."}}
        ),
        "Ivy's response",
    )
    # the Respond form the table forges is one never sent: a form moves an incident only once
    await slack.click(IVY, ivy_channel, facts.cards["BR-1"], Action.INCIDENT_RESPOND)
    _keep(world, facts, "respond", IVY, Callback.INCIDENT_RESPOND)
    await _report(
        world, facts, MEMBER, "G6", "Insulted a customer.", "Spring Launch · Ivy", "BR-2", "critical"
    )
    await _report(world, facts, MANAGER, "G2", "A day late.", "Spring Launch · Ivy", "BR-3")
    await slack.click(MANAGER, ivy_channel, facts.cards["BR-3"], Action.INCIDENT_PROPOSE)
    await _ok(
        await slack.submit_view(
            MANAGER,
            world.top_view(MANAGER).id,
            {Field.OUTCOME: {Field.OUTCOME: "warning"}, Field.TERMS: {Field.TERMS: "A warning."}},
        ),
        "proposal on BR-3",
    )
    await _report(world, facts, MANAGER, "G2", BR4_TEXT, "Autumn Drop · Otto", "BR-4")

    # forms opened once by someone who may, kept for forged submissions by those who may not
    for move, action, callback in (
        ("propose", Action.INCIDENT_PROPOSE, Callback.INCIDENT_PROPOSE),
        ("escalate", Action.INCIDENT_ESCALATE, Callback.INCIDENT_ESCALATE),
        ("resolve", Action.INCIDENT_RESOLVE, Callback.INCIDENT_RESOLVE),
        ("dismiss", Action.INCIDENT_DISMISS, Callback.INCIDENT_DISMISS),
    ):
        await slack.click(MANAGER, ivy_channel, facts.cards["BR-1"], action)
        _keep(world, facts, move, MANAGER, callback)
    await slack.click(IVY, ivy_channel, facts.cards["BR-3"], Action.INCIDENT_DISPUTE)
    _keep(world, facts, "dispute", IVY, Callback.INCIDENT_DISPUTE)

    # ---- deliverables: planned, submitted, published (with its checklist)
    for key in ("planned", "submitted", "published"):
        await world.run(MANAGER, "/campaign deliverable spring")
        view = world.top_view(MANAGER)
        if key == "planned":
            facts.views["deliverable_new"] = copy.deepcopy(view)
        due = world.clock.now() + timedelta(days=3)
        await _ok(
            await slack.submit_view(
                MANAGER,
                view.id,
                {
                    Field.ENGAGEMENT: {Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Ivy")},
                    Field.TITLE: {Field.TITLE: f"Reel ({key})"},
                    Field.PLATFORM: {Field.PLATFORM: "instagram"},
                    Field.DUE: {Field.DUE: int(due.timestamp())},
                },
            ),
            f"deliverable {key}",
        )
        d = await _one(world, Deliverable, Deliverable.title == f"Reel ({key})")
        facts.deliverables[key], facts.deliverable_cards[key] = d.id, d.card_ts
    planned, card = facts.deliverables["planned"], facts.deliverable_cards["planned"]
    for action, callback, name in (
        (Action.DELIVERABLE_SUBMIT, Callback.DELIVERABLE_SUBMIT, "deliverable_submit"),
        (Action.DELIVERABLE_PUBLISH, Callback.DELIVERABLE_PUBLISH, "deliverable_publish"),
    ):
        await slack.click(IVY, ivy_channel, card, action, value=str(planned))
        _keep(world, facts, name, IVY, callback)
    await slack.click(MANAGER, ivy_channel, card, Action.DELIVERABLE_RESCHEDULE, value=str(planned))
    _keep(world, facts, "deliverable_reschedule", MANAGER, Callback.DELIVERABLE_RESCHEDULE)

    submitted = facts.deliverables["submitted"]
    await slack.click(
        IVY,
        ivy_channel,
        facts.deliverable_cards["submitted"],
        Action.DELIVERABLE_SUBMIT,
        value=str(submitted),
    )
    await _ok(
        await slack.submit_view(
            IVY, world.top_view(IVY).id, {Field.URL: {Field.URL: "https://drive.example/d/2"}}
        ),
        "submission",
    )
    published = facts.deliverables["published"]
    await slack.click(
        IVY,
        ivy_channel,
        facts.deliverable_cards["published"],
        Action.DELIVERABLE_PUBLISH,
        value=str(published),
    )
    await _ok(
        await slack.submit_view(
            IVY,
            world.top_view(IVY).id,
            {
                Field.URL: {Field.URL: "https://instagram.example/p/3"},
                Field.CAPTION: {Field.CAPTION: "Launch day!"},
            },
            check_required=False,
        ),
        "publication",
    )
    async with world.db.transaction() as s:
        facts.checks = list(
            (
                await s.exec(
                    select(ComplianceCheck.id)
                    .where(ComplianceCheck.deliverable_id == published)
                    .order_by(ComplianceCheck.id)
                )
            ).scalars()
        )
        d = await s.get(Deliverable, published)
        facts.checklist = (d.checklist_channel_id, d.checklist_ts)
    await slack.click(
        MANAGER, facts.checklist[0], facts.checklist[1], Action.CHECK_FAIL, value=str(facts.checks[0])
    )
    _keep(world, facts, "check_note", MANAGER, Callback.CHECK_NOTE)
    card = facts.deliverable_cards["submitted"]
    await slack.click(MANAGER, ivy_channel, card, Action.DELIVERABLE_REQUEST_CHANGES, value=str(submitted))
    _keep(world, facts, "deliverable_changes", MANAGER, Callback.DELIVERABLE_CHANGES)
    # the disclosure verdict Ivy was shown when she published (no #ad), with its "Edit caption" button
    verdict = next(
        m
        for m in reversed(emu.workspace.ephemeral_messages)
        if m.ephemeral_for == IVY and _has_button(m, Action.DELIVERABLE_EDIT_CAPTION, str(published))
    )
    facts.verdict = (verdict.channel, verdict.ts)
    await slack.click(IVY, verdict.channel, verdict.ts, Action.DELIVERABLE_EDIT_CAPTION, value=str(published))
    _keep(world, facts, "deliverable_caption", IVY, Callback.DELIVERABLE_CAPTION)

    # ---- reviews of Ivy: Maya's is not shared, Mo's is
    for reviewer, notes, options in ((MANAGER, UNSHARED_NOTE, []), (MEMBER, SHARED_NOTE, ["shared"])):
        await world.run(reviewer, "/review")
        view = world.top_view(reviewer)
        if reviewer == MANAGER:
            facts.views["review"] = copy.deepcopy(view)
        values = {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")},
            **{
                f: {f: "4"}
                for f in (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)
            },
            Field.WOULD_WORK_AGAIN: {Field.WOULD_WORK_AGAIN: "yes"},
            Field.NOTES: {Field.NOTES: notes},
        }
        if options:
            values[Field.REVIEW_OPTIONS] = {Field.REVIEW_OPTIONS: options}
        await _ok(await slack.submit_view(reviewer, view.id, values), f"review by {reviewer}")

    # ---- the remaining forms, and a message of Ivy's for the report shortcut
    await world.run(MANAGER, "/campaign new")
    _keep(world, facts, "campaign_new", MANAGER, Callback.CAMPAIGN_NEW)
    await world.run(MANAGER, "/campaign guidelines spring")
    _keep(world, facts, "guidelines", MANAGER, Callback.GUIDELINES_EDIT)
    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    await slack.click_in_view(
        MEMBER,
        view.id,
        Action.REPORT_ENGAGEMENT_CHOSEN,
        value=option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy"),
    )
    _keep(world, facts, "report", MEMBER, Callback.BREACH_REPORT)
    facts.ivy_message_ts = (await slack.post_message(IVY, ivy_channel, "Loving this campaign!")).ts
    return facts


def campaign_values(slug: str, name: str, escalation: str | None = None) -> dict[str, Any]:
    """What a person types in the campaign form, `{block_id: value}`."""
    values: dict[str, Any] = {
        Field.NAME: name,
        Field.SLUG: slug,
        Field.BRAND: "Acme",
        Field.START: "2027-03-01",
        Field.END: "2027-05-31",
        Field.MARKET: "US",
    }
    if escalation:
        values[Field.ESCALATION_CHANNEL] = escalation
    return values


async def create_campaign(
    world: World, user: str, slug: str, name: str, escalation: str | None = None
) -> None:
    await world.run(user, "/campaign new")
    view = world.top_view(user)
    assert view.callback_id == Callback.CAMPAIGN_NEW
    reply = await world.slack.submit_view(
        user, view.id, _typed(view, campaign_values(slug, name, escalation))
    )
    await _ok(reply, f"campaign {slug}")


async def _report(
    world: World,
    facts: Facts,
    user: str,
    clause: str,
    description: str,
    engagement: str,
    number: str,
    severity: str | None = None,
) -> None:
    from tests.e2e.harness import report

    reply = await report(
        world, user, clause=clause, description=description, engagement_label=engagement, severity=severity
    )
    await _ok(reply, f"report {number}")
    incident = await _one(world, Incident, Incident.number == int(number[3:]))
    facts.incidents[number], facts.cards[number] = incident.id, incident.card_ts


# ---------------------------------------------------------------------------------------------
# the table's world: the scenario once, put back before each cell


@dataclass
class Table:
    """A running bot and emulator holding the scenario, and how to put it back after a cell."""

    world: World
    facts: Facts
    workspace: Any  # the emulated workspace right after the scenario (a deep copy)
    database: dict[str, list[dict[str, Any]]]  # every row right after the scenario
    fingerprint: dict[str, list[str]]
    slack: dict[str, Any]  # slack_state of the workspace right after the scenario
    now: datetime
    #: SQLite: a copy of the database file right after the scenario (put back by copying it again)
    saved_file: Path | None = None
    dirty: bool = False
    #: The workspace once the reminders of the next eight days were sent (`after_reminders`).
    reminded: Any = None

    @classmethod
    async def capture(cls, world: World, facts: Facts, directory: Path) -> Table:
        await world.stack.settle()
        _prune(world.emulator)
        async with world.db.engine.connect() as conn:
            database = {
                t.name: [dict(r) for r in (await conn.execute(select(t))).mappings()]
                for t in metadata.sorted_tables
            }
        ws = world.emulator.workspace
        table = cls(world, facts, copy.deepcopy(ws), database, {}, slack_state(ws), world.clock.now())
        table.fingerprint = await table._rows()
        if world.db.dialect == "sqlite":
            table.saved_file = directory / "scenario.db"
            await world.db.dispose()  # every connection closed: the file holds everything
            shutil.copyfile(_sqlite_file(world), table.saved_file)
        return table

    async def reset(self) -> None:
        """The scenario's state again: the workspace always (a refusal still leaves ephemeral
        messages), the database when the last cell changed it."""
        world = self.world
        await world.stack.settle()
        live = world.emulator.workspace
        fresh = copy.deepcopy(self.workspace)
        live.__dict__.clear()
        live.__dict__.update(fresh.__dict__)  # in place: the emulator's references stay valid
        world.clock.set(self.now)
        for user_id in [*self.facts.users.values(), NORA]:
            world.stack.bot.services.directory.forget(user_id)
        if self.dirty:
            await self._put_back()
            self.dirty = False

    async def _put_back(self) -> None:
        world = self.world
        if self.saved_file is not None:
            await world.db.dispose()
            target = _sqlite_file(world)
            for suffix in ("-wal", "-shm"):  # none left once every connection closed; make sure
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{target}{suffix}")
            shutil.copyfile(self.saved_file, target)
            return
        async with world.db.engine.begin() as conn:
            for t in reversed(metadata.sorted_tables):
                await conn.execute(t.delete())
            for t in metadata.sorted_tables:
                if self.database[t.name]:
                    await conn.execute(t.insert(), self.database[t.name])

    async def _rows(self) -> dict[str, list[str]]:
        """Every row of every table as JSON, sorted, in one statement (the scenario's database is
        small): the `nothing written` check, which sees updates as well as inserts."""
        async with self.world.db.engine.connect() as conn:
            result = await conn.execute(text(_rows_sql(conn.dialect)))
            return {
                name: sorted(json.dumps(r) for r in json.loads(rows or "[]")) for name, rows in result.all()
            }

    async def rows(self) -> dict[str, list[str]]:
        """The rows now (a cell that prepared something compares with these, not the scenario's)."""
        self.dirty = True  # whatever was prepared is put back before the next cell
        return await self._rows()

    async def changed(
        self, since: dict[str, list[str]] | None = None
    ) -> dict[str, tuple[list[str], list[str]]]:
        """Tables whose rows differ from the scenario's (or `since`): {table: (rows gone, rows new)}.
        Marks the database dirty when any did."""
        now = await self._rows()
        diff = {}
        for name, rows in now.items():
            before = (since or self.fingerprint).get(name, [])
            if rows != before:
                diff[name] = ([r for r in before if r not in rows], [r for r in rows if r not in before])
        self.dirty = self.dirty or bool(diff)
        return diff

    async def after_reminders(self) -> Any:
        """The workspace after the dispatcher ran once a day for eight days from the scenario."""
        if self.reminded is None:
            await self.reset()
            for _ in range(8):
                self.world.clock.advance(timedelta(days=1))
                await self.world.stack.bot.dispatcher.tick()
                await self.world.stack.settle()
            self.reminded = copy.deepcopy(self.world.emulator.workspace)
            self.dirty = True
        return self.reminded


def _sqlite_file(world: World) -> str:
    return make_url(world.db.url).database


def _rows_sql(dialect) -> str:
    """`SELECT table name, JSON array of its rows` for every table, as one UNION ALL."""
    quote = dialect.identifier_preparer.quote
    parts = []
    for t in metadata.sorted_tables:
        columns = ", ".join(quote(c.name) for c in t.columns)
        rows = (
            f"json_group_array(json_array({columns}))"
            if dialect.name == "sqlite"
            else f"CAST(json_agg(json_build_array({columns})) AS TEXT)"
        )
        parts.append(f"SELECT '{t.name}' AS name, {rows} AS rows FROM {quote(t.name)}")
    return " UNION ALL ".join(parts)


def _prune(emulator: SlackEmulator) -> None:
    """Forget what no cell looks at again, so each cell's copy is cheap: the Web API calls made,
    triggers and response URLs issued, and views no longer shown (superseded App Homes)."""
    ws = emulator.workspace
    emulator.calls.clear()
    ws.triggers.clear()
    ws.response_urls.clear()
    shown = set(ws.home_views.values()) | {v for stack in ws.modal_stacks.values() for v in stack}
    for view_id in [v for v in ws.views if v not in shown]:
        del ws.views[view_id]


# ---------------------------------------------------------------------------------------------
# what changed, what a persona can read


def slack_state(ws: Any) -> dict[str, Any]:
    """What a refusal must leave alone in Slack: channels and their members, every message (new or
    edited), Slack Connect invites and files."""
    return {
        "members": {c.id: frozenset(c.members) for c in ws.channels.values()},
        "shared": {c.id: frozenset(c.shared_team_ids) for c in ws.channels.values()},
        "messages": {
            cid: [(m.ts, m.thread_ts, m.text, json.dumps(m.blocks, sort_keys=True)) for m in messages]
            for cid, messages in ws.messages.items()
        },
        "invites": len(ws.shared_invites),
        "files": {f.id: frozenset(f.channels) for f in ws.files.values()},
        # modals (home tabs are republished after many things: not a change of substance)
        "views": {
            v.id: (v.user_id, json.dumps(v.definition, sort_keys=True))
            for v in ws.views.values()
            if v.type != "home"
        },
    }


def readable(ws: Any, user_id: str) -> str:
    """Everything `user_id` can read in the workspace `ws`: channels and DMs they are in (threads
    included), their ephemeral messages, App Home, open modals and the files shared where they are."""
    parts: list[str] = []
    mine = {c.id for c in ws.channels.values() if user_id in c.members}
    for cid in mine:
        parts += [text_of(m) for m in ws.messages.get(cid, [])]
    parts += [text_of(m) for m in ws.ephemeral_messages if m.ephemeral_for == user_id]
    home = ws.home(user_id)
    if home is not None:
        parts.append(text_of({"blocks": home.blocks}))
    parts += [text_of({"blocks": v.blocks}) for v in ws.open_views(user_id)]
    for uploaded in ws.files.values():
        if mine.intersection(uploaded.channels) and uploaded.content:
            parts.append(uploaded.content.decode(errors="replace"))
    return "\n".join(parts)


def _told(ws: Any, user_id: str) -> list:
    """What the bot told `user_id`: their ephemeral messages, then their DM with the bot."""
    dm = [c.id for c in ws.channels.values() if c.is_im and c.im_user == user_id]
    return [m for m in ws.ephemeral_messages if m.ephemeral_for == user_id], [
        m for cid in dm for m in ws.messages.get(cid, [])
    ]


def told(ws: Any, user_id: str) -> tuple[int, int]:
    ephemeral, dm = _told(ws, user_id)
    return len(ephemeral), len(dm)


def said_since(ws: Any, user_id: str, before: tuple[int, int]) -> str:
    """What the bot told `user_id` since `before` (from `told`)."""
    ephemeral, dm = _told(ws, user_id)
    return "\n".join(text_of(m) for m in ephemeral[before[0] :] + dm[before[1] :])


# ---------------------------------------------------------------------------------------------
# attempts: honest where Slack would let the persona act, forged (signed) where it would not


def command_channel(emulator: SlackEmulator, facts: Facts, user_id: str) -> str | None:
    """Where a persona types commands: people of other organisations in a channel shared with them
    (they have no DM with an app of this workspace), everyone else in their DM with the bot."""
    if user_id == facts.users["eve"]:
        return facts.channels["eve"]
    if user_id == PARTNER:
        return facts.channels["partners"]
    return None


def _has_button(message, action_id: str, value: str | None) -> bool:
    return any(
        e.get("action_id") == action_id and (value is None or e.get("value") == value)
        for _, e in iter_elements(message.blocks)
    )


async def press(world: World, user_id: str, channel: str, ts: str, action_id: str, value: str) -> BotReply:
    """Press a button: a real click when the persona sees the message and its button, otherwise
    the same block_actions payload forged by hand."""
    emulator = world.emulator
    where = emulator.channel(channel)
    message = emulator.find_message(channel, ts)
    if user_id in where.members and _has_button(message, action_id, value):
        return await world.slack.click(user_id, channel, ts, action_id, value=value)
    return await forge_click(world, user_id, channel, ts, action_id, value)


async def ephemeral_click(
    world: World, user_id: str, channel: str | None, action_id: str, value: str
) -> BotReply:
    """A button of an ephemeral message the bot showed the persona (which Slack does not keep, so
    the payload carries no message), pressed with `value`."""
    ws = world.slack.ws
    where = world.emulator.channel(channel) if channel else ws.open_dm(user_id)
    message = Message(channel=where.id, ts=ws.ts_clock.next(), ephemeral_for=user_id)
    action = {"action_id": action_id, "block_id": "forged", "value": value, "type": "button"}
    action["action_ts"] = ws.ts_clock.next()
    target = ws.issue_response_url(where.id, user_id, message_ts=message.ts, is_ephemeral=True)
    payload = payloads.message_block_actions(
        ws,
        ws.users[user_id],
        where,
        message,
        action,
        state={},
        trigger_id=ws.issue_trigger(user_id),
        response_url=world.emulator.response_url(target),
    )
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


async def view_action(world: World, user_id: str, view: View, action_id: str, value: str) -> BotReply:
    """A select or button inside a modal: used when the persona has it open, forged otherwise."""
    if any(v.id == view.id for v in world.emulator.open_views(user_id)):
        return await world.slack.click_in_view(user_id, view.id, action_id, value=value)
    ws = world.slack.ws
    block = next(b for b, e in iter_elements(view.blocks) if e.get("action_id") == action_id)
    action = {
        "action_id": action_id,
        "block_id": block.get("block_id"),
        "type": "static_select",
        "selected_option": {"value": value},
        "action_ts": ws.ts_clock.next(),
    }
    payload = payloads.view_block_actions(
        ws, ws.users[user_id], view, action, trigger_id=ws.issue_trigger(user_id)
    )
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


async def shortcut(world: World, user_id: str, channel: str, ts: str, callback_id: str) -> BotReply:
    where = world.emulator.channel(channel)
    if user_id in where.members:
        return await world.slack.message_shortcut(user_id, channel, ts, callback_id)
    ws = world.slack.ws
    target = ws.issue_response_url(where.id, user_id)
    payload = payloads.message_shortcut(
        ws,
        ws.users[user_id],
        where,
        world.emulator.find_message(channel, ts),
        callback_id,
        trigger_id=ws.issue_trigger(user_id),
        response_url=world.emulator.response_url(target),
        action_ts=ws.ts_clock.next(),
    )
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


async def home_click(world: World, user_id: str, action_id: str, value: str | None = None) -> BotReply:
    """A button of the persona's App Home: clicked when their home shows it, forged otherwise."""
    await world.slack.open_home(user_id)
    empty = {"type": "home", "blocks": []}  # the bot published none: the click is forged from an empty home
    home = world.emulator.home(user_id) or View("V0NOHOME", "home", user_id, empty, hash="", root_view_id="")
    if any(
        e.get("action_id") == action_id and e.get("value") == value for _, e in iter_elements(home.blocks)
    ):
        return await world.slack.click_in_view(user_id, home.id, action_id, value=value)
    ws = world.slack.ws
    action = {"action_id": action_id, "block_id": "forged", "type": "button", "action_ts": ws.ts_clock.next()}
    if value is not None:
        action["value"] = value
    payload = payloads.view_block_actions(
        ws, ws.users[user_id], home, action, trigger_id=ws.issue_trigger(user_id)
    )
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


def _typed(view: View, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{block_id: value}` as submit_view wants it: `{block_id: {action_id: value}}`."""
    action_of = {b.get("block_id"): e.get("action_id") for b, e in iter_elements(view.blocks)}
    return {block: {action_of.get(block, block): value} for block, value in values.items()}


async def forge_form(world: World, user_id: str, view: View, values: dict[str, Any]) -> BotReply:
    """A signed view_submission of `view` with `values`, as `user_id`, who never opened it."""
    ws = world.slack.ws
    payload = payloads.view_submission(ws, ws.users[user_id], view, trigger_id=ws.issue_trigger(user_id))
    payload["view"]["state"] = {
        "values": state_values(view.blocks, view.state.get("values", {}), _typed(view, values))
    }
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


async def fill_or_forge(
    world: World,
    user_id: str,
    opened_before: list[str],
    callback_id: str,
    kept: View,
    values: dict[str, Any],
    *,
    forge: bool = False,
) -> tuple[bool, BotReply]:
    """Submit the form the persona's attempt opened, or, when none opened (or `forge`), forge it
    from `kept`. Returns (opened, reply)."""
    mine = [v for v in world.emulator.open_views(user_id) if v.id not in opened_before]
    view = next((v for v in reversed(mine) if v.callback_id == callback_id), None)
    if view is not None and not forge:
        reply = await world.slack.submit_view(user_id, view.id, _typed(view, values), check_required=False)
        return True, reply
    return False, await forge_form(world, user_id, kept, values)


async def status_of(world: World, incident_id: int) -> str:
    async with world.db.transaction() as s:
        return (await s.get(Incident, incident_id)).status


async def deliverable(world: World, deliverable_id: int) -> Deliverable:
    async with world.db.transaction() as s:
        return await s.get(Deliverable, deliverable_id)


async def check(world: World, check_id: int) -> ComplianceCheck:
    async with world.db.transaction() as s:
        return await s.get(ComplianceCheck, check_id)


async def influencer_of(world: World, user_id: str) -> Influencer | None:
    async with world.db.transaction() as s:
        return (await s.exec(select(Influencer).where(Influencer.slack_user_id == user_id))).scalars().first()
