"""The playground's Block Kit / mrkdwn renderer: Slack's samples render, text is always escaped,
dates are shown in the viewer's time zone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from playground import people
from playground.emulator import SlackEmulator
from playground.emulator.spec import SPECS_DIR
from playground.render import Renderer, initials, render_view

SAMPLES = SPECS_DIR / "samples" / "python-slack-sdk" / "views"
NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
EPOCH = int(datetime(2027, 3, 1, 18, 30, tzinfo=UTC).timestamp())  # 1:30 PM in New York


@pytest.fixture
def emulator() -> SlackEmulator:
    emulator = SlackEmulator(spec_path=None)
    people.populate(emulator)
    return emulator


def renderer(emulator: SlackEmulator, who: people.Person = people.MANAGER, **kw) -> Renderer:
    return Renderer(emulator.workspace, emulator.user(who.user_id), now=NOW, **kw)


class Tags(HTMLParser):
    """Collects tags and attributes, to prove no markup came from the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


SAFE_TAGS = {
    "div",
    "span",
    "b",
    "i",
    "s",
    "code",
    "pre",
    "blockquote",
    "br",
    "hr",
    "a",
    "time",
    "button",
    "select",
    "option",
    "optgroup",
    "input",
    "textarea",
    "label",
    "ul",
    "ol",
    "li",
}


def sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.json"))


def test_the_samples_are_there():
    assert len(sample_files()) == 16


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_every_sample_view_renders(emulator, path: Path):
    view = json.loads(path.read_text())
    html = render_view(emulator.workspace, emulator.user(people.MANAGER.user_id), view, now=NOW)
    assert html
    assert "b-unknown" not in html, f"unsupported block in {path.name}"
    found = tags(html)
    assert {tag for tag, _ in found} <= SAFE_TAGS
    assert not any(name.startswith("on") for _, attrs in found for name in attrs), "event handler attribute"
    # every interactive element can be acted on by the page
    for block in view.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id"):
                assert f'data-action-id="{element["action_id"]}"' in html


def test_samples_cover_the_block_types_the_bot_uses():
    types = {b.get("type") for p in sample_files() for b in json.loads(p.read_text()).get("blocks", [])}
    assert {"section", "actions", "input"} <= types


def test_mrkdwn_formatting(emulator):
    r = renderer(emulator)
    html = r.mrkdwn("*bold* _italic_ ~strike~ `co*de*` and\n> a quote\nafter")
    assert "<b>bold</b>" in html and "<i>italic</i>" in html and "<s>strike</s>" in html
    assert '<code class="mk-code">co*de*</code>' in html
    assert '<blockquote class="mk-quote">a quote</blockquote>' in html
    assert html.endswith("after")
    block = r.mrkdwn("before\n```line 1\n<b>not html</b>\n*not bold*```")
    assert '<pre class="mk-pre">line 1\n&lt;b&gt;not html&lt;/b&gt;\n*not bold*</pre>' in block
    assert r.mrkdwn("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"


def test_bold_around_a_mention(emulator):
    html = renderer(emulator).mrkdwn(f"*<@{people.INFLUENCER.user_id}>* acknowledged")
    assert html.startswith('<b><span class="mk-mention"') and "@Ivy</span></b>" in html


def test_entities_are_characters_never_markup(emulator):
    r = renderer(emulator)
    html = r.mrkdwn("Launch &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; <b>raw</b> \" ' &")
    assert "<script" not in html and "<b>raw" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;amp;" in html  # `&amp;amp;` in Slack text reads as the four characters "&amp;"
    assert "&quot;" in html and "&#x27;" in html
    assert {tag for tag, _ in tags(html)} <= {"b", "span"}


def test_plain_text_and_attributes_are_escaped(emulator):
    r = renderer(emulator)
    view = {
        "type": "modal",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "<img src=x onerror=alert(1)>"}},
            {
                "type": "actions",
                "block_id": 'b"><script>',
                "elements": [
                    {
                        "type": "button",
                        "action_id": "go",
                        "value": '"><img src=x onerror=alert(1)>',
                        "text": {"type": "plain_text", "text": "*not bold* <i>"},
                    },
                    {
                        "type": "static_select",
                        "action_id": "pick",
                        "options": [{"text": {"type": "plain_text", "text": "<svg/onload=1>"}, "value": "v"}],
                    },
                ],
            },
        ],
    }
    html = r.blocks(view["blocks"])
    assert {tag for tag, _ in tags(html)} <= SAFE_TAGS
    assert not any(name.startswith("on") for _, attrs in tags(html) for name in attrs)
    button = next(attrs for tag, attrs in tags(html) if tag == "button")
    assert button["data-value"] == '"><img src=x onerror=alert(1)>'  # data, intact, in an attribute
    assert "*not bold* &lt;i&gt;" in html


