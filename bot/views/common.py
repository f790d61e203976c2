"""Small Block Kit pieces reused by every view."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)

from bot.views.text import truncate

SECTION_TEXT_MAX = 3000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=truncate(text, SECTION_TEXT_MAX))


def plain(text: str, limit: int = 75) -> PlainTextObject:
    return PlainTextObject(text=truncate(text, limit), emoji=True)


def section(text: str, **kwargs) -> SectionBlock:
    return SectionBlock(text=md(text), **kwargs)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[md(t) for t in texts][:10])


def option(label: str, value: str) -> Option:
    return Option(text=plain(label), value=value)


def enum_options(enum: type[StrEnum], labels: dict[str, str] | None = None) -> list[Option]:
    labels = labels or {}
    return [option(labels.get(m.value, m.value.replace("_", " ").capitalize()), m.value) for m in enum]


def find_option(options: Sequence[Option], value: str | None) -> Option | None:
    return next((o for o in options if o.value == value), None)


def capped(blocks: Iterable[Block], limit: int, more: str) -> list[Block]:
    """At most `limit` blocks; the last one says how many were left out (`more` has `{n}`)."""
    blocks = list(blocks)
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    return [*kept, context(more.format(n=len(blocks) - len(kept)))]
