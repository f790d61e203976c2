"""Rules for campaigns: slugs, dates, channel names, status moves. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date
from enum import StrEnum

from bot.domain.enums import CampaignStatus
from bot.errors import InvalidInput

SLUG_PATTERN = re.compile(r"^[a-z0-9-]{2,40}$")
#: The longest campaign name, and brand, the creation form takes (bot/views/campaign.py) and the
#: server accepts (bot/flows/campaigns.py `create_campaign`): the model stores 150.
NAME_MAX = 150
CHANNEL_NAME_MAX = 80


def slug_hint(words: list[str]) -> str | None:
    """What `/campaign new Summer Drop` prefills as the slug: the words typed, as `slugify` makes
    them ("summer-drop"), at most 40 characters. The form checks it as any slug (`check_slug`);
    None when nothing usable was typed."""
    return slugify(" ".join(words), 40, empty="") or None


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


def slugify(text: str, max_length: int = 30, empty: str = "influencer") -> str:
    """ASCII, lowercase, hyphen-separated: "Zoë Ávila" → "zoe-avila" (`empty` when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or empty


def channel_name(campaign_slug: str, influencer_name: str, attempt: int = 1) -> str:
    """`cg-<slug>-<influencer>`, within Slack's 80 characters; `-2`, `-3` … when the name is taken."""
    suffix = "" if attempt == 1 else f"-{attempt}"
    base = f"cg-{campaign_slug}-{slugify(influencer_name)}"
    return base[: CHANNEL_NAME_MAX - len(suffix)].rstrip("-") + suffix


# ---------------------------------------------------------------------------------------------
# a campaign's managers


def leaves_no_manager(target: str, managers: Collection[str]) -> bool:
    """Would taking `target`'s manager role away (`none`, or making them a member or legal) leave the
    campaign without a manager who counts? `managers`: its managers whose role gives rights (none
    of them an influencer anywhere in the workspace).

    The owner is normally one of them and stays one (`/campaign role` changes no owner's role), so
    this holds only where the owner does not count: a campaign owned from before *one person, one
    side* by someone who is now an influencer. Its last real manager is then refused, rather than
    leaving the campaign to the workspace admins alone (docs/roles.md)."""
    return target in managers and not set(managers) - {target}


# ---------------------------------------------------------------------------------------------
# a campaign's status: complete, cancel, reopen


class CampaignMove(StrEnum):
    COMPLETE = "complete"
    CANCEL = "cancel"
    REOPEN = "reopen"


OPEN_STATUSES = frozenset({CampaignStatus.DRAFT, CampaignStatus.ACTIVE})
CLOSED_STATUSES = frozenset({CampaignStatus.COMPLETED, CampaignStatus.CANCELLED})

#: Each move: the statuses it starts from and the one it leads to. A closed campaign is reopened
#: before it is closed the other way (a cancelled campaign is not "completed" by mistake).
MOVES: dict[CampaignMove, tuple[frozenset[CampaignStatus], CampaignStatus]] = {
    CampaignMove.COMPLETE: (OPEN_STATUSES, CampaignStatus.COMPLETED),
    CampaignMove.CANCEL: (OPEN_STATUSES, CampaignStatus.CANCELLED),
    CampaignMove.REOPEN: (CLOSED_STATUSES, CampaignStatus.ACTIVE),
}


def closes(move: CampaignMove) -> bool:
    """Does `move` close the campaign? Closing cancels the deliverables still owed (nothing more is
    due); reopening does not bring them back."""
    return MOVES[move][1] in CLOSED_STATUSES


def move_refusal(move: CampaignMove, status: str, slug: str) -> str | None:
    """Why `move` can't apply to a campaign in `status`, or None."""
    sources, to = MOVES[move]
    if status in sources:
        return None
    if status == to:
        return f"`{slug}` is already {to}."
    if move == CampaignMove.REOPEN:
        return f"`{slug}` is {status}, not closed: there is nothing to reopen."
    return f"`{slug}` is {status}. Reopen it first (`/campaign reopen {slug}`) to change that."


def closed_refusal(status: str, slug: str, doing: str) -> str | None:
    """A closed campaign takes no new obligations (influencers, deliverables): why not, or None."""
    if status not in CLOSED_STATUSES:
        return None
    return f"`{slug}` is {status}, so you can't {doing}. Reopen it first: `/campaign reopen {slug}`."