def test_links_mentions_channels(emulator):
    r = renderer(emulator)
    general = emulator.channel("general").id
    html = r.mrkdwn(
        f"<@{people.LEGAL.user_id}> see <#{general}> and <https://example.com/a?b=1&amp;c=2|the brief> "
        "or <https://example.com> not <javascript:alert(1)|click> <!here>"
    )
    assert "@Lee</span>" in html and "#general</span>" in html
    assert '<a class="mk-link" href="https://example.com/a?b=1&amp;c=2"' in html and ">the brief</a>" in html
    assert ">https://example.com</a>" in html
    assert "javascript:" not in html.split("href=")[-1].split(">")[0]
    assert 'href="javascript' not in html
    assert "@here" in html


def test_date_tokens_use_the_viewers_time_zone(emulator):
    token = f"due <!date^{EPOCH}^{{date_short_pretty}} at {{time}}|March 1st, 2027 18:30 UTC>"
    in_new_york = renderer(emulator, people.MANAGER).mrkdwn(token)
    in_paris = renderer(emulator, people.LEGAL).mrkdwn(token)
    in_la = renderer(emulator, people.INFLUENCER).mrkdwn(token)
    assert ">today at 1:30 PM</time>" in in_new_york
    assert ">today at 7:30 PM</time>" in in_paris
    assert ">today at 10:30 AM</time>" in in_la
    assert 'title="March 1st, 2027 18:30 UTC"' in in_new_york
    later = renderer(emulator).mrkdwn(f"<!date^{EPOCH + 3 * 86400}^{{date_short_pretty}} {{time}}|x>")
    assert ">Mar 4, 2027 1:30 PM</time>" in later
    formats = renderer(emulator).date_token(EPOCH, "{date_num}|{date}|{date_long}|{time_secs}")
    assert formats == "2027-03-01|March 1st, 2027|Monday, March 1st, 2027|1:30:00 PM"
    assert renderer(emulator).mrkdwn("<!date^notanumber^{date}|the fallback>") == "the fallback"


def test_pretty_dates_say_today_yesterday_tomorrow_in_lower_case_as_slack_does(emulator):
    """Slack's reference: {date_pretty} and friends use "yesterday", "today" or "tomorrow" where
    appropriate, in lower case, wherever the token stands (also first in the format)."""
    r = renderer(emulator)  # New York: NOW is 9:00 AM on Mar 1
    day = 86400
    assert r.date_token(EPOCH, "{date_short_pretty} at {time}") == "today at 1:30 PM"
    assert r.date_token(EPOCH - day, "{date_pretty}") == "yesterday"
    assert r.date_token(EPOCH + day, "{date_long_pretty}") == "tomorrow"
    assert r.date_token(EPOCH + 2 * day, "{date_short_pretty} at {time}") == "Mar 3, 2027 at 1:30 PM"
    assert r.date_token(EPOCH + 2 * day, "{date_pretty}") == "March 3rd, 2027"
    # the viewer's day decides: 1:30 AM in UTC on Mar 2 is still Mar 1 in New York
    late = int(datetime(2027, 3, 2, 1, 30, tzinfo=UTC).timestamp())
    assert r.date_token(late, "{date_short_pretty} at {time}") == "today at 8:30 PM"


def test_modal_inputs_show_state_and_errors(emulator):
    r = renderer(
        emulator,
        surface="modal",
        state={"slug": {"slug": {"type": "plain_text_input", "value": "Bad <slug>"}}},
        errors={"slug": "Use lowercase letters, digits or hyphens."},
    )
    blocks = [
        {
            "type": "input",
            "block_id": "slug",
            "label": {"type": "plain_text", "text": "Slug"},
            "element": {"type": "plain_text_input", "action_id": "slug", "initial_value": "spring"},
        },
        {
            "type": "input",
            "block_id": "due",
            "label": {"type": "plain_text", "text": "Due"},
            "element": {"type": "datetimepicker", "action_id": "due", "initial_date_time": EPOCH},
        },
        {
            "type": "input",
            "block_id": "who",
            "optional": True,
            "label": {"type": "plain_text", "text": "Who"},
            "element": {
                "type": "users_select",
                "action_id": "who",
                "initial_user": people.INFLUENCER.user_id,
            },
        },
        {
            "type": "input",
            "block_id": "where",
            "label": {"type": "plain_text", "text": "Where"},
            "element": {
                "type": "conversations_select",
                "action_id": "where",
                "filter": {"include": ["private"]},
            },
        },
    ]
    html = r.blocks(blocks)
    assert 'value="Bad &lt;slug&gt;"' in html  # what the user typed, not the initial value
    assert '<div class="b-error" role="alert">Use lowercase letters, digits or hyphens.</div>' in html
    assert 'type="datetime-local" value="2027-03-01T13:30"' in html  # New York wall time
    assert "America/New_York" in html
    assert f'<option value="{people.INFLUENCER.user_id}" selected>Ivy Influencer</option>' in html
    assert "(optional)" in html
    # the manager sees #legal (a member) but no public channel with include=private
    assert "legal</option>" in html and "general</option>" not in html
    assert "data-dispatch" not in html.split("due")[0]  # inputs don't dispatch unless asked


