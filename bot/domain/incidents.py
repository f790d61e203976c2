"""The incident lifecycle as data: statuses, transitions, who may press what, cure periods, strikes.

    reported → acknowledged → in_mediation → resolution_proposed → resolved
    escalated: reachable from any open state · dismissed: from any open state
    terminal: resolved, dismissed

Every rule the buttons, the flows and the scheduler need is a pure function of this module, so a
test can call it with no Slack and no database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.domain.enums import IncidentEventKind, Outcome, Role, Severity
from bot.domain.enums import IncidentStatus as S
from bot.domain.parsing import db_id
from bot.errors import Conflict

OPEN = frozenset({S.REPORTED, S.ACKNOWLEDGED, S.IN_MEDIATION, S.RESOLUTION_PROPOSED, S.ESCALATED})
TERMINAL = frozenset({S.RESOLVED, S.DISMISSED})

#: Hours the influencer has to respond, by severity (the cure period).
CURE_PERIOD_HOURS: dict[str, int] = {
    Severity.CRITICAL: 24,
    Severity.MAJOR: 48,
    Severity.MODERATE: 72,
    Severity.MINOR: 120,
}
#: Strikes a resolution adds by default (editable in the resolve form).
DEFAULT_STRIKES: dict[str, int] = {
    Severity.MINOR: 0,
    Severity.MODERATE: 1,
    Severity.MAJOR: 2,
    Severity.CRITICAL: 3,
}
MAX_STRIKES = 10
PROBATION_AT = 3
SUSPENSION_AT = 5
#: How many strikes each outcome may carry: a resolution's outcome and strikes must agree. A
#: "no action" resolution adds none, a warning at most one; only termination allows any number.
OUTCOME_STRIKES: dict[str, range] = {
    Outcome.NO_ACTION: range(0, 1),
    Outcome.WARNING: range(0, 2),
    Outcome.CORRECTIVE_ACTION: range(0, 3),
    Outcome.CONTENT_REMOVAL: range(0, 4),
    Outcome.FEE_REDUCTION: range(0, 4),
    Outcome.PAYMENT_WITHHELD: range(0, 6),
    Outcome.CONTRACT_TERMINATED: range(0, MAX_STRIKES + 1),
}
#: Severities also posted to the campaign's escalation channel when reported.
ESCALATION_CHANNEL_SEVERITIES = frozenset({Severity.MAJOR, Severity.CRITICAL})


class Move(StrEnum):
    """A button (or the scheduler) acting on an incident. Values complete "Only a … can <value>"."""

    ACKNOWLEDGE = "acknowledge this incident"
    RESPOND = "respond to this incident"
    PROPOSE = "propose a resolution"
    ACCEPT = "accept the proposed resolution"
    DISPUTE = "dispute the proposed resolution"
    ESCALATE = "escalate this incident"
    RESOLVE = "resolve this incident"
    DISMISS = "dismiss this incident"


#: Past tense for "already … by …" answers and the timeline.
DONE: dict[Move, str] = {
    Move.ACKNOWLEDGE: "acknowledged",
    Move.RESPOND: "responded to",
    Move.PROPOSE: "given a proposed resolution",
    Move.ACCEPT: "accepted",
    Move.DISPUTE: "disputed",
    Move.ESCALATE: "escalated",
    Move.RESOLVE: "resolved",
    Move.DISMISS: "dismissed",
}

_INFLUENCER = frozenset({Role.INFLUENCER})
_BRAND = frozenset({Role.ADMIN, Role.MANAGER, Role.MEMBER, Role.LEGAL})
_DECIDERS = frozenset({Role.ADMIN, Role.MANAGER, Role.LEGAL})

#: Who may make each move (docs/incidents.md). The influencer is the one the incident is about.
WHO: dict[Move, frozenset[Role]] = {
    Move.ACKNOWLEDGE: _INFLUENCER,
    Move.RESPOND: _INFLUENCER,
    Move.ACCEPT: _INFLUENCER,
    Move.DISPUTE: _INFLUENCER,
    Move.PROPOSE: _BRAND,
    Move.ESCALATE: _BRAND,
    Move.RESOLVE: _DECIDERS,
    Move.DISMISS: _DECIDERS,
}

#: The influencer's own moves (the card shows them in a row of their own).
INFLUENCER_MOVES = frozenset(move for move, who in WHO.items() if who == _INFLUENCER)
#: The brand team: every role that may make a move of the brand's (the card's second row).
BRAND_TEAM = frozenset(role for move, who in WHO.items() if move not in INFLUENCER_MOVES for role in who)


def narrower_moves(moves: list[Move]) -> list[tuple[list[Move], frozenset[Role]]]:
    """Among the brand's `moves` (in order), those only part of the brand team may make, grouped by
    who may: [([Resolve, Dismiss], {admin, manager, legal})]. The card's brand row says so, so a
    member meets no button only to be refused; the rest are the whole team's."""
    groups: dict[frozenset[Role], list[Move]] = {}
    for move in moves:
        if move not in INFLUENCER_MOVES and not WHO[move] >= BRAND_TEAM:
            groups.setdefault(WHO[move], []).append(move)
    return [(grouped, who) for who, grouped in groups.items()]


