"""Parsing what users and payloads send: slash-command text and database ids.

Slack escapes mentions when the command has `should_escape: true`: `<@U123|name>`, `<#C123|name>`,
`<mailto:a@b.co|a@b.co>`. What the user typed arrives HTML-escaped (`&` `<` `>` as `&amp;`
`&lt;` `&gt;`): `command_words` decodes it once, so the bot's own `esc()` escapes every echo exactly
once. Ids (button values, form metadata, selected options, incident numbers) go through `db_id`
only."""

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
INCIDENT_PREFIX = re.compile(r"^BR-?", re.IGNORECASE)  # `BR1` too: the hyphen is easily left out

#: The largest value of an `Integer` column on PostgreSQL (SQLite's are wider): no id the bot
#: handed out is larger, and a larger one must never reach a query (it would overflow there).
DB_ID_MAX = 2**31 - 1
_CANONICAL_NUMBER = re.compile(r"0|[1-9][0-9]{0,9}")  # ASCII only: `str.isdigit` takes "²" too


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


#: How a word that the parsers read as Slack markup (a user, a channel, an e-mail link) begins.
MARKUP_STARTS = ("<@", "<#", "<mailto:")
_ENTITIES = re.compile(r"&(amp|lt|gt);")
_DECODED = {"amp": "&", "lt": "<", "gt": ">"}


def command_words(text: str) -> list[str]:
    """The words of slash-command text as the user typed them (`split`, then Slack's escaping
    undone). A real mention arrives as markup (`<@U123|ivy>`) and stays as it is. A typed imitation
    (`<@U123>` typed arrives as `&lt;@U123&gt;`) stays escaped, so no parser mistakes it for a
    mention: it names nobody, and its echo shows the entities."""
    return [_typed(word) for word in split(text)]


def _typed(word: str) -> str:
    plain = _ENTITIES.sub(lambda m: _DECODED[m[1]], word)
    # markup as Slack sent it is a real mention (and decodes to itself, label aside); typed, it
    # arrived escaped: either way the word is kept as sent
    return word if plain.startswith(MARKUP_STARTS) else plain


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


def whole_number(value: object, low: int, high: int) -> int | None:
    """A whole number from a payload within [low, high], or None.

    Accepted: an int (not a bool) or a string of ASCII digits written the way the bot writes
    numbers: no sign, no spaces, no leading zero. Everything else (Unicode digits such as "²" or
    Arabic-Indic one, which `str.isdigit` takes and `int` crashes on or reads as 1; "01", " 1",
    "+1", floats, 40 digits) is None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _CANONICAL_NUMBER.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if low <= number <= high else None


def db_id(value: object) -> int | None:
    """The id in a button value, form metadata or selected option, or None when it is not an id
    the bot could have written (see `whole_number`) or is outside the `Integer` columns' range.
    Callers answer None as "not found": an odd id is never a crash and never another id."""
    return whole_number(value, 1, DB_ID_MAX)


def incident_number(token: str) -> int | None:
    """`BR-12`, `br-12`, `BR12` or `12` (surrounding spaces allowed): the number, or None."""
    return db_id(INCIDENT_PREFIX.sub("", token.strip(), count=1))
