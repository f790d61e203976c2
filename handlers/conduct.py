"""`/campaign conduct …` (the conduct monitor and ghosting thresholds) and `/breach verify BR-n`.

Thin like every listener: parse, ack, hand the work to bot/flows/conduct.py or
bot/flows/evidence.py through `svc.background`. Message events reach the monitor from
handlers/events.py.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from bot.domain import parsing
from bot.errors import InvalidInput
from bot.flows import conduct as flows
from bot.flows import evidence
from bot.services import Services
from bot.views.text import esc

CONDUCT_USAGE = "/campaign conduct <slug> [on | off | ghosting <reminder hours> <flag hours>]"
VERIFY_USAGE = "/breach verify BR-<n>"


def _usage() -> InvalidInput:
    return InvalidInput(f":warning: Usage: `{esc(CONDUCT_USAGE)}`")


def _hours(word: str) -> int:
    value = parsing.whole_number(word, 0, 10_000)
    if value is None:
        raise InvalidInput(
            f":warning: `{esc(word[:20])}` is not a number of hours. Usage: `{esc(CONDUCT_USAGE)}`"
        )
    return value


def conduct_command(svc: Services, team: str, user: str, args: list[str]) -> Coroutine[Any, Any, str]:
    """The work behind `/campaign conduct <slug> …`; raises InvalidInput (before the ack) on bad words."""
    if not args or len(args) > 4:
        raise _usage()
    slug, rest = args[0].lower(), [a.lower() for a in args[1:]]
    if not rest:
        return flows.status(svc, team, user, slug)
    if rest in (["on"], ["off"]):
        return flows.switch(svc, team, user, slug, rest[0] == "on")
    if rest[0] == "ghosting" and len(rest) == 3:
        return flows.set_thresholds(svc, team, user, slug, _hours(rest[1]), _hours(rest[2]))
    raise _usage()


def verify_command(svc: Services, team: str, user: str, args: list[str]) -> Coroutine[Any, Any, str]:
    number = parsing.incident_number(args[0]) if len(args) == 1 else None
    if number is None:
        raise InvalidInput(f":warning: Usage: `{esc(VERIFY_USAGE)}`")
    return evidence.verify(svc, team, user, number)
