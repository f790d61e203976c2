"""An id in a payload tells nobody whether it exists (docs/trust-boundaries.md, *What a payload
can't name*).

Someone with no part in a subject — not on its campaign's brand team, not its influencer, not a
workspace admin: Otto (an influencer of another campaign) or Pat (of another organisation, in a
channel shared with the brand) — forges every button and form that names an incident, a
deliverable, a compliance check, an engagement or a campaign, once with the id of a real one and
once with an id that never existed. Both answers must be the same, byte for byte: the ephemeral
message or DM, the HTTP answer (a form's field error), what the bot opened, and nothing written.
People who know of the subject (its influencer, the brand team) still hear who may act.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from bot.ids import Action, Callback, Field
from bot.views.incidents import MOVE_OF_ACTION
from playground import people
from playground.emulator import BotReply
from storage.models import Campaign, ComplianceCheck, Deliverable, Engagement, Incident
from tests.e2e.boundaries_helpers import home_click
from tests.e2e.forgery import form_state, interaction
from tests.e2e.harness import (
    IVY,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    forge_click,
    report,
    set_up_team,
)

PAT = people.PARTNER.user_id  # of another organisation: in Slack Connect channels only
STRANGERS = (OTTO, PAT)
MISSING = 987654  # an id no row has, of any kind

INCIDENT_GONE = "That incident no longer exists."
DELIVERABLE_GONE = "That deliverable no longer exists."
CHECK_GONE = "That compliance check no longer exists."
ENGAGEMENT_GONE = "That engagement no longer exists."
CAMPAIGN_GONE = "That campaign no longer exists."


@dataclass
class Scene:
    channel: str  # Ivy's shared channel, where the forged clicks come from
    card_ts: str  # BR-1's card
    incident: int
    number: int
    deliverable: int  # published, its checklist pending
    check: int
    engagement: int  # Ivy's, on spring
    campaign: int  # spring
    version: int  # of spring's guidelines


async def _scene(world: World) -> Scene:
    """Spring (Maya, Mo, Lee) with Ivy: BR-1 reported, a deliverable she published (its checklist
    pending). Autumn with Otto, who is on no team and has nothing to do with spring."""
    channel = await set_up_team(world)
    await world.new_campaign("autumn", **{Field.NAME: "Autumn Drop"})
    await world.invite(OTTO, "autumn")
    reply = await report(world)
    assert reply.ok and not reply.body, reply.body
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    due = world.clock.now() + timedelta(days=3)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: view.blocks[1]["element"]["options"][0]["value"]},
            Field.TITLE: {Field.TITLE: "Launch reel"},
            Field.PLATFORM: {Field.PLATFORM: "instagram"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body, reply.body
    async with world.db.transaction() as s:
        d = (await s.exec(select(Deliverable))).scalars().one()
    await world.slack.click(IVY, channel, d.card_ts, Action.DELIVERABLE_PUBLISH, value=str(d.id))
    reply = await world.slack.submit_view(
        IVY,
        world.top_view(IVY).id,
        {
            Field.URL: {Field.URL: "https://instagram.example/p/3"},
            Field.CAPTION: {Field.CAPTION: "Launch day! #ad"},
        },
        check_required=False,
    )
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalars().one()
        check = (await s.exec(select(ComplianceCheck).order_by(ComplianceCheck.id))).scalars().first()
        engagement = (
            (await s.exec(select(Engagement).where(Engagement.channel_id == channel))).scalars().one()
        )
        spring = (await s.exec(select(Campaign).where(Campaign.slug == "spring"))).scalars().one()
    return Scene(
        channel=channel,
        card_ts=card_of(world, channel).ts,
        incident=incident.id,
        number=incident.number,
        deliverable=d.id,
        check=check.id,
        engagement=engagement.id,
        campaign=spring.id,
        version=spring.guidelines_version,
    )


# ---------------------------------------------------------------------------------------------
# one forged attempt, and what it answered


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str  # the HTTP answer (a form's `response_action`), as JSON
    told: tuple[tuple[str, str], ...]  # new ephemeral messages and DMs: (text, blocks)
    opened: tuple[str, ...]  # modals the attempt opened (their callback ids)

    def said(self) -> str:
        return "\n".join(text for text, _ in self.told) + "\n" + self.body


def _told(world: World, user: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every ephemeral message the user got, and every message of their DM with the bot."""
    ws = world.emulator.workspace
    dm = [c.id for c in ws.channels.values() if c.is_im and c.im_user == user]
    ephemeral = [m for m in ws.ephemeral_messages if m.ephemeral_for == user]
    direct = [m for cid in dm for m in ws.messages.get(cid, [])]
    return tuple(
        [(m.text or "", json.dumps(m.blocks, sort_keys=True)) for m in found] for found in (ephemeral, direct)
    )


