"""The tamper-evident timeline: each incident event carries a hash chained to the one before.

    hash(event n) = SHA-256( hash(event n-1) + canonical JSON of event n )

with the empty string before the first event. The canonical JSON of an event is the object of its
fields (`team_id`, `incident_id`, `kind`, `actor_id`, `text`, `data`, `created_at`), keys sorted at
every level, no whitespace (`","` and `":"` separators), non-ASCII characters as themselves,
UTF-8 encoded, and `created_at` in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. The row id is not part of
it (a row has no id until it is written); the chain's order is the order of the ids.

Anyone holding the events (the timeline as stored, or an export of it) can recompute the chain
with these few lines and compare: a row changed, removed or inserted breaks every hash from it on.
It proves the timeline was not altered *after* it was written; a person with write access to the
database can still rewrite a whole chain, which is why the newest hash of each incident goes out of
the database in the CSV export (`timeline_hash`), where it can be kept and compared later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

#: What comes before the first event of an incident.
GENESIS = ""


def utc_iso(moment: datetime) -> str:
    """`2027-03-01T14:00:00.000000Z`: one spelling of one instant, whatever the database gave."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    team_id: str,
    incident_id: int,
    kind: str,
    actor_id: str | None,
    text: str | None,
    data: Mapping[str, Any] | None,
    created_at: datetime,
) -> str:
    """The canonical JSON of one event (see the module docstring)."""
    fields = {
        "team_id": team_id,
        "incident_id": int(incident_id),
        "kind": str(kind),
        "actor_id": actor_id,
        "text": text,
        "data": dict(data or {}),
        "created_at": utc_iso(created_at),
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link(previous: str | None, canonical_json: str) -> str:
    """The hash of an event given the hash before it."""
    return hashlib.sha256(((previous or GENESIS) + canonical_json).encode("utf-8")).hexdigest()


class EventLike(Protocol):
    id: int | None
    team_id: str
    incident_id: int
    kind: str
    actor_id: str | None
    text: str | None
    data: dict[str, Any]
    created_at: datetime
    hash: str | None


def of(event: EventLike, previous: str | None) -> str:
    """The hash `event` must carry, after `previous`."""
    return link(
        previous,
        canonical(
            team_id=event.team_id,
            incident_id=event.incident_id,
            kind=event.kind,
            actor_id=event.actor_id,
            text=event.text,
            data=event.data,
            created_at=event.created_at,
        ),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The chain recomputed: intact, or the first event whose stored hash does not match."""

    events: int
    head: str | None = None
    #: position (1-based) and the event whose hash does not match; None when intact
    position: int | None = None
    broken: Any = None

    @property
    def intact(self) -> bool:
        return self.broken is None


class Checker:
    """Recomputes a chain event by event (the caller feeds it in id order, in batches)."""

    def __init__(self) -> None:
        self.previous: str | None = GENESIS
        self.count = 0
        self.broken: Any = None
        self.position: int | None = None

    def feed(self, events: Iterable[EventLike]) -> bool:
        """False once an event does not match (the rest is not read)."""
        for event in events:
            self.count += 1
            expected = of(event, self.previous)
            if event.hash != expected:
                self.broken, self.position = event, self.count
                return False
            self.previous = expected
        return True

    def verdict(self) -> Verdict:
        if self.broken is not None:
            return Verdict(self.count, None, self.position, self.broken)
        return Verdict(self.count, self.previous or None)


def verify(events: Iterable[EventLike]) -> Verdict:
    checker = Checker()
    checker.feed(events)
    return checker.verdict()