def test_message_buttons_and_selects_carry_their_ids(emulator):
    html = renderer(emulator).blocks(
        [
            {
                "type": "section",
                "block_id": "s1",
                "text": {"type": "mrkdwn", "text": "Pick"},
                "fields": [{"type": "mrkdwn", "text": "*Status*\nopen"}],
                "accessory": {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [{"text": {"type": "plain_text", "text": "Edit"}, "value": "edit"}],
                },
            },
            {
                "type": "actions",
                "block_id": "a1",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "ok",
                        "style": "primary",
                        "value": "7",
                        "text": {"type": "plain_text", "text": "OK"},
                    },
                    {
                        "type": "button",
                        "action_id": "no",
                        "style": "danger",
                        "value": "7",
                        "text": {"type": "plain_text", "text": "No"},
                        "confirm": {
                            "title": {"type": "plain_text", "text": "Sure?"},
                            "text": {"type": "mrkdwn", "text": "Really"},
                            "confirm": {"type": "plain_text", "text": "Yes"},
                            "deny": {"type": "plain_text", "text": "No"},
                        },
                    },
                ],
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "_small_"},
                    {"type": "image", "image_url": "https://x/y.png", "alt_text": "logo"},
                ],
            },
            {"type": "divider"},
        ]
    )
    assert 'class="el-btn el-primary"' in html and 'class="el-btn el-danger"' in html
    assert 'data-block-id="a1" data-action-id="ok"' in html and 'data-value="7"' in html
    assert "data-confirm=" in html and "Sure?" in html
    assert 'class="el-overflow"' in html and 'data-action-id="more"' in html
    assert '<div class="b-field"><b>Status</b><br>open</div>' in html
    assert "<img" not in html and "logo" in html  # images are never fetched: alt text instead
    assert '<hr class="b-divider">' in html


def test_rich_text_of_user_messages(emulator):
    html = renderer(emulator).blocks(
        [
            {
                "type": "rich_text",
                "block_id": "r",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "<b>hi</b> "},
                            {"type": "user", "user_id": people.MANAGER.user_id},
                            {"type": "text", "text": " bold", "style": {"bold": True}},
                        ],
                    }
                ],
            }
        ]
    )
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "@Maya</span>" in html and "<b> bold</b>" in html
    assert "mk-me" in html  # the viewer's own mention is highlighted


def test_initials_tell_the_cast_apart():
    names = [p.real_name for p in people.CAST]
    assert len({initials(n) for n in names}) == len(names)
    assert re.fullmatch(r"[A-Z][a-z]", initials("Maya Manager"))


def test_emoji_shortcodes_render_as_emoji(emulator):
    r = renderer(emulator)
    html = r.mrkdwn(":rocket: *published* :briefcase: :rotating_light: :large_yellow_circle: `:rocket:`")
    assert html.startswith("🚀 <b>published</b> 💼 🚨 🟡 ")
    assert '<code class="mk-code">:rocket:</code>' in html  # code stays as typed
    assert r.mrkdwn("at 10:30:00 and :no_such_emoji_name:") == "at 10:30:00 and :no_such_emoji_name:"
    assert r.text({"type": "plain_text", "text": ":spiral_calendar_pad: Due"}) == "🗓️ Due"
    assert r.text({"type": "plain_text", "text": ":tada:", "emoji": False}) == ":tada:"
    rich = {"type": "rich_text_section", "elements": [{"type": "emoji", "name": "wave"}]}
    assert "👋" in r.blocks([{"type": "rich_text", "elements": [rich]}])
    custom = {"type": "emoji", "name": "party_parrot", "unicode": "3c"}  # never markup
    assert r._rich_inline(custom) == "&lt;"


def test_a_button_without_a_value_sends_none(emulator):
    """Slack sends no `value` for such a button; "" would name another button (or none)."""
    html = renderer(emulator, surface="home").blocks(
        [
            {
                "type": "actions",
                "block_id": "home_brand_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "review_log",
                        "text": {"type": "plain_text", "text": "Log"},
                    },
                    {
                        "type": "button",
                        "action_id": "x",
                        "value": "",
                        "text": {"type": "plain_text", "text": "X"},
                    },
                ],
            }
        ]
    )
    log, x = [attrs for tag, attrs in tags(html) if tag == "button"]
    assert "data-value" not in log and log["data-action-id"] == "review_log"
    assert x["data-value"] == ""


def test_shared_files_are_cards_with_a_download_link(emulator):
    ws = emulator.workspace
    uploaded = ws.new_file('incidents-<b>"x".csv', 4)
    uploaded.content, uploaded.title, uploaded.completed = b"a,b\n", "incidents <all>.csv", True
    html = renderer(emulator).files([uploaded])
    assert {tag for tag, _ in tags(html)} <= {"div", "span", "a"}
    link = next(attrs for tag, attrs in tags(html) if tag == "a")
    assert link["href"] == f"/playground/files/{uploaded.id}?user={people.MANAGER.user_id}"
    assert link["download"] == 'incidents-<b>"x".csv'
    assert "incidents &lt;all&gt;.csv</a>" in html and "CSV · 4 B" in html
    assert renderer(emulator).files([]) == ""
