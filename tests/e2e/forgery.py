"""Signed payloads for every listener the bot registers, as one persona, built without a client.

`arena(world)` sets up a campaign with a team, Ivy's engagement, an incident and a deliverable
(so ids 1 exist everywhere), and `bases(world, user)` returns one well-formed payload per
listener kind and subcommand: slash commands with their subcommands, a `block_actions` for every
`Action` id, a `view_submission` and a `view_closed` for every `Callback` id, the message
shortcut, and the `message`, `app_home_opened`, `app_uninstalled` and `tokens_revoked` events.
`send(world, base)` signs and posts one through the bot's real HTTP endpoint.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from bot.ids import Action, Callback, Command, Event, Field, Shortcut
from playground.emulator import BotReply, payloads
from playground.emulator.shapes import view_json
from tests.e2e.harness import IVY, MANAGER, World, card_of, report, set_up_team

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass
class Base:
    name: str
    shape: str  # "command" (form fields), "interaction" (form `payload=`), "event" (JSON)
    payload: dict[str, Any]
    lifecycle: bool = False  # app_uninstalled / tokens_revoked: Slack may change the workspace row


@dataclass
class Arena:
    channel: str  # Ivy's engagement channel
    card_ts: str  # the incident card
    report_view: dict[str, Any]  # an open breach report modal (Maya's), as Slack sends views


def ids_of(cls: type) -> list[str]:
    return [v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)]


async def arena(world: World) -> Arena:
    channel = await set_up_team(world)
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    option = view.blocks[1]["element"]["options"][0]["value"]
    due = world.clock.now() + timedelta(days=3)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option},
            Field.TITLE: {Field.TITLE: "Launch reel"},
            Field.PLATFORM: {Field.PLATFORM: "instagram"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body, reply.body
    reply = await report(world)
    assert reply.ok and not reply.body, reply.body
    await world.run(MANAGER, "/breach")
    report_view = view_json(world.slack.ws, world.top_view(MANAGER))
    return Arena(channel=channel, card_ts=card_of(world, channel).ts, report_view=report_view)


COMMAND_LINES = {
    Command.CAMPAIGN: (
        "",
        "help",
        "new",
        "new autumn",
        "list",
        "show spring",
        f"invite spring <@{IVY}>",
        "invite spring someone@example.com",
        f"role spring <@{MANAGER}> legal",
        "guidelines spring",
        "deliverable spring",
        "reminders",
        "reminders spring",
        "creators list",
        "creators add <@U0OTTO>",
        "nonsense",
    ),
    Command.BREACH: (
        "",
        "help",
        "list",
        "list all spring",
        "show BR-1",
        "export",
        "export spring",
        "nonsense",
    ),
    Command.REVIEW: ("", "help", f"history <@{IVY}>", "history Ivy", "nonsense"),
}

#: A button value that names real rows (ids 1) for each action.
VALUES = {
    Action.ACKNOWLEDGE_GUIDELINES: "1:1",
    Action.REPORT_BREACH_PREFILLED: json.dumps({"engagement_id": 1, "guideline_code": "G1", "evidence": []}),
}
#: Actions Slack sends from a modal or the Home tab (the payload carries the `view`).
VIEW_ACTIONS = {Action.REPORT_ENGAGEMENT_CHOSEN, Action.HOME_NEW_CAMPAIGN}


def _option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def form_state() -> dict[str, Any]:
    """Inputs for every field of every form, filled as a user would (ids 1 where an id goes)."""
    text = {
        Field.NAME: "Fuzzed",
        Field.SLUG: "fuzzed",
        Field.BRAND: "Acme",
        Field.TITLE: "A title",
        Field.NOTES: "notes",
        Field.DESCRIPTION: "A description",
        Field.EVIDENCE: "https://example.com/p/1",
        Field.STATEMENT: "A statement",
        Field.OUTCOME: "An outcome",
        Field.TERMS: "Terms",
        Field.NOTE: "A note",
        Field.REASON: "A reason",
        Field.URL: "https://example.com/p/2",
        Field.CAPTION: "#ad caption",
        Field.STRIKES: "1",
    }
    selects = {
        Field.MARKET: "US",
        Field.REVIEW_CADENCE: "monthly",
        Field.ENGAGEMENT: "1",
        Field.PLATFORM: "instagram",
        Field.GUIDELINE: "1",
        Field.SEVERITY: "minor",
        Field.WOULD_WORK_AGAIN: "yes",
        Field.CONDUCT: "4",
        Field.COMMUNICATION: "4",
        Field.TIMELINESS: "4",
        Field.CONTENT_QUALITY: "4",
    }
    values: dict[str, Any] = {}
    for field, value in text.items():
        values[field] = {field: {"type": "plain_text_input", "value": value}}
    for field, value in selects.items():
        values[field] = {field: {"type": "static_select", "selected_option": _option(value)}}
    for field, day in ((Field.START, "2027-03-01"), (Field.END, "2027-05-31")):
        values[field] = {field: {"type": "datepicker", "selected_date": day}}
    for field in (Field.PERIOD_START, Field.PERIOD_END):
        values[field] = {field: {"type": "datepicker", "selected_date": "2027-03-01"}}
    for field in (Field.DUE, Field.OCCURRED_AT, Field.DEADLINE):
        values[field] = {field: {"type": "datetimepicker", "selected_date_time": 1804000000}}
    values[Field.ESCALATION_CHANNEL] = {
        Field.ESCALATION_CHANNEL: {"type": "conversations_select", "selected_conversation": "C0FUZZ"}
    }
    for field in (Field.REVIEW_OPTIONS, Field.IMAGES):
        values[field] = {field: {"type": "checkboxes", "selected_options": [_option("shared")]}}
    values[Field.clause("G1", "title")] = {
        Field.clause("G1", "title"): {"type": "plain_text_input", "value": "G"}
    }
    return values


METADATA = json.dumps(
    {
        "campaign_id": 1,
        "version": 1,
        "incident_id": 1,
        "deliverable_id": 1,
        "check_id": 1,
        "decision": "failed",
    }
)


def interaction(ws, kind: str, user, **fields: Any) -> dict[str, Any]:
    """The envelope every interactivity payload shares (as playground/emulator/payloads.py)."""
    return {
        "type": kind,
        "user": payloads.user_ref(user),
        "api_app_id": ws.app_id,
        "token": payloads.VERIFICATION_TOKEN,
        "team": payloads.team_ref(ws),
        "enterprise": None,
        "is_enterprise_install": False,
        **fields,
    }


def view_of(world: World, user: str, callback_id: str, view_id: str = "V0FORGED1") -> dict[str, Any]:
    ws = world.slack.ws
    return {
        "id": view_id,
        "team_id": ws.team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": METADATA,
        "callback_id": callback_id,
        "state": {"values": form_state()},
        "hash": "1700000000.abcdef",
        "title": {"type": "plain_text", "text": "Form"},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": ws.app_id,
        "external_id": "",
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }


def bases(world: World, user_id: str, where: Arena) -> list[Base]:
    ws, emulator = world.slack.ws, world.emulator
    user = ws.users[user_id]
    channel = emulator.channel(where.channel)
    general = emulator.channel_by_name("general")
    card = emulator.find_message(where.channel, where.card_ts)
    assert card is not None
    minimal_message = {"type": "message", "ts": card.ts, "text": card.text, "user": card.user or ""}

    def response_url(channel_id: str) -> str:
        return emulator.response_url(ws.issue_response_url(channel_id, user.id))

    found: list[Base] = []
    for command, lines in COMMAND_LINES.items():
        for line in lines:
            fields = payloads.slash_command(
                ws,
                user,
                ws.open_dm(user.id),
                command,
                line,
                response_url=response_url(ws.open_dm(user.id).id),
                trigger_id=ws.issue_trigger(user.id),
            )
            found.append(Base(f"{command} {line}".strip(), "command", fields))

    for action_id in ids_of(Action):
        action = {
            "action_id": action_id,
            "block_id": "b1",
            "type": "button",
            "value": VALUES.get(action_id, "1"),
            "action_ts": ws.ts_clock.next(),
        }
        if action_id in VIEW_ACTIONS:
            view = copy.deepcopy(where.report_view)
            payload = interaction(
                ws,
                "block_actions",
                user,
                container={"type": "view", "view_id": view["id"]},
                trigger_id=ws.issue_trigger(user.id),
                view=view,
                actions=[action],
            )
        else:
            payload = interaction(
                ws,
                "block_actions",
                user,
                container={"type": "message", "message_ts": card.ts, "channel_id": channel.id},
                trigger_id=ws.issue_trigger(user.id),
                channel=payloads.channel_ref(channel),
                message=dict(minimal_message),
                state={"values": {}},
                response_url=response_url(channel.id),
                actions=[action],
            )
        found.append(Base(f"block_actions {action_id}", "interaction", payload))

    for callback_id in ids_of(Callback):
        for kind in ("view_submission", "view_closed"):
            payload = interaction(
                ws,
                kind,
                user,
                trigger_id=ws.issue_trigger(user.id),
                view=view_of(world, user.id, callback_id),
                response_urls=[],
            )
            if kind == "view_closed":
                payload.pop("trigger_id")
                payload["is_cleared"] = False
            found.append(Base(f"{kind} {callback_id}", "interaction", payload))

    shortcut = interaction(
        ws,
        "message_action",
        user,
        action_ts=ws.ts_clock.next(),
        channel=payloads.channel_ref(channel),
        callback_id=Shortcut.REPORT_BREACH,
        trigger_id=ws.issue_trigger(user.id),
        message_ts=card.ts,
        message=dict(minimal_message),
        response_url=response_url(channel.id),
    )
    found.append(Base(f"message_action {Shortcut.REPORT_BREACH}", "interaction", shortcut))

    def envelope(event: dict[str, Any], where_channel=None) -> dict[str, Any]:
        return payloads.event_envelope(
            ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()), channel=where_channel
        )

    ts = ws.ts_clock.next()
    message_event = {
        "type": "message",
        "text": "hello",
        "user": user.id,
        "ts": ts,
        "team": user.team_id,
        "channel": general.id,
        "event_ts": ts,
        "channel_type": "channel",
    }
    home_event = {
        "type": Event.APP_HOME_OPENED,
        "user": user.id,
        "channel": ws.open_dm(user.id).id,
        "tab": "home",
        "event_ts": ws.ts_clock.next(),
    }
    found.append(Base("event message", "event", envelope(message_event, general)))
    found.append(Base("event app_home_opened", "event", envelope(home_event)))
    found.append(Base("event app_uninstalled", "event", envelope({"type": Event.APP_UNINSTALLED}), True))
    revoked = {"type": Event.TOKENS_REVOKED, "tokens": {"oauth": [], "bot": [ws.bot_user.id]}}
    found.append(Base("event tokens_revoked", "event", envelope(revoked), True))
    return found


def encode(shape: str, payload: Any, *, as_json: bool = False) -> tuple[str, str]:
    """The body and content type Slack would send for `payload` (`as_json`: a command as JSON)."""
    if shape == "command" and not as_json:
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        return urlencode(fields), FORM
    if shape == "interaction":
        return urlencode({"payload": json.dumps(payload)}), FORM
    return json.dumps(payload), JSON


async def send(world: World, shape: str, payload: Any, *, as_json: bool = False) -> BotReply:
    body, content_type = encode(shape, payload, as_json=as_json)
    return await world.slack.send_raw(body, content_type)
