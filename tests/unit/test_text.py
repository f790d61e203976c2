"""Text helpers: Slack date tokens that read in a sentence, mrkdwn turned into a plain field error,
an external creator's name from their address, user text whose quoted lines stay quotes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.flows.campaigns import name_from_email
from bot.views.text import DATE_ONLY, esc_quoting, how_long, plain_error, when

MOMENT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def test_when_is_a_day_at_a_time_with_a_utc_fallback():
    assert when(MOMENT) == "<!date^1803893400^{date_short_pretty} at {time}|2027-03-01 09:30 UTC>"
    # any zone in, the same instant out
    paris = MOMENT.astimezone(timezone(timedelta(hours=1)))
    assert when(paris) == when(MOMENT)


def test_when_without_the_time_falls_back_to_the_date_alone():
    assert when(MOMENT, DATE_ONLY) == "<!date^1803893400^{date_short_pretty}|2027-03-01>"
    assert when(MOMENT, "{date_short} {time}").endswith("|2027-03-01 09:30 UTC>")


def test_a_sentence_reads_with_a_day_word_or_a_date():
    """ "Acknowledged by @Ivy today at 9:30 AM" and "… Mar 1, 2027 at 9:30 AM": nothing before the
    token that only fits one of them ("on today", "at today")."""
    token = when(MOMENT)
    fmt = token.split("^")[2].split("|")[0]
    for day in ("today", "Mar 1, 2027"):
        sentence = (
            f"Acknowledged by @Ivy {fmt.replace('{date_short_pretty}', day).replace('{time}', '9:30 AM')}"
        )
        assert sentence in (
            "Acknowledged by @Ivy today at 9:30 AM",
            "Acknowledged by @Ivy Mar 1, 2027 at 9:30 AM",
        )


def test_how_long_reads_in_days_and_hours():
    hours = timedelta(hours=1)
    assert how_long(5 * hours + timedelta(minutes=59)) == "5 hours"  # to the hour below
    assert how_long(1 * hours) == "1 hour"
    assert how_long(24 * hours) == "1 day"
    assert how_long(44 * hours) == "1 day 20 hours"
    assert how_long(49 * hours) == "2 days 1 hour"
    assert how_long(-hours) == "0 hours"


def test_plain_error_drops_mrkdwn():
    assert plain_error("`Summer Drop!` is not a valid slug (like `spring-launch`).") == (
        "“Summer Drop!” is not a valid slug (like “spring-launch”)."
    )
    assert plain_error(":no_entry: Only <@U1>, the *influencer*, can.", {"U1": "Ivy"}) == (
        "Only @Ivy, the influencer, can."
    )
    assert plain_error("Only <@U2|ivy> can.") == "Only <@U2|ivy> can."  # nobody to name it: as it was
    assert plain_error("“Launch &lt;reel&gt; &amp; co” is _already_ published (<!date^1^{date}|Mar 1>).") == (
        "“Launch <reel> & co” is already published (Mar 1)."
    )
    assert plain_error("snake_case_name and 2*3*4 stay") == "snake_case_name and 2*3*4 stay"


def test_an_external_creator_is_named_from_their_address():
    assert name_from_email("eve@elsewhere.example") == "Eve"
    assert name_from_email("eve.smith+acme@x.example") == "Eve Smith"
    assert name_from_email("j_doe-99@x.example") == "J Doe 99"
    assert name_from_email("...@x.example") == "..."


def test_quoted_lines_stay_block_quotes_and_everything_else_is_escaped():
    """A `>` that starts a line is Slack's quote mark, written raw; the rest of each line is
    escaped: no mention, channel, link or `>>>` (which would quote all that follows) comes from it."""
    text = "The message:\n> hi <!channel> & <@U1>\n>no space\n>\n>>> <https://evil.example|x>\n\nMine: 2 > 1"
    assert esc_quoting(text) == (
        "The message:\n> hi &lt;!channel&gt; &amp; &lt;@U1&gt;\n> no space\n>\n"
        "> &gt;&gt; &lt;https://evil.example|x&gt;\n\nMine: 2 &gt; 1"
    )
    assert esc_quoting(None) == ""
    assert "<" not in esc_quoting("> <@U1> <#C1> <!here>\n<!everyone>")
