"""The dispatcher: claims due reminder rows, re-checks them, sends them, records what happened.

The database is the source of truth; APScheduler only ticks (an `AsyncIOScheduler` interval job
calling `tick()`). One pass:

1. claim a batch of due rows with a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so N replicas
   claim disjoint rows; SQLite: one process dispatches);
2. re-plan each row's subject from its current facts: a row the subject no longer wants (the
   deliverable was submitted, the incident resolved, the engagement terminated, the campaign
   completed) or of a workspace that uninstalled the app is `cancelled`, with the reason; a
   row a later due row of the same chain replaces is `superseded` (no "due in 24 h" after the
   deadline);
3. send the rest concurrently (`chat.postMessage`; a user id as channel is a DM; mediation
   reminders in the incident's thread) — the end of the cure period first escalates the
   incident through the lifecycle code (`bot.flows.incidents.auto_escalate`);
4. record outcomes in one statement: `sent` with the message ts; a 429 leaves the row pending
   until `Retry-After` has passed and pauses this dispatcher as long (not counted as an
   attempt); 5xx, timeouts and connection errors retry with exponential backoff and end
   `failed` after `max_attempts`; a permanent Slack error (`channel_not_found`, `is_archived`,
   `not_in_channel`, …) is `failed` at once, because no retry can fix it without a person.
   `/campaign reminders` lists failed and late rows.

Retries live in the outbox, not in the HTTP client: the dispatcher's client has no slack_sdk
retry handlers, so a 429 never sleeps inside a batch holding leases, and every retry is durable
(a restart keeps it), counted, and driven by the injected clock.

Delivery is exactly once while dispatchers live; a dispatcher that dies between sending and
recording loses its lease, and the row is sent again after the lease expires (at least once).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.domain.enums import IncidentStatus, ReminderKind, ReminderStatus
from bot.slack import NO_UNFURL, SlackClient
from bot.views import reminders as views
from scheduler.planner import RECURRING, Facts, Planned, Subject, unwanted_reason, wanted
from storage.db import Database, generic_plans
from storage.queries import reminders as q

log = logging.getLogger(__name__)

DEFAULT_TICK_SECONDS = 5.0
DEFAULT_BATCH = 500
DEFAULT_CONCURRENCY = 64
DEFAULT_LEASE = timedelta(minutes=2)
#: At shutdown, how long a pass in progress may take to finish its batch.
STOP_SECONDS = 10.0
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)
#: Slack errors that a retry may fix; any other `ok: false` error is permanent.
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "timeout"}
)

#: The note on rows cancelled because the workspace uninstalled the app or revoked its token.
UNINSTALLED = "app uninstalled from the workspace"

Escalate = Callable[[Any, str, int], Awaitable[bool]]


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … capped at 30 min."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _client_logger() -> logging.Logger:
    """slack_sdk formats a debug line with the whole request and response on every call unless
    its logger's *own* level is above DEBUG (`logger.level`, not the effective level), which
    cost ~10% of the dispatcher's CPU; this logger has an explicit level, so that only happens
    when debug logging is actually on."""
    client_log = logging.getLogger("slack_sdk.web.dispatcher")
    client_log.setLevel(logging.getLogger("slack_sdk").getEffectiveLevel())
    return client_log


def _occasion(payload: Any) -> str | None:
    """Which occasion of its kind a reminder was, as the incident's timeline says it: its stage
    ("half", "end"), or how long the incident had been open ("after 7 days")."""
    if stage := payload.get("stage"):
        return str(stage)
    days = payload.get("days")
    return None if days is None else f"after {days} days"


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Pass:
    """What one `tick()` did."""

    claimed: int = 0
    sent: int = 0
    cancelled: int = 0
    superseded: int = 0
    retried: int = 0
    failed: int = 0
    escalated: int = 0
    marked_late: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Claimed:
    """What a claim pass leased: the rows, their subjects' facts and plans, and what to send."""

    rows: Sequence[Any]
    facts: dict[tuple[str, int], Facts]
    plans: dict[int, Planned | None]
    cancelled: int
    to_send: list[Any]
    superseded: int


async def _default_escalate(svc: Any, team_id: str, incident_id: int) -> bool:
    from bot.flows.incidents import auto_escalate

    return await auto_escalate(svc, team_id, incident_id)


async def _mark_late(svc: Any) -> int:
    """Deliverables past their due time with nothing submitted become `late` (cards updated)."""
    from bot.flows.deliverables import mark_overdue

    return len(await mark_overdue(svc))


