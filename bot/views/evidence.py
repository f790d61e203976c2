"""How evidence the bot could not keep shows on the incident card."""

from __future__ import annotations

from collections.abc import Sequence

from bot.views.text import esc


def unread_note(links: Sequence[str] | None) -> str:
    """The card's line under the evidence for Slack links it keeps no copy of: a message of another
    channel than the shared one (never read: both sides read the timeline), a message already
    gone, another workspace."""
    if not links:
        return ""
    named = ", ".join(f"<{esc(link)}|link {n}>" for n, link in enumerate(links, 1)) if len(links) > 1 else ""
    which = f"these Slack messages ({named})" if named else "this Slack message"
    return (
        f"\n:warning: No copy is kept of {which}: I keep only messages of this shared channel that "
        "I can still read. A screenshot in the thread keeps it."
    )
