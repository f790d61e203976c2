"""Which proposed resolution an Accept or Dispute answers: the version the card's buttons carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain import incidents as rules

DUE = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)


def test_a_proposal_has_one_version_however_it_is_read():
    version = rules.proposal_version("warning", "A written warning.", DUE, "U0LEA")
    assert rules.is_version(version)
    # the same moment in another zone (a database hands it back as it likes) is the same proposal
    paris = DUE.astimezone(timezone(timedelta(hours=1)))
    assert rules.proposal_version("warning", "A written warning.", paris, "U0LEA") == version


@pytest.mark.parametrize(
    "other",
    [
        ("contract_terminated", "A written warning.", DUE, "U0LEA"),
        ("warning", "A written warning, and a fee cut.", DUE, "U0LEA"),
        ("warning", "A written warning.", DUE + timedelta(days=1), "U0LEA"),
        ("warning", "A written warning.", None, "U0LEA"),
        ("warning", "A written warning.", DUE, "U0MO"),
    ],
)
def test_anything_the_card_shows_of_a_proposal_changes_its_version(other):
    assert rules.proposal_version(*other) != rules.proposal_version(
        "warning", "A written warning.", DUE, "U0LEA"
    )


def test_button_values_carry_the_proposal_and_old_ones_still_parse():
    version = rules.proposal_version("warning", "Terms.", None, "U0LEA")
    assert rules.button_value(12) == "12"
    assert rules.parse_button_value(rules.button_value(12, version)) == (12, version)
    assert rules.parse_button_value("12") == (12, None)  # a card drawn before versions
    assert rules.parse_button_value("12:") == (12, None)
    assert rules.parse_button_value("12:not-a-version") == (12, None)
    assert rules.parse_button_value(f"12:{version.upper()}") == (12, None)
    assert rules.parse_button_value(f"x:{version}") == (None, version)
    assert rules.parse_button_value("") == (None, None)
    assert not rules.is_version(None) and not rules.is_version(version[:-1])