async def _attempt(world: World, user: str, send) -> Answer:
    """Run one forged attempt as `user`: what they were told, and that it wrote nothing."""
    told_before = _told(world, user)
    views_before = {v.id for v in world.emulator.open_views(user)}
    rows_before = await world.row_counts()
    reply: BotReply = await send()
    await world.stack.settle()
    told_after = _told(world, user)
    assert await world.row_counts() == rows_before, "a refused forgery wrote something"
    opened = tuple(v.callback_id for v in world.emulator.open_views(user) if v.id not in views_before)
    body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body, sort_keys=True)
    told = [m for before, after in zip(told_before, told_after, strict=True) for m in after[len(before) :]]
    return Answer(reply.status, body or "", tuple(told), opened)


def click(world: World, scene: Scene, user: str, action_id: str, value: str):
    return lambda: forge_click(world, user, scene.channel, scene.card_ts, action_id, value)


def submit(world: World, user: str, callback_id: str, metadata: dict[str, Any], state: dict | None = None):
    """A signed view_submission of a form the user never opened: `metadata` as the bot writes it."""
    ws = world.slack.ws

    async def send() -> BotReply:
        view = {
            "id": ws.ids.new("V"),
            "team_id": ws.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": json.dumps(metadata),
            "callback_id": callback_id,
            "state": {"values": form_state() if state is None else state},
            "hash": "1700000000.abcdef",
            "title": {"type": "plain_text", "text": "Form"},
            "previous_view_id": None,
            "root_view_id": None,
            "app_id": ws.app_id,
            "external_id": "",
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        }
        payload = interaction(
            ws,
            "view_submission",
            ws.users[user],
            trigger_id=ws.issue_trigger(user),
            view=view,
            response_urls=[],
        )
        return await world.slack.send_raw(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    return send


async def _compare(world: World, user: str, name: str, real, missing, gone: str, problems: list[str]) -> None:
    """`real` (a real id) and `missing` (one that never was) must answer `user` alike, and as gone."""
    a, b = await _attempt(world, user, real), await _attempt(world, user, missing)
    if a != b:
        problems.append(
            f"{name} as {user}: real id {a.said()!r} {a.opened}; missing id {b.said()!r} {b.opened}"
        )
    elif gone not in b.said():
        problems.append(f"{name} as {user}: not the answer for a missing id: {b.said()!r}")


# ---------------------------------------------------------------------------------------------
# a stranger: the same answer for a real id and a missing one


async def test_incident_buttons_tell_a_stranger_nothing(world: World):
    """Every card button, pressed by hand on BR-1 and on an incident that never was."""
    scene, problems = await _scene(world), []
    for user in STRANGERS:
        for action_id in MOVE_OF_ACTION:
            real = click(world, scene, user, action_id, str(scene.incident))
            missing = click(world, scene, user, action_id, str(MISSING))
            await _compare(world, user, action_id, real, missing, INCIDENT_GONE, problems)
    assert not problems, "\n".join(problems)


async def test_incident_forms_tell_a_stranger_nothing(world: World):
    """Every lifecycle form, submitted by hand for BR-1 and for an incident that never was: filled
    in, and empty (a missing incident is not answered with field errors first)."""
    scene, problems = await _scene(world), []
    forms = (
        Callback.INCIDENT_RESPOND,
        Callback.INCIDENT_PROPOSE,
        Callback.INCIDENT_RESOLVE,
        Callback.INCIDENT_DISMISS,
        Callback.INCIDENT_DISPUTE,
        Callback.INCIDENT_ESCALATE,
    )
    for user in STRANGERS:
        for callback_id in forms:
            for state in (None, {}):
                real = submit(world, user, callback_id, {"incident_id": scene.incident}, state)
                missing = submit(world, user, callback_id, {"incident_id": MISSING}, state)
                name = f"{callback_id} ({'empty' if state == {} else 'filled in'})"
                await _compare(world, user, name, real, missing, INCIDENT_GONE, problems)
    assert not problems, "\n".join(problems)


DELIVERABLE_BUTTONS = (
    Action.DELIVERABLE_SUBMIT,
    Action.DELIVERABLE_PUBLISH,
    Action.DELIVERABLE_APPROVE,
    Action.DELIVERABLE_CANCEL,
    Action.DELIVERABLE_RESCHEDULE,
    Action.DELIVERABLE_REQUEST_CHANGES,
    Action.DELIVERABLE_EDIT_CAPTION,
    Action.CHECKLIST_OPEN,
)
DELIVERABLE_FORMS = (
    Callback.DELIVERABLE_SUBMIT,
    Callback.DELIVERABLE_PUBLISH,
    Callback.DELIVERABLE_RESCHEDULE,
    Callback.DELIVERABLE_CHANGES,
    Callback.DELIVERABLE_CAPTION,
)


async def test_deliverable_buttons_and_forms_tell_a_stranger_nothing(world: World):
    scene, problems = await _scene(world), []
    for user in STRANGERS:
        for action_id in DELIVERABLE_BUTTONS:
            real = click(world, scene, user, action_id, str(scene.deliverable))
            missing = click(world, scene, user, action_id, str(MISSING))
            await _compare(world, user, action_id, real, missing, DELIVERABLE_GONE, problems)
        for callback_id in DELIVERABLE_FORMS:
            real = submit(world, user, callback_id, {"deliverable_id": scene.deliverable})
            missing = submit(world, user, callback_id, {"deliverable_id": MISSING})
            await _compare(world, user, callback_id, real, missing, DELIVERABLE_GONE, problems)
    assert not problems, "\n".join(problems)


async def test_compliance_decisions_tell_a_stranger_nothing(world: World):
    scene, problems = await _scene(world), []
    for user in STRANGERS:
        for action_id in (Action.CHECK_PASS, Action.CHECK_FAIL, Action.CHECK_WAIVE):
            real = click(world, scene, user, action_id, str(scene.check))
            missing = click(world, scene, user, action_id, str(MISSING))
            await _compare(world, user, action_id, real, missing, CHECK_GONE, problems)
        for decision in ("failed", "waived"):
            real = submit(world, user, Callback.CHECK_NOTE, {"check_id": scene.check, "decision": decision})
            missing = submit(world, user, Callback.CHECK_NOTE, {"check_id": MISSING, "decision": decision})
            await _compare(world, user, f"note form ({decision})", real, missing, CHECK_GONE, problems)
    assert not problems, "\n".join(problems)


async def test_engagements_and_campaigns_tell_a_stranger_nothing(world: World):
    """Acknowledging someone's guidelines, a review-due reminder's "Log review", the review form,
    and the forms that name a campaign (guidelines, a new deliverable)."""
    scene, problems = await _scene(world), []
    for user in STRANGERS:
        real = click(world, scene, user, Action.ACKNOWLEDGE_GUIDELINES, f"{scene.engagement}:{scene.version}")
        missing = click(world, scene, user, Action.ACKNOWLEDGE_GUIDELINES, f"{MISSING}:{scene.version}")
        await _compare(world, user, "acknowledge", real, missing, ENGAGEMENT_GONE, problems)
        if user == PAT:  # influencers are refused reviews whatever they name (Otto: the same refusal)
            real = click(world, scene, user, Action.LOG_REVIEW, str(scene.engagement))
            missing = click(world, scene, user, Action.LOG_REVIEW, str(MISSING))
            await _compare(world, user, "log review", real, missing, ENGAGEMENT_GONE, problems)
        engagement = {Field.ENGAGEMENT: {Field.ENGAGEMENT: _selected(scene.engagement)}}
        review = form_state() | engagement
        gone_review = form_state() | {Field.ENGAGEMENT: {Field.ENGAGEMENT: _selected(MISSING)}}
        real, missing = (
            submit(world, user, Callback.REVIEW_LOG, {}, review),
            submit(world, user, Callback.REVIEW_LOG, {}, gone_review),
        )
        await _compare(world, user, "review form", real, missing, "Pick an influencer", problems)
        meta = {"campaign_id": scene.campaign, "version": scene.version}
        real = submit(world, user, Callback.GUIDELINES_EDIT, meta)
        missing = submit(world, user, Callback.GUIDELINES_EDIT, meta | {"campaign_id": MISSING})
        await _compare(world, user, "guidelines form", real, missing, CAMPAIGN_GONE, problems)
        state = form_state() | engagement
        real = submit(world, user, Callback.DELIVERABLE_NEW, {"campaign_id": scene.campaign}, state)
        missing = submit(world, user, Callback.DELIVERABLE_NEW, {"campaign_id": MISSING}, state)
        await _compare(world, user, "new deliverable form", real, missing, CAMPAIGN_GONE, problems)
    assert not problems, "\n".join(problems)


async def test_the_report_form_tells_a_stranger_nothing(world: World):
    """A breach report submitted by hand on Ivy's engagement and on one that never was."""
    scene, problems = await _scene(world), []
    occurred = {"type": "datetimepicker", "selected_date_time": int(world.clock.now().timestamp()) - 3600}
    for user in STRANGERS:
        real, missing = (
            submit(
                world,
                user,
                Callback.BREACH_REPORT,
                {},
                form_state()
                | {
                    Field.ENGAGEMENT: {Action.REPORT_ENGAGEMENT_CHOSEN: _selected(engagement)},
                    Field.OCCURRED_AT: {Field.OCCURRED_AT: occurred},
                },
            )
            for engagement in (scene.engagement, MISSING)
        )
        await _compare(world, user, "report form", real, missing, ENGAGEMENT_GONE, problems)
    assert not problems, "\n".join(problems)


def _selected(engagement_id: int) -> dict[str, Any]:
    value = str(engagement_id)
    return {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


async def test_post_card_again_tells_a_stranger_nothing(world: World):
    """The buttons of the DM that says Slack refused a card (an incident's, a deliverable's)."""
    scene, problems = await _scene(world), []
    for user in STRANGERS:
        for action_id, real_id, gone in (
            (Action.INCIDENT_POST_CARD, scene.incident, INCIDENT_GONE),
            (Action.DELIVERABLE_POST_CARD, scene.deliverable, DELIVERABLE_GONE),
        ):
            real = click(world, scene, user, action_id, str(real_id))
            missing = click(world, scene, user, action_id, str(MISSING))
            await _compare(world, user, action_id, real, missing, gone, problems)
    assert not problems, "\n".join(problems)


async def test_app_home_open_tells_a_stranger_nothing(world: World):
    """A home line's "Open", forged with BR-1's number and one no incident has: the answers differ
    only by the number the stranger typed."""
    scene, problems = await _scene(world), []
    missing_number = scene.number + 500
    for user in STRANGERS:
        a = await _attempt(
            world, user, lambda u=user: home_click(world, u, Action.HOME_OPEN_INCIDENT, str(scene.number))
        )
        b = await _attempt(
            world, user, lambda u=user: home_click(world, u, Action.HOME_OPEN_INCIDENT, str(missing_number))
        )
        same = b.said().replace(f"BR-{missing_number}", f"BR-{scene.number}")
        if a.said() != same or a.opened != b.opened or a.status != b.status:
            problems.append(f"home open as {user}: {a.said()!r} {a.opened}; {b.said()!r} {b.opened}")
        elif "that you can see" not in a.said():
            problems.append(f"home open as {user}: {a.said()!r}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# someone who knows of it: still told who may


async def test_whoever_knows_the_subject_still_hears_who_may(world: World):
    """The incident's influencer, the brand team: they know the subject exists, and hear who may."""
    scene = await _scene(world)
    incident, deliverable = str(scene.incident), str(scene.deliverable)
    presses = (
        (MANAGER, Action.INCIDENT_ACCEPT, incident, "the influencer BR-1 is about, can accept"),
        (IVY, Action.INCIDENT_RESOLVE, incident, "can resolve this incident"),
        (IVY, Action.INCIDENT_POST_CARD, incident, "can post a card again"),
        (MEMBER, Action.DELIVERABLE_CANCEL, deliverable, "can cancel deliverables"),
        (MEMBER, Action.DELIVERABLE_SUBMIT, deliverable, "of this deliverable can mark it submitted"),
        (IVY, Action.DELIVERABLE_APPROVE, deliverable, "can approve deliverables"),
        (IVY, Action.DELIVERABLE_POST_CARD, deliverable, "can post a card again"),
        (IVY, Action.CHECK_PASS, str(scene.check), "can run compliance checks"),
        (
            MEMBER,
            Action.ACKNOWLEDGE_GUIDELINES,
            f"{scene.engagement}:{scene.version}",
            "Only the influencer these guidelines are addressed to",
        ),
    )
    wrong = []
    for user, action_id, value, expected in presses:
        answer = await _attempt(world, user, click(world, scene, user, action_id, value))
        if expected not in answer.said():
            wrong.append(f"{action_id} as {user}: {answer.said()!r}")
    forms = (
        (IVY, Callback.INCIDENT_RESOLVE, {"incident_id": scene.incident}, "can resolve this incident"),
        (MEMBER, Callback.DELIVERABLE_SUBMIT, {"deliverable_id": scene.deliverable}, "can mark it submitted"),
        (IVY, Callback.CHECK_NOTE, {"check_id": scene.check, "decision": "failed"}, "run compliance checks"),
        (
            IVY,
            Callback.GUIDELINES_EDIT,
            {"campaign_id": scene.campaign, "version": scene.version},
            "can edit the guidelines",
        ),
    )
    for user, callback_id, metadata, expected in forms:
        answer = await _attempt(world, user, submit(world, user, callback_id, metadata))
        if expected not in answer.said():
            wrong.append(f"{callback_id} as {user}: {answer.said()!r}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------------------------
# another workspace: its people name this one's ids


async def test_another_workspace_learns_nothing_of_this_ones_ids(database_url):
    """Two workspaces on one deployment (OAuth): Globex's manager, on Globex's own campaign, forges
    Acme's ids in Globex. They answer as ids that never were."""
    from tests.e2e.test_oauth import two_brands

    async for acme, globex in two_brands(database_url):
        scene = await _scene(acme)
        own = await set_up_team(globex)  # Globex's manager is a manager, of Globex's campaign
        theirs = Scene(**{**scene.__dict__, "channel": own, "card_ts": globex.guidelines_message(own).ts})
        problems: list[str] = []
        for action_id, real_id, gone in (
            (Action.INCIDENT_RESOLVE, scene.incident, INCIDENT_GONE),
            (Action.DELIVERABLE_APPROVE, scene.deliverable, DELIVERABLE_GONE),
            (Action.CHECK_PASS, scene.check, CHECK_GONE),
            (Action.INCIDENT_POST_CARD, scene.incident, INCIDENT_GONE),
        ):
            real = click(globex, theirs, MANAGER, action_id, str(real_id))
            missing = click(globex, theirs, MANAGER, action_id, str(MISSING))
            await _compare(globex, MANAGER, action_id, real, missing, gone, problems)
        real = submit(globex, MANAGER, Callback.INCIDENT_RESOLVE, {"incident_id": scene.incident})
        missing = submit(globex, MANAGER, Callback.INCIDENT_RESOLVE, {"incident_id": MISSING})
        await _compare(globex, MANAGER, "resolve form", real, missing, INCIDENT_GONE, problems)
        assert not problems, "\n".join(problems)
