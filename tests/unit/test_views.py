"""Block Kit builders: valid per slack_sdk's models, user text escaped, limits respected."""

from __future__ import annotations

from datetime import UTC, date, datetime

from slack_sdk.models.blocks import Block

from bot.views import campaign as views
from bot.views.text import esc, when
from storage.models import Campaign, Engagement, Guideline, Influencer

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
EVIL = "<!channel> <@U123> <https://evil.example|click> & co"


def _campaign(**kw) -> Campaign:
    fields = dict(
        id=1,
        team_id="T1",
        slug="spring",
        name=EVIL,
        brand=EVIL,
        start_date=date(2027, 3, 1),
        end_date=date(2027, 4, 1),
        owner_id="U1",
        created_at=NOW,
        guidelines_version=2,
    )
    fields.update(kw)
    return Campaign(**fields)


def _clause(i: int) -> Guideline:
    return Guideline(
        id=i,
        team_id="T1",
        campaign_id=1,
        code=f"G{i}",
        title=EVIL,
        text=EVIL * 3,
        category="conduct",
        default_severity="major",
        updated_at=NOW,
    )


def _mrkdwn(node) -> list[str]:
    """Every mrkdwn text in a block tree (plain_text is never parsed for mentions or links)."""
    if isinstance(node, list):
        return [t for item in node for t in _mrkdwn(item)]
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" else []
        return own + [t for value in node.values() for t in _mrkdwn(value)]
    return []


def _rendered(blocks: list[Block]) -> str:
    for block in blocks:
        block.validate_json()
    return "\n".join(_mrkdwn([b.to_dict() for b in blocks]))


def test_escape_and_date_token():
    assert esc(EVIL) == "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; co"
    assert when(NOW) == "<!date^1803893400^{date_short_pretty} at {time}|2027-03-01 09:30 UTC>"


def test_guidelines_message_escapes_and_carries_the_button():
    text, blocks = views.guidelines_message(_campaign(), [_clause(i) for i in range(1, 9)], "<@U9>", 42)
    rendered = _rendered(blocks)
    assert "<!channel>" not in rendered and "<https://evil" not in rendered
    assert "&lt;!channel&gt;" in rendered
    actions = blocks[-1].to_dict()
    assert actions["elements"][0]["value"] == "42:2"
    assert "v2" in text


def test_guidelines_message_stays_within_50_blocks():
    _, blocks = views.guidelines_message(_campaign(), [_clause(i) for i in range(1, 80)], "<@U9>", 1)
    assert len(blocks) <= 50
    assert blocks[-1].to_dict()["type"] == "actions"


def test_forms_validate():
    for view in (
        views.new_campaign_modal(date(2027, 3, 1), "spring"),
        views.guidelines_modal(_campaign(), [_clause(i) for i in range(1, 21)], None),
        views.guidelines_modal(_campaign(), [_clause(i) for i in range(1, 9)], "G9"),
    ):
        view.validate_json()
        assert len(view.blocks) <= 100


def test_detail_escapes_influencer_names():
    inf = Influencer(id=1, team_id="T1", display_name=EVIL, email="a@b.co", created_at=NOW)
    eng = Engagement(
        id=1, team_id="T1", campaign_id=1, influencer_id=1, channel_id="C1", invited_by="U1", created_at=NOW
    )
    detail = views.CampaignDetail(
        campaign=_campaign(), team=[], clauses=[_clause(1)], engagements=[(eng, inf)], show_team=True
    )
    rendered = _rendered(views.campaign_detail(detail))
    assert "<!channel>" not in rendered and "<@U123>" not in rendered


def test_csv_cells_neutralise_formulas():
    from bot.views.export import cell

    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x", "  =HYPERLINK()", "\n=x", "＝1"):
        assert cell(dangerous).startswith("'"), dangerous
    assert cell("plain text") == "plain text"
    assert cell(None) == ""
    assert cell(date(2027, 3, 1)) == "2027-03-01"


def test_the_home_acknowledge_confirm_shows_the_campaign_name_as_typed():
    """The confirm dialog's text is plain: a campaign named with markup shows it, and links nothing."""
    from bot.views.home import acknowledge_button
    from storage.queries.home import EngagementLine

    line = EngagementLine(1, "spring", EVIL + " " + "x" * 300, EVIL, "Ivy", "C1", "invited", None, 2)
    confirm = acknowledge_button(line).to_dict()["confirm"]
    assert confirm["text"]["type"] == "plain_text" and confirm["title"]["type"] == "plain_text"
    assert f"of the guidelines of {EVIL} x" in confirm["text"]["text"]
    assert len(confirm["text"]["text"]) <= 300
