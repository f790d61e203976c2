"""Typed errors of the domain. One handler (bot/background.py) turns them into ephemeral messages.

Each error carries the sentence the user sees. `InvalidInput` may name a modal block so a form
answers `response_action: "errors"` on the offending field instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.messages import only


class CampaignGuardError(Exception):
    """Base of every error a user may see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(CampaignGuardError):
    """The user lacks the role an action needs."""

    def __init__(self, action: str, needed: Iterable[str], message: str | None = None) -> None:
        roles = sorted(set(needed))
        super().__init__(message or only(action, roles))
        self.action = action
        self.needed = roles


class NotFound(CampaignGuardError):
    """Something named by the user does not exist (in this workspace)."""


class InvalidInput(CampaignGuardError):
    """Bad input. `field` is the modal block id to attach the message to, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(CampaignGuardError):
    """The action lost a race or repeats one already done ("already acknowledged by …")."""


class StaleProposal(Conflict):
    """Accept or Dispute pressed on a card (or in a form) that showed another proposed resolution
    than the one the incident has now: nothing changes, and the user reads the card again.
    `incident` names it (`BR-3`)."""

    def __init__(self, message: str, incident: str) -> None:
        super().__init__(message)
        self.incident = incident


class UnknownCaller(CampaignGuardError):
    """Slack did not say who the user is (`users.info` failed), and what they may do depends on it:
    an influencer invited by e-mail is known by the e-mail Slack shows, and a brand role stored for
    her counts for nothing. Nothing is done; a retry asks Slack again."""


class SlackRefused(CampaignGuardError):
    """Slack refused a call in a way the user can act on."""

    def __init__(self, message: str, error: str) -> None:
        super().__init__(message)
        self.error = error


class NotDelivered(CampaignGuardError):
    """What a flow tells by DM the person who pressed a button, when Slack refused the DM: raised once
    the rest of the flow is done, so it is said where they pressed instead (ephemerally, through the
    press's `response_url`). What it tells has happened already."""


class FormReplaced(CampaignGuardError):
    """A modal submission that can no longer succeed: the modal is replaced by `view` (read-only,
    saying what happened) instead of showing a field error whose button could never work."""

    def __init__(self, view: Any) -> None:
        super().__init__("This form is out of date.")
        self.view = view


class FormErrors(CampaignGuardError):
    """Several field errors of one modal submission: `{block_id: message}`."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
