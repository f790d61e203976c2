"""The hash chain of incident timelines: the canonical form, the links, what verification finds;
and the migration that back-fills existing timelines computes the same hashes."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.domain import chain

T0 = datetime(2027, 3, 1, 14, 0, 0, 123456, tzinfo=UTC)


@dataclass
class Event:
    id: int
    kind: str
    text: str | None = None
    actor_id: str | None = "U0MAYA"
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = T0
    team_id: str = "T1"
    incident_id: int = 9
    hash: str | None = None


def chained(*events: Event) -> list[Event]:
    previous = chain.GENESIS
    for e in events:
        e.hash = previous = chain.of(e, previous)
    return list(events)


def test_the_canonical_form_is_spelled_out():
    text = chain.canonical(
        team_id="T1",
        incident_id=9,
        kind="created",
        actor_id=None,
        text="Zoë wrote: “no”",
        data={"to": "reported", "evidence": ["https://x"], "a": {"z": 1, "b": 2}},
        created_at=datetime(2027, 3, 1, 15, 0, tzinfo=timezone(timedelta(hours=1))),
    )
    assert text == (
        '{"actor_id":null,"created_at":"2027-03-01T14:00:00.000000Z","data":{"a":{"b":2,"z":1},'
        '"evidence":["https://x"],"to":"reported"},"incident_id":9,"kind":"created","team_id":"T1",'
        '"text":"Zoë wrote: “no”"}'
    )
    # anyone can recompute a link with SHA-256 alone
    assert chain.link("", text) == hashlib.sha256(text.encode()).hexdigest()
    assert chain.link("ab", text) == hashlib.sha256(("ab" + text).encode()).hexdigest()


def test_naive_times_are_utc_and_zones_do_not_matter():
    naive = chain.utc_iso(T0.replace(tzinfo=None))
    assert naive == chain.utc_iso(T0) == chain.utc_iso(T0.astimezone(timezone(timedelta(hours=-8))))


def test_an_intact_chain():
    events = chained(Event(1, "created", "x"), Event(2, "status_changed", data={"to": "acknowledged"}))
    verdict = chain.verify(events)
    assert verdict.intact and verdict.events == 2 and verdict.head == events[-1].hash
    assert chain.verify([]).intact and chain.verify([]).events == 0


def test_any_change_breaks_the_chain_from_that_event():
    def fresh():
        return chained(
            Event(1, "created", "rude"),
            Event(2, "thread_reply", "I'm sorry", actor_id="U0IVY"),
            Event(3, "status_changed", data={"to": "resolved"}),
        )

    for alter in (
        lambda e: setattr(e[1], "text", "I'm not sorry"),
        lambda e: setattr(e[1], "actor_id", "U0MAYA"),
        lambda e: setattr(e[1], "created_at", T0 + timedelta(microseconds=1)),
        lambda e: e[1].data.update(extra=True),
        lambda e: setattr(e[1], "hash", "0" * 64),
    ):
        events = fresh()
        alter(events)
        verdict = chain.verify(events)
        assert not verdict.intact and verdict.position == 2 and verdict.broken is events[1]

    events = fresh()
    del events[1]  # a row removed: the next one no longer follows
    assert chain.verify(events).position == 2
    events = fresh()
    events[1], events[2] = events[2], events[1]  # reordered
    assert chain.verify(events).position == 2
    events = fresh()
    events[1] = replace(events[1], hash=None)  # a row written around the ORM
    assert chain.verify(events).position == 2


def test_checking_in_batches_is_checking_all_at_once():
    events = chained(*(Event(i, "note", f"n{i}") for i in range(1, 8)))
    checker = chain.Checker()
    for start in range(0, 7, 3):
        assert checker.feed(events[start : start + 3])
    assert checker.verdict() == chain.verify(events)


def test_the_migration_backfills_the_same_hashes():
    path = Path(__file__).resolve().parents[2] / "storage/migrations/versions/0006_conduct_evidence.py"
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    events = chained(
        Event(1, "created", "Zoë “quoted” <@U1>", data={"evidence": ["https://x"], "n": 3}),
        Event(2, "thread_reply", None, actor_id=None, created_at=T0.replace(tzinfo=None)),
    )
    previous = ""
    for e in events:
        previous = module._link(previous, e)
        assert previous == e.hash
