"""Property: whatever Slack-signed payload a persona without rights sends, the bot answers without a
5xx, logs no traceback and changes no row.

Hypothesis mutates a valid payload of every listener kind (tests/e2e/forgery.py: every slash
command and subcommand, a click on every `Action`, a submission and a close of every `Callback`,
the message shortcut, the four events), as Otto, who is on no campaign: keys dropped, values
nulled, types swapped, objects turned into lists, odd digits (superscript two, Arabic-Indic
one, 40 digits), huge and unicode strings, nested junk. Each mutant is signed and posted to the
real aiohttp endpoint; the world (campaign, team, engagement, incident, deliverable) is built
once per test and every example is checked against a snapshot of every table.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from storage.models import Workspace, metadata
from storage.queries import workspaces
from tests.e2e.forgery import Base, arena, bases, send
from tests.e2e.harness import OTTO, World

ODD_STRINGS = [
    "",
    " ",
    "²",
    "١",
    "١٢٣",
    "0",
    "-1",
    "01",
    " 1",
    "1.5",
    "1e3",
    "9" * 40,
    "1" + "0" * 39,
    "2147483648",
    "9223372036854775808",
    "1:1",
    "9" * 40 + ":1",
    "BR-1",
    "BR-²",
    "U0MANAGER",
    "<@U0MANAGER>",
    "<!here>",
    "<https://evil.example|trusted>",
    "x\nERROR forged line",
    "\u202e\u2028\x00\x1b[31m",
    "null",
    "{}",
    '{"engagement_id": 99999999999999999999}',
    "é" * 3000,
]
HUGE = ["x" * 100_000, "é" * 60_000, "９" * 20_000]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, 10**40]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(ODD_STRINGS),
)
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
OPERATIONS = ("drop", "null", "junk", "wrap", "listify", "nest", "huge")

Path = tuple[Any, ...]


def paths(node: Any, prefix: Path = ()) -> list[Path]:
    found: list[Path] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found.append((*prefix, key))
        found.extend(paths(value, (*prefix, key)))
    return found


def mutate(payload: Any, path: Path, operation: str, value: Any) -> None:
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if operation == "drop":
        del parent[key]
        return
    current = parent[key]
    parent[key] = {
        "null": None,
        "junk": value,
        "wrap": [current],
        "listify": list(current.values()) if isinstance(current, dict) else [current, value],
        "nest": {"x": current, "junk": value},
        "huge": value if isinstance(value, str) and len(value) > 10_000 else HUGE[0],
    }[operation]


def reachable(payload: Any, path: Path) -> bool:
    node = payload
    for key in path:
        in_dict = isinstance(node, dict) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if not (in_dict or in_list):
            return False
        node = node[key]
    return True


async def snapshot(world: World, skip: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Every row of every table (the `nothing changed` check)."""
    tables = {}
    async with world.db.transaction() as s:
        for table in metadata.sorted_tables:
            if table.name not in skip:
                tables[table.name] = sorted(repr(tuple(row)) for row in (await s.exec(select(table))).all())
    return tables


class Fuzzed:
    def __init__(self, world: World, candidates: list[Base]) -> None:
        self.world, self.candidates = world, candidates

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"<{len(self.candidates)} base payloads as {OTTO}>"


@pytest.fixture
async def fuzzed(world: World, caplog) -> Fuzzed:
    caplog.set_level(logging.INFO)
    where = await arena(world)
    return Fuzzed(world, bases(world, OTTO, where))


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_mutated_signed_payloads_from_a_persona_without_rights(fuzzed, caplog, data):
    world, candidates = fuzzed.world, fuzzed.candidates
    base = data.draw(st.sampled_from(candidates), label="base")
    payload = copy.deepcopy(base.payload)
    depth = data.draw(st.integers(min_value=1, max_value=4), label="depth")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        candidates_at = [p for p in paths(payload) if len(p) == depth] or paths(payload)
        if not candidates_at:
            break
        path = data.draw(st.sampled_from(candidates_at), label="path")
        operation = data.draw(st.sampled_from(OPERATIONS), label="operation")
        value = data.draw(
            st.one_of(junk, st.sampled_from(HUGE)) if operation == "huge" else junk, label="value"
        )
        if reachable(payload, path):
            mutate(payload, path, operation, value)
    as_json = base.shape == "command" and data.draw(st.booleans(), label="command as JSON")

    skip = frozenset({Workspace.__tablename__}) if base.lifecycle else frozenset()
    before = await snapshot(world, skip)
    start = len(caplog.records)
    reply = await send(world, base.shape, payload, as_json=as_json)
    seen = caplog.records[start:]

    assert reply.status is not None and reply.status < 500, (base.name, reply.status, reply.body)
    formatted = "\n".join(caplog.handler.format(r) for r in seen)
    assert "Traceback" not in formatted, (base.name, formatted[-3000:])
    errors = [r.getMessage() for r in seen if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], (base.name, errors)
    assert await snapshot(world, skip) == before, base.name
    if base.lifecycle:  # Slack said the app was uninstalled: it is installed again for the next example
        async with world.db.transaction() as s:
            await workspaces.set_active(s, world.emulator.team_id, True, world.clock.now())
