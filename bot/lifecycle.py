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


#: The youngest generation is collected once this many more container objects are alive than at
#: its last collection (CPython's default is 700). A batch of 500 reminders holds about 10,000 at
#: once, so under the default one claim pass set off a dozen young collections, a middle one, and
#: every nine passes or so a full one: those made the p95. With 20,000 a batch runs through
#: without a collection (its objects are freed by their reference counts as it ends), while garbage
#: in cycles is still collected once 20,000 objects have come and stayed. On the million-incident
#: bench (docs/scale.md) the claim pass's p95 went from about 45 ms to about 33, and the sweep's
#: from between 62 and 72 ms to between 51 and 56, with the same p50.
GC_YOUNG_THRESHOLD = 20_000
_DEFAULT_YOUNG_THRESHOLD = gc.get_threshold()[0]


def settle(*, classifier: bool) -> None:
    """Once the process holds what it keeps for its life (settings, the app, the engine, its
    listeners) and before it listens: load the conduct classifier's rules and models (a second or
    two, so the first monitored message does not pay it; on the main thread, as importing in a
    worker thread while the loop imports too can fail on Python 3.11), then move every object so
    far out of the garbage collector's reach (`gc.freeze`), and let the youngest generation grow
    to `GC_YOUNG_THRESHOLD` before it is collected. A full collection then walks only what
    requests and batches allocate, and a batch of work seldom sets one off (docs/scale.md)."""
    if classifier:
        from bot.domain.conduct import warm

        warm()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD)


def unsettle() -> None:
    """Undo `settle`'s hold on the collector (a process that goes on with other work: the tests,
    the bench run inside the test suite)."""
    gc.unfreeze()
    gc.set_threshold(_DEFAULT_YOUNG_THRESHOLD)
