"""Pure domain rules: parsing, permissions, slugs, channel names, guideline codes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import campaigns, parsing
from bot.domain.enums import Role
from bot.domain.guidelines import DEFAULT_TEMPLATE, clause_problems, next_code
from bot.domain.permissions import PERMISSIONS, Act, campaign_roles, may, require
from bot.errors import InvalidInput, NotPermitted


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<@U123ABC>", parsing.Person(user_id="U123ABC")),
        ("<@W9ZZ|jane>", parsing.Person(user_id="W9ZZ")),
        ("jane@example.com", parsing.Person(email="jane@example.com")),
        ("<mailto:Jane@Example.com|Jane@Example.com>", parsing.Person(email="jane@example.com")),
        ("@jane", None),
        ("jane@", None),
        ("not an email", None),
        ("<#C123|general>", None),
    ],
)
def test_person_parsing(token, expected):
    assert parsing.person(token) == expected


def test_channel_and_incident_parsing():
    assert parsing.channel_id("<#C0ABC|legal>") == "C0ABC"
    assert parsing.channel_id("#legal") is None
    assert parsing.incident_number("BR-17") == 17
    assert parsing.incident_number("br-3") == 3
    assert parsing.incident_number("BR-x") is None


def test_split_keeps_quoted_words_and_survives_bad_quotes():
    assert parsing.split('history "Jane Doe"') == ["history", "Jane Doe"]
    assert parsing.split('show "unclosed') == ["show", '"unclosed']


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("show a&amp;b", ["show", "a&b"]),  # Slack escapes what was typed: read as typed
        ("history &lt;!channel&gt;", ["history", "<!channel>"]),
        ("show &amp;lt;", ["show", "&lt;"]),  # typed "&lt;" is decoded once, not twice
        ('history "Ben &amp; Jerry"', ["history", "Ben & Jerry"]),
        (
            "role x <@U1|ivy> <#C1|legal> <mailto:a@b.co|a@b.co>",
            ["role", "x", "<@U1|ivy>", "<#C1|legal>", "<mailto:a@b.co|a@b.co>"],
        ),
        # typed imitations of markup stay escaped, so no parser reads them as a mention
        (
            "role x &lt;@U1&gt; &lt;#C1&gt; &lt;mailto:a@b.co&gt;",
            ["role", "x", "&lt;@U1&gt;", "&lt;#C1&gt;", "&lt;mailto:a@b.co&gt;"],
        ),
        ('history "&lt;@U1|x" "y&gt;"', ["history", "&lt;@U1|x", "y>"]),
    ],
)
def test_command_words_undo_slacks_escaping_of_typed_text_only(text, words):
    assert parsing.command_words(text) == words


def test_a_typed_mention_is_never_read_as_one():
    typed = parsing.command_words('role &lt;@U1&gt; &lt;#C1&gt; "&lt;@U1|x" "y&gt;"')[1:]
    assert [parsing.person(w) or parsing.channel_id(w) for w in typed] == [None] * 4
    assert parsing.user_id(" ".join(typed[2:])) is None  # `/review history` joins its words


@pytest.mark.parametrize("slug", ["ab", "spring-launch", "a" * 40, "2027-q1"])
def test_valid_slugs(slug):
    assert campaigns.check_slug(slug) == slug


@pytest.mark.parametrize("slug", ["a", "a" * 41, "Spring", "spring launch", "spring_launch", "é-x", ""])
def test_invalid_slugs_name_the_field(slug):
    with pytest.raises(InvalidInput) as err:
        campaigns.check_slug(slug, "slug")
    assert err.value.field == "slug"
    assert "2–40 lowercase" in err.value.message


def test_dates_must_be_ordered():
    campaigns.check_dates(date(2027, 1, 1), date(2027, 1, 1))
    with pytest.raises(InvalidInput):
        campaigns.check_dates(date(2027, 1, 2), date(2027, 1, 1))


def test_channel_names_are_valid_slack_names():
    assert campaigns.channel_name("spring", "Zoë Ávila") == "cg-spring-zoe-avila"
    assert campaigns.channel_name("spring", "Zoë Ávila", 3) == "cg-spring-zoe-avila-3"
    assert campaigns.channel_name("spring", "🙂🙂") == "cg-spring-influencer"
    long = campaigns.channel_name("a" * 40, "b" * 60, 12)
    assert len(long) <= 80 and long.endswith("-12")


def test_next_code_and_clause_problems():
    assert next_code([c.code for c in DEFAULT_TEMPLATE]) == "G9"
    assert next_code([]) == "G1"
    assert next_code(["G2", "custom", "G10"]) == "G11"
    assert clause_problems("", "x") == {"title": "A clause needs a title."}
    assert set(clause_problems("t" * 151, "x" * 2501)) == {"title", "text"}


def test_default_template_matches_the_spec():
    assert [(c.code, c.category, c.default_severity) for c in DEFAULT_TEMPLATE] == [
        ("G1", "disclosure", "major"),
        ("G2", "deadline", "moderate"),
        ("G3", "exclusivity", "major"),
        ("G4", "conduct", "major"),
        ("G5", "content_approval", "moderate"),
        ("G6", "brand_safety", "critical"),
        ("G7", "confidentiality", "major"),
        ("G8", "fake_engagement", "critical"),
    ]


@pytest.mark.parametrize(
    ("move", "status", "refusal"),
    [
        ("complete", "active", None),
        ("complete", "draft", None),
        ("cancel", "active", None),
        ("reopen", "completed", None),
        ("reopen", "cancelled", None),
        ("complete", "completed", "`spring` is already completed."),
        ("cancel", "cancelled", "`spring` is already cancelled."),
        ("reopen", "active", "`spring` is already active."),
        ("reopen", "draft", "`spring` is draft, not closed: there is nothing to reopen."),
        (
            "complete",
            "cancelled",
            "`spring` is cancelled. Reopen it first (`/campaign reopen spring`) to change that.",
        ),
        (
            "cancel",
            "completed",
            "`spring` is completed. Reopen it first (`/campaign reopen spring`) to change that.",
        ),
    ],
)
def test_campaign_status_moves(move, status, refusal):
    assert campaigns.move_refusal(campaigns.CampaignMove(move), status, "spring") == refusal
    if refusal is None:
        sources, to = campaigns.MOVES[campaigns.CampaignMove(move)]
        assert status in sources and to != status


def test_closing_moves_are_complete_and_cancel():
    moves = campaigns.CampaignMove
    assert campaigns.closes(moves.COMPLETE) and campaigns.closes(moves.CANCEL)
    assert not campaigns.closes(moves.REOPEN)


def test_a_closed_campaign_takes_nothing_new():
    for status in ("draft", "active"):
        assert campaigns.closed_refusal(status, "spring", "invite influencers to it") is None
    assert campaigns.closed_refusal("cancelled", "spring", "invite influencers to it") == (
        "`spring` is cancelled, so you can't invite influencers to it. "
        "Reopen it first: `/campaign reopen spring`."
    )


def test_setup_actions_need_manager_or_admin():
    for act in (Act.INVITE, Act.GRANT_ROLE, Act.EDIT_GUIDELINES, Act.ADD_DELIVERABLE):
        assert may(act, {Role.MANAGER}) and may(act, {Role.ADMIN})
        assert not may(act, {Role.MEMBER}) and not may(act, {Role.LEGAL}) and not may(act, {Role.INFLUENCER})


def test_only_the_influencer_acknowledges_guidelines():
    assert PERMISSIONS[Act.ACKNOWLEDGE_GUIDELINES] == {Role.INFLUENCER}
    with pytest.raises(NotPermitted) as err:
        require(Act.ACKNOWLEDGE_GUIDELINES, {Role.ADMIN, Role.MANAGER})
    assert "*influencer*" in err.value.message


def test_refusal_names_the_roles_needed():
    with pytest.raises(NotPermitted) as err:
        require(Act.INVITE, campaign_roles(is_admin=False, granted="member", is_influencer=False))
    assert (
        err.value.message
        == ":no_entry: Only a campaign *manager* or a workspace *admin* can invite influencers."
    )


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        (["spring"], "spring"),
        (["Summer", "Drop"], "summer-drop"),
        (["Été", "2027!"], "ete-2027"),
        (["x" * 60], "x" * 40),
        (["???"], None),
        ([], None),
    ],
)
def test_campaign_new_prefills_the_slug_from_every_word_typed(typed, hint):
    assert campaigns.slug_hint(typed) == hint
