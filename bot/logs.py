"""What may reach a log line: one line per record, no credentials, no request bodies.

Log lines carry user text (a slug someone typed, a Slack error about their message) and Slack's
own libraries log whole requests at INFO and DEBUG. Three rules, applied to every record of every
logger in the process (a `LogRecord` factory, so they hold whatever handlers and formatters the
host configures, pytest's included):

- **One record, one line.** Control characters in the message (`\\n`, `\\r`, `\\t`, the other C0
  and C1 codes, U+2028/U+2029) are written as escapes, so user text can never start a line that
  reads like one of the bot's own. `SafeFormatter` also indents every continuation line of a
  traceback, so a line that starts at column 0 is always the start of a record.
- **No credentials.** Slack tokens (`xoxb-…`, `xapp-…`, …), `response_url`s (Slack's
  `hooks.slack.com` and the emulator's `/response_url/…`), `trigger_id`s and the configured
  secrets (`register_secret`) are replaced by `[redacted]`.
- **No request bodies from slack_bolt.** Bolt puts the request (or its filtered form) in a few
  messages: a failed signature check, an unhandled request, a skipped self event, a global
  middleware that answered nothing. Those messages keep their first words and lose the rest.

`configure()` is the process's logging set-up (the CLI calls it); `install()` is idempotent and
is also called by the app factory, so an embedding host's logging gets the same guarantees.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

REDACTED = "[redacted]"
#: Shorter configured secrets are not redacted literally: a one-letter test secret would blank
#: every occurrence of that letter. Real signing secrets are 32 hex characters.
MIN_SECRET_LENGTH = 8

_PATTERNS = (
    # tokens: bot, user, app-level, configuration, refresh (xox[abposre]-…, xapp-…)
    (re.compile(r"xox[a-z]-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"xapp-[A-Za-z0-9-]+"), REDACTED),
    # response_url, wherever it appears (plain, JSON, or form-encoded)
    (
        re.compile(
            r"(?:https?(?::|%3A)(?://|%2F%2F))?hooks\.slack(?:-gov)?\.com[^\s\"'<>&,]*", re.IGNORECASE
        ),
        REDACTED,
    ),
    (re.compile(r"(?:https?://[^\s\"'<>/]+)?/response_url/[\w%-]+"), REDACTED),
    # the value after a response_url / trigger_id key (JSON, Python repr, form fields)
    (
        re.compile(r"((?:response_url|trigger_id)['\"]?\s{0,3}[:=]\s{0,3}['\"]?)[^'\"&\s,}\]]+"),
        r"\1" + REDACTED,
    ),
    # a bare trigger_id: <digits>.<digits>.<hex>
    (re.compile(r"\b[0-9]{1,20}\.[0-9]{1,20}\.[0-9a-f]{8,64}\b"), REDACTED),
)

# C0 controls, DEL, C1 controls, line and paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

#: slack_bolt messages that carry a request (or part of one) after these words.
_BOLT_BODY_MESSAGES = (
    "Invalid request signature detected",
    "Unhandled request",
    "A global middleware",
    "Skipped self event",
    "request body",
    "Request body",
)

_secrets: set[str] = set()
_secrets_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()


def register_secret(*values: str | None) -> None:
    """Redact these exact strings (signing secret, tokens, client secret) from every log line."""
    global _secrets_pattern
    fresh = {v for v in values if v and len(v) >= MIN_SECRET_LENGTH}
    with _lock:
        if fresh <= _secrets:
            return
        _secrets.update(fresh)
        alternatives = sorted(_secrets, key=len, reverse=True)
        _secrets_pattern = re.compile("|".join(re.escape(s) for s in alternatives))


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def redact(text: str) -> str:
    """`text` without credentials (tokens, response URLs, trigger ids, configured secrets)."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    secrets_pattern = _secrets_pattern
    if secrets_pattern is not None:
        text = secrets_pattern.sub(REDACTED, text)
    return text


def one_line(text: str) -> str:
    """`text` with every control character written as an escape."""
    return _CONTROL.sub(_escape_control, text)


def clean(text: str) -> str:
    """What a log message may contain: redacted, then on one line."""
    return one_line(redact(text))


def without_bolt_body(message: str) -> str:
    for prefix in _BOLT_BODY_MESSAGES:
        if message.startswith(prefix):
            return f"{prefix} (request details not logged)"
    return message


class SafeLogRecord(logging.LogRecord):
    """A record whose message (and string arguments) obey the rules above."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.args, tuple) and any(isinstance(a, str) for a in self.args):
            self.args = tuple(clean(a) if isinstance(a, str) else a for a in self.args)

    def getMessage(self) -> str:  # logging's name
        message = super().getMessage()
        if self.name.startswith("slack_bolt"):
            message = without_bolt_body(message)
        return clean(message)


def install() -> None:
    """Make every record a `SafeLogRecord` (idempotent; keeps a custom factory's subclass working
    only if it already derives from `SafeLogRecord`)."""
    with _lock:
        current = logging.getLogRecordFactory()
        if isinstance(current, type) and issubclass(current, SafeLogRecord):
            return
        logging.setLogRecordFactory(SafeLogRecord)


class SafeFormatter(logging.Formatter):
    """Indents continuation lines (tracebacks, stack info) and redacts them, so a line that starts
    at column 0 is always the start of a record."""

    CONTINUATION = "  | "

    def format(self, record: logging.LogRecord) -> str:
        first, *rest = super().format(record).split("\n")
        return "\n".join([first, *(self.CONTINUATION + redact(line) for line in rest)])


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: int = logging.INFO, secrets: Iterable[str | None] = ()) -> None:
    """The process's logging: one handler on stderr with `SafeFormatter`, the record factory."""
    install()
    register_secret(*secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
