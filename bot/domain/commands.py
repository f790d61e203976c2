"""The slash commands' subcommands as rules: who may run each one, so that the help shows each
person the lines they can use (docs/roles.md), and the closest subcommand to a mistyped word.

Each help line belongs to one subcommand and names who may run it: the roles of
`permissions.py` (held on any campaign), or a side. A person's roles for the help are the brand
roles they hold anywhere in the workspace and admin rights; an influencer holds the influencer
role alone, whatever else is stored or Slack says (*one person, one side*, `trust.py`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.domain import trust
from bot.domain.enums import Role
from bot.domain.permissions import BRAND, PERMISSIONS, SETUP, Act
from bot.ids import Command

#: `/breach export`: managers, legal and admins (bot/flows/incidents/reading.py, EXPORTERS).
EXPORTERS = frozenset({Role.ADMIN, Role.MANAGER, Role.LEGAL})
#: How close a mistyped word must be to a subcommand to be offered (difflib's ratio).
CLOSE_ENOUGH = 0.7


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks for help: `roles` are the brand roles they hold on some campaign and `Role.ADMIN`
    for admin rights, or `Role.INFLUENCER` alone; `creator`: they may create campaigns;
    `may_hold_role`: they could be given a brand role (not a guest, nor another organisation's)."""

    roles: frozenset[Role] = frozenset()
    creator: bool = False
    may_hold_role: bool = True

    @property
    def influencer(self) -> bool:
        return Role.INFLUENCER in self.roles


def caller(someone: trust.Someone, held: Iterable[str]) -> Caller:
    """The help's view of `someone` (Slack and the store), `held`: the brand roles stored for them."""
    if someone.is_influencer:  # their stored roles and admin rights count for nothing
        return Caller(frozenset({Role.INFLUENCER}))
    roles = {Role(r) for r in held}
    if someone.is_admin:
        roles.add(Role.ADMIN)
    return Caller(
        frozenset(roles),
        creator=trust.creator_refusal(someone) is None,
        may_hold_role=trust.may_become_creator(someone),
    )


Who = Callable[[Caller], bool]


def _anyone(c: Caller) -> bool:
    return True


def _brand_side(c: Caller) -> bool:
    return not c.influencer


def _influencer(c: Caller) -> bool:
    return c.influencer


def _creator(c: Caller) -> bool:
    return c.creator


def _holding(roles: frozenset[Role]) -> Who:
    return lambda c: not roles.isdisjoint(c.roles)


def _may(act: Act) -> Who:
    return _holding(PERMISSIONS[act])


@dataclass(frozen=True, slots=True)
class Line:
    """A line of a command's help: `key` in `bot.messages.HELP_LINES[command]`, about the
    subcommand `word` ("": the command alone), shown to whoever `who` accepts."""

    key: str
    word: str
    who: Who


LINES: dict[str, tuple[Line, ...]] = {
    Command.CAMPAIGN: (
        Line("new", "new", _creator),
        Line("list", "list", _anyone),
        Line("show", "show", _brand_side),
        Line("show_own", "show", _influencer),
        Line("invite", "invite", _may(Act.INVITE)),
        Line("role", "role", _may(Act.GRANT_ROLE)),
        Line("guidelines", "guidelines", _may(Act.EDIT_GUIDELINES)),
        Line("deliverable", "deliverable", _may(Act.ADD_DELIVERABLE)),
        Line("complete", "complete", _may(Act.CHANGE_CAMPAIGN_STATUS)),
        Line("cancel", "cancel", _may(Act.CHANGE_CAMPAIGN_STATUS)),
        Line("reopen", "reopen", _may(Act.CHANGE_CAMPAIGN_STATUS)),
        Line("reminders", "reminders", _may(Act.SEE_REMINDERS)),
        Line("report", "report", _holding(BRAND)),  # never influencers (bot/flows/insights.py)
        Line("digest", "digest", _holding(SETUP)),
        Line("conduct", "conduct", _holding(SETUP)),
        Line("creators", "creators", _holding(frozenset({Role.ADMIN}))),
        Line("help", "help", _anyone),
    ),
    Command.BREACH: (
        Line("report", "", _holding(BRAND)),
        Line("list", "list", _anyone),
        Line("show", "show", _anyone),
        Line("export", "export", _holding(EXPORTERS)),
        Line("verify", "verify", _holding(BRAND)),
        Line("help", "help", _anyone),
    ),
    Command.REVIEW: (
        Line("log", "", _may(Act.LOG_REVIEW)),
        Line("history", "history", _may(Act.VIEW_SCORECARD)),
        Line("help", "help", _anyone),
    ),
}

#: Words people try for a subcommand that has another name; "" is the command alone (which opens
#: the report or review form).
ALIASES: dict[str, dict[str, str]] = {
    Command.CAMPAIGN: {"create": "new"},
    Command.BREACH: {"report": "", "new": "", "file": ""},
    Command.REVIEW: {"log": "", "new": "", "add": ""},
}

#: The note under the lines: for an influencer; for someone with no role yet, who could be given
#: one, or who could not (a guest, another organisation's user), or who may create a campaign
#: themselves (a campaign creator on their first day); for a brand role who does not set campaigns
#: up (`/campaign` only).
INFLUENCER, NO_ROLE, OUTSIDE, NOT_SETUP = "influencer", "no_role", "outside", "not_setup"
NO_ROLE_CREATOR = "no_role_creator"


def help_lines(command: str, c: Caller) -> tuple[list[str], str | None]:
    """The keys of the lines `c` may run, in order, and the key of the note for them, if any."""
    keys = [line.key for line in LINES[command] if line.who(c)]
    if c.influencer:
        note = INFLUENCER
    elif not c.roles:
        note = (NO_ROLE_CREATOR if c.creator else NO_ROLE) if c.may_hold_role else OUTSIDE
    elif command == Command.CAMPAIGN and SETUP.isdisjoint(c.roles):
        note = NOT_SETUP
    else:
        note = None
    return keys, note


def closest(command: str, word: str) -> str | None:
    """The subcommand of `command` (`""`: the command alone) someone who typed `word` most likely
    meant, or None when no subcommand is close enough. A subcommand's words are its own and those
    people try for it (`ALIASES`: `log` for `/review` alone); two neighbouring letters swapped
    (`lgo`, `hlep`) are a slip of the fingers, close whatever the word's length."""
    aliased = ALIASES[command].get(word)
    if aliased is not None:
        return aliased
    meaning = {line.word: line.word for line in LINES[command] if line.word}
    meaning |= {alias: meant for alias, meant in ALIASES[command].items() if alias not in meaning}
    words = sorted(meaning)
    swapped = [w for w in words if _swapped(word, w)]
    found = swapped or difflib.get_close_matches(word, words, n=1, cutoff=CLOSE_ENOUGH)
    return meaning[found[0]] if found else None


def _swapped(typed: str, word: str) -> bool:
    """`typed` is `word` with two neighbouring letters swapped."""
    if len(typed) != len(word) or typed == word:
        return False
    apart = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    return (
        len(apart) == 2
        and apart[1] == apart[0] + 1
        and typed[apart[0]] == word[apart[1]]
        and typed[apart[1]] == word[apart[0]]
    )


def line_of(command: str, word: str) -> str:
    """The key of the (first) help line about subcommand `word`."""
    return next(line.key for line in LINES[command] if line.word == word)
