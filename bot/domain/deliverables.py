"""Deliverable rules: the status machine, lateness, input checks and the compliance checklist.

Status is the deliverable's current stage:

    planned ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
       ▲                    │   └────────────publish──────────────────▲
       └──request changes───┘ (from submitted or approved: back to planned, a new submission due)
       │
       ├──(due time passes, nothing submitted)──▶ late ──submit / publish──┘
       └── cancel (from any stage before published) ──▶ cancelled

`late` means "the due time passed and nothing was submitted yet": the overdue sweep sets it, and
a late deliverable can still be submitted or published. Whether it was *delivered* late stays
visible afterwards without a status of its own: `submitted_at` (or `published_at` when it was
published without a submission) is after `due_at` — `delivered_late()` — and the card says so.
Publishing straight from planned/late is allowed (the influencer reports what happened); the
checklist then notes that the content was never submitted for approval.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from bot.domain.disclosure import Finding, Verdict
from bot.domain.enums import ComplianceItem, ComplianceStatus, DeliverableStatus, GuidelineCategory
from bot.domain.permissions import Act

S = DeliverableStatus

URL_MAX = 2000
#: Slack's plain-text input holds at most 3000 characters; Instagram captions stop at 2200.
CAPTION_MAX = 3000
NOTE_MAX = 3000


class Move(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    PUBLISH = "publish"
    CANCEL = "cancel"
    REQUEST_CHANGES = "ask for changes on"


FROM: dict[Move, frozenset[DeliverableStatus]] = {
    Move.SUBMIT: frozenset({S.PLANNED, S.LATE}),
    Move.APPROVE: frozenset({S.SUBMITTED}),
    Move.PUBLISH: frozenset({S.PLANNED, S.LATE, S.SUBMITTED, S.APPROVED}),
    Move.CANCEL: frozenset({S.PLANNED, S.LATE, S.SUBMITTED, S.APPROVED}),
    Move.REQUEST_CHANGES: frozenset({S.SUBMITTED, S.APPROVED}),
}
TO: dict[Move, DeliverableStatus] = {
    Move.SUBMIT: S.SUBMITTED,
    Move.APPROVE: S.APPROVED,
    Move.PUBLISH: S.PUBLISHED,
    Move.CANCEL: S.CANCELLED,
    Move.REQUEST_CHANGES: S.PLANNED,
}
ACT: dict[Move, Act] = {
    Move.SUBMIT: Act.SUBMIT_DELIVERABLE,
    Move.APPROVE: Act.APPROVE_DELIVERABLE,
    Move.PUBLISH: Act.PUBLISH_DELIVERABLE,
    Move.CANCEL: Act.CANCEL_DELIVERABLE,
    Move.REQUEST_CHANGES: Act.REQUEST_CHANGES,
}
#: The status a finished move leaves, for "already …" answers.
DONE: dict[DeliverableStatus, str] = {
    S.SUBMITTED: "submitted",
    S.APPROVED: "approved",
    S.PUBLISHED: "published",
    S.CANCELLED: "cancelled",
}
OVERDUE_FROM = frozenset({S.PLANNED})
#: A due time can move while nothing has been delivered; a late deliverable given a new, future
#: due time is planned again.
RESCHEDULE_FROM = frozenset({S.PLANNED, S.LATE})
#: Still owed by the influencer: cancelled with the deliverable's campaign when it closes.
OWED = frozenset({S.PLANNED, S.LATE})
#: The only move left on the deliverables of a terminated engagement: the others would approve,
#: deliver or ask for work under a contract that ended; cancelling just closes what was owed.
OPEN_AFTER_TERMINATION = frozenset({Move.CANCEL})


def can(move: Move, status: str) -> bool:
    return status in FROM[move]


def delivered_late(due_at: datetime, submitted_at: datetime | None, published_at: datetime | None) -> bool:
    delivered = submitted_at or published_at
    return delivered is not None and delivered > due_at


def lateness(due_at: datetime, at: datetime) -> str:
    """ "3 h" / "2 days" late, rounded down, at least "1 min"."""
    delta = max(at - due_at, timedelta(minutes=1))
    if delta >= timedelta(days=2):
        return f"{delta.days} days"
    if delta >= timedelta(hours=1):
        return f"{int(delta.total_seconds() // 3600)} h"
    return f"{int(delta.total_seconds() // 60)} min"


def url_problem(value: str, what: str = "link") -> str | None:
    """Why `value` is not a usable http(s) link, or None."""
    if not value:
        return f"Paste the {what}."
    if len(value) > URL_MAX:
        return f"That {what} is longer than {URL_MAX} characters."
    if any(ch.isspace() for ch in value):
        return f"A {what} has no spaces; paste one link."
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        return f"Paste a web {what} starting with https:// (or http://)."
    return None


def caption_problem(caption: str) -> str | None:
    if not caption:
        return "Paste the post's caption (the text under the post) so the disclosure can be checked."
    if len(caption) > CAPTION_MAX:
        return f"The caption is {len(caption)} characters; Slack accepts {CAPTION_MAX} at most."
    return None


# ---------------------------------------------------------------------------------------------
# the compliance checklist

ITEMS: tuple[ComplianceItem, ...] = tuple(ComplianceItem)

ITEM_LABELS: dict[ComplianceItem, str] = {
    ComplianceItem.DISCLOSURE_PRESENT: "Disclosure present",
    ComplianceItem.DISCLOSURE_PLACEMENT: "Disclosure placement",
    ComplianceItem.NO_COMPETITOR_MENTION: "No competitor mention",
    ComplianceItem.MATCHES_APPROVED_CONTENT: "Matches approved content",
    ComplianceItem.BRAND_SAFETY: "Brand safety",
}

#: The clause a failed item breaks: the campaign's first clause of this category (G1, G3, G5, G6
#: in the default template).
ITEM_CATEGORY: dict[ComplianceItem, GuidelineCategory] = {
    ComplianceItem.DISCLOSURE_PRESENT: GuidelineCategory.DISCLOSURE,
    ComplianceItem.DISCLOSURE_PLACEMENT: GuidelineCategory.DISCLOSURE,
    ComplianceItem.NO_COMPETITOR_MENTION: GuidelineCategory.EXCLUSIVITY,
    ComplianceItem.MATCHES_APPROVED_CONTENT: GuidelineCategory.CONTENT_APPROVAL,
    ComplianceItem.BRAND_SAFETY: GuidelineCategory.BRAND_SAFETY,
}

#: The items the disclosure lint speaks to (checked again when the caption is edited).
DISCLOSURE_ITEMS = frozenset({ComplianceItem.DISCLOSURE_PRESENT, ComplianceItem.DISCLOSURE_PLACEMENT})
DECISIONS = frozenset({ComplianceStatus.PASSED, ComplianceStatus.FAILED, ComplianceStatus.WAIVED})
SUGGESTION_MAX = 500


def _cut(text: str) -> str:
    return text if len(text) <= SUGGESTION_MAX else text[: SUGGESTION_MAX - 1] + "…"


def suggestions(
    verdict: Verdict, *, was_submitted: bool
) -> dict[ComplianceItem, tuple[ComplianceStatus | None, str]]:
    """What the bot suggests per item: the lint's finding on the two disclosure items, and a note
    on "matches approved content" when the post was never submitted. Status stays pending."""
    P, F = ComplianceStatus.PASSED, ComplianceStatus.FAILED
    where = f" ({verdict.where})" if verdict.where else ""
    lint = f"Lint ({verdict.market}): {verdict.finding.value}{where} — {verdict.reason}"
    notes = " ".join(verdict.notes)
    present = P if verdict.finding in (Finding.PASS, Finding.BURIED) else F
    placement = P if verdict.finding is Finding.PASS else F
    out: dict[ComplianceItem, tuple[ComplianceStatus | None, str]] = {
        ComplianceItem.DISCLOSURE_PRESENT: (present, _cut(f"{lint} {notes}".strip())),
        ComplianceItem.DISCLOSURE_PLACEMENT: (placement, _cut(lint)),
    }
    if not was_submitted:
        out[ComplianceItem.MATCHES_APPROVED_CONTENT] = (
            None,
            "Published without being submitted for approval first.",
        )
    return out