class Dispatcher:
    """Sends due reminders. `tick()` runs one pass; `start()` ticks every `tick_seconds`.

    `svc` (bot.services.Services) is what automatic escalation needs; `db`, `clock` and the Slack
    token/URL default to its own. `tick_seconds=None` never ticks by itself (tests, the
    playground's time control and scripts call `tick()`).
    """

    def __init__(
        self,
        svc: Any = None,
        *,
        db: Database | None = None,
        clock: Clock | None = None,
        token: str | None = None,
        base_url: str | None = None,
        tick_seconds: float | None = DEFAULT_TICK_SECONDS,
        batch_size: int = DEFAULT_BATCH,
        concurrency: int = DEFAULT_CONCURRENCY,
        workers: int | None = None,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        send_timeout: float = 10.0,
        escalate: Escalate | None = None,
        name: str | None = None,
    ) -> None:
        self.svc = svc
        self.db: Database = db or svc.db
        self.clock: Clock = clock or svc.clock
        self.token = token if token is not None else (svc.client.token if svc else None)
        self.base_url = base_url or (svc.client.base_url if svc else "https://slack.com/api/")
        self.tick_seconds = tick_seconds
        self.batch_size = batch_size
        self.concurrency = concurrency
        # SQLite serialises writers: one claim loop; PostgreSQL: two, so claiming overlaps sending
        self.workers = workers or (1 if self.db.dialect == "sqlite" else 2)
        self.lease = lease
        self.max_attempts = max_attempts
        self.send_timeout = send_timeout
        self.escalate = escalate or _default_escalate
        self.name = name or worker_name()
        self._lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None
        self._hold_until: datetime | None = None
        self._stopping = False
        self._running: asyncio.Future[None] | None = None
        self._digests_planned_at: datetime | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Tick every `tick_seconds` on the running loop (no-op when `tick_seconds` is None)."""
        self._stopping = False
        if self.tick_seconds is None or self._scheduler is not None:
            return
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # a line per tick
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._scheduled_tick,
            "interval",
            seconds=self.tick_seconds,
            id="reminders",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()
        log.info("reminder dispatcher %s ticking every %ss", self.name, self.tick_seconds)

    async def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop ticking; let a pass in progress finish its batch within `timeout` seconds (then it
        is cut short); give back the leases of rows claimed and not recorded, so another dispatcher
        sends them at once; close the HTTP session."""
        self._stopping = True
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        running = self._running
        if running is not None and not running.done():
            _, late = await asyncio.wait({running}, timeout=timeout)
            if late:
                log.warning("dispatcher %s: a pass outlived %ss at shutdown, cut short", self.name, timeout)
                running.cancel()
                await asyncio.wait({running})
        async with self._lock:
            try:
                async with self.db.transaction() as s:
                    released = await q.release(s, self.name, self.clock.now())
            except Exception:  # the database is gone too: the leases run out by themselves
                log.warning("dispatcher %s could not give back its leases", self.name, exc_info=True)
                released = 0
            if released:
                log.info("reminder dispatcher %s gave back %d claimed reminders", self.name, released)
            if self._session is not None:
                await self._session.close()
            self._session = self._client = None
            self._stopping = False

    async def _scheduled_tick(self) -> None:
        try:
            done = await self.tick()
            if done.claimed:
                log.info("reminders: %s", done)
        except Exception:
            log.exception("reminder dispatch pass failed; the next tick retries")

    def _slack(self) -> AsyncWebClient:
        if self._client is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.concurrency))
            self._client = SlackClient(
                metrics=getattr(self.svc, "metrics", None),
                token=self.token,
                base_url=self.base_url,
                timeout=int(max(self.send_timeout, 1)),
                session=self._session,
                retry_handlers=[],  # retries are the outbox's: see the module docstring
                logger=_client_logger(),
            )
        return self._client

    # ------------------------------------------------------------------ one pass

    async def tick(self) -> Pass:
        """One dispatch pass: claim and send batches until nothing is due (or Slack says wait)."""
        result = Pass()
        async with self._lock:
            self._slack()
            self._running = asyncio.ensure_future(self._pass(result))
            try:
                await self._running
            except asyncio.CancelledError:
                if not self._stopping:
                    raise
            finally:
                self._running = None
        if getattr(self.svc, "metrics", None) is not None:
            self.svc.metrics.dispatcher_pass(result)
        return result

    async def _pass(self, result: Pass) -> None:
        """The work of one tick (cancelled when shutdown outlasts its bound)."""
        await asyncio.gather(*(self._drain(result) for _ in range(self.workers)))
        # what time alone changes: deliverables past due become late
        if self.svc is not None and not self._stopping:
            result.marked_late = await _mark_late(self.svc)
            await self._plan_digests()

    async def _plan_digests(self) -> None:
        """Every hour: the weekly digests of new campaigns and managers, in their time zones."""
        from bot.flows.insights import PLAN_EVERY, plan_digests

        now = self.clock.now()
        if self._digests_planned_at is not None and now - self._digests_planned_at < PLAN_EVERY:
            return
        self._digests_planned_at = now
        try:
            await plan_digests(self.svc)
        except Exception:
            log.exception("planning the weekly digests failed; the next hour retries")

    def _held(self) -> bool:
        return self._hold_until is not None and self.clock.now() < self._hold_until

    async def _drain(self, result: Pass) -> None:
        while not self._stopping and not self._held():
            if not await self._batch(result):
                return

    async def _claim(self, now: datetime) -> Claimed | None:
        """The claim pass (one transaction): lease a batch, re-plan each row's subject, close the
        rows nobody wants any more. None when nothing is due."""
        async with self.db.transaction() as s:
            await generic_plans(s)  # a batch's statements: one plan per connection (storage/db.py)
            rows = await q.claim(s, now, self.name, self.lease, self.batch_size)
            if not rows:
                return None
            facts = await q.facts_for(s, {(r.subject_type, r.subject_id) for r in rows if not r.team_gone})
            plans: dict[int, Planned | None] = {}
            why: dict[str, list[int]] = {}  # cancellation note → row ids
            for r in rows:
                subject = facts.get((r.subject_type, r.subject_id))
                plans[r.id] = None if r.team_gone else wanted(subject, r.dedupe_key, r.due_at)
                if plans[r.id] is None:
                    note = UNINSTALLED if r.team_gone else unwanted_reason(subject)
                    why.setdefault(note, []).append(r.id)
            for note, ids in why.items():
                await q.close(s, ids, ReminderStatus.CANCELLED, self.name, now, note)
            stale = {row_id for ids in why.values() for row_id in ids}
            live = [r for r in rows if r.id not in stale]
            replaced = {r.id for r in live if r.replaced}
            if replaced and stale:  # the later row may be one just closed as unwanted: ask again
                replaced = await q.superseded(s, [r for r in live if r.id in replaced], now)
            await q.close(
                s, replaced, ReminderStatus.SUPERSEDED, self.name, now, "a later reminder replaced it"
            )
        to_send = [r for r in live if r.id not in replaced]
        return Claimed(rows, facts, plans, len(stale), to_send, len(replaced))

    async def _batch(self, result: Pass) -> int:
        claimed = await self._claim(self.clock.now())
        if claimed is None:
            return 0
        rows, facts, plans = claimed.rows, claimed.facts, claimed.plans
        result.claimed += len(rows)
        result.cancelled += claimed.cancelled
        result.superseded += claimed.superseded
        to_send = claimed.to_send

        gate = asyncio.Semaphore(self.concurrency)

        async def bounded(row) -> q.Outcome:
            async with gate:
                return await self._send(row, plans[row.id], facts[(row.subject_type, row.subject_id)], result)

        outcomes = await asyncio.gather(*(bounded(r) for r in to_send))
        done = self.clock.now()
        sent_rows = [r for r, o in zip(to_send, outcomes, strict=True) if o.status == ReminderStatus.SENT]
        async with self.db.transaction() as s:
            # timeline events first: writing one locks its incident (storage/chain.py), and a
            # lifecycle move locks the incident before the reminder rows; the same order here
            await q.add_incident_events(
                s,
                [
                    self._event(r, plans[r.id], o, done)
                    for r, o in zip(to_send, outcomes, strict=True)
                    if o.status == ReminderStatus.SENT and r.subject_type == Subject.INCIDENT
                ],
            )
            await s.flush()
            await q.record(s, outcomes, self.name, done)
        recurring = {(r.subject_type, r.subject_id) for r in sent_rows if r.kind in RECURRING}
        if recurring:  # plan the next occurrence
            async with self.db.transaction() as s:
                await q.sync_subjects(s, recurring, done)
        for o in outcomes:
            if o.status == ReminderStatus.SENT:
                result.sent += 1
            elif o.status == ReminderStatus.FAILED:
                result.failed += 1
            else:
                result.retried += 1
        return len(rows)

    @staticmethod
    def _event(row, planned: Planned, outcome: q.Outcome, now: datetime) -> dict[str, Any]:
        return {
            "team_id": row.team_id,
            "incident_id": row.subject_id,
            "text": f"{row.kind.replace('_', ' ')} ({_occasion(planned.payload) or row.dedupe_key})",
            "data": {
                "reminder": row.dedupe_key,
                "ts": outcome.sent_ts,
                "to": planned.user or planned.channel,  # where it went: the re-check may retarget it
            },
            "created_at": now,
        }

    # ------------------------------------------------------------------ one message

    async def _send(self, row, planned: Planned, facts: Facts, result: Pass) -> q.Outcome:
        """`_deliver` with the token of the row's workspace (many workspaces: bot/tenancy.py)."""
        tenancy = getattr(self.svc, "tenancy", None)
        if tenancy is None or not tenancy.multi:
            return await self._deliver(row, planned, facts, result)
        async with tenancy.enter(row.team_id) as scope:
            if scope is None:  # no installation left (an uninstall's event not seen yet)
                result.errors.append("not_installed")
                return q.Outcome(row.id, ReminderStatus.FAILED, row.attempts + 1, error="not_installed")
            return await self._deliver(row, planned, facts, result)

    async def _deliver(self, row, planned: Planned, facts: Facts, result: Pass) -> q.Outcome:
        """Send `row` to its current target (`planned`: the plan re-computed from fresh facts)."""
        if self._held():  # Slack asked us to wait: give the row back untouched
            return q.Outcome(
                row.id, ReminderStatus.PENDING, row.attempts, error=row.last_error, retry_at=self._hold_until
            )
        try:
            if row.kind == ReminderKind.WEEKLY_DIGEST:  # figures, a chart, one upload to the DM
                from bot.flows.insights import send_digest

                async with asyncio.timeout(self.send_timeout * 3):
                    await send_digest(
                        self.db, self._slack(), facts, planned.user, planned.payload.get("tz"), planned.due_at
                    )
                return q.Outcome(row.id, ReminderStatus.SENT, row.attempts + 1)
            escalated = False
            if row.kind == ReminderKind.MEDIATION_RESPONSE and planned.payload.get("stage") == "end":
                escalated = await self._escalate(row)
                result.escalated += int(escalated)
                # a retry (the escalation of an earlier attempt stuck, its send did not) says so too
                escalated = escalated or facts.incident.status == IncidentStatus.ESCALATED
            now = self.clock.now()  # overdue reminders say how late it is now, not at the planned time
            text, blocks = views.render(row.kind, facts, planned.payload, now=now, escalated=escalated)
            async with asyncio.timeout(self.send_timeout):
                response = await self._slack().chat_postMessage(
                    channel=planned.user or planned.channel,
                    thread_ts=planned.thread_ts,
                    text=text,
                    blocks=blocks,
                    **NO_UNFURL,
                )
            return q.Outcome(row.id, ReminderStatus.SENT, row.attempts + 1, sent_ts=response.get("ts"))
        except SlackApiError as exc:
            response = exc.response
            error = (response.get("error") if response is not None else None) or "error"
            status = getattr(response, "status_code", 200)
            if status == 429 or error == "ratelimited":
                return self._rate_limited(row, response)
            if status >= 500 or error in TRANSIENT_ERRORS:
                return self._retry(row, f"{error} (HTTP {status})", result)
            log.warning("reminder %s failed permanently: %s", row.dedupe_key, error)
            result.errors.append(error)
            return q.Outcome(row.id, ReminderStatus.FAILED, row.attempts + 1, error=error)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return self._retry(
                row, "timeout" if isinstance(exc, TimeoutError) else f"connection: {exc}", result
            )
        except Exception as exc:  # a bug rendering or escalating: retried, then visible as failed
            log.exception("reminder %s could not be sent", row.dedupe_key)
            return self._retry(row, f"{type(exc).__name__}: {exc}", result)

    async def _escalate(self, row) -> bool:
        return await self.escalate(self.svc, row.team_id, row.subject_id)

    def _rate_limited(self, row, response) -> q.Outcome:
        headers = getattr(response, "headers", None) or {}
        raw = headers.get("Retry-After") or headers.get("retry-after") or "1"
        try:
            wait = max(float(raw), 1.0)
        except ValueError:
            wait = 1.0
        until = self.clock.now() + timedelta(seconds=wait)
        self._hold_until = max(self._hold_until or until, until)
        log.info("rate limited: dispatcher %s waits until %s", self.name, until.isoformat())
        return q.Outcome(row.id, ReminderStatus.PENDING, row.attempts, error="ratelimited", retry_at=until)

    def _retry(self, row, error: str, result: Pass) -> q.Outcome:
        attempts = row.attempts + 1
        result.errors.append(error)
        if attempts >= self.max_attempts:
            log.warning("reminder %s failed after %d attempts: %s", row.dedupe_key, attempts, error)
            return q.Outcome(row.id, ReminderStatus.FAILED, attempts, error=error)
        return q.Outcome(
            row.id,
            ReminderStatus.PENDING,
            attempts,
            error=error,
            retry_at=self.clock.now() + backoff(attempts),
        )