#: From which statuses each move is valid.
FROM: dict[Move, frozenset[S]] = {
    Move.ACKNOWLEDGE: frozenset({S.REPORTED}),
    Move.RESPOND: frozenset({S.REPORTED, S.ACKNOWLEDGED, S.IN_MEDIATION, S.ESCALATED}),
    Move.PROPOSE: frozenset({S.REPORTED, S.ACKNOWLEDGED, S.IN_MEDIATION, S.ESCALATED}),
    Move.ACCEPT: frozenset({S.RESOLUTION_PROPOSED}),
    Move.DISPUTE: frozenset({S.RESOLUTION_PROPOSED}),
    Move.ESCALATE: OPEN - {S.ESCALATED},
    Move.RESOLVE: OPEN,
    Move.DISMISS: OPEN,
}


def next_status(move: Move, current: str) -> S:
    """The status after `move`, or `Conflict` saying why it is not possible now."""
    status = S(current)
    if status not in FROM[move]:
        if status in TERMINAL:
            raise Conflict(f"This incident is already {status.value}; nothing more can be done on it.")
        raise Conflict(f"This incident is {status.value.replace('_', ' ')}, so you can't {move.value} now.")
    match move:
        case Move.ACKNOWLEDGE:
            return S.ACKNOWLEDGED
        case Move.RESPOND:
            return S.ESCALATED if status == S.ESCALATED else S.IN_MEDIATION
        case Move.PROPOSE:
            return S.RESOLUTION_PROPOSED
        case Move.ACCEPT | Move.RESOLVE:
            return S.RESOLVED
        case Move.DISPUTE:
            return S.IN_MEDIATION
        case Move.ESCALATE:
            return S.ESCALATED
        case Move.DISMISS:
            return S.DISMISSED


#: The status a move leads to from an ordinary open state (RESPOND keeps an escalation escalated).
TARGET: dict[Move, S] = {
    Move.ACKNOWLEDGE: S.ACKNOWLEDGED,
    Move.RESPOND: S.IN_MEDIATION,
    Move.PROPOSE: S.RESOLUTION_PROPOSED,
    Move.ACCEPT: S.RESOLVED,
    Move.DISPUTE: S.IN_MEDIATION,
    Move.ESCALATE: S.ESCALATED,
    Move.RESOLVE: S.RESOLVED,
    Move.DISMISS: S.DISMISSED,
}


def proposal_lapses(move: Move, before: str) -> bool:
    """An escalation made while a resolution was proposed ends that proposal: it can no longer be
    accepted or disputed, so both sides are told it lapsed (docs/incidents.md)."""
    return move is Move.ESCALATE and before == S.RESOLUTION_PROPOSED


def response_reaches_legal(status: str) -> bool:
    """Does the influencer's response (Respond, or the thread reply that met the cure period) reach
    legal? On an escalated incident, yes: legal was told of the escalation, so it hears of the answer."""
    return status == S.ESCALATED


def moves_for(status: str) -> list[Move]:
    """The buttons of the incident card in this status, in display order."""
    return [move for move in Move if S(status) in FROM[move]]


def waiting_on(status: str, responded: bool) -> str | None:
    """Whose turn it is: "influencer", "brand", or None when closed.

    The influencer owes a response until they give one (acknowledging is not responding; a reply
    in the mediation thread is one, even before they acknowledge), and an answer to a proposed
    resolution; otherwise the brand team has the next move.
    """
    if status == S.RESOLUTION_PROPOSED or (status in (S.REPORTED, S.ACKNOWLEDGED) and not responded):
        return "influencer"
    if status in OPEN:
        return "brand"
    return None


def response_due(severity: str, reported_at: datetime) -> datetime:
    return reported_at + timedelta(hours=CURE_PERIOD_HOURS[severity])


@dataclass(frozen=True, slots=True)
class StrikeVerdict:
    total: int
    probation: bool  # crossed PROBATION_AT with this resolution
    suspension: bool  # crossed SUSPENSION_AT with this resolution


def strikes_problem(outcome: str, strikes: int) -> str | None:
    """Why `strikes` don't go with `outcome` (plain text for a form field), or None when they agree."""
    allowed = OUTCOME_STRIKES[outcome]
    if strikes in allowed:
        return None
    name = Outcome(outcome).value.replace("_", " ")
    if allowed.stop == 1:
        return f"A {name} resolution adds no strikes; pick 0 or another outcome."
    return f"A {name} resolution adds 0 to {allowed.stop - 1} strikes; pick fewer or another outcome."


