"""Input hardening end to end: odd ids in forged clicks and submissions, other apps in a mediation
thread, and user text echoed back in ephemeral answers."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import messages
from bot.ids import Action, Callback, Field
from playground.emulator import View, payloads
from storage.models import Incident, IncidentEvent
from tests.e2e.harness import (
    ADMIN,
    IVY,
    MANAGER,
    MEMBER,
    World,
    card_of,
    forge_click,
    option_value,
    report,
    set_up_team,
)
from tests.e2e.test_deliverables import published, setup

#: Ids a forger may put in a button value, a selected option or form metadata. With a row of id 1
#: in every table, a lax parser either crashes ("²" passes `isdigit()`, then `int()` raises), reads
#: another id (Arabic-Indic "1" is 1, "01" is 1), or overflows the database (40 digits, 2**31).
ODD_IDS = ["²", "١", "٣", "0", "-1", " 1", "1 ", "01", "9" * 40, str(2**31), "1.0", ""]


@pytest.fixture
def errors_logged(caplog):
    """Every ERROR line the bot logs during the test (an unexpected exception logs one)."""
    caplog.set_level(logging.ERROR)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


async def _forged_clicks_answer(
    world: World, user: str, channel: str, ts: str, action_id: str, values: list[str], expected: str
) -> None:
    before = await world.row_counts()
    modals = len(world.emulator.open_views(user))
    for value in values:
        reply = await forge_click(world, user, channel, ts, action_id, value)
        assert reply.status == 200, (action_id, value, reply.status)
        assert world.said_to(user) == expected, (action_id, value)
    assert await world.row_counts() == before, action_id
    assert len(world.emulator.open_views(user)) == modals, action_id


# ---------------------------------------------------------------------------------------------
# odd ids in button values


async def test_odd_ids_on_incident_and_guideline_buttons_are_not_found(world: World, errors_logged):
    channel = await set_up_team(world)
    await report(world)  # incident 1, engagement 1: a lax parser would act on them
    card = card_of(world, channel).ts
    for user, action_id in (
        (IVY, Action.INCIDENT_ACKNOWLEDGE),  # a move made at once
        (IVY, Action.INCIDENT_RESPOND),  # a move that opens a form
        (MEMBER, Action.INCIDENT_ESCALATE),
    ):
        await _forged_clicks_answer(
            world, user, channel, card, action_id, ODD_IDS, "That incident no longer exists."
        )
    guidelines = world.guidelines_message(channel).ts
    values = [f"{odd}:1" for odd in ODD_IDS] + [f"1:{odd}" for odd in ODD_IDS] + ["1", "١:١", "1:1:1"]
    await _forged_clicks_answer(
        world,
        IVY,
        channel,
        guidelines,
        Action.ACKNOWLEDGE_GUIDELINES,
        values,
        "That engagement no longer exists.",
    )
    await _forged_clicks_answer(
        world,
        MANAGER,
        channel,
        card,
        Action.LOG_REVIEW,
        [v for v in ODD_IDS if v],  # an empty value is App Home's button: the form without prefill
        "That engagement no longer exists.",
    )
    assert errors_logged() == []


async def test_odd_ids_on_deliverable_and_checklist_buttons_are_not_found(world: World, errors_logged):
    d, channel = await published(world)  # deliverable 1, compliance checks 1 to 5
    for user, action_id in (
        (IVY, Action.DELIVERABLE_SUBMIT),
        (IVY, Action.DELIVERABLE_PUBLISH),
        (MANAGER, Action.DELIVERABLE_APPROVE),
        (MANAGER, Action.DELIVERABLE_CANCEL),
        (MANAGER, Action.DELIVERABLE_RESCHEDULE),
    ):
        await _forged_clicks_answer(
            world, user, channel, d.card_ts, action_id, ODD_IDS, "That deliverable no longer exists."
        )
    for action_id in (Action.CHECK_PASS, Action.CHECK_FAIL, Action.CHECK_WAIVE):
        await _forged_clicks_answer(
            world, MANAGER, channel, d.card_ts, action_id, ODD_IDS, "That compliance check no longer exists."
        )
    assert errors_logged() == []


async def test_an_odd_engagement_in_a_report_button_opens_the_form_without_prefill(world: World):
    channel = await set_up_team(world)
    for engagement in (2**40, "١", True, -1):
        value = json.dumps({"engagement_id": engagement, "evidence": ["https://x.example/1"]})
        message = world.guidelines_message(channel).ts
        reply = await forge_click(world, MEMBER, channel, message, Action.REPORT_BREACH_PREFILLED, value)
        assert reply.status == 200
        view = world.top_view(MEMBER)
        assert view.callback_id == Callback.BREACH_REPORT
        block = next(b for b in view.blocks if b.get("block_id") == Field.ENGAGEMENT)
        assert "initial_option" not in block["element"], engagement


# ---------------------------------------------------------------------------------------------
# odd ids in submitted forms


def _select(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def _with_metadata(view: View, metadata: dict[str, Any]) -> View:
    return dataclasses.replace(view, definition={**view.definition, "private_metadata": json.dumps(metadata)})


def _field_errors(reply) -> dict[str, str]:
    assert reply.status == 200, reply.status
    assert isinstance(reply.body, dict) and reply.body.get("response_action") == "errors", reply.body
    return reply.body["errors"]


async def test_odd_ids_in_the_report_and_review_forms_write_nothing(world: World, errors_logged):
    await set_up_team(world)
    before = await world.row_counts()

    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    await world.slack.click_in_view(MEMBER, view.id, Action.REPORT_ENGAGEMENT_CHOSEN, value=engagement)
    view = world.top_view(MEMBER)
    clause = option_value(view, Field.GUIDELINE, "G1 ")
    base = {
        Field.ENGAGEMENT: _select(engagement),
        Field.GUIDELINE: _select(clause),
        Field.DESCRIPTION: {"type": "plain_text_input", "value": "Posted without #ad."},
        Field.OCCURRED_AT: {
            "type": "datetimepicker",
            "selected_date_time": int((world.clock.now() - timedelta(hours=1)).timestamp()),
        },
    }
    for odd in ODD_IDS:
        errors = _field_errors(
            await world.forge_submission(MEMBER, view, {**base, Field.ENGAGEMENT: _select(odd)})
        )
        assert errors == {Field.ENGAGEMENT: "Pick the campaign and influencer."}, odd
        errors = _field_errors(
            await world.forge_submission(MEMBER, view, {**base, Field.GUIDELINE: _select(odd)})
        )
        assert errors == {Field.GUIDELINE: "Pick the clause that was breached."}, odd

    await world.run(MANAGER, "/review")
    view = world.top_view(MANAGER)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    radio = {"type": "radio_buttons", "selected_option": {"value": "4"}}
    base = {
        Field.ENGAGEMENT: _select(engagement),
        Field.PERIOD_START: {"type": "datepicker", "selected_date": "2027-02-26"},
        Field.PERIOD_END: {"type": "datepicker", "selected_date": "2027-03-01"},
        Field.CONDUCT: radio,
        Field.COMMUNICATION: radio,
        Field.TIMELINESS: radio,
        Field.CONTENT_QUALITY: radio,
        Field.WOULD_WORK_AGAIN: {"type": "radio_buttons", "selected_option": {"value": "yes"}},
    }
    for odd in ODD_IDS:
        errors = _field_errors(
            await world.forge_submission(MANAGER, view, {**base, Field.ENGAGEMENT: _select(odd)})
        )
        assert errors == {Field.ENGAGEMENT: "Pick an influencer on a campaign where you can log reviews."}, (
            odd
        )
        rating = {"type": "radio_buttons", "selected_option": {"value": odd}}
        errors = _field_errors(await world.forge_submission(MANAGER, view, {**base, Field.CONDUCT: rating}))
        assert errors == {Field.CONDUCT: "Rate conduct from 1 to 5."}, odd

    assert await world.row_counts() == before
    assert errors_logged() == []


async def test_odd_ids_in_lifecycle_forms_write_nothing(world: World, errors_logged):
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel).ts
    before, status = await world.row_counts(), (await _incident(world)).status

    await world.slack.click(IVY, channel, card, Action.INCIDENT_RESPOND)
    respond = world.top_view(IVY)
    statement = {Field.STATEMENT: {"type": "plain_text_input", "value": "My side."}}
    for odd in [*ODD_IDS, 2**31, 2**80, -1, 0, True, None]:
        forged = _with_metadata(respond, {"incident_id": odd})
        errors = _field_errors(await world.forge_submission(IVY, forged, statement))
        assert list(errors.values()) == ["That incident no longer exists."], odd

    await world.slack.click(MANAGER, channel, card, Action.INCIDENT_RESOLVE)
    resolve = world.top_view(MANAGER)
    for odd in [v for v in ODD_IDS if v != "0"]:  # 0 strikes is a count, not an id
        values = {Field.OUTCOME: _select("warning"), Field.STRIKES: _select(odd)}
        errors = _field_errors(await world.forge_submission(MANAGER, resolve, values))
        assert errors.get(Field.STRIKES, "").startswith("Strikes go from 0 to"), odd

    assert await world.row_counts() == before
    assert (await _incident(world)).status == status
    assert errors_logged() == []


async def test_odd_ids_in_deliverable_forms_write_nothing(world: World, errors_logged):
    d, channel = await setup(world)  # deliverable 1, planned
    before = await world.row_counts()

    await world.slack.click(MANAGER, channel, d.card_ts, Action.DELIVERABLE_RESCHEDULE, value=str(d.id))
    reschedule = world.top_view(MANAGER)
    due = {
        Field.DUE: {
            "type": "datetimepicker",
            "selected_date_time": int(world.clock.now().timestamp()) + 86400,
        }
    }
    for odd in [*ODD_IDS, 2**31, 2**80]:
        forged = _with_metadata(reschedule, {"deliverable_id": odd})
        errors = _field_errors(await world.forge_submission(MANAGER, forged, due))
        assert list(errors.values()) == ["That deliverable no longer exists."], odd

    await world.run(MANAGER, "/campaign deliverable spring")
    new = world.top_view(MANAGER)
    engagement = new.blocks[1]["element"]["options"][0]["value"]
    values = {
        Field.ENGAGEMENT: _select(engagement),
        Field.TITLE: {"type": "plain_text_input", "value": "Story"},
        Field.PLATFORM: _select("instagram"),
        **due,
    }
    for odd in ODD_IDS:
        errors = _field_errors(
            await world.forge_submission(MANAGER, new, {**values, Field.ENGAGEMENT: _select(odd)})
        )
        assert errors == {Field.ENGAGEMENT: "Pick an influencer of this campaign."}, odd

    assert await world.row_counts() == before
    assert errors_logged() == []


async def _incident(world: World) -> Incident:
    async with world.db.transaction() as s:
        return (await s.exec(select(Incident))).scalars().one()


# ---------------------------------------------------------------------------------------------
# other apps in a mediation thread


async def _app_posts(world: World, channel: str, thread_ts: str, text: str, **fields: Any) -> None:
    """A message in a thread and the `message` event Slack delivers for it, with `fields` (`user`,
    `bot_id`, `app_id`, `bot_profile`, `subtype`) as an app's message carries them."""
    ws, where = world.slack.ws, world.emulator.channel(channel)
    message = ws.post(
        where,
        thread_ts=thread_ts,
        user=fields.get("user"),
        bot_id=fields.get("bot_id") or (fields.get("bot_profile") or {}).get("id"),
        app_id=fields.get("app_id") or (fields.get("bot_profile") or {}).get("app_id"),
        text=text,
    )
    event: dict[str, Any] = {
        "type": "message",
        "text": text,
        "ts": message.ts,
        "thread_ts": message.thread_ts,
        "team": ws.team_id,
        "channel": where.id,
        "event_ts": message.ts,
        "channel_type": where.channel_type,
        **fields,
    }
    envelope = payloads.event_envelope(
        ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()), channel=where
    )
    reply = await world.slack.send_raw(json.dumps(envelope), "application/json")
    assert reply.status == 200, reply.status


