"""`LOG_FORMAT`: plain text (the default) or `json`, one JSON object per line.

Each record says when, how bad, which logger and what — and, when it happens while handling a
request (or work started by one, or a reminder), the workspace (`team`), the listener kind
(`listener`: command, action, view_submission, event…) and the request's `correlation_id` (Slack's
event id when there is one), from bot/tenancy.py. A traceback goes in `exc_info`, inside the
object, so a record is always one line. Text lines carry the same context at their end.

Both keep bot/logs.py's guarantees (no credentials, no request bodies): its record factory cleans
the message, and the traceback is redacted here too.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from bot import tenancy


class ContextFilter(logging.Filter):
    """Adds `team`, `listener` and `correlation_id` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = tenancy.request_info()
        scope = tenancy.current()
        record.team = (scope.team_id if scope else None) or (info.team_id if info else None)
        record.listener = info.listener if info else None
        record.correlation_id = info.correlation_id if info else None
        return True


def _redact(text: str) -> str:
    try:
        from bot.logs import redact
    except ImportError:  # pragma: no cover - bot.logs ships with the bot
        return text
    return redact(text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "team": getattr(record, "team", None),
            "listener": getattr(record, "listener", None),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        if record.exc_info:
            entry["exc_info"] = _redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack_info"] = _redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_CONTEXT = " [team=%(team)s listener=%(listener)s id=%(correlation_id)s]"


class TextContextFormatter(logging.Formatter):
    """Wraps the configured text formatter: the request context at the end of the first line."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        if getattr(record, "correlation_id", None) is None:
            return text
        first, sep, rest = text.partition("\n")
        return first + TEXT_CONTEXT % record.__dict__ + sep + rest


def configure(log_format: str = "text") -> None:
    """Apply `LOG_FORMAT` to the root logger's handlers (set up by bot/logs.py `configure`)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    for handler in root.handlers:
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
        if log_format == "json":
            handler.setFormatter(JsonFormatter())
        elif not isinstance(handler.formatter, TextContextFormatter):
            handler.setFormatter(TextContextFormatter(handler.formatter or logging.Formatter()))
