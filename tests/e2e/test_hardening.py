"""The HTTP edge: what an unsigned, oversized or malformed request gets, and what reaches the log.

Every request goes through the bot's real aiohttp endpoint; logs are captured at DEBUG for
slack_bolt, slack_sdk, aiohttp, the bot and the root logger.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest
import slack_bolt.request.async_request

import bot.payloads
from bot.ids import Action, Callback, Field
from bot.server import MAX_BODY_BYTES
from playground.emulator import BotReply, payloads
from tests.e2e.forgery import FORM, JSON, arena, bases, interaction, send
from tests.e2e.harness import IVY, MANAGER, World, card_of, report, set_up_team
from tests.e2e.test_socket_mode import socket_world as socket_world  # a fixture

MARKER = "MARKER-7f3a9c-do-not-log"
LOGGERS = ("", "slack_bolt", "slack_sdk", "bot", "handlers", "aiohttp", "playground")


@pytest.fixture
def logs(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def parse_calls(monkeypatch) -> list[str]:
    """Counts every parse of a request body: the bot's shape check and Bolt's own request."""
    calls: list[str] = []

    def spy(module, name: str) -> None:
        real = getattr(module, name)

        def counted(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    spy(bot.payloads, "parse")
    spy(slack_bolt.request.async_request, "parse_body")
    return calls


def lines(caplog) -> list[str]:
    """Every captured record as the log handler formats it."""
    return [caplog.handler.format(record) for record in caplog.records]


def warnings_from_the_bot(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("bot") and r.levelno == logging.WARNING]


async def post(world: World, body: bytes | str, headers: dict[str, str] | None = None) -> int:
    """A raw POST to the events URL (no signature unless the headers carry one)."""
    data = body.encode() if isinstance(body, str) else body
    async with (
        aiohttp.ClientSession() as http,
        http.post(world.stack.slack.bot_events_url, data=data, headers=headers or {}) as response,
    ):
        await response.read()
        return response.status


GARBAGE = [
    ("payload=null", FORM),
    ("payload=%7B", FORM),
    ('{"type":', JSON),
    ("[1]", JSON),
    ("payload=%5B%5D", FORM),
    ("null", JSON),
    ('"x"', JSON),
    ("", FORM),
    ('{"type": "block_actions", "actions": []}', JSON),
    ("command=%2Fcampaign&text=list", FORM),
    ("[" * 100_000, JSON),
]


# ------------------------------------------------------------------------------------------------
# unsigned, badly signed, stale


async def test_a_bad_signature_never_puts_the_body_in_the_log(world: World, logs):
    fields = {"command": "/campaign", "text": f"show {MARKER}", "user_id": MANAGER, "team_id": "T0ACME"}
    body = urlencode(fields)
    timestamp = str(int(time.time()))
    forged = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + "0" * 64}

    reply = await world.slack.with_signature(signed=False).send_raw(body, FORM, headers=forged)
    assert reply.status == 401
    unsigned = await world.slack.with_signature(signed=False).send_raw(body, FORM)
    assert unsigned.status == 401
    stale = await world.slack.with_signature(timestamp=int(time.time()) - 600).send_raw(body, FORM)
    assert stale.status == 401

    assert MARKER not in logs.text
    assert all(MARKER not in r.getMessage() for r in logs.records)
    refusals = [r.getMessage() for r in warnings_from_the_bot(logs)]
    assert len(refusals) == 3, refusals
    assert "bad signature" in refusals[0] and "T0ACME" in refusals[0] and f"{len(body)} bytes" in refusals[0]
    assert "unsigned" in refusals[1]
    assert "stale timestamp" in refusals[2]


async def test_an_unhandled_request_is_logged_without_its_body(world: World, logs):
    where = await arena(world)
    base = next(
        b for b in bases(world, IVY, where) if b.name == f"block_actions {Action.INCIDENT_ACKNOWLEDGE}"
    )
    payload = copy.deepcopy(base.payload)
    payload["actions"][0].update(action_id="no_listener_has_this", value=MARKER)
    reply = await send(world, base.shape, payload)
    assert reply.status == 404
    assert any(r.getMessage() == "Unhandled request (request details not logged)" for r in logs.records)
    assert MARKER not in logs.text


@pytest.mark.parametrize(("body", "content_type"), GARBAGE, ids=[g[0][:20] for g in GARBAGE])
async def test_unsigned_garbage_is_refused_before_it_is_parsed(
    world: World, logs, parse_calls, body, content_type
):
    before = await world.row_counts()
    reply = await world.slack.with_signature(signed=False).send_raw(body, content_type)
    assert reply.status == 401
    assert parse_calls == []
    assert "Traceback" not in logs.text
    assert [r.getMessage() for r in warnings_from_the_bot(logs)] == [
        f"refused a request: unsigned (team unknown, {len(body.encode())} bytes)"
    ]
    assert await world.row_counts() == before


async def test_random_bytes_and_odd_signature_headers_get_401(world: World, logs, parse_calls):
    junk = bytes(range(256)) * 4 + os.urandom(512)
    headers = [
        {},
        {"X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠", "X-Slack-Signature": "v0=" + "a" * 64},
        {"X-Slack-Request-Timestamp": "²", "X-Slack-Signature": "v0=" + "a" * 64},
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "é" * 64},
        {"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=" + "a" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "a" * 64},
    ]
    for extra in headers:
        assert await post(world, junk, {"Content-Type": JSON, **extra}) == 401
    assert parse_calls == []
    assert "Traceback" not in logs.text
    assert len(warnings_from_the_bot(logs)) == len(headers)


# ------------------------------------------------------------------------------------------------
# size


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_a_body_over_the_limit_gets_413_before_parsing(world: World, logs, parse_calls, signed):
    body = "payload=" + quote(json.dumps({"type": "block_actions", "text": MARKER})) + "x" * MAX_BODY_BYTES
    reply = await world.slack.with_signature(signed=signed).send_raw(body, FORM)
    assert reply.status == 413
    assert parse_calls == []
    assert MARKER not in logs.text
    refusals = [r.getMessage() for r in warnings_from_the_bot(logs)]
    assert refusals == [f"refused a request: body over the size limit (team unknown, {len(body)} bytes)"]
    assert sum(len(line) for line in lines(logs)) < 10_000  # nothing of the megabyte reached the log
    assert not [r for r in logs.records if r.levelno >= logging.ERROR or r.exc_info]
    # the unread rest of the body is not taken for a next request on the same connection
    assert all("UNKNOWN" not in line for line in lines(logs))

    if signed:  # and a body just under the limit is read, verified and handled
        general = world.emulator.channel_by_name("general").id
        reply = await world.slack.post_message(MANAGER, general, "x" * (MAX_BODY_BYTES // 2 - 4000))
        assert MAX_BODY_BYTES - 10_000 < len(json.dumps(reply.payload)) <= MAX_BODY_BYTES  # text + blocks
        assert reply.status == 200
        assert len(warnings_from_the_bot(logs)) == 1


async def test_a_chunked_body_over_the_limit_gets_413(world: World, logs, parse_calls):
    async def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    assert await post(world, b"", {}) == 401  # (warm-up: an empty body is simply unsigned)
    async with (
        aiohttp.ClientSession() as http,
        http.post(world.stack.slack.bot_events_url, data=chunks()) as response,
    ):
        assert response.status == 413
    assert parse_calls == []
    assert not [r for r in logs.records if r.levelno >= logging.ERROR or r.exc_info]
    assert warnings_from_the_bot(logs)[-1].getMessage() == (
        f"refused a request: body over the size limit (team unknown, >{MAX_BODY_BYTES} bytes)"
    )


# ------------------------------------------------------------------------------------------------
# what reaches the log


async def test_a_newline_in_user_text_never_starts_a_log_line(world: World, logs):
    await world.new_campaign()
    forged = "x\nERROR forged\r\u2028\x85\x1b[31m"
    await world.run(MANAGER, f'/campaign "{forged}"')  # unknown subcommand: echoed in the ack
    await world.run(MANAGER, f'/campaign show "{forged}"')  # unknown slug: the refusal is logged
    await world.run(MANAGER, f'/breach show "{forged}"')
    await world.slack.with_signature(signed=False).send_raw(f"text={quote(forged)}&team_id=T0{forged}", FORM)

    echoed = [r for r in logs.records if "error forged" in r.getMessage().lower()]
    assert len(echoed) >= 2, "the test must make the bot log the user's text"
    for formatted in lines(logs):
        assert len(formatted.splitlines()) == 1, formatted
    assert "x\\nERROR forged\\r\\u2028\\x85\\x1b[31m" in logs.text


def secrets_of(world: World, replies: list[BotReply]) -> set[str]:
    ws = world.slack.ws
    found = {world.emulator.bot_token, world.stack.bot.services.settings.slack_signing_secret}
    found |= {trigger.split(".")[-1] for trigger in ws.triggers}
    found |= set(ws.response_urls)
    for reply in replies:
        found |= {v for v in (reply.trigger_id, reply.response_url) if v}
    return found


async def test_tokens_response_urls_and_trigger_ids_never_reach_the_log(world: World, logs):
    replies = []
    channel = await set_up_team(world)
    replies.append(await world.run(MANAGER, "/campaign list"))
    replies.append(await world.run(MANAGER, "/campaign show spring"))
    replies.append(await world.run(MANAGER, "/campaign nonsense"))
    replies.append(await world.run(IVY, "/breach show BR-9"))
    replies.append(await world.run(MANAGER, "/campaign deliverable spring"))
    replies.append(await world.slack.open_home(MANAGER))
    replies.append(await report(world))
    card = card_of(world, channel)
    replies.append(await world.slack.click(IVY, channel, card.ts, Action.INCIDENT_ACKNOWLEDGE))
    await world.run(MANAGER, "/review")
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.REVIEW_LOG
    replies.append(await world.slack.close_view(MANAGER, view.id))
    await world.open_new_campaign(MANAGER)
    replies.append(await world.run(MANAGER, "/campaign help"))
    unsigned = world.slack.with_signature(signed=False)
    replies.append(await unsigned.command(MANAGER, "/campaign", "list"))
    assert any(r.levelno == logging.DEBUG and r.name.startswith("slack_sdk") for r in logs.records)
    assert any(r.name.startswith("slack_bolt") for r in logs.records)

    secrets = secrets_of(world, replies)
    assert len(secrets) > 10
    text = "\n".join(lines(logs)) + logs.text
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
    assert "xoxb-" not in text and "/response_url/" not in text


# ------------------------------------------------------------------------------------------------
# signed but malformed


def _drop(path: str) -> Callable[[dict], None]:
    def apply(payload: dict) -> None:
        *parents, last = path.split(".")
        node = payload
        for part in parents:
            node = node[part]
        node.pop(last)

    return apply


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def apply(payload: dict) -> None:
        *parents, last = path.split(".")
        node = payload
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value

    return apply


#: (base payload name, what to break). Each one made the bot answer 500 with a traceback, or
#: would read as something else than what Slack sends.
MALFORMED: list[tuple[str, str, Callable[[dict], None]]] = [
    ("/campaign list", "no user_id", _drop("user_id")),
    ("/campaign new", "no trigger_id", _drop("trigger_id")),
    ("/review", "no trigger_id", _drop("trigger_id")),
    ("/campaign list", "no response_url", _drop("response_url")),
    ("/campaign list", "no team_id", _drop("team_id")),
    ("/campaign list", "response_url not Slack's", _set("response_url", "http://169.254.169.254/latest/")),
    ("/campaign show spring", "text longer than anyone can type", _set("text", "show " + "x" * 40_000)),
    (f"block_actions {Action.ACKNOWLEDGE_GUIDELINES}", "user without id", _drop("user.id")),
    (f"block_actions {Action.ACKNOWLEDGE_GUIDELINES}", "user a string", _set("user", IVY)),
    (f"block_actions {Action.ACKNOWLEDGE_GUIDELINES}", "value a number", _set("actions.0.value", 1)),
    (f"block_actions {Action.INCIDENT_ACKNOWLEDGE}", "value a list", _set("actions.0.value", ["1"])),
    (f"block_actions {Action.INCIDENT_ACKNOWLEDGE}", "actions empty", _set("actions", [])),
    (f"block_actions {Action.INCIDENT_ACKNOWLEDGE}", "actions an object", _set("actions", {"a": 1})),
    (f"block_actions {Action.INCIDENT_ACKNOWLEDGE}", "action not an object", _set("actions", [1])),
    (f"block_actions {Action.DELIVERABLE_SUBMIT}", "no trigger_id", _drop("trigger_id")),
    (f"block_actions {Action.DELIVERABLE_SUBMIT}", "no channel", _drop("channel")),
    (
        f"block_actions {Action.INCIDENT_ACKNOWLEDGE}",
        "response_url not Slack's",
        _set("response_url", "https://hooks.slack.com.attacker.example/actions/1"),
    ),
    (
        f"block_actions {Action.CHECK_FAIL}",
        "selected_option a string",
        _set("actions.0.selected_option", "1"),
    ),
    (f"block_actions {Action.REPORT_ENGAGEMENT_CHOSEN}", "view a string", _set("view", "V1")),
    (f"block_actions {Action.REPORT_ENGAGEMENT_CHOSEN}", "state a list", _set("view.state", [])),
    (f"view_submission {Callback.CAMPAIGN_NEW}", "view a list", _set("view", [])),
    (f"view_submission {Callback.CAMPAIGN_NEW}", "state a string", _set("view.state", "x")),
    (f"view_submission {Callback.CAMPAIGN_NEW}", "values a list", _set("view.state.values", [])),
    (f"view_submission {Callback.CAMPAIGN_NEW}", "block a list", _set(f"view.state.values.{Field.NAME}", [])),
    (f"view_submission {Callback.CAMPAIGN_NEW}", "user without id", _set("user", {"name": "x"})),
    (f"view_submission {Callback.CAMPAIGN_NEW}", "metadata an object", _set("view.private_metadata", {})),
    ("message_action report_breach", "no channel", _drop("channel")),
    ("message_action report_breach", "message without ts", _drop("message.ts")),
    ("message_action report_breach", "no trigger_id", _drop("trigger_id")),
    ("event app_home_opened", "no user", _drop("event.user")),
    ("event tokens_revoked", "tokens a list", _set("event.tokens", [])),
    ("event tokens_revoked", "tokens null", _set("event.tokens", None)),
    ("event message", "channel a number", _set("event.channel", 5)),
    ("event message", "event a list", _set("event", [])),
    ("event app_uninstalled", "no team anywhere", lambda p: [p.pop("team_id"), p.pop("authorizations")]),
]


async def test_signed_malformed_payloads_get_400_or_an_acked_no_op(world: World, logs):
    where = await arena(world)
    from tests.e2e.harness import OTTO

    everyone = {(b.name, who): b for who in (IVY, MANAGER, OTTO) for b in bases(world, who, where)}
    before = await world.row_counts()
    for name, what, breaks in MALFORMED:
        who = MANAGER if name.startswith(("/", "view_", "message_action")) else IVY
        base = everyone[(name, who)]
        payload = copy.deepcopy(base.payload)
        breaks(payload)
        start = len(logs.records)
        reply = await send(world, base.shape, payload)
        seen = logs.records[start:]
        label = f"{name}: {what}"
        assert reply.status in (200, 400), f"{label}: {reply.status}"
        if reply.status == 200:
            assert base.shape == "event" and not reply.body, f"{label}: {reply.body}"
        assert not [r for r in seen if r.levelno >= logging.ERROR or r.exc_info], label
        warned = [r for r in seen if r.levelno == logging.WARNING]
        assert len(warned) == 1 and "malformed" in warned[0].getMessage(), (
            label,
            [r.getMessage() for r in warned],
        )
        assert await world.row_counts() == before, label
    for body, content_type in GARBAGE[:8]:
        reply = await world.slack.send_raw(body, content_type)
        assert reply.status == 400, body
    assert "Traceback" not in logs.text

    # the same payloads, unbroken, are accepted: what was refused was the breakage
    for name, _, _ in MALFORMED:
        who = MANAGER if name.startswith(("/", "view_", "message_action")) else IVY
        base = everyone[(name, who)]
        reply = await send(world, base.shape, base.payload)
        assert reply.status == 200, f"{name}: {reply.status} {reply.body}"


async def test_an_expired_trigger_is_one_warning_and_a_sentence_not_a_traceback(world: World, logs):
    where = await arena(world)
    base = next(b for b in bases(world, IVY, where) if b.name == f"block_actions {Action.DELIVERABLE_SUBMIT}")
    payload = copy.deepcopy(base.payload)
    payload["trigger_id"] = "1.1700000000.0123456789abcdef"  # well formed, but not one Slack issued
    start = len(logs.records)
    reply = await send(world, base.shape, payload)
    seen = logs.records[start:]
    assert reply.status == 200
    assert not [r for r in seen if r.levelno >= logging.ERROR or r.exc_info]
    assert [r.getMessage() for r in seen if r.levelno == logging.WARNING] == [
        "Slack refused views.open: invalid_trigger_id"
    ]
    assert world.said_to(IVY).startswith(":hourglass: Slack refused that (`invalid_trigger_id`)")


async def test_malformed_payloads_over_socket_mode_are_refused_before_bolt_reads_them(
    socket_world: World, logs
):
    world = socket_world
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel)
    ws = world.slack.ws
    click = interaction(
        ws,
        "block_actions",
        ws.users[IVY],
        trigger_id=ws.issue_trigger(IVY),
        channel={"id": channel, "name": "x"},
        message={"type": "message", "ts": card.ts, "text": ""},
        actions=[],
    )
    home = payloads.event_envelope(
        ws, {"type": "app_home_opened", "tab": "home"}, event_id="Ev0BROKEN", event_time=int(ws.wall_clock())
    )
    # payloads Bolt cannot even build its request from (it reads these fields while building it)
    odd_channel = {**click, "actions": [{"action_id": "x", "block_id": "y", "type": "button"}], "channel": 5}
    odd_authorizations = {**click, "authorizations": "x"}
    before = await world.row_counts()
    for shape, payload, expected in (
        ("interaction", click, "malformed block_actions envelope: actions is empty"),
        ("event", home, "malformed event_callback/app_home_opened envelope: event.user is missing"),
        ("interaction", odd_channel, "malformed block_actions envelope: channel is a number"),
        ("interaction", odd_authorizations, "malformed block_actions envelope: authorizations"),
    ):
        start = len(logs.records)
        reply = await send(world, shape, payload)  # acknowledged: Slack would deliver it again otherwise
        assert reply.status == 200 and not reply.body
        seen = logs.records[start:]
        assert not [r for r in seen if r.levelno >= logging.ERROR or r.exc_info]
        warned = [
            r.getMessage() for r in seen if r.levelno == logging.WARNING and r.name == "bot.socket_mode"
        ]
        assert len(warned) == 1 and warned[0].startswith(expected), warned
    assert await world.row_counts() == before
