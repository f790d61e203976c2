"""Parsing slash-command text. Slack escapes mentions when the command has `should_escape: true`:
`<@U123|name>`, `<#C123|name>`, `<mailto:a@b.co|a@b.co>`."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
CHANNEL_MENTION = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
INCIDENT_NUMBER = re.compile(r"^(?:BR-)?([0-9]{1,9})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone named in a command: a workspace user id, or an email."""

    user_id: str | None = None
    email: str | None = None


def split(text: str) -> list[str]:
    """Words of a command, honouring quotes ("Jane Doe"); falls back to whitespace on bad quoting."""
    try:
        return shlex.split(text or "")
    except ValueError:
        return (text or "").split()


def user_id(token: str) -> str | None:
    match = USER_MENTION.match(token)
    return match.group(1) if match else None


def channel_id(token: str) -> str | None:
    match = CHANNEL_MENTION.match(token)
    return match.group(1) if match else None


def email(token: str) -> str | None:
    """The email in `token` (bare or Slack's mailto form) if it is a valid address."""
    match = MAILTO.match(token)
    candidate = (match.group(1) if match else token).strip()
    return candidate.lower() if EMAIL.match(candidate) and len(candidate) <= 254 else None


def person(token: str) -> Person | None:
    if uid := user_id(token):
        return Person(user_id=uid)
    if address := email(token):
        return Person(email=address)
    return None


def incident_number(token: str) -> int | None:
    match = INCIDENT_NUMBER.match(token.strip())
    return int(match.group(1)) if match else None
