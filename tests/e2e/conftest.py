"""End-to-end fixtures: the real bot, the Slack emulator, a migrated database, a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from tests.e2e.harness import World

START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
async def world(database_url) -> AsyncIterator[World]:
    emulator = SlackEmulator()
    people.populate(emulator)
    clock = FakeClock(START)
    async with running_stack(emulator, database_url=database_url, clock=clock) as stack:
        world = World(stack=stack, clock=clock)
        await world.grant_creator(people.MANAGER.user_id)  # Maya creates most tests' campaigns
        yield world
