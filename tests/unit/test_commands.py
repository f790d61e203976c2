"""The help's rules (bot/domain/commands.py): each line has its sentence, a mistyped word finds the
subcommand meant, and who is shown which line."""

from __future__ import annotations

import pytest

from bot import messages
from bot.domain import commands as rules
from bot.domain.enums import Role
from bot.domain.trust import Someone
from bot.ids import Command


def test_every_line_has_its_sentence_and_every_sentence_its_line():
    for command, lines in rules.LINES.items():
        assert [line.key for line in lines] == list(messages.HELP_LINES[command]), command
        for word in rules.ALIASES[command].values():
            assert word == "" or word in {line.word for line in lines}, (command, word)
    for note in (rules.INFLUENCER, rules.NO_ROLE, rules.NO_ROLE_CREATOR, rules.OUTSIDE):
        assert set(messages.HELP_NOTES[note]) == set(rules.LINES), note


@pytest.mark.parametrize(
    ("command", "typed", "meant"),
    [
        (Command.CAMPAIGN, "invte", "invite"),
        (Command.CAMPAIGN, "create", "new"),  # not `creators`
        (Command.CAMPAIGN, "guideline", "guidelines"),
        (Command.CAMPAIGN, "members", None),  # not `reminders`
        (Command.CAMPAIGN, "frobnicate", None),
        (Command.BREACH, "lsit", "list"),
        (Command.BREACH, "report", ""),  # the form, not `export`
        (Command.BREACH, "nonsense", None),
        (Command.REVIEW, "histroy", "history"),
        (Command.REVIEW, "log", ""),
        (Command.REVIEW, "lgo", ""),  # a word people try for the form, mistyped: the form
        (Command.REVIEW, "logg", ""),
        (Command.REVIEW, "hlep", "help"),  # two letters swapped
        (Command.BREACH, "fiel", ""),
        (Command.CAMPAIGN, "craete", "new"),
        (Command.CAMPAIGN, "lits", "list"),
        (Command.REVIEW, "gol", None),  # more than a slip
    ],
)
def test_the_closest_subcommand(command, typed, meant):
    assert rules.closest(command, typed) == meant


def _keys(command: str, **someone) -> list[str]:
    held = someone.pop("held", ())
    return rules.help_lines(command, rules.caller(Someone(**someone), held))[0]


def test_an_influencer_is_shown_her_lines_whatever_else_she_holds():
    keys = _keys(Command.CAMPAIGN, is_influencer=True, is_admin=True, held=["manager"])
    assert keys == ["list", "show_own", "help"]
    assert rules.caller(Someone(is_influencer=True, is_admin=True), ["manager"]).roles == {Role.INFLUENCER}


def test_who_is_shown_the_setup_and_the_admin_lines():
    assert "invite" in _keys(Command.CAMPAIGN, held=["manager"])
    assert "creators" not in _keys(Command.CAMPAIGN, held=["manager"])
    assert "invite" not in _keys(Command.CAMPAIGN, held=["member", "legal"])
    assert "export" in _keys(Command.BREACH, held=["legal"])
    assert "export" not in _keys(Command.BREACH, held=["member"])
    assert _keys(Command.CAMPAIGN, is_admin=True) == [
        k for k in messages.HELP_LINES[Command.CAMPAIGN] if k != "show_own"
    ]
    assert "new" in _keys(Command.CAMPAIGN, is_creator=True)
    assert "new" not in _keys(Command.CAMPAIGN, is_creator=True, is_guest=True)
