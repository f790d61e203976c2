"""Block Kit and mrkdwn → HTML for the playground's browser UI, rendered for one viewer.

Everything here is pure and server-side so it can be unit-tested: every piece of text that came
from Slack (the bot's blocks, what users typed) goes through `html.escape` before it becomes
HTML, and Slack's own control sequences (`<@U…>`, `<#C…>`, `<url|text>`, `<!date^…>`) are
parsed and turned into markup by this module only. The browser inserts the HTML it receives
and never builds markup from user text.

Interactive elements carry `data-*` attributes (block id, action id, element type, value) that
the browser sends back to the playground API, which turns them into signed Slack payloads.
"""

from __future__ import annotations

import contextlib
import html
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import emoji as emoji_lib

from playground.emulator.state import Channel, UploadedFile, User, Workspace

#: Slack's names for emoji that the `emoji` package's alias list spells otherwise
#: (`:large_yellow_circle:` there is `:yellow_circle:`).
SLACK_EMOJI = {
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "large_orange_circle": "🟠",
    "large_purple_circle": "🟣",
    "large_brown_circle": "🟤",
    "large_red_square": "🟥",
    "large_blue_square": "🟦",
    "large_green_square": "🟩",
    "large_yellow_square": "🟨",
    "large_orange_square": "🟧",
    "large_purple_square": "🟪",
}


@lru_cache(maxsize=2048)
def emoji_char(name: str) -> str | None:
    """The emoji Slack shows for `:name:` (its aliases, as the `emoji` package knows them: GitHub's
    and Slack's names), or None for a name nobody knows (shown as typed, as Slack does)."""
    if name in SLACK_EMOJI:
        return SLACK_EMOJI[name]
    shown = emoji_lib.emojize(f":{name}:", language="alias")
    return None if shown == f":{name}:" else shown


def emojize(text: str) -> str:
    """`:rocket:` → 🚀 in (already escaped) text; unknown names stay as typed."""
    return _EMOJI.sub(lambda m: emoji_char(m[1]) or m[0], text)


