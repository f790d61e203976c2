"""bot/logs.py: one record, one line; no credentials; no request bodies from slack_bolt."""

from __future__ import annotations

import logging
import sys

import pytest

from bot import logs


@pytest.fixture(autouse=True)
def installed():
    logs.install()


def message(caplog, logger: str, msg: str, *args) -> str:
    caplog.set_level(logging.DEBUG, logger=logger)
    start = len(caplog.records)
    logging.getLogger(logger).info(msg, *args)
    (record,) = caplog.records[start:]
    return caplog.handler.format(record)


@pytest.mark.parametrize(
    "text",
    [
        "a\nERROR forged",
        "a\rERROR forged",
        "a\u2028ERROR forged",
        "a\u2029ERROR forged",
        "a\x85ERROR forged",
        "a\x0bERROR forged",
        "a\x1c\x1d\x1eERROR forged",
    ],
)
def test_user_text_never_starts_a_line(caplog, text):
    for formatted in (message(caplog, "bot.x", "refused: %s", text), message(caplog, "bot.x", text)):
        assert len(formatted.splitlines()) == 1, formatted
        assert "ERROR forged" in formatted


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("token xoxb-1234-5678-abcdef", "xoxb-1234"),
        ("app token xapp-1-A111-222-abc", "xapp-1"),
        ("user token xoxp-1-2-3", "xoxp-1"),
        ("https://hooks.slack.com/commands/T1/123/abcDEF", "abcDEF"),
        ("response_url=https%3A%2F%2Fhooks.slack.com%2Factions%2FT1%2F2%2Fsecret9", "secret9"),
        ("posted to http://127.0.0.1:5000/response_url/0a1b2c3d4e5f", "0a1b2c3d4e5f"),
        ("{'trigger_id': '13345224609.738474920.8088930838d88f008e0', 'x': 1}", "8088930838d88f008e0"),
        ('{"trigger_id": "whatever-it-is"}', "whatever-it-is"),
        ("views.open trigger 1.1700000000.0123456789abcdef", "0123456789abcdef"),
    ],
)
def test_credentials_are_redacted(caplog, text, gone):
    formatted = message(caplog, "slack_sdk.web", "%s", text)
    assert gone not in formatted and logs.REDACTED in formatted


def test_registered_secrets_are_redacted_and_short_ones_ignored(caplog):
    logs.register_secret("0123456789abcdef0123456789abcdef", "s", None)
    formatted = message(caplog, "bot.x", "secret 0123456789abcdef0123456789abcdef and s")
    assert "0123456789abcdef" not in formatted and formatted.endswith("and s")


def test_bolt_messages_lose_the_request(caplog):
    body = "Invalid request signature detected (signature: v0=1, timestamp: 1, body: text=SECRET-TEXT)"
    assert "SECRET-TEXT" not in message(caplog, "slack_bolt.RequestVerification", body)
    assert "SECRET-TEXT" not in message(caplog, "slack_bolt", "Unhandled request ({'value': 'SECRET-TEXT'})")
    assert "SECRET-TEXT" not in message(caplog, "slack_bolt.X", "Skipped self event: {'text': 'SECRET-TEXT'}")
    assert "SECRET-TEXT" in message(caplog, "bot.x", "Unhandled request SECRET-TEXT")  # only Bolt's


def test_the_formatter_indents_tracebacks():
    formatter = logs.SafeFormatter(logs.FORMAT)
    try:
        raise ValueError("bad\nERROR forged xoxb-1-2-3")
    except ValueError:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "unexpected", (), sys.exc_info())
    first, *rest = formatter.format(record).split("\n")
    assert "unexpected" in first and rest
    assert all(line.startswith(logs.SafeFormatter.CONTINUATION) for line in rest)
    assert "xoxb-1-2-3" not in formatter.format(record)