def _profile(bot_id: str, app_id: str) -> dict[str, Any]:
    return {"id": bot_id, "app_id": app_id, "name": "other-app", "deleted": False, "team_id": "T0CAMPAIGN"}


async def test_other_apps_in_the_thread_are_not_the_influencers_reply(world: World):
    """Ignored, not recorded: an app's message is neither side's statement, and never counts as
    the influencer's response, so the cure period runs out and the incident escalates."""
    channel = await set_up_team(world)
    await report(world, clause="G2")  # moderate: escalates only when the cure period runs out
    thread = card_of(world, channel).ts
    other_bot = world.slack.ws.add_user("other-app", is_bot=True, bot_id="B0OTHER").id

    # an app with its own bot user: `bot_id` and `bot_profile`, no subtype (Slack's own sample)
    other = _profile("B0OTHER", "A0OTHER")
    await _app_posts(
        world, channel, thread, "3 tasks due", user=other_bot, bot_id="B0OTHER", bot_profile=other
    )
    # an app posting with the influencer's own token: her user id, and the app's marks
    await _app_posts(
        world, channel, thread, "Sorry, fixed it!", user=IVY, bot_id="B0OTHER", bot_profile=other
    )
    await _app_posts(world, channel, thread, "Sorry, fixed it!", user=IVY, bot_id="B0OTHER")
    await _app_posts(world, channel, thread, "Sorry, fixed it!", user=IVY, app_id="A0OTHER")
    await _app_posts(world, channel, thread, "Sorry, fixed it!", user=IVY, bot_profile=other)
    # a legacy integration or a webhook: subtype bot_message, no user
    await _app_posts(world, channel, thread, "Build passed", subtype="bot_message", bot_id="B0HOOK")
    # this bot's own message in the thread
    bot = world.emulator.bot_user
    mine = _profile(bot.bot_id, world.slack.ws.app_id)
    await _app_posts(world, channel, thread, "Note", user=bot.id, bot_id=bot.bot_id, bot_profile=mine)
    await _app_posts(world, channel, thread, "Note", user=bot.id)

    async with world.db.transaction() as s:
        replies = (await s.exec(select(IncidentEvent).where(IncidentEvent.kind == "thread_reply"))).scalars()
        assert list(replies) == []
    row = await _incident(world)
    assert row.responded_at is None

    world.clock.advance(row.response_due_at - world.clock.now() + timedelta(minutes=1))
    await world.stack.bot.dispatcher.tick()
    row = await _incident(world)
    assert row.status == "escalated" and row.responded_at is None

    # a person's reply is still recorded (after the cure period it no longer changes the status)
    sent = await world.slack.post_message(IVY, channel, "I am here", thread_ts=thread)
    assert sent.status == 200
    async with world.db.transaction() as s:
        replies = (await s.exec(select(IncidentEvent).where(IncidentEvent.kind == "thread_reply"))).scalars()
        assert [(e.actor_id, e.text) for e in replies] == [(IVY, "I am here")]


