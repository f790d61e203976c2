"""Fault injection: make the next n calls of a method fail (HTTP 429/500, Slack errors) or stall,
before they are carried out, or carry them out and answer late (a client that gave up waiting
never hears that Slack did it) or not at all (the connection drops before the answer).

Method names are Web API methods ("chat.postMessage"); "response_url" and "file_upload" name the
response URL and file upload endpoints.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

_Item = TypeVar("_Item", "Failure", "Delay")


@dataclass
class Failure:
    status: int
    error: str
    retry_after: int | None
    remaining: int

    def body(self) -> dict:
        return {"ok": False, "error": self.error}

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


@dataclass
class Delay:
    seconds: float
    remaining: int


class FaultInjector:
    def __init__(self) -> None:
        self._failures: dict[str, list[Failure]] = defaultdict(list)
        self._delays: dict[str, list[Delay]] = defaultdict(list)
        self._late: dict[str, list[Delay]] = defaultdict(list)
        self._dropped: dict[str, int] = defaultdict(int)

    def add_failure(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """429 (default when retry_after is given) answers `ratelimited` with Retry-After;
        other statuses answer `error` (default `internal_error`) with that HTTP status;
        a bare `error` answers HTTP 200 `{"ok": false, "error": error}`."""
        if status is None:
            status = 429 if retry_after is not None or error is None else 200
        if status == 429 and retry_after is None:
            retry_after = 1
        default_error = {429: "ratelimited", 200: "fatal_error"}.get(status, "internal_error")
        self._failures[method].append(Failure(status, error or default_error, retry_after, times))

    def add_delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        self._delays[method].append(Delay(seconds, times))

    def add_late_answer(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, then answered `seconds` late."""
        self._late[method].append(Delay(seconds, times))

    async def apply_late_answer(self, method: str) -> None:
        delay = _take(self._late[method])
        if delay is not None:
            await asyncio.sleep(delay.seconds)

    def add_dropped_answer(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, then the connection is closed
        without an answer."""
        self._dropped[method] += times

    def take_dropped(self, method: str) -> bool:
        if self._dropped[method] <= 0:
            return False
        self._dropped[method] -= 1
        return True

    def take_failure(self, method: str) -> Failure | None:
        return _take(self._failures[method])

    async def apply_delay(self, method: str) -> None:
        delay = _take(self._delays[method])
        if delay is not None:
            await asyncio.sleep(delay.seconds)

    def clear(self) -> None:
        self._failures.clear()
        self._delays.clear()
        self._late.clear()
        self._dropped.clear()


def _take(queue: list[_Item]) -> _Item | None:
    if not queue:
        return None
    item = queue[0]
    item.remaining -= 1
    if item.remaining <= 0:
        queue.pop(0)
    return item
