"""Work done after the ack, and the one error handler that reports it.

Handlers ack at once and hand the rest to `Background.run`; a typed `CampaignGuardError` becomes
the ephemeral sentence it carries, anything else is logged with an id the user sees. Tests
`drain()` the tasks so nothing is cut off half-way; shutdown `finish()`es them: it waits a bounded
time, then cancels what is left and says so in the log.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import messages
from bot.errors import CampaignGuardError

log = logging.getLogger(__name__)

Reply = Callable[[str], Awaitable[Any]]

#: Web API calls whose target came from the request itself, and the errors that mean the target
#: expired or is gone: a trigger_id past its 3 seconds, the modal the user acts in (closed, or
#: changed under them), the message a shortcut was used on (deleted). That is the request's data,
#: not a bug here: one warning line, no traceback. The same error on a target the bot stored
#: (say `chat.update` of an incident card) is unexpected and reported in full.
_TRIGGER_ERRORS = frozenset(  # both spellings Slack has documented
    {"trigger_expired", "expired_trigger_id", "trigger_exchanged", "exchanged_trigger_id"}
    | {"invalid_trigger_id"}
)
STALE_REFERENCE_ERRORS: dict[str, frozenset[str]] = {
    "views.open": _TRIGGER_ERRORS,
    "views.push": _TRIGGER_ERRORS,
    "views.update": frozenset({"not_found", "view_not_found", "hash_conflict"}),
    "chat.getPermalink": frozenset({"message_not_found", "channel_not_found"}),
}


def stale_reference(exc: BaseException) -> tuple[str, str] | None:
    """(method, error code) when `exc` is Slack refusing a target the request named, else None."""
    if not isinstance(exc, SlackApiError) or exc.response is None:
        return None
    method = str(getattr(exc.response, "api_url", "") or "").rstrip("/").rsplit("/", 1)[-1]
    error = exc.response.get("error")
    if isinstance(error, str) and error in STALE_REFERENCE_ERRORS.get(method, ()):
        return method, error
    return None


async def report(exc: BaseException, reply: Reply | None) -> str:
    """Tell the user what went wrong; returns the sentence (for logs and tests)."""
    if isinstance(exc, CampaignGuardError):
        text = exc.message
        log.info("refused: %s", text)
    elif (stale := stale_reference(exc)) is not None:
        log.warning("Slack refused %s: %s", *stale)
        text = messages.slack_refused_stale(stale[1])
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

    async def finish(self, timeout: float) -> int:
        """At shutdown: wait up to `timeout` seconds for all work, then cancel what is left (logged,
        never raised: a slow upload must not turn a clean stop into a crash). Returns how many were
        cut off."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and (remaining := deadline - loop.time()) > 0:
            await asyncio.wait(list(self._tasks), timeout=remaining)  # unlike gather, cancels nothing
        left = list(self._tasks)
        if left:
            log.warning(
                "shutdown: %d background task(s) still running after %g s; cancelled", len(left), timeout
            )
            for task in left:
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
        return len(left)
