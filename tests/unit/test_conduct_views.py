"""The conduct flag as Block Kit (what a flagged message can and cannot do to the reader), the
report button's value, and which links are Slack message links."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from slack_sdk.models.blocks import Block

from bot.flows.evidence import parse_permalink
from bot.ids import Action
from bot.views import conduct as views
from storage.models import Campaign, ConductFlag, FlaggedMessage, Influencer

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
LINK = "https://acme.slack.com/archives/C0SHARED/p1790000000000100"


def _flagged(text: str, n: int = 1, **extra) -> FlaggedMessage:
    return FlaggedMessage(
        id=n,
        team_id="T1",
        flag_id=1,
        channel_id="C0SHARED",
        ts=f"1790000000.00010{n}",
        author_id="U0IVY",
        text=text,
        category="insult",
        score=0.9,
        lang="en",
        reason="insult: a demeaning word aimed at a person (“<@U0X> useless”)",
        permalink=LINK,
        created_at=NOW,
        **extra,
    )


def _render(about_brand: bool = False, messages: int = 1):
    campaign = Campaign(
        id=7, team_id="T1", slug="spring", name="Spring *Launch* <!here>", brand="Acme",
        start_date=date(2027, 3, 1), end_date=date(2027, 5, 31), owner_id="U0MAYA",
    )  # fmt: skip
    influencer = Influencer(id=3, team_id="T1", display_name="Ivy", slack_user_id="U0IVY")
    flag = ConductFlag(
        id=1, team_id="T1", campaign_id=7, engagement_id=11, channel_id="C0SHARED",
        author_id="U0MO" if about_brand else "U0IVY", about_brand=about_brand, category="insult",
        reason="insult", messages=messages, deliveries=[], created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    first = _flagged("<!channel> you're useless <https://evil.example|click here> &lt;script&gt;")
    latest = _flagged("and a clown", 2) if messages > 1 else first
    return views.flag(campaign, influencer, flag, first, latest, "G4", 11)


def test_a_flag_shows_the_message_inert_and_valid():
    text, blocks = _render()
    raw = json.dumps([b.to_dict() for b in blocks])
    assert "<!channel>" not in raw and "<!here>" not in raw and "<https://evil.example|" not in raw
    assert "@channel you're useless click here (https://evil.example)" in raw  # what it said, inert
    assert [Block.parse(b.to_dict()).to_dict() for b in blocks] == [b.to_dict() for b in blocks]
    button = next(b for b in blocks if b.type == "actions").elements[0]
    assert button.action_id == Action.REPORT_BREACH_PREFILLED and button.text.text == "Report breach of G4"
    assert json.loads(button.value) == {"engagement_id": 11, "guideline_code": "G4", "evidence": [LINK]}
    assert "<!channel>" not in text


def test_a_flag_about_brand_staff_has_no_report_button_and_says_who_gets_it():
    _, blocks = _render(about_brand=True)
    assert not any(b.type == "actions" for b in blocks)
    assert "the workspace admins" in json.dumps([b.to_dict() for b in blocks])


def test_the_count_of_messages_a_flag_covers():
    _, blocks = _render(messages=3)
    assert "This flag covers *3 messages*" in json.dumps([b.to_dict() for b in blocks])


def test_the_report_value_fits_a_button():
    long = [f"{LINK}?x={'a' * 900}", f"{LINK}?y={'b' * 900}", f"{LINK}?z={'c' * 900}"]
    value = views.report_value(11, "G4", long)
    assert len(value) <= views.BUTTON_VALUE_MAX and json.loads(value)["evidence"] == long[:2]


def test_slack_message_links():
    assert parse_permalink(LINK) == ("C0SHARED", "1790000000.000100", None)
    reply = f"{LINK[:-6]}000200?thread_ts=1790000000.000100&cid=C0SHARED"
    assert parse_permalink(reply) == ("C0SHARED", "1790000000.000200", "1790000000.000100")
    for not_one in (
        "https://instagram.example/p/1",
        "https://acme.slack.com/archives/C0SHARED",
        "http://acme.slack.com/archives/C0SHARED/p1790000000000100",  # Slack links are https
        "https://acme.slack.com.evil.example/archives/C0SHARED/p1790000000000100",
        "https://slack.com/archives/C0SHARED/p1790000000000100",
    ):
        assert parse_permalink(not_one) is None, not_one
