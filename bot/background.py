"""Work done after the ack, and the one error handler that reports it.

Handlers ack at once and hand the rest to `Background.run`; a typed `CampaignGuardError` becomes
the ephemeral sentence it carries, anything else is logged with an id the user sees. Tests and
shutdown `drain()` the tasks so nothing is cut off half-way.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot import messages
from bot.errors import CampaignGuardError

log = logging.getLogger(__name__)

Reply = Callable[[str], Awaitable[Any]]


async def report(exc: BaseException, reply: Reply | None) -> str:
    """Tell the user what went wrong; returns the sentence (for logs and tests)."""
    if isinstance(exc, CampaignGuardError):
        text = exc.message
        log.info("refused: %s", text)
    else:
        error_id = secrets.token_hex(4)
        log.error("unexpected error %s", error_id, exc_info=exc)
        text = messages.unexpected_error(error_id)
    if reply is not None:
        try:
            await reply(text)
        except Exception:
            log.exception("could not deliver an error message to the user")
    return text


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, work: Coroutine[Any, Any, Any], reply: Reply | None = None) -> asyncio.Task[None]:
        """Run `work` after the ack; errors are reported through `reply`."""

        async def guarded() -> None:
            try:
                await work
            except Exception as exc:
                await report(exc, reply)

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for all work, including work started by work being drained."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
