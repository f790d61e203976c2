"""Small Block Kit pieces reused by every view."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import messages
from bot.views.text import esc, truncate, user

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


SEVERITY_ICON = {
    "minor": ":white_circle:",
    "moderate": ":large_yellow_circle:",
    "major": ":large_orange_circle:",
    "critical": ":red_circle:",
}


def campaign_named(campaign) -> str:
    """A campaign as answers name it: its (escaped) name in bold and its slug."""
    return f"*{esc(campaign.name)}* (`{campaign.slug}`)"


def influencer_mention(influencer) -> str:
    """An influencer as readers should see them: a mention when they have a Slack id, else the
    (escaped) name — an external creator who has not joined yet."""
    if influencer.slack_user_id:
        return user(influencer.slack_user_id)
    return esc(influencer.display_name)


def text_input(
    block_id: str,
    label: str,
    *,
    max_length: int,
    initial: str | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    """A plain-text input whose `action_id` is its block id (what `FormValues.text` reads)."""
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint, 2000) if hint else None,
        element=PlainTextInputElement(
            action_id=block_id,
            initial_value=initial or None,
            multiline=multiline,
            max_length=max_length,
            placeholder=plain(placeholder, 150) if placeholder else None,
        ),
    )


def modal(
    callback_id: str, title: str, submit: str, blocks: Sequence[Block], *, metadata: str | None = None
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=metadata,
        title=plain(title, 24),
        submit=plain(submit, 24),
        close=plain("Cancel", 24),
        blocks=list(blocks),
    )


def with_button(text: str, action_id: str, label: str, value: str) -> tuple[str, list[Block]]:
    """A message: `text` (mrkdwn, already escaped) with one button under it; `text` is its fallback."""
    button = ButtonElement(action_id=action_id, text=plain(label), value=value)
    return text, [section(text), ActionsBlock(elements=[button])]


def with_post_card(text: str, action_id: str, subject_id: int) -> tuple[str, list[Block]]:
    """`text` with *Post the card again* under it (`action_id`: the incident's or the deliverable's)."""
    return with_button(text, action_id, messages.POST_CARD_AGAIN, str(subject_id))