_CONTROL = re.compile(r"<([^<>\n]+)>")
_CODE_BLOCK = re.compile(r"```(.*?)```", re.DOTALL)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)(.+?)(?<=\S)~(?![\w~])"), "s"),
)
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
AVATAR_COLORS = ("#4a154b", "#1264a3", "#2bac76", "#e01e5a", "#de8c16", "#5a3d99", "#0b7a75", "#9d2235")


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def unescape_slack(text: str) -> str:
    """Slack escapes only `&`, `<` and `>` in text; undo exactly those."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def initials(name: str) -> str:
    """Two letters of the first name ("Maya Manager" → "Ma"), so the cast stays distinguishable."""
    first = next((p for p in re.split(r"[\s._@-]+", name) if p), "?")
    return (first[:1].upper() + first[1:2].lower()) or "?"


def avatar_color(key: str) -> str:
    return AVATAR_COLORS[sum(map(ord, key)) % len(AVATAR_COLORS)]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@dataclass
class Renderer:
    """Renders for `viewer` (their time zone) in workspace `ws`, with `now` the playground's time."""

    ws: Workspace
    viewer: User | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: state values of the view being rendered (modal inputs keep what the user typed)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    surface: str = "message"  # message | modal | home
    bot_name: str = ""  # the app's display name (manifest), shown for the bot user

    @property
    def tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.viewer.tz if self.viewer else "UTC")
        except Exception:
            return ZoneInfo("UTC")

    # ------------------------------------------------------------------ names

    def user_name(self, user_id: str) -> str:
        user = self.ws.users.get(user_id)
        if user is None:
            return user_id
        if user.is_bot and self.bot_name:
            return self.bot_name
        return user.real_name if user.is_bot else (user.display_name or user.real_name or user.name)

    def channel_name(self, channel_id: str) -> str:
        channel = self.ws.channels.get(channel_id)
        if channel is None:
            return channel_id
        if channel.is_im:
            return self.user_name(channel.im_user or "")
        return channel.name

    # ------------------------------------------------------------------ times

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.tz)

    def clock_time(self, when: datetime, seconds: bool = False) -> str:
        local = self.local(when)
        hour = local.hour % 12 or 12
        secs = f":{local.second:02d}" if seconds else ""
        return f"{hour}:{local.minute:02d}{secs} {'AM' if local.hour < 12 else 'PM'}"

    def day_label(self, when: datetime) -> str:
        local, today = self.local(when).date(), self.local(self.now).date()
        if local == today:
            return "Today"
        if local == today - timedelta(days=1):
            return "Yesterday"
        return f"{local:%A}, {local:%B} {_ordinal(local.day)}"

    def date_token(self, epoch: int, template: str) -> str:
        """Slack's `<!date^…>` formats, in the viewer's time zone."""
        when = datetime.fromtimestamp(epoch, UTC)
        local = self.local(when)
        today = self.local(self.now).date()
        relative = {
            today: "today",
            today - timedelta(days=1): "yesterday",
            today + timedelta(days=1): "tomorrow",
        }

        def pretty(fallback: str) -> str:
            # Slack: "uses yesterday, today or tomorrow where appropriate", in lower case wherever
            # the token stands (https://api.slack.com/reference/surfaces/formatting#date-formatting)
            return relative.get(local.date()) or fallback

        date_ = f"{local:%B} {_ordinal(local.day)}, {local.year}"
        date_short = f"{local:%b} {local.day}, {local.year}"
        date_long = f"{local:%A}, {date_}"
        values = {
            "date_num": f"{local:%Y-%m-%d}",
            "date": date_,
            "date_short": date_short,
            "date_long": date_long,
            "date_pretty": pretty(date_),
            "date_short_pretty": pretty(date_short),
            "date_long_pretty": pretty(date_long),
            "time": self.clock_time(when),
            "time_secs": self.clock_time(when, seconds=True),
            "ago": self._ago(when),
        }
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), template)

    def _ago(self, when: datetime) -> str:
        seconds = int((self.now - when).total_seconds())
        future, seconds = seconds < 0, abs(seconds)
        for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
            if seconds >= size:
                n = seconds // size
                text = f"{n} {unit}{'s' if n != 1 else ''}"
                return f"in {text}" if future else f"{text} ago"
        return "just now"

    # ----------------------------------------------------------------- mrkdwn

    def mrkdwn(self, text: str | None) -> str:
        """Slack mrkdwn (entity-escaped, with control sequences) → safe HTML."""
        if not text:
            return ""
        out: list[str] = []
        position = 0
        for match in _CODE_BLOCK.finditer(text):
            out.append(self._paragraphs(text[position : match.start()]))
            code = unescape_slack(match[1]).strip("\n")
            out.append(f'<pre class="mk-pre">{esc(code)}</pre>')
            position = match.end()
        out.append(self._paragraphs(text[position:]))
        return "".join(out)

    def _paragraphs(self, text: str) -> str:
        if not text:
            return ""
        lines = text.split("\n")
        out: list[str] = []
        quote: list[str] = []

        def flush() -> None:
            if quote:
                out.append(f'<blockquote class="mk-quote">{"<br>".join(quote)}</blockquote>')
                quote.clear()

        plain: list[str] = []
        for line in lines:
            stripped = line.lstrip()
            for marker in ("&gt; ", "&gt;", "> ", ">"):
                if stripped.startswith(marker):
                    if plain:
                        out.append("<br>".join(plain))
                        plain = []
                    quote.append(self.inline(stripped[len(marker) :]))
                    break
            else:
                if quote:
                    flush()
                    plain = []
                plain.append(self.inline(line))
        flush()
        if plain:
            out.append("<br>".join(plain))
        return "".join(out)

    def inline(self, text: str) -> str:
        """One line: code spans, control sequences, then *bold* _italic_ ~strike~ and emoji."""
        pieces: list[str] = []

        def hold(markup: str) -> str:
            pieces.append(markup)
            return f"\ue000{len(pieces) - 1}\ue001"

        text = text.replace("\ue000", "").replace("\ue001", "")
        text = _CODE_SPAN.sub(
            lambda m: hold(f'<code class="mk-code">{esc(unescape_slack(m[1]))}</code>'), text
        )
        text = _CONTROL.sub(lambda m: hold(self._control(m[1])), text)
        escaped = esc(unescape_slack(text))
        for pattern, tag in _STYLES:
            escaped = pattern.sub(lambda m, tag=tag: f"<{tag}>{m[1]}</{tag}>", escaped)
        escaped = emojize(escaped)
        for _ in range(3):  # placeholders may sit inside styled text; restore all
            escaped = _PLACEHOLDER.sub(lambda m: pieces[int(m[1])], escaped)
        return escaped

    def _control(self, inner: str) -> str:
        """`<@U…>`, `<#C…>`, `<!here>`, `<!date^…>`, `<url|label>` → markup."""
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            name = self.user_name(target[1:]) if target[1:] in self.ws.users else (label or target[1:])
            me = " mk-me" if self.viewer and self.viewer.id == target[1:] else ""
            return f'<span class="mk-mention{me}" data-user="{esc(target[1:])}">@{esc(name)}</span>'
        if target.startswith("#"):
            channel = self.ws.channels.get(target[1:])
            name = self.channel_name(target[1:]) if channel else (label or target[1:])
            return f'<span class="mk-channel" data-channel="{esc(target[1:])}">#{esc(name)}</span>'
        if target.startswith("!date^"):
            parts = target.split("^")
            fallback = unescape_slack(label)
            try:
                rendered = self.date_token(
                    int(parts[1]), unescape_slack(parts[2]) if len(parts) > 2 else "{date}"
                )
            except (ValueError, OverflowError, OSError, IndexError):
                return esc(fallback)
            iso = datetime.fromtimestamp(int(parts[1]), UTC).isoformat()
            return (
                f'<time class="mk-date" datetime="{esc(iso)}" title="{esc(fallback)}">{esc(rendered)}</time>'
            )
        if target.startswith("!subteam^"):
            return f'<span class="mk-mention">@{esc(unescape_slack(label) or "group")}</span>'
        if target.startswith("!"):
            word = target[1:].split("^")[0]
            return f'<span class="mk-mention mk-broadcast">@{esc(word)}</span>'
        url = unescape_slack(target)
        shown = unescape_slack(label) if label else url
        if _SAFE_URL.match(url):
            return (
                f'<a class="mk-link" href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
                f"{esc(shown)}</a>"
            )
        return esc(f"<{unescape_slack(inner)}>")

    # ------------------------------------------------------------------ files

    def files(self, files: Iterable[UploadedFile]) -> str:
        """Files shared in a message, each a card with a download link (served by playground/web.py
        to people who can see the conversation)."""
        cards = []
        who = quote(self.viewer.id if self.viewer else "")
        for uploaded in files:
            name = uploaded.title or uploaded.filename
            kind = uploaded.filename.rsplit(".", 1)[-1].upper() if "." in uploaded.filename else "File"
            href = f"/playground/files/{quote(uploaded.id)}?user={who}"
            if is_image(uploaded.filename):  # Slack shows images inline, with their title
                cards.append(
                    f'<figure class="file-image" data-file-id="{esc(uploaded.id)}">'
                    f'<img src="{esc(href)}&amp;inline=1" alt="{esc(uploaded.alt_txt or name)}" '
                    'loading="lazy">'
                    f'<figcaption><a class="file-name" href="{esc(href)}" '
                    f'download="{esc(uploaded.filename)}">{esc(name)}</a></figcaption></figure>'
                )
                continue
            cards.append(
                f'<div class="file-card" data-file-id="{esc(uploaded.id)}"><span class="file-icon">📄</span>'
                f'<div class="file-text"><a class="file-name" href="{esc(href)}" '
                f'download="{esc(uploaded.filename)}">{esc(name)}</a>'
                f'<div class="file-meta">{esc(kind)} · {esc(file_size(len(uploaded.content or b"")))}</div>'
                "</div></div>"
            )
        return f'<div class="files">{"".join(cards)}</div>' if cards else ""

    # ----------------------------------------------------------- text objects

    def text(self, obj: Any) -> str:
        if obj is None:
            return ""
        if isinstance(obj, str):
            return self.mrkdwn(obj)
        if not isinstance(obj, dict):
            return esc(obj)
        if obj.get("type") == "mrkdwn":
            return self.mrkdwn(obj.get("text", ""))
        text = esc(obj.get("text", ""))
        return emojize(text) if obj.get("emoji", True) else text

    def plain(self, obj: Any) -> str:
        """Text shown in a control (option labels, button labels): never markup."""
        if isinstance(obj, dict):
            raw = obj.get("text", "")
            raw = unescape_slack(raw) if obj.get("type") == "mrkdwn" else raw
            return emojize(esc(raw))
        return esc(obj or "")

    # ----------------------------------------------------------------- blocks

    def blocks(self, blocks: Iterable[dict] | None) -> str:
        return "".join(self.block(b) for b in blocks or [] if isinstance(b, dict))

    def block(self, block: dict) -> str:
        kind = block.get("type", "")
        method = getattr(self, f"_block_{kind}", None)
        body = method(block) if method else f'<div class="b-unknown">[{esc(kind)} block]</div>'
        return (
            f'<div class="blk blk-{esc(kind)}" data-block-id="{esc(block.get("block_id", ""))}">{body}</div>'
        )

    def _block_header(self, block: dict) -> str:
        return f'<div class="b-header">{self.text(block.get("text"))}</div>'

    def _block_divider(self, block: dict) -> str:
        return '<hr class="b-divider">'

    def _block_section(self, block: dict) -> str:
        parts = []
        if block.get("text"):
            parts.append(f'<div class="b-text">{self.text(block["text"])}</div>')
        if block.get("fields"):
            cells = "".join(f'<div class="b-field">{self.text(f)}</div>' for f in block["fields"])
            parts.append(f'<div class="b-fields">{cells}</div>')
        body = f'<div class="b-section-body">{"".join(parts)}</div>'
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            body += f'<div class="b-accessory">{self.element(block, accessory)}</div>'
        return f'<div class="b-section">{body}</div>'

    def _block_context(self, block: dict) -> str:
        items = []
        for element in block.get("elements", []):
            if not isinstance(element, dict):
                continue
            if element.get("type") == "image":
                items.append(self._image_placeholder(element, small=True))
            else:
                items.append(f'<span class="b-context-text">{self.text(element)}</span>')
        return f'<div class="b-context">{"".join(items)}</div>'

    def _block_actions(self, block: dict) -> str:
        elements = "".join(self.element(block, e) for e in block.get("elements", []) if isinstance(e, dict))
        return f'<div class="b-actions">{elements}</div>'

    def _block_image(self, block: dict) -> str:
        title = (
            f'<div class="b-image-title">{self.text(block.get("title"))}</div>' if block.get("title") else ""
        )
        slack_file = block.get("slack_file") if isinstance(block.get("slack_file"), dict) else {}
        if slack_file.get("id") in self.ws.files:  # a file uploaded to this workspace: shown as Slack does
            who = quote(self.viewer.id if self.viewer else "")
            src = f"/playground/files/{quote(slack_file['id'])}?user={who}&inline=1"
            alt = esc(block.get("alt_text", "image"))
            return title + f'<img class="b-image-file" src="{esc(src)}" alt="{alt}" title="{alt}">'
        return title + self._image_placeholder(block)

    def _image_placeholder(self, element: dict, small: bool = False) -> str:
        """No image is fetched (the playground works offline): show its alt text."""
        alt = esc(element.get("alt_text", "image"))
        size = " small" if small else ""
        return f'<span class="b-image{size}" title="{alt}" role="img" aria-label="{alt}">🖼 {alt}</span>'

    def _block_input(self, block: dict) -> str:
        element = block.get("element") if isinstance(block.get("element"), dict) else {}
        optional = '<span class="b-optional">(optional)</span>' if block.get("optional") else ""
        label = f'<label class="b-label">{self.plain(block.get("label"))} {optional}</label>'
        hint = f'<div class="b-hint">{self.plain(block.get("hint"))}</div>' if block.get("hint") else ""
        error = self.errors.get(block.get("block_id", ""))
        error_html = f'<div class="b-error" role="alert">{esc(error)}</div>' if error else ""
        invalid = " has-error" if error else ""
        control = self.element(block, element, in_input=True)
        return f'<div class="b-input{invalid}">{label}{control}{error_html}{hint}</div>'

    def _block_rich_text(self, block: dict) -> str:
        return "".join(self._rich(e) for e in block.get("elements", []) if isinstance(e, dict))

    def _rich(self, node: dict) -> str:
        kind = node.get("type")
        children = [c for c in node.get("elements", []) if isinstance(c, dict)]
        if kind == "rich_text_section":
            return f'<div class="rt-section">{"".join(self._rich_inline(c) for c in children)}</div>'
        if kind == "rich_text_preformatted":
            return f'<pre class="mk-pre">{"".join(self._rich_inline(c) for c in children)}</pre>'
        if kind == "rich_text_quote":
            return (
                f'<blockquote class="mk-quote">{"".join(self._rich_inline(c) for c in children)}</blockquote>'
            )
        if kind == "rich_text_list":
            tag = "ol" if node.get("style") == "ordered" else "ul"
            return f"<{tag}>{''.join(f'<li>{self._rich(c)}</li>' for c in children)}</{tag}>"
        return self._rich_inline(node)

    def _rich_inline(self, node: dict) -> str:
        kind = node.get("type")
        if kind == "text":
            html_text = esc(node.get("text", "")).replace("\n", "<br>")
            style = node.get("style") or {}
            for key, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
                if style.get(key):
                    html_text = f"<{tag}>{html_text}</{tag}>"
            return html_text
        if kind == "link":
            return self._control(f"{node.get('url', '')}|{node.get('text') or ''}".rstrip("|"))
        if kind == "user":
            return self._control(f"@{node.get('user_id', '')}")
        if kind == "channel":
            return self._control(f"#{node.get('channel_id', '')}")
        if kind == "emoji":
            return _rich_emoji(node)
        if kind == "broadcast":
            return self._control(f"!{node.get('range', 'here')}")
        if kind == "date":
            return self._control(f"!date^{node.get('timestamp', 0)}^{node.get('format', '{date}')}")
        if kind and kind.startswith("rich_text_"):
            return self._rich(node)
        return ""

    def _block_context_actions(self, block: dict) -> str:
        return self._block_actions(block)

    def _block_file(self, block: dict) -> str:
        return f'<div class="b-file">📄 file {esc(block.get("file_id", ""))}</div>'

    def _block_video(self, block: dict) -> str:
        return f'<div class="b-file">🎥 {self.text(block.get("title"))}</div>'

    # --------------------------------------------------------------- elements

    def element(self, block: dict, element: dict, *, in_input: bool = False) -> str:
        kind = element.get("type", "")
        attrs = {
            "data-block-id": block.get("block_id", ""),
            "data-action-id": element.get("action_id", ""),
            "data-type": kind,
            "data-surface": self.surface,
        }
        # In modals, inputs only talk to the app on submit unless dispatch_action is set
        if not in_input or block.get("dispatch_action") or element.get("dispatch_action_config"):
            attrs["data-dispatch"] = "1"
        confirm = element.get("confirm") if isinstance(element.get("confirm"), dict) else None
        if confirm is not None:
            attrs["data-confirm"] = "1"
        method = getattr(self, f"_el_{kind}", None)
        if method is None:
            return f'<span class="el-unknown">[{esc(kind)}]</span>'
        html = method(element, attrs)
        return html + self._confirm(confirm, attrs) if confirm is not None else html

    def _confirm(self, confirm: dict, attrs: dict[str, str]) -> str:
        """Slack's confirm dialog, rendered now and kept inert in a <template>: the page shows it
        before it sends the action, and sends nothing if the person cancels."""
        style = confirm.get("style")
        ok = "el-btn " + ("el-danger-fill" if style == "danger" else "el-primary")
        title = self.plain(confirm.get("title")) or "Are you sure?"
        key = {k: attrs[k] for k in ("data-block-id", "data-action-id")}
        return (
            f'<template class="el-confirm" {self._attrs(key)}>'
            f'<div class="confirm-title">{title}</div>'
            f'<div class="confirm-text">{self.text(confirm.get("text"))}</div>'
            f'<div class="confirm-foot"><button type="button" class="el-btn confirm-deny">'
            f"{self.plain(confirm.get('deny')) or 'Cancel'}</button>"
            f'<button type="button" class="{ok} confirm-ok">{self.plain(confirm.get("confirm")) or "Yes"}'
            "</button></div></template>"
        )

    def _current(self, attrs: dict[str, str]) -> dict[str, Any] | None:
        entry = self.state.get(attrs["data-block-id"], {}).get(attrs["data-action-id"])
        return entry if isinstance(entry, dict) else None

    @staticmethod
    def _attrs(attrs: dict[str, str]) -> str:
        return " ".join(f'{k}="{esc(v)}"' for k, v in attrs.items())

    def _el_button(self, element: dict, attrs: dict[str, str]) -> str:
        style = element.get("style")
        classes = "el-btn" + (f" el-{style}" if style in ("primary", "danger") else "")
        attrs = {**attrs, "data-dispatch": "1"}
        if "value" in element:  # a button without a value sends none (not "": that is another button)
            attrs["data-value"] = element["value"]
        if element.get("url") and _SAFE_URL.match(element["url"]):
            attrs["data-url"] = element["url"]
        label = self.plain(element.get("text"))
        return f'<button type="button" class="{classes}" {self._attrs(attrs)}>{label}</button>'

    def _el_workflow_button(self, element: dict, attrs: dict[str, str]) -> str:
        return self._el_button(element, attrs)

    def _options(self, element: dict) -> list[tuple[str | None, list[dict]]]:
        if element.get("option_groups"):
            return [(g.get("label", {}).get("text"), g.get("options", [])) for g in element["option_groups"]]
        return [(None, element.get("options", []))]

    def _option_tags(self, element: dict, selected: set[str]) -> str:
        out = []
        for label, options in self._options(element):
            tags = "".join(
                f'<option value="{esc(o.get("value", ""))}"{_selected(o.get("value") in selected)}>'
                f"{self.plain(o.get('text'))}</option>"
                for o in options
                if isinstance(o, dict)
            )
            out.append(f'<optgroup label="{esc(label)}">{tags}</optgroup>' if label is not None else tags)
        return "".join(out)

    def _selected_values(self, element: dict, attrs: dict[str, str]) -> set[str]:
        current = self._current(attrs)
        if current is not None:
            if current.get("selected_option"):
                return {current["selected_option"].get("value")}
            if "selected_options" in current:
                return {o.get("value") for o in current.get("selected_options") or []}
        if element.get("initial_option"):
            return {element["initial_option"].get("value")}
        return {o.get("value") for o in element.get("initial_options") or []}

    def _select(self, attrs: dict[str, str], placeholder: str, options: str, multiple: bool = False) -> str:
        multi = " multiple" if multiple else ""
        empty = "" if multiple else f'<option value="">{placeholder}</option>'
        return f'<select class="el-select" {self._attrs(attrs)}{multi}>{empty}{options}</select>'

    def _placeholder(self, element: dict, default: str = "Select an item") -> str:
        return self.plain(element.get("placeholder")) if element.get("placeholder") else esc(default)

    def _el_static_select(self, element: dict, attrs: dict[str, str]) -> str:
        selected = self._selected_values(element, attrs)
        return self._select(attrs, self._placeholder(element), self._option_tags(element, selected))

    def _el_multi_static_select(self, element: dict, attrs: dict[str, str]) -> str:
        selected = self._selected_values(element, attrs)
        return self._select(attrs, "", self._option_tags(element, selected), multiple=True)

    def _el_external_select(self, element: dict, attrs: dict[str, str]) -> str:
        current = (self._current(attrs) or {}).get("selected_option") or element.get("initial_option") or {}
        value = esc(current.get("value", ""))
        placeholder = self._placeholder(element)
        return (
            f'<input class="el-input" type="text" value="{value}" placeholder="{placeholder}" '
            f"{self._attrs(attrs)}>"
        )

    _el_multi_external_select = _el_external_select

    def _el_overflow(self, element: dict, attrs: dict[str, str]) -> str:
        options = self._option_tags(element, set())
        return (
            f'<select class="el-overflow" title="More actions" {self._attrs(attrs)}>'
            f'<option value="">⋯</option>{options}</select>'
        )

    def _el_radio_buttons(self, element: dict, attrs: dict[str, str]) -> str:
        return self._choices(element, attrs, "radio")

    def _el_checkboxes(self, element: dict, attrs: dict[str, str]) -> str:
        return self._choices(element, attrs, "checkbox")

    def _choices(self, element: dict, attrs: dict[str, str], kind: str) -> str:
        selected = self._selected_values(element, attrs)
        name = f"{attrs['data-block-id']}::{attrs['data-action-id']}"
        rows = []
        for option in element.get("options", []):
            value = option.get("value", "")
            checked = " checked" if value in selected else ""
            description = (
                f'<div class="el-choice-desc">{self.text(option["description"])}</div>'
                if option.get("description")
                else ""
            )
            rows.append(
                f'<label class="el-choice"><input type="{kind}" name="{esc(name)}" '
                f'value="{esc(value)}"{checked}>'
                f"<span>{self.text(option.get('text'))}{description}</span></label>"
            )
        return f'<div class="el-choices" {self._attrs(attrs)}>{"".join(rows)}</div>'

    def _text_value(self, element: dict, attrs: dict[str, str], key: str = "value") -> str:
        current = self._current(attrs)
        if current is not None and current.get(key) is not None:
            return str(current.get(key))
        return str(element.get("initial_value") or "")

    def _el_plain_text_input(self, element: dict, attrs: dict[str, str]) -> str:
        value = self._text_value(element, attrs)
        extra = {}
        if element.get("max_length"):
            extra["maxlength"] = str(element["max_length"])
        if element.get("placeholder"):
            extra["placeholder"] = unescape_slack(element["placeholder"].get("text", ""))
        if element.get("multiline"):
            area = self._attrs({**attrs, **extra})
            return f'<textarea class="el-input el-textarea" rows="4" {area}>{esc(value)}</textarea>'
        return f'<input class="el-input" type="text" value="{esc(value)}" {self._attrs({**attrs, **extra})}>'

    def _typed_input(self, element: dict, attrs: dict[str, str], html_type: str) -> str:
        value = self._text_value(element, attrs)
        extra = {}
        if element.get("placeholder"):
            extra["placeholder"] = unescape_slack(element["placeholder"].get("text", ""))
        if html_type == "number":
            extra["step"] = "any" if element.get("is_decimal_allowed") else "1"
            for key, attr in (("min_value", "min"), ("max_value", "max")):
                if element.get(key) is not None:
                    extra[attr] = str(element[key])
        rest = self._attrs({**attrs, **extra})
        return f'<input class="el-input" type="{html_type}" value="{esc(value)}" {rest}>'

    def _el_number_input(self, element: dict, attrs: dict[str, str]) -> str:
        return self._typed_input(element, attrs, "number")

    def _el_email_text_input(self, element: dict, attrs: dict[str, str]) -> str:
        return self._typed_input(element, attrs, "email")

    def _el_url_text_input(self, element: dict, attrs: dict[str, str]) -> str:
        return self._typed_input(element, attrs, "url")

    def _el_rich_text_input(self, element: dict, attrs: dict[str, str]) -> str:
        current = (self._current(attrs) or {}).get("rich_text_value") or element.get("initial_value")
        value = _rich_plain(current) if isinstance(current, dict) else ""
        return f'<textarea class="el-input el-textarea" rows="4" {self._attrs(attrs)}>{esc(value)}</textarea>'

    def _el_datepicker(self, element: dict, attrs: dict[str, str]) -> str:
        value = (self._current(attrs) or {}).get("selected_date") or element.get("initial_date") or ""
        return f'<input class="el-input el-date" type="date" value="{esc(value)}" {self._attrs(attrs)}>'

    def _el_timepicker(self, element: dict, attrs: dict[str, str]) -> str:
        value = (self._current(attrs) or {}).get("selected_time") or element.get("initial_time") or ""
        return f'<input class="el-input el-time" type="time" value="{esc(value)}" {self._attrs(attrs)}>'

    def _el_datetimepicker(self, element: dict, attrs: dict[str, str]) -> str:
        epoch = (self._current(attrs) or {}).get("selected_date_time") or element.get("initial_date_time")
        value = ""
        if epoch is not None:
            try:
                value = self.local(datetime.fromtimestamp(int(epoch), UTC)).strftime("%Y-%m-%dT%H:%M")
            except (TypeError, ValueError, OverflowError, OSError):
                value = ""
        zone = esc(self.tz.key)
        return (
            f'<span class="el-datetime"><input class="el-input" type="datetime-local" value="{esc(value)}" '
            f'{self._attrs(attrs)}><span class="el-tz">{zone}</span></span>'
        )

    def _people(self) -> list[User]:
        return [u for u in self.ws.users.values() if not u.deleted and not u.is_bot]

    def _conversations(self, element: dict, channels_only: bool = False) -> list[Channel]:
        include = set((element.get("filter") or {}).get("include") or ["public", "private", "im", "mpim"])
        if channels_only:
            include = {"public"}
        exclude_shared = (element.get("filter") or {}).get("exclude_external_shared_channels")
        found = []
        for channel in self.ws.channels.values():
            if channel.is_archived or (exclude_shared and channel.is_ext_shared):
                continue
            kind = "im" if channel.is_im else "private" if channel.is_private else "public"
            if kind not in include:
                continue
            if kind != "public" and (self.viewer is None or self.viewer.id not in channel.members):
                continue
            found.append(channel)
        return found

    def _id_select(
        self, attrs: dict[str, str], items: list[tuple[str, str]], selected: set[str], multiple: bool, ph: str
    ) -> str:
        options = "".join(
            f'<option value="{esc(value)}"{" selected" if value in selected else ""}>{esc(label)}</option>'
            for value, label in items
        )
        return self._select(attrs, ph, options, multiple)

    def _chosen_ids(self, element: dict, attrs: dict[str, str], key: str, initial: str) -> set[str]:
        current = self._current(attrs)
        value = current.get(key) if current and current.get(key) else element.get(initial)
        if value is None:
            return set()
        return set(value) if isinstance(value, list) else {value}

    def _users(self, element: dict, attrs: dict[str, str], multiple: bool) -> str:
        key, initial = ("selected_users", "initial_users") if multiple else ("selected_user", "initial_user")
        items = [(u.id, u.real_name or u.name) for u in self._people()]
        chosen = self._chosen_ids(element, attrs, key, initial)
        return self._id_select(attrs, items, chosen, multiple, self._placeholder(element, "Select a person"))

    def _el_users_select(self, element: dict, attrs: dict[str, str]) -> str:
        return self._users(element, attrs, False)

    def _el_multi_users_select(self, element: dict, attrs: dict[str, str]) -> str:
        return self._users(element, attrs, True)

    def _channels(self, element: dict, attrs: dict[str, str], kind: str, multiple: bool) -> str:
        singular = "conversation" if kind == "conversations" else "channel"
        key = f"selected_{singular}s" if multiple else f"selected_{singular}"
        initial = f"initial_{singular}s" if multiple else f"initial_{singular}"
        channels = self._conversations(element, channels_only=kind == "channels")
        items = [
            (
                c.id,
                f"{'@' if c.is_im else '🔒 ' if c.is_private else '# '}{self.channel_name(c.id)}",
            )
            for c in channels
        ]
        chosen = self._chosen_ids(element, attrs, key, initial)
        return self._id_select(attrs, items, chosen, multiple, self._placeholder(element, "Select a channel"))

    def _el_conversations_select(self, element: dict, attrs: dict[str, str]) -> str:
        return self._channels(element, attrs, "conversations", False)

    def _el_multi_conversations_select(self, element: dict, attrs: dict[str, str]) -> str:
        return self._channels(element, attrs, "conversations", True)

    def _el_channels_select(self, element: dict, attrs: dict[str, str]) -> str:
        return self._channels(element, attrs, "channels", False)

    def _el_multi_channels_select(self, element: dict, attrs: dict[str, str]) -> str:
        return self._channels(element, attrs, "channels", True)

    def _el_image(self, element: dict, attrs: dict[str, str]) -> str:
        return self._image_placeholder(element, small=True)

    def _el_file_input(self, element: dict, attrs: dict[str, str]) -> str:
        return '<span class="el-unknown">File uploads are not available in the playground.</span>'


