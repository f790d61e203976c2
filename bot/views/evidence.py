"""How evidence the bot could not keep shows on the incident card."""

from __future__ import annotations

from collections.abc import Sequence

from bot.views.text import esc


def unread_note(links: Sequence[str] | None) -> str:
    """The card's line under the evidence for Slack links the bot could not read (and so could not
    keep): a channel it is not in, a message already gone, another workspace."""
    if not links:
        return ""
    named = ", ".join(f"<{esc(link)}|link {n}>" for n, link in enumerate(links, 1)) if len(links) > 1 else ""
    which = f"these Slack messages ({named})" if named else "this Slack message"
    return (
        f"\n:warning: I could not read {which}, so no copy is kept: I am not in that channel or the "
        "message is gone. A screenshot in the thread keeps it."
    )
