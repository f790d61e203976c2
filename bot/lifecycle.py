"""Stopping cleanly: SIGTERM (or SIGINT) ends `campaign-guard serve` and `scheduler` in order.

1. `/readyz` answers 503 at once, so a load balancer stops routing here;
2. no new requests: the HTTP listener closes (aiohttp), the Socket Mode connection closes (Slack
   delivers to the other replicas' connections);
3. requests in flight finish (at most `DRAIN_SECONDS`), then the work they handed off after their
   ack (`Background`, at most `DRAIN_SECONDS`);
4. the reminder dispatcher finishes its batch (at most `DRAIN_SECONDS`, then it is cut short) and
   gives back the leases of reminders it claimed and did not send, so another replica sends them
   at once rather than after the lease runs out;
5. the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (the default handlers would kill the process mid-work)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def requested(name: str) -> None:
        log.info("%s received: stopping (in-flight work gets %.0f s)", name, DRAIN_SECONDS)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, requested, sig.name)
    return stop


async def started(stop: asyncio.Event, starting: Awaitable[object]) -> bool:
    """Run `starting` (it may retry while Slack is out of reach) unless a stop comes first;
    False when stopped before it finished."""
    start = asyncio.ensure_future(starting)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({start, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not start.done():
        start.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await start
        return False
    start.result()  # its error, if it failed
    return True


def settle(*, classifier: bool) -> None:
    """Once the process holds what it keeps for its life (settings, the app, the engine, its
    listeners) and before it listens: load the conduct classifier's rules and models (a second or
    two, so the first monitored message does not pay it; on the main thread, as importing in a
    worker thread while the loop imports too can fail on Python 3.11), then move every object so
    far out of the garbage collector's reach (`gc.freeze`). A full collection then walks only
    what requests and batches allocate; on the million-incident bench it halved the p95 of a
    500-row claim pass (docs/scale.md)."""
    if classifier:
        from bot.domain.conduct import warm

        warm()
    gc.freeze()
