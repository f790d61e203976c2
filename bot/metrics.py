"""Prometheus metrics (`GET /metrics`), with prometheus-client, one registry per process.

Counted as they happen:

- `campaign_guard_requests_total{listener}` and `campaign_guard_ack_seconds{listener}`: each
  request Slack sends (HTTP or Socket Mode) by listener kind — command, action, view_submission,
  event, options, shortcut… — and the time from its arrival to the answer Slack waits for (the
  ack; Slack gives up at 3 s);
- `campaign_guard_slack_api_calls_total{method,outcome}`: Web API calls by method and outcome
  (`ok`, `ratelimited`, `error`), after slack_sdk's retries (the request path's client waits out
  a 429 and tries again; the dispatcher's does not, its outbox retries); each 429 the request path's
  client waited out counts in `campaign_guard_slack_rate_limited_total{method}`;
- `campaign_guard_reminders_processed_total{outcome}`: what this process's dispatcher did with the
  reminders it claimed (sent, retried, failed, cancelled, superseded);
- `campaign_guard_background_tasks`: work handed off after the ack and not finished.

Read from the database at scrape time (at most every `DB_GAUGE_SECONDS`; each an index range,
never a table scan):

- `campaign_guard_reminders{state}`: outbox rows pending and failed (sent, cancelled and
  superseded rows only grow, so they are counted by the dispatcher instead);
- `campaign_guard_reminders_due`, `campaign_guard_reminder_oldest_due_seconds`: the backlog, and
  how late its oldest row is; `campaign_guard_reminders_claimed_unsent`: due rows under a lease;
- `campaign_guard_incidents{status}`: open incidents by status.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from bot import tenancy
from bot.clock import Clock
from storage.db import Database

DB_GAUGE_SECONDS = 10.0
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "campaign_guard_requests", "Requests from Slack, by listener kind", ["listener"], registry=r
        )
        self.ack_seconds = Histogram(
            "campaign_guard_ack_seconds",
            "Time from a request's arrival to its ack, by listener kind",
            ["listener"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.web_api = Counter(
            "campaign_guard_slack_api_calls",
            "Slack Web API calls by method and outcome (after retries)",
            ["method", "outcome"],
            registry=r,
        )
        self.rate_limited = Counter(
            "campaign_guard_slack_rate_limited",
            "HTTP 429 answers the Web API client waited out and retried, by method",
            ["method"],
            registry=r,
        )
        self.reminders_processed = Counter(
            "campaign_guard_reminders_processed",
            "Reminders this process's dispatcher claimed, by what became of them",
            ["outcome"],
            registry=r,
        )
        self.background = Gauge(
            "campaign_guard_background_tasks", "Work started after an ack and not finished", registry=r
        )
        self.reminders = Gauge("campaign_guard_reminders", "Outbox rows by state", ["state"], registry=r)
        self.reminders_due = Gauge(
            "campaign_guard_reminders_due", "Pending reminders already due", registry=r
        )
        self.oldest_due = Gauge(
            "campaign_guard_reminder_oldest_due_seconds",
            "How long the oldest due pending reminder has waited (0 when none)",
            registry=r,
        )
        self.claimed_unsent = Gauge(
            "campaign_guard_reminders_claimed_unsent",
            "Due pending reminders under a dispatcher's lease (claimed, not yet recorded)",
            registry=r,
        )
        self.incidents = Gauge("campaign_guard_incidents", "Open incidents by status", ["status"], registry=r)
        self._db_read_at = 0.0

    # ---- counted as it happens

    def web_api_call(self, method: str, outcome: str) -> None:
        self.web_api.labels(method=method, outcome=outcome).inc()

    def observe_request(self, listener: str, seconds: float) -> None:
        self.requests.labels(listener=listener).inc()
        self.ack_seconds.labels(listener=listener).observe(seconds)

    def dispatcher_pass(self, done: Any) -> None:
        for outcome in ("sent", "retried", "failed", "cancelled", "superseded"):
            count = getattr(done, outcome, 0)
            if count:
                self.reminders_processed.labels(outcome=outcome).inc(count)

    def rate_limit_counter(self) -> AsyncRateLimitErrorRetryHandler:
        """A slack_sdk retry handler that retries 429s (after Retry-After) and counts each one."""
        metrics = self

        class CountingRateLimitHandler(AsyncRateLimitErrorRetryHandler):
            async def _can_retry_async(self, *, state, request, response, error) -> bool:  # type: ignore[override]
                if response is not None and response.status_code == 429:
                    metrics.rate_limited.labels(method=request.url.rsplit("/", 1)[-1]).inc()
                return await super()._can_retry_async(
                    state=state, request=request, response=response, error=error
                )

        return CountingRateLimitHandler(max_retry_count=3)

    # ---- read at scrape time

    async def read_database(self, db: Database, clock: Clock, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._db_read_at < DB_GAUGE_SECONDS:
            return
        from storage.queries import health

        now = clock.now()
        async with db.transaction() as s:
            outbox = await health.reminder_gauges(s, now)
            incidents = await health.open_incidents_by_status(s)
        for state in ("pending", "failed"):
            self.reminders.labels(state=state).set(outbox.by_state.get(state, 0))
        self.reminders_due.set(outbox.due)
        self.oldest_due.set(max(0.0, (now - outbox.oldest_due).total_seconds()) if outbox.oldest_due else 0.0)
        self.claimed_unsent.set(outbox.claimed)
        for status, count in incidents.items():
            self.incidents.labels(status=status).set(count)
        self._db_read_at = time.monotonic()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def instrument(bolt: Any, metrics: Metrics) -> None:
    """Every request through `bolt.async_dispatch` (HTTP and Socket Mode alike) is counted and
    timed, and runs with a fresh request context (correlation id, listener kind, no workspace
    until authorised: bot/tenancy.py). Bolt has no hook around dispatch, so the bound method is
    wrapped on this instance."""
    dispatch: Callable[[Any], Awaitable[Any]] = bolt.async_dispatch

    async def measured(req: Any) -> Any:
        started = time.perf_counter()
        with tenancy.request(req.body if isinstance(req.body, dict) else {}) as info:
            try:
                return await dispatch(req)
            finally:
                metrics.observe_request(info.listener, time.perf_counter() - started)

    bolt.async_dispatch = measured
