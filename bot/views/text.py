"""Text helpers for mrkdwn: escaping user text, mentions, Slack date tokens."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def esc(text: str | None) -> str:
    """Escape user text for mrkdwn so nobody can smuggle `<!channel>`, a mention or a fake link."""
    return (text or "").translate(_ESCAPES)


_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def slack_text(text: str | None) -> str:
    """Text that came from Slack itself (a message event), shown again without its live parts.

    Slack already escaped `&`, `<` and `>` in what the person typed, so escaping again would show
    `&lt;` to the reader. What is left in angle brackets is Slack's own markup: user and channel
    mentions stay, as the names they show (a person mentioned is notified only where the text is
    posted and they are a member: a conduct flag in legal's private channel, brand-side only; the
    timeline and the report form are seen by the reader alone), while `@here`/`@channel`/
    `@everyone`, group mentions and links are turned into inert text (a link shows its address).
    """

    def inert(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if re.fullmatch(r"[@#][UWC][A-Z0-9]+", target):
            return match.group(0)
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label or "a date"
        if target.startswith("!"):
            return "@" + target[1:]
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return target if not label or label == target else f"{label} ({target})"

    return _SLACK_TOKEN.sub(inert, text or "")


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_LEADING_EMOJI = re.compile(r"^(?::[a-z0-9_+\-]+:\s*)+")
_DATE = re.compile(r"<!date\^[^<>|]*\|([^<>]*)>")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


def plain_error(text: str, names: dict[str, str] | None = None) -> str:
    """A sentence written in mrkdwn, as a modal field error: those are plain text, so Slack would
    show every backtick and asterisk. Code becomes “quoted”, bold and italics lose their marks,
    a leading emoji goes, a user mention becomes "@Name" (`names`: user id → name), a date token
    shows its fallback and entities read as characters."""
    names = names or {}
    text = _LEADING_EMOJI.sub("", text)
    text = MENTION.sub(lambda m: f"@{names[m[1]]}" if m[1] in names else m[0], text)
    text = _CODE.sub(lambda m: f"“{m[1]}”", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _DATE.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "_none_"


#: A day and a time: "today at 2:24 PM", "yesterday at 9:05 AM", "Mar 1, 2027 at 2:24 PM".
DATE_AND_TIME = "{date_short_pretty} at {time}"
#: A day alone: "today", "tomorrow", "Mar 1, 2027".
DATE_ONLY = "{date_short_pretty}"


def when(moment: datetime, fmt: str = DATE_AND_TIME) -> str:
    """A `<!date^…>` token: every reader sees `moment` in their own time zone.

    Slack writes `{date_short_pretty}` as "today", "yesterday" or "tomorrow" (lower case) when it
    applies and as "Mar 1, 2027" otherwise, so a sentence must read well with either: "responded
    {when(x)}" gives "responded today at 2:24 PM" or "responded Mar 1, 2027 at 2:24 PM". Never put
    "on" before it ("on today at …"); with the time left out, use `DATE_ONLY`.
    """
    moment = moment.astimezone(UTC)
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC" if "{time" in fmt else "%Y-%m-%d")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def day(value: date) -> str:
    return value.strftime("%d %b %Y").lstrip("0")


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural_word or word + 's'}"


def how_long(span: timedelta) -> str:
    """A duration in words, to the hour below: "5 hours", "2 days", "1 day 20 hours"."""
    hours = max(int(span.total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    if not days:
        return plural(hours, "hour")
    return plural(days, "day") + (f" {plural(hours, 'hour')}" if hours else "")


def quote(text: str | None) -> str:
    """User text as a mrkdwn block quote, escaped."""
    return "\n".join(f"> {line}" for line in esc(text).splitlines()) or "> "


def esc_quoting(text: str | None) -> str:
    """User text for mrkdwn, escaped as `esc` does, but a line that starts with `>` stays a block
    quote (the **Report a breach** shortcut quotes the reported message so; people type quotes so in
    Slack): that one `>` is written raw and the rest of the line escaped, so nothing in it becomes a
    mention, a link or a channel, and a second `>` shows as typed (`>>>` quotes one line, not every
    line after it)."""
    lines = []
    for line in (text or "").split("\n"):
        if line.startswith(">"):
            rest = line[1:].removeprefix(" ")
            lines.append(f"> {esc(rest)}" if rest.strip() else ">")
        else:
            lines.append(esc(line))
    return "\n".join(lines)