def accepted_strikes(severity: str, outcome: str | None) -> int:
    """Strikes when the influencer accepts a proposal: the severity's default, within what the
    proposed outcome allows (accepting "no action" never adds strikes)."""
    default = DEFAULT_STRIKES[severity]
    return min(default, OUTCOME_STRIKES[outcome].stop - 1) if outcome else default


def standing(total: int) -> str:
    """The influencer's standing at `total` strikes, in words."""
    if total >= SUSPENSION_AT:
        return "suspension recommended"
    if total >= PROBATION_AT:
        return "on probation"
    return "in good standing"


def strikes_after(previous_total: int, added: int) -> StrikeVerdict:
    total = previous_total + added
    return StrikeVerdict(
        total=total,
        probation=previous_total < PROBATION_AT <= total,
        suspension=previous_total < SUSPENSION_AT <= total,
    )


# ---------------------------------------------------------------------------------------------
# Which proposal a card showed (docs/incidents.md: a proposal the influencer did not see)

#: The moves that answer a proposal: they carry the version of the proposal the card showed.
ANSWERS_PROPOSAL = frozenset({Move.ACCEPT, Move.DISPUTE})
_VERSION_LENGTH = 32  # hex digits of SHA-256: 128 bits, so no one can make two proposals collide


def proposal_version(
    outcome: str | None, terms: str | None, due_at: datetime | None, proposed_by: str | None
) -> str:
    """The version of a proposed resolution: a digest of everything the card shows of it (outcome,
    terms, deadline, who proposed it). Another proposal has another version; the same proposal
    read again (from either database) has the same one."""
    due = due_at.astimezone(UTC).isoformat() if due_at else None
    canonical = json.dumps([outcome, terms, due, proposed_by], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:_VERSION_LENGTH]


def button_value(incident_id: int, proposal: str | None = None) -> str:
    """A card button's value: the incident id, and for Accept and Dispute the proposal's version
    (`"12:3f…"`)."""
    return f"{incident_id}:{proposal}" if proposal else str(incident_id)


def parse_button_value(value: str) -> tuple[int | None, str | None]:
    """(incident id, proposal version) of a card button's value. A card drawn before buttons
    carried a version gives (id, None); anything the bot did not write gives no id, or no version."""
    head, _, version = (value or "").partition(":")
    return db_id(head), version if is_version(version) else None


def is_version(value: object) -> bool:
    """Could `value` be a `proposal_version` (form metadata and button values are forgeable)?"""
    return (
        isinstance(value, str)
        and len(value) == _VERSION_LENGTH
        and all(c in "0123456789abcdef" for c in value)
    )


#: What an outcome does to the engagement.
TERMINATES = frozenset({Outcome.CONTRACT_TERMINATED})
HOLDS_PAYMENT = frozenset({Outcome.PAYMENT_WITHHELD})


# ---------------------------------------------------------------------------------------------
# What the influencer reads of an incident (docs/trust-boundaries.md: brand-side information)


#: Moves whose written text is the brand's own: the reason to escalate (written for legal), and the
#: note of a resolution or a dismissal (legal's, or the deciding manager's). The influencer reads
#: that the move happened, by whom, and its outcome and strikes; never this text, on the card, in
#: the mediation thread or on the timeline.
BRAND_TEXT_MOVES = frozenset({Move.ESCALATE, Move.RESOLVE, Move.DISMISS})


def shared_resolution_note(status: str, note: str | None, proposed_terms: str | None) -> str | None:
    """The resolution's note as the influencer may read it: only the terms they were proposed and
    accepted (or that legal resolved on unchanged), never a note the brand wrote on its own."""
    if status == S.RESOLVED and note and note == proposed_terms:
        return note
    return None


def influencer_reads_event(kind: str, data: dict | None) -> tuple[bool, bool]:
    """(shown, with its text) of a timeline event, for the influencer. A reminder sent to someone
    of the brand (an owner's "still unresolved") is not shown; a move whose text is the brand's own
    (`BRAND_TEXT_MOVES`) is shown without it."""
    data = data or {}
    if kind == IncidentEventKind.REMINDER_SENT:
        to = str(data.get("to") or "")
        return (not to.startswith(("U", "W")), True)  # a channel, not a person's DM
    if kind == IncidentEventKind.ESCALATED or data.get("move") in _BRAND_TEXT_MOVE_NAMES:
        return (True, False)
    return (True, True)


_BRAND_TEXT_MOVE_NAMES = frozenset(move.name for move in BRAND_TEXT_MOVES)