def _rich_emoji(node: dict) -> str:
    """A rich text emoji element: by name, else by its `unicode` code points ("1f680")."""
    name = str(node.get("name", ""))
    found = emoji_char(name)
    points = str(node.get("unicode", ""))
    if found is None and re.fullmatch(r"[0-9a-f]{2,6}(-[0-9a-f]{2,6})*", points):
        with contextlib.suppress(ValueError):  # beyond Unicode: shown by name
            found = "".join(chr(int(part, 16)) for part in points.split("-"))
    return esc(found) if found else f":{esc(name)}:"


def is_image(filename: str) -> bool:
    return (mimetypes.guess_type(filename)[0] or "").startswith("image/")


def file_size(n: int) -> str:
    """As Slack writes it: "812 B", "3.1 KB", "14 MB"."""
    size, unit = float(n), "B"
    for bigger in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{n} B" if unit == "B" else f"{size:.1f} {unit}" if size < 10 else f"{size:.0f} {unit}"


def _selected(flag: bool) -> str:
    return " selected" if flag else ""


def _rich_plain(value: dict) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                parts.append(node.get("text", ""))
            for child in node.get("elements", []):
                walk(child)

    walk(value)
    return "".join(parts)


def render_view(
    ws: Workspace, viewer: User | None, view: dict, *, now: datetime | None = None, **kw: Any
) -> str:
    """A whole view's blocks (for tests and the modal/home panes)."""
    renderer = Renderer(ws, viewer, now=now or datetime.now(UTC), surface=view.get("type", "modal"), **kw)
    return renderer.blocks(view.get("blocks", []))
