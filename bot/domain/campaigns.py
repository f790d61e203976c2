"""Rules for campaigns: slugs, dates, channel names. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot.errors import InvalidInput

SLUG_PATTERN = re.compile(r"^[a-z0-9-]{2,40}$")
NAME_MAX = 150
CHANNEL_NAME_MAX = 80


def check_slug(slug: str, field: str | None = None) -> str:
    slug = slug.strip()
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            f"`{slug[:50] or ' '}` is not a valid slug: use 2–40 lowercase letters, digits or hyphens "
            "(like `spring-launch`).",
            field,
        )
    return slug


def check_dates(start: date, end: date, field: str | None = None, *, today: date | None = None) -> None:
    """A campaign runs from `start` to `end`; a new one can't be over already (`today`)."""
    if end < start:
        raise InvalidInput("The end date is before the start date.", field)
    if today is not None and end < today:
        raise InvalidInput(
            "The campaign would already be over (it ends before today). Pick an end date from today on.",
            field,
        )


def slugify(text: str, max_length: int = 30) -> str:
    """ASCII, lowercase, hyphen-separated: "Zoë Ávila" → "zoe-avila"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "influencer"


def channel_name(campaign_slug: str, influencer_name: str, attempt: int = 1) -> str:
    """`cg-<slug>-<influencer>`, within Slack's 80 characters; `-2`, `-3` … when the name is taken."""
    suffix = "" if attempt == 1 else f"-{attempt}"
    base = f"cg-{campaign_slug}-{slugify(influencer_name)}"
    return base[: CHANNEL_NAME_MAX - len(suffix)].rstrip("-") + suffix
