"""The table of Web API method handlers and the context they run in."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..args import Args
from ..state import Workspace

_T = TypeVar("_T")


@dataclass
class ApiContext:
    ws: Workspace  # the workspace of the calling token (the emulator's first one for non-bot auth)
    base_url: str  # where the emulator is served, e.g. "http://127.0.0.1:8123"
    emulator: Any = None  # the SlackEmulator (for methods about the app rather than a workspace)
    token: str | None = None


Handler = Callable[[ApiContext, Args], dict[str, Any]]
REGISTRY: dict[str, Handler] = {}
#: How each method authenticates when not with a bot token: "client" (client id and secret:
#: oauth.v2.access) or "app" (an app-level token: apps.connections.open).
AUTH: dict[str, str] = {}


def api_method(name: str, *, auth: str = "bot") -> Callable[[Handler], Handler]:
    """Register a handler; it returns the response fields besides `ok: true`, or raises SlackError."""

    def register(handler: Handler) -> Handler:
        REGISTRY[name] = handler
        if auth != "bot":
            AUTH[name] = auth
        return handler

    return register


def paginate(items: Sequence[_T], args: Args, *, default_limit: int = 100) -> tuple[list[_T], str]:
    """Cursor pagination as Slack does it: a page and the next (opaque) cursor, "" at the end."""
    start = _decode_cursor(args.str("cursor"))
    limit = max(1, min(args.int("limit", default_limit) or default_limit, 1000))
    end = start + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return list(items[start:end]), next_cursor


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("offset:"))
    except ValueError:
        return 0
