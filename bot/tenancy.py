"""The workspace the current work belongs to, and the request it came from.

One deployment serves many workspaces (OAuth installs), each with its own bot token and bot user.
Rather than passing a client down every flow, the workspace travels in a context variable:

- each request sets it from Bolt's authorisation (`scope_request`, a global middleware), so a
  listener and everything it starts act for the workspace the request belongs to;
- the reminder dispatcher sets it per reminder (`Tenancy.enter`);
- asyncio tasks copy context variables when they are created, so work handed to `Background`
  after the ack inherits the workspace of its request.

`bot.slack.SlackClient` reads it on every Web API call: the call carries that workspace's token.
Single-token mode (`SLACK_BOT_TOKEN`) sets it too, with the one token.

The request's team, listener kind and a correlation id also live here, for log lines
(bot/log_format.py) and metrics (bot/metrics.py).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Workspace:
    team_id: str | None
    enterprise_id: str | None = None
    bot_token: str | None = None
    bot_user_id: str | None = None
    bot_id: str | None = None
    #: The token is an org-wide (Enterprise Grid) install's: some calls must name the workspace.
    org_wide: bool = False


@dataclass(frozen=True, slots=True)
class RequestInfo:
    correlation_id: str
    listener: str  # command, action, view_submission, event, options, shortcut, …
    team_id: str | None = None


_workspace: ContextVar[Workspace | None] = ContextVar("campaign_guard_workspace", default=None)
_request: ContextVar[RequestInfo | None] = ContextVar("campaign_guard_request", default=None)


def current() -> Workspace | None:
    return _workspace.get()


def current_team() -> str | None:
    scope = _workspace.get()
    return scope.team_id if scope else None


def request_info() -> RequestInfo | None:
    return _request.get()


def set_workspace(workspace: Workspace | None) -> None:
    """Enter a workspace for the rest of the current task (a request's middleware)."""
    _workspace.set(workspace)
    info = _request.get()
    if info is not None and workspace is not None and info.team_id != workspace.team_id:
        _request.set(replace(info, team_id=workspace.team_id))


@contextlib.contextmanager
def workspace(scope: Workspace | None) -> Iterator[Workspace | None]:
    """`with workspace(...)`: act for this workspace inside the block (the dispatcher, per row)."""
    token = _workspace.set(scope)
    try:
        yield scope
    finally:
        _workspace.reset(token)


@contextlib.contextmanager
def request(body: dict[str, Any]) -> Iterator[RequestInfo]:
    """One incoming request: a fresh correlation id, its listener kind and team, no workspace yet."""
    info = RequestInfo(
        correlation_id=correlation_id(body), listener=listener_kind(body), team_id=team_of(body)
    )
    request_token = _request.set(info)
    workspace_token = _workspace.set(None)
    try:
        yield info
    finally:
        _workspace.reset(workspace_token)
        _request.reset(request_token)


def correlation_id(body: dict[str, Any]) -> str:
    """Slack's own id of the request when it has one (an event's `event_id`), else a fresh one."""
    event_id = body.get("event_id") if isinstance(body, dict) else None
    return str(event_id) if event_id else secrets.token_hex(6)


def listener_kind(body: dict[str, Any]) -> str:
    if not isinstance(body, dict):
        return "unknown"
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    if kind == "block_actions":
        return "action"
    if kind in ("view_submission", "view_closed", "block_suggestion", "shortcut", "message_action"):
        return {"block_suggestion": "options", "message_action": "shortcut"}.get(kind, kind)
    return str(kind or "unknown")


def team_of(body: dict[str, Any]) -> str | None:
    if not isinstance(body, dict):
        return None
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    return body.get("team_id") if isinstance(body.get("team_id"), str) else None