# ---------------------------------------------------------------------------------------------
# user text echoed back

HOSTILE = ["<!here>", "<https://evil.example|trusted>", "<!channel>", "<@U0ZZZ>", "<#C0ZZZ>"]
LIVE = re.compile(r"<(?:[!@#]|https?:|mailto:)[^>]*>?", re.IGNORECASE)


def live_tokens(text: str, own: tuple[str, ...] = ()) -> list[str]:
    """Every `<!…>`, `<@…>`, `<#…>` or `<http…>` Slack would turn into a notification, a mention
    or a link, except the bot's own (`own`: mentions it put there itself, and date tokens)."""
    return [t for t in LIVE.findall(text) if t not in own and not t.startswith("<!date^")]


async def test_echoed_user_text_is_inert(world: World):
    await set_up_team(world)
    for word in HOSTILE:
        for line in (
            f"/campaign {word}",
            f"/breach {word}",
            f"/review {word}",
            f"/campaign show {word}",
            f"/campaign guidelines {word}",
            f"/campaign invite {word} <@{IVY}>",
            f"/campaign role {word} <@{MEMBER}> member",
            f"/breach show {word}",
            f"/breach list open {word}",
            f"/breach export {word}",
            f"/review history {word}",
            f'/review history "{word} somebody"',
        ):
            reply = await world.run(MANAGER, line)
            assert reply.status == 200, line
            said = world.said_to(MANAGER)
            # `/review history @someone` names the user the bot looked up: that mention is its own
            own = ("<@U0ZZZ>",) if line == "/review history <@U0ZZZ>" else ()
            assert live_tokens(said, own) == [], (line, said)


