"""Work after the ack (bot/background.py): tests drain it; a shutdown finishes it in bounded time."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.background import Background


async def test_drain_waits_for_work_started_by_work():
    background, done = Background(), []

    async def second() -> None:
        done.append("second")

    async def first() -> None:
        await asyncio.sleep(0)
        background.run(second())
        done.append("first")

    background.run(first())
    await background.drain(timeout=5)
    assert done == ["first", "second"] and background.pending == 0


async def test_drain_raises_when_work_outlives_its_timeout():
    background = Background()
    stuck = background.run(asyncio.Event().wait())
    with pytest.raises(TimeoutError):
        await background.drain(timeout=0.01)
    stuck.cancel()


async def test_finish_waits_for_work_that_ends_in_time():
    background, done = Background(), []

    async def work() -> None:
        await asyncio.sleep(0.01)
        done.append(True)

    background.run(work())
    assert await background.finish(5) == 0
    assert done == [True]


async def test_finish_cancels_what_is_left_at_its_deadline_and_says_so(caplog):
    caplog.set_level(logging.WARNING, logger="bot.background")
    background, cancelled = Background(), []

    async def upload_that_hangs() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    task = background.run(upload_that_hangs())
    assert await background.finish(0.01) == 1  # no TimeoutError: a shutdown goes on
    assert task.cancelled() and cancelled == [True] and background.pending == 0
    assert [r.getMessage() for r in caplog.records] == [
        "shutdown: 1 background task(s) still running after 0.01 s; cancelled"
    ]