def as_slack_sends(typed: str) -> str:
    """Slash-command text as Slack sends what a person typed (`should_escape`): `&`, `<` and `>`
    escaped. Real mentions are not typed: Slack writes them as markup (`<@U…|name>`)."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def test_typed_words_are_echoed_as_typed_escaped_once(world: World):
    """Slack sends typed `a&b` as `a&amp;b`: the bot reads it as `a&b`, so its echo (escaped
    once) reads "a&b" again, not "a&amp;b"; a typed `<!channel>` is echoed as text, never a ping."""
    await set_up_team(world)
    for word in ("a&b", "<!channel>"):
        sent = as_slack_sends(word)
        for line in (
            f"/campaign {sent}",
            f"/breach {sent}",
            f"/review {sent}",
            f"/campaign show {sent}",
            f"/campaign invite spring {sent}",
            f"/campaign invite spring <@{IVY}|ivy> {sent}",
            f"/campaign role spring {sent} member",
            f"/campaign role spring <@{MEMBER}|member> {sent}",
            f"/campaign creators add {sent}",
            f"/campaign conduct spring ghosting {sent} 3",
            f"/breach list open {sent}",
            f"/review history {sent}",
            f'/review history "{sent} somebody"',
        ):
            await world.run(MANAGER, line)
            said = world.said_to(MANAGER)
            assert sent in said and "&amp;amp;" not in said and "&amp;lt;" not in said, (line, said)
            assert live_tokens(said) == [], (line, said)
    await world.run(MANAGER, f"/campaign show {as_slack_sends('a&b')}")
    assert world.said_to(MANAGER) == messages.unknown_slug("a&b")


async def test_a_typed_imitation_of_a_mention_names_nobody(world: World):
    """Typed, `<@U…>` reaches the bot escaped (`&lt;@U…&gt;`), unlike a real mention: it stays as
    Slack sent it, so it is never read as a mention (and is echoed as sent)."""
    await set_up_team(world)
    for line, refusal in (
        (f"/campaign role spring {as_slack_sends(f'<@{MEMBER}>')} legal", "is not a @mention"),
        (f"/campaign creators add {as_slack_sends(f'<@{MEMBER}>')}", "is not a @mention"),
        (f"/campaign invite spring {as_slack_sends(f'<@{IVY}>')}", "is neither a @mention"),
        (f"/review history {as_slack_sends(f'<@{IVY}>')}", "No influencer named"),
    ):
        await world.run(MANAGER, line)
        said = world.said_to(MANAGER)
        assert refusal in said and live_tokens(said) == [], (line, said)
    await world.run(MANAGER, f"/review history <@{IVY}|ivy>")  # the real mention still works
    assert "Scorecard · " in world.said_to(MANAGER)


async def test_usage_texts_show_placeholders_as_text(world: World):
    for line, placeholders in (
        ("/campaign help", ["&lt;slug&gt;", "&lt;@user | email&gt;", "&lt;manager | member | legal&gt;"]),
        ("/breach help", ["[&lt;slug&gt;]", "BR-&lt;n&gt;"]),
        ("/review help", ["&lt;@user | influencer name&gt;"]),
        ("/campaign nonsense", ["&lt;slug&gt;"]),
        ("/breach nonsense", ["BR-&lt;n&gt;"]),
        ("/review nonsense", ["&lt;@user | influencer name&gt;"]),
        ("/campaign show", ["/campaign show &lt;slug&gt;"]),
        ("/campaign invite", ["&lt;slug&gt; &lt;@user | email&gt;"]),
        ("/review history", ["/review history &lt;@user | influencer name&gt;"]),
        ("/breach show", ["/breach show BR-&lt;n&gt;"]),
        ("/breach show BR-²", ["/breach show BR-&lt;n&gt;"]),
        ("/breach list a b c", ["[&lt;slug&gt;]"]),
        ("/breach export a b", ["[&lt;slug&gt;]"]),
        (
            "/campaign invte <b>x</b>",
            ["`/campaign invite &lt;b&gt;x&lt;/b&gt;`", "&lt;slug&gt; &lt;@user | email&gt;"],
        ),
    ):
        await world.run(ADMIN, line)  # an admin is shown every line of the help
        said = world.said_to(ADMIN)
        assert live_tokens(said) == [] and "<" not in said and ">" not in said, (line, said)
        for placeholder in placeholders:
            assert placeholder in said, (line, placeholder, said)
    assert "<" not in messages.CAMPAIGN_USAGE + messages.BREACH_USAGE + messages.REVIEW_USAGE
