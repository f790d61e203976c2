"""Every surface at scale: seed a large workspace into a scratch PostgreSQL database and time it.

    .venv/bin/python -m bench.scale [--incidents 1000000] [--iterations 20] [--url postgresql+asyncpg://…]

The URL comes from `--url`, else `BENCH_POSTGRES_URL`, else `TEST_POSTGRES_URL`, else
postgresql+asyncpg://postgres@127.0.0.1:5432/test; the script creates a scratch database beside
it, runs the migrations there (`storage.migrate.upgrade`), seeds it with `INSERT … SELECT
generate_series` (every constraint holds: foreign keys, checks, unique keys; App Home's stored
keys, kept by triggers while the seed writes, are checked against the rows), times each surface
through the functions the handlers call, with a real session, and drops the database at the end
(`--keep` keeps it). Only the Slack Web API is replaced, by an in-process fake that answers at
once, so the figures are the database work plus the bot's own Python.

The sizes scale with `--incidents` (defaults: the million-incident workspace):

| rows | at 1M incidents |
|---|---|
| incidents (90% closed), ~5 timeline events each | 1,000,000 / 5,000,000 |
| campaigns, 10 engagements each | 2,000 / 20,000 |
| influencers (1 to 3 engagements each, one on 8% of the campaigns) | 8,001 |
| deliverables (500 overdue, each with its "due now" reminder) | 100,000 |
| reminder rows (history and pending) | ~1,100,000 |

The people timed: a manager of 20 campaigns, a manager of 500 (a quarter of them), legal on
1,000 (half), an admin (`ADMIN_USER_IDS`), an influencer with 2 engagements and the heavy one
(8,000 incidents). Each surface runs `--warmup` times, then `--iterations` times on the same
connection pool (so PostgreSQL's switch to generic plans after five executions is measured);
the table gives p50 and p95 in milliseconds. A surface over its budget gets the
`EXPLAIN (ANALYZE, BUFFERS)` of its statements, printed below the table.

Twenty concurrent reports are timed in the bench's process, and again shared between
`--replicas` processes (default 2; 1: not), each with its own services and pool, as a load
balancer shares them between `serve` replicas on one database.

`--smoke` runs each surface once and checks that it answered (the test suite uses it at a small
size: a test of the bench, not a timing).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import math
import multiprocessing
import os
import resource
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TEAM = "T0SCALE"
#: The bench's fixed "now": every seeded time is relative to it.
NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)

ADMIN = "U0SCALEADMIN"
MANAGER_20 = "U0MANAGER20"
MANAGER_500 = "U0MANAGER500"
LEGAL_1000 = "U0LEGAL1000"
INFLUENCER = "UINF2"  # influencer 2: two engagements
HEAVY = "UIHEAVY"  # the influencer on 8% of the campaigns


# ---------------------------------------------------------------------------------------------
# sizes


@dataclass(frozen=True)
class Sizes:
    incidents: int = 1_000_000
    campaigns: int = 2_000
    per_campaign: int = 10
    influencers: int = 8_000
    deliverables: int = 100_000
    events_per_incident: int = 5
    overdue: int = 500

    @classmethod
    def scaled(cls, incidents: int, events_per_incident: int = 5, overdue: int = 500) -> Sizes:
        """The million-incident proportions at `incidents`, with floors that keep every role
        meaningful (at least 40 campaigns)."""
        k = incidents / 1_000_000
        campaigns = max(40, round(2_000 * k))
        return cls(
            incidents=incidents,
            campaigns=campaigns,
            influencers=max(20, round(8_000 * k)),
            deliverables=max(overdue * 2, round(100_000 * k)),
            events_per_incident=events_per_incident,
            overdue=overdue,
        )

    @property
    def engagements(self) -> int:
        return self.campaigns * self.per_campaign

    @property
    def heavy_campaigns(self) -> int:
        return max(1, self.campaigns * 8 // 100)

    @property
    def manager_big(self) -> int:
        return min(500, self.campaigns // 4)

    @property
    def legal_big(self) -> int:
        return min(1_000, self.campaigns // 2)


# ---------------------------------------------------------------------------------------------
# seeding: set-based SQL, a few statements per table


def _seed_statements(z: Sizes) -> list[tuple[str, str]]:
    """(label, SQL) in order. `$now` is the bench's fixed now; everything else is generated."""
    C, P, E, N = z.campaigns, z.per_campaign, z.engagements, z.incidents
    INF = z.influencers
    now = f"TIMESTAMPTZ '{NOW.isoformat()}'"
    # a campaign every ~1,100 days / C, the newest starting 30 days ago
    day = f"((c::bigint * 1095) / {C})::int"
    campaign_of = f"((e - 1) / {P} + 1)"
    out: list[tuple[str, str]] = []
    out.append(
        ("workspace", f"INSERT INTO workspace VALUES ('{TEAM}', true, NULL, {now} - interval '4 years')")
    )
    out.append(
        (
            "campaigns",
            f"""
        INSERT INTO campaign (id, team_id, slug, name, brand, market, start_date, end_date, status,
                              owner_id, escalation_channel_id, review_cadence, guidelines_version, created_at)
        SELECT c, '{TEAM}', 'c' || c, 'Campaign ' || c, 'Brand ' || (c % 97), 'US',
               DATE '2024-05-03' + {day}, DATE '2024-05-03' + {day} + 150,
               CASE WHEN c % 20 = 0 THEN 'cancelled' WHEN c <= {C} * 45 / 100 THEN 'completed'
                    ELSE 'active' END,
               'UOWN' || (c % 50), 'CLEGAL', (ARRAY['weekly','biweekly','monthly','off'])[c % 4 + 1], 1,
               TIMESTAMPTZ '2024-05-01 09:00+00' + make_interval(days => {day})
        FROM generate_series(1, {C}) c""",
        )
    )
    out.append(
        (
            "guidelines",
            f"""
        INSERT INTO guideline (id, team_id, campaign_id, code, title, text, category, default_severity,
                               position, updated_at)
        SELECT (c - 1) * 5 + k, '{TEAM}', c, 'G' || k,
               (ARRAY['Disclose the partnership','Deliver on time','No competitor promotion',
                      'Respectful conduct','Brand safety'])[k],
               'Clause ' || k || ' of campaign ' || c || ': the full text a creator agrees to.',
               (ARRAY['disclosure','deadline','exclusivity','conduct','brand_safety'])[k],
               (ARRAY['major','moderate','major','minor','critical'])[k],
               k, TIMESTAMPTZ '2024-05-01 09:00+00'
        FROM generate_series(1, {C}) c CROSS JOIN generate_series(1, 5) k""",
        )
    )
    roles = [
        f"SELECT c, 'UOWN' || (c % 50), 'manager' FROM generate_series(1, {C}) c",
        f"SELECT c, 'UMEM' || (c % 200), 'member' FROM generate_series(1, {C}) c",
        f"SELECT c, '{MANAGER_20}', 'manager' FROM generate_series({C} - 19, {C}) c",
        f"SELECT c, '{MANAGER_500}', 'manager' FROM generate_series({C} - {z.manager_big} + 1, {C}) c",
        f"SELECT c, '{LEGAL_1000}', 'legal' FROM generate_series({C} - {z.legal_big} + 1, {C}) c",
    ]
    out.append(
        (
            "campaign roles",
            f"""
        INSERT INTO campaign_role (team_id, campaign_id, user_id, role, granted_by, created_at)
        SELECT '{TEAM}', r.c, r.u, r.role, 'UOWN0', TIMESTAMPTZ '2024-05-01 09:00+00'
        FROM ({" UNION ALL ".join(roles)}) AS r(c, u, role)""",
        )
    )
    out.append(
        (
            "influencers",
            f"""
        INSERT INTO influencer (id, team_id, display_name, slack_user_id, email, handles, status, created_at)
        SELECT i, '{TEAM}',
               CASE WHEN i = {INF} + 1 THEN 'Heavy Creator' ELSE 'Creator ' || i END,
               CASE WHEN i = {INF} + 1 THEN '{HEAVY}' WHEN i % 5 = 0 THEN NULL ELSE 'UINF' || i END,
               'c' || i || '@creators.example', '{{}}'::json, 'active',
               TIMESTAMPTZ '2024-05-01 09:00+00'
        FROM generate_series(1, {INF} + 1) i""",
        )
    )
    heavy = f"(e - 1) % {P} = 0 AND {campaign_of} > {C} - {z.heavy_campaigns}"
    out.append(
        (
            "engagements",
            f"""
        INSERT INTO engagement (id, team_id, campaign_id, influencer_id, channel_id, status,
                                acknowledged_version, acknowledged_at, guidelines_message_ts, payment_hold,
                                invited_by, created_at)
        SELECT e, '{TEAM}', {campaign_of},
               CASE WHEN {heavy} THEN {INF} + 1 ELSE (e - 1) % {INF} + 1 END,
               'CENG' || e,
               CASE e % 20 WHEN 0 THEN 'terminated' WHEN 1 THEN 'invited' WHEN 2 THEN 'paused'
                    ELSE 'active' END,
               CASE WHEN e % 20 IN (1) THEN NULL ELSE 1 END,
               CASE WHEN e % 20 IN (1) THEN NULL ELSE TIMESTAMPTZ '2024-05-02 09:00+00' END,
               '1700000000.' || lpad(e::text, 6, '0'), false, 'UOWN0',
               TIMESTAMPTZ '2024-05-01 10:00+00'
                   + make_interval(days => (({campaign_of})::bigint * 1095 / {C})::int)
        FROM generate_series(1, {E}) e""",
        )
    )
    # incidents: uniform over engagements; 10% open (spread over the open statuses), the rest
    # resolved or dismissed; numbers in creation order over three years
    eng = f"(((n::bigint * 7919) % {E}) + 1)"
    camp = f"((({eng}) - 1) / {P} + 1)"
    created = f"({now} - make_interval(secs => ({N} - n)::float8 * 94608000 / {N}) - interval '1 hour')"
    open_ = "((n * 37) % 100 < 10)"
    status = (
        f"CASE WHEN {open_} THEN (ARRAY['reported','acknowledged','in_mediation','resolution_proposed',"
        f"'escalated'])[(n / 7) % 5 + 1] WHEN n % 4 = 0 THEN 'dismissed' ELSE 'resolved' END"
    )
    step = 250_000
    for start in range(1, N + 1, step):
        stop = min(N, start + step - 1)
        out.append(
            (
                f"incidents {start:,}–{stop:,}",
                f"""
        INSERT INTO incident (id, team_id, number, engagement_id, guideline_id, guidelines_version, severity,
            title, description, evidence, occurred_at, reporter_id, status, channel_id, card_ts,
            response_due_at, responded_at, escalated_at, escalation_ts, proposed_outcome, proposed_terms,
            proposal_due_at, proposed_by, outcome, resolution_note, strikes, resolved_by, resolved_at,
            created_at, updated_at)
        SELECT n, '{TEAM}', n, eng, (camp - 1) * 5 + n % 5 + 1, 1,
            (ARRAY['minor','minor','minor','minor','moderate','moderate','moderate','major','major',
                   'critical'])[(n * 13) % 10 + 1],
            (ARRAY['Disclose the partnership','Deliver on time','No competitor promotion',
                   'Respectful conduct','Brand safety'])[n % 5 + 1],
            'Posted the sponsored reel without #ad; caption edited after the brand asked. Report ' || n,
            json_build_array('https://social.example/p/' || n),
            created - interval '2 hours', 'UMEM' || (camp % 200), st, 'CENG' || eng,
            '1710000000.' || lpad(n::text, 7, '0'),
            created + interval '48 hours',
            CASE WHEN st IN ('reported', 'escalated') THEN NULL ELSE created + interval '20 hours' END,
            CASE WHEN st = 'escalated' THEN created + interval '49 hours' END, NULL,
            CASE WHEN st = 'resolution_proposed' THEN 'warning' END,
            CASE WHEN st = 'resolution_proposed' THEN 'Edit the caption to add #ad.' END,
            CASE WHEN st = 'resolution_proposed' THEN created + interval '7 days' END,
            CASE WHEN st = 'resolution_proposed' THEN 'UOWN' || (camp % 50) END,
            CASE WHEN st = 'resolved' THEN (ARRAY['warning','no_action','corrective_action'])[n % 3 + 1] END,
            CASE WHEN st = 'dismissed' THEN 'Not a breach: disclosed in the first line.' END,
            CASE WHEN st = 'resolved' THEN n % 3 END,
            CASE WHEN st IN ('resolved', 'dismissed') THEN 'UOWN' || (camp % 50) END,
            CASE WHEN st IN ('resolved', 'dismissed') THEN created + interval '5 days' END,
            created, created + interval '1 day'
        FROM (
            SELECT n, {eng} AS eng, {camp} AS camp, {created} AS created, {status} AS st
            FROM generate_series({start}, {stop}) n
        ) AS g""",
            )
        )
        K = z.events_per_incident
        if K:
            out.append(
                (
                    f"timeline events {start:,}–{stop:,}",
                    f"""
        INSERT INTO incident_event (team_id, incident_id, kind, actor_id, text, data, created_at)
        SELECT '{TEAM}', n,
               (ARRAY['created','status_changed','thread_reply','response','note'])[k % 5 + 1],
               CASE WHEN k % 5 = 3 THEN NULL ELSE 'UMEM' || (n % 200) END,
               CASE WHEN k % 5 IN (0, 2, 3) THEN 'Timeline entry ' || k || ' of report ' || n END,
               CASE WHEN k % 5 = 1 THEN '{{"to": "acknowledged"}}'::json ELSE '{{}}'::json END,
               {created} + make_interval(hours => k)
        FROM generate_series({start}, {stop}) n CROSS JOIN generate_series(0, {K} - 1) k""",
                )
            )
        out.append(
            (
                f"reminder history {start:,}–{stop:,}",
                f"""
        INSERT INTO reminder (team_id, kind, dedupe_key, chain, subject_type, subject_id, campaign_id,
            target_channel, target_user, thread_ts, due_at, status, attempts, lease_until, leased_by,
            last_error, sent_ts, payload, created_at, updated_at)
        SELECT '{TEAM}', 'mediation_response', 'incident:' || n || ':response:half',
               'incident:' || n || ':mediation', 'incident', n, {camp}, 'CENG' || {eng}, NULL,
               '1710000000.' || lpad(n::text, 7, '0'), {created} + interval '24 hours',
               CASE WHEN n % 3 = 0 THEN 'cancelled' WHEN n % 10 = 1 THEN 'superseded' ELSE 'sent' END,
               1, NULL, NULL, NULL, NULL, '{{"stage": "half"}}'::json, {created}, {created}
        FROM generate_series({start}, {stop}) n""",
            )
        )
    D = z.deliverables
    deng = f"(((d::bigint * 104729) % {E}) + 1)"
    dstatus = (
        "(ARRAY['published','published','published','published','published','published','published',"
        "'published','published','published','published','published','cancelled','cancelled','late',"
        "'submitted','approved','planned','planned','planned'])[d % 20 + 1]"
    )
    out.append(
        (
            "deliverables",
            f"""
        INSERT INTO deliverable (id, team_id, engagement_id, title, platform, due_at, status, submitted_url,
            submitted_at, published_url, published_at, caption, card_ts, checklist_channel_id, checklist_ts,
            created_by, created_at)
        SELECT d, '{TEAM}', eng, 'Post ' || d,
               (ARRAY['instagram','tiktok','youtube','x','twitch','blog','other'])[d % 7 + 1],
               CASE WHEN st = 'planned' THEN {now} + make_interval(hours => 2 + (d % 720))
                    ELSE {now} - make_interval(hours => 2 + (d % 9000)) END,
               st,
               CASE WHEN st IN ('submitted','approved','published') THEN 'https://social.example/d/' || d END,
               CASE WHEN st IN ('submitted','approved','published')
                    THEN {now} - make_interval(hours => 3 + (d % 9000)) END,
               CASE WHEN st = 'published' THEN 'https://social.example/d/' || d END,
               CASE WHEN st = 'published' THEN {now} - make_interval(hours => 2 + (d % 9000)) END,
               CASE WHEN st IN ('submitted','approved','published') THEN 'New drop! #ad' END,
               '1720000000.' || lpad(d::text, 6, '0'), NULL, NULL, 'UOWN' || (d % 50),
               {now} - interval '200 days'
        FROM (SELECT d, {deng} AS eng, {dstatus} AS st FROM generate_series(1, {D}) d) AS g""",
        )
    )
    out.append(
        (
            "compliance checks",
            f"""
        INSERT INTO compliance_check (team_id, deliverable_id, item, status, suggestion, suggested_status,
                                      checked_by, checked_at, note)
        SELECT '{TEAM}', d.id, item,
               CASE WHEN d.status = 'submitted' OR d.id % 40 = 0 THEN 'pending' ELSE 'passed' END,
               NULL, NULL, NULL, NULL, NULL
        FROM deliverable d
        CROSS JOIN unnest(ARRAY['disclosure_present','brand_safety','no_competitor_mention']) AS item
        WHERE d.status IN ('submitted','approved','published') AND d.id % 4 = 0""",
        )
    )
    out.append(
        (
            "reviews",
            f"""
        INSERT INTO review (team_id, engagement_id, reviewer_id, period_start, period_end, conduct,
                            communication, timeliness, content_quality, would_work_again, notes, flagged,
                            shared_with_influencer, created_at)
        SELECT '{TEAM}', e.id, 'UOWN0', DATE '2027-04-01', DATE '2027-04-30', 1 + e.id % 5, 4, 3 + r % 3,
               4, true, NULL, false, false, {now} - make_interval(days => 3 + r * 20 + e.id % 10)
        FROM engagement e CROSS JOIN generate_series(0, 1) r
        WHERE e.status = 'active' AND e.id % 3 <> 0""",
        )
    )
    # pending future reminders: the open incidents' next unresolved reminder
    out.append(
        (
            "pending reminders",
            f"""
        INSERT INTO reminder (team_id, kind, dedupe_key, chain, subject_type, subject_id, campaign_id,
            target_channel, target_user, thread_ts, due_at, status, attempts, payload, created_at, updated_at)
        SELECT '{TEAM}', 'incident_unresolved', 'incident:' || i.id || ':unresolved:next',
               'incident:' || i.id || ':unresolved', 'incident', i.id, e.campaign_id, NULL, 'UOWN0', NULL,
               {now} + make_interval(hours => 1 + i.id % 24), 'pending', 0, '{{}}'::json, {now}, {now}
        FROM incident i JOIN engagement e ON e.id = i.engagement_id
        WHERE i.status IN ('reported','acknowledged','in_mediation','resolution_proposed','escalated')""",
        )
    )
    out.append(("counter", f"INSERT INTO counter VALUES ('{TEAM}', 'incident', {N})"))
    return out


async def _overdue_set(conn: asyncpg.Connection, z: Sizes) -> list[int]:
    """`z.overdue` planned deliverables on live campaigns and engagements, due a minute ago, each
    with the reminder rows the planner gave it when it was created (`scheduler.planner.plan`):
    "due in 72 h" and "in 24 h" sent, "due now" pending (the dispatcher's claim pass claims it),
    and the overdue ones still to come, as in a running workspace."""
    from types import SimpleNamespace

    from scheduler.planner import DeliverableFacts, plan

    due = NOW - timedelta(minutes=1)
    ids = [
        r["id"]
        for r in await conn.fetch(
            """
            SELECT d.id FROM deliverable d
            JOIN engagement e ON e.id = d.engagement_id JOIN campaign c ON c.id = e.campaign_id
            WHERE d.status = 'planned' AND e.status = 'active' AND c.status = 'active' AND c.end_date >= $2
            ORDER BY d.id LIMIT $1""",
            z.overdue,
            NOW.date(),
        )
    ]
    await conn.execute("UPDATE deliverable SET due_at = $1 WHERE id = ANY($2::int[])", due, ids)
    rows = await conn.fetch(
        """
        SELECT d.id, d.status, d.due_at, d.published_at, e.id AS engagement_id, e.status AS engagement_status,
               e.channel_id, c.id AS campaign_id, c.status AS campaign_status, c.owner_id,
               (SELECT g.code FROM guideline g WHERE g.campaign_id = c.id AND g.category = 'deadline'
                ORDER BY g.position, g.id LIMIT 1) AS deadline_code
        FROM deliverable d JOIN engagement e ON e.id = d.engagement_id JOIN campaign c ON c.id = e.campaign_id
        WHERE d.id = ANY($1::int[])""",
        ids,
    )
    reminders = []
    for r in rows:
        facts = DeliverableFacts(
            SimpleNamespace(
                id=r["id"], status=r["status"], due_at=r["due_at"], published_at=r["published_at"]
            ),
            SimpleNamespace(id=r["engagement_id"], status=r["engagement_status"], channel_id=r["channel_id"]),
            SimpleNamespace(),
            SimpleNamespace(id=r["campaign_id"], status=r["campaign_status"], owner_id=r["owner_id"]),
            r["deadline_code"],
            brand_contact=r["owner_id"],  # the seed's owners are never influencers
        )  # type: ignore[arg-type]
        for p in plan(facts, due):
            reminders.append(
                (
                    TEAM,
                    p.kind.value,
                    p.key,
                    p.chain,
                    r["id"],
                    r["campaign_id"],
                    p.channel,
                    p.user,
                    p.due_at,
                    "pending" if p.due_at >= due else "sent",
                    json.dumps(dict(p.payload)),
                    due,
                )
            )
    await conn.executemany(
        """
        INSERT INTO reminder (team_id, kind, dedupe_key, chain, subject_type, subject_id, campaign_id,
            target_channel, target_user, due_at, status, attempts, payload, created_at, updated_at)
        VALUES ($1, $2, $3, $4, 'deliverable', $5, $6, $7, $8, $9, $10, 0, $11, $12, $12)""",
        reminders,
    )
    return ids


async def _check_home_keys(conn: asyncpg.Connection) -> None:
    """App Home's stored keys (migration 0008) were kept by the triggers while the seed wrote
    around the flows: each equals what it stands for, recomputed here from the rows."""
    from bot.domain.reviews import CADENCE_DAYS

    days = " ".join(f"WHEN '{cadence}' THEN {n}" for cadence, n in CADENCE_DAYS.items() if n is not None)
    wrong_checks = await conn.fetchval(
        """
        SELECT count(*) FROM deliverable d
        WHERE d.pending_checks <> (SELECT count(*) FROM compliance_check k
                                   WHERE k.deliverable_id = d.id AND k.status = 'pending')"""
    )
    wrong_reviews = await conn.fetchval(
        f"""
        SELECT count(*) FROM engagement e JOIN campaign c ON c.id = e.campaign_id
        CROSS JOIN LATERAL (
            SELECT coalesce((SELECT max(r.created_at) FROM review r
                             WHERE r.team_id = e.team_id AND r.engagement_id = e.id), e.created_at) AS since
        ) AS w
        WHERE e.review_since IS DISTINCT FROM w.since
           OR e.review_due_at IS DISTINCT FROM CASE WHEN e.status = 'active' AND c.status = 'active'
                THEN w.since + make_interval(hours => 24 * (CASE c.review_cadence {days} END)) END"""
    )
    if wrong_checks or wrong_reviews:
        raise AssertionError(
            f"App Home's stored keys disagree with the rows: {wrong_checks} deliverables' pending checks, "
            f"{wrong_reviews} engagements' review keys"
        )


async def seed(dsn: str, z: Sizes, say: Callable[[str], None] = print) -> float:
    """Fill the (migrated, empty) database; returns the seconds it took."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        for label, sql in _seed_statements(z):
            t = time.perf_counter()
            async with conn.transaction():
                status = await conn.execute(sql)
            say(f"  {label:<34} {status.split()[-1]:>10} rows  {time.perf_counter() - t:6.1f} s")
        t = time.perf_counter()
        await _overdue_set(conn, z)
        for table in ("campaign", "guideline", "influencer", "engagement", "incident", "deliverable"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        await conn.execute("VACUUM (ANALYZE)")
        say(f"  {'overdue set, sequences, VACUUM ANALYZE':<45}       {time.perf_counter() - t:6.1f} s")
        t = time.perf_counter()
        # the seed leaves gigabytes of dirty pages: written out now, not by the checkpointer while
        # the first surfaces are timed
        try:
            await conn.execute("CHECKPOINT")
        except asyncpg.InsufficientPrivilegeError:  # neither superuser nor pg_checkpoint
            say("  (no CHECKPOINT: not allowed; the first surfaces may be timed during one)")
        else:
            say(f"  {'CHECKPOINT':<45}       {time.perf_counter() - t:6.1f} s")
        await _check_home_keys(conn)
    finally:
        await conn.close()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# the bot, with Slack replaced by an in-process fake


class FakeSlack:
    """The Web API methods the timed flows call, answered at once (and counted)."""

    token = "xoxb-bench"
    base_url = "http://127.0.0.1:9/api/"

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.upload_url: str | None = None
        self._ts = 0

    def _count(self, method: str) -> None:
        self.calls[method] = self.calls.get(method, 0) + 1

    def _next_ts(self) -> str:
        self._ts += 1
        return f"1800000000.{self._ts:06d}"

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        async def method(**kwargs: Any) -> dict[str, Any]:
            self._count(name)
            return {"ok": True, "ts": self._next_ts(), "channel": kwargs.get("channel") or "D0BENCH"}

        return method

    async def auth_test(self, **_: Any) -> dict[str, Any]:
        return {"ok": True, "team_id": TEAM, "user_id": "U0BENCHBOT", "bot_id": "B0BENCH"}

    async def users_info(self, user: str, **_: Any) -> dict[str, Any]:
        self._count("users_info")
        return {
            "ok": True,
            "user": {"id": user, "team_id": TEAM, "name": user, "profile": {}, "is_admin": False},
        }

    async def conversations_open(self, **_: Any) -> dict[str, Any]:
        self._count("conversations_open")
        return {"ok": True, "channel": {"id": "D0BENCH"}}

    async def chat_getPermalink(self, channel: str, message_ts: str, **_: Any) -> dict[str, Any]:
        return {"ok": True, "permalink": f"https://bench.slack.example/archives/{channel}/p{message_ts}"}

    async def files_getUploadURLExternal(self, filename: str, length: int, **_: Any) -> dict[str, Any]:
        self._count("files_getUploadURLExternal")
        return {"ok": True, "upload_url": self.upload_url, "file_id": "F0BENCH"}


@dataclass
class Bench:
    url: str
    svc: Any
    slack: FakeSlack
    statements: list[tuple[str, Any, float]] = field(default_factory=list)
    recording: bool = False
    counter_ms: list[float] = field(default_factory=list)
    cleanup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def record(self, engine) -> None:
        def before(conn, cursor, statement, parameters, context, executemany) -> None:
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany) -> None:
            if self.recording and not executemany:
                took = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
                self.statements.append((statement, parameters, took))

        event.listen(engine.sync_engine, "before_cursor_execute", before)
        event.listen(engine.sync_engine, "after_cursor_execute", after)


def build_services(url: str, slack: FakeSlack) -> Any:
    from bot.clock import FakeClock
    from bot.directory import Directory
    from bot.services import Services
    from bot.settings import Settings
    from storage.db import Database

    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench",
        database_url=url,
        admin_user_ids=frozenset({ADMIN}),
        _env_file=None,
    )
    directory = Directory(slack, settings.admin_user_ids)  # type: ignore[arg-type]
    directory.team_id = TEAM
    return Services(
        settings=settings, db=Database(url), clock=FakeClock(NOW), client=slack, directory=directory
    )  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# surfaces


@dataclass
class Surface:
    name: str
    budget_ms: float | None
    run: Callable[[], Awaitable[Any]]
    reset: Callable[[], Awaitable[Any]] | None = None  # between runs, untimed
    check: Callable[[Any], bool] = lambda result: result is not None


@dataclass
class Timing:
    surface: Surface
    samples: list[float]
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def over(self) -> bool:
        return self.surface.budget_ms is not None and self.p95 > self.surface.budget_ms


def report_form(engagement_id: int, guideline_id: int, n: int) -> Any:
    from bot.ids import Action, Field
    from bot.views.forms import FormValues

    def element(**v: Any) -> dict[str, Any]:
        return v

    values = {
        Field.ENGAGEMENT: {
            Action.REPORT_ENGAGEMENT_CHOSEN: element(selected_option={"value": str(engagement_id)})
        },
        Field.GUIDELINE: {Field.GUIDELINE: element(selected_option={"value": str(guideline_id)})},
        Field.SEVERITY: {Field.SEVERITY: element(selected_option={"value": "default"})},
        Field.OCCURRED_AT: {
            Field.OCCURRED_AT: element(selected_date_time=int((NOW - timedelta(hours=3)).timestamp()))
        },
        Field.DESCRIPTION: {Field.DESCRIPTION: element(value=f"Concurrent bench report {n}: no #ad.")},
        Field.EVIDENCE: {Field.EVIDENCE: element(value=f"https://social.example/bench/{n}")},
    }
    confirm = getattr(Field, "CONFIRM_DUPLICATE", None)  # "report anyway": the same clause twice
    if confirm:
        values[confirm] = {confirm: element(selected_options=[{"value": "confirmed"}])}
    return FormValues({"id": f"V0BENCH{uuid.uuid4().hex[:8]}", "state": {"values": values}})


def surfaces(b: Bench, z: Sizes, facts: dict[str, Any], replicas: int = 1) -> list[Surface]:
    from bot.flows import home as home_flows
    from bot.flows import incidents as incident_flows
    from bot.flows import reviews as review_flows
    from bot.flows.deliverables import mark_overdue
    from scheduler.dispatcher import Dispatcher

    svc = b.svc
    out: list[Surface] = []

    def listing(label: str, user: str, open_only: bool) -> Surface:
        return Surface(
            f"`/breach list{' open' if open_only else ' all'}`, {label}",
            50,
            lambda: incident_flows.list_incidents(svc, TEAM, user, open_only, None),
        )

    out += [
        listing("manager of 20 campaigns", MANAGER_20, True),
        listing(f"manager of {z.manager_big} campaigns", MANAGER_500, True),
        listing("influencer with 2 engagements", INFLUENCER, True),
        listing("admin", ADMIN, True),
        listing("manager of 20 campaigns", MANAGER_20, False),
        listing(f"manager of {z.manager_big} campaigns", MANAGER_500, False),
        listing("influencer with 2 engagements", INFLUENCER, False),
        listing(f"influencer on {z.heavy_campaigns} campaigns", HEAVY, False),
        listing("admin", ADMIN, False),
    ]
    for label, user in (
        ("manager of 20 campaigns", MANAGER_20),
        (f"manager of {z.manager_big} campaigns", MANAGER_500),
        (f"legal on {z.legal_big} campaigns", LEGAL_1000),
        ("admin", ADMIN),
        ("influencer", INFLUENCER),
        (f"influencer on {z.heavy_campaigns} campaigns", HEAVY),
    ):
        out.append(
            Surface(f"App Home, {label}", 50, lambda user=user: home_flows.build_home(svc, TEAM, user))
        )
    out.append(
        Surface(
            "`/breach show BR-n` (manager of 20)",
            50,
            lambda: incident_flows.show_incident(svc, TEAM, MANAGER_20, facts["shown_number"]),
        )
    )
    out.append(
        Surface(
            f"`/review history`, influencer with {facts['heavy_incidents']:,} incidents",
            50,
            lambda: review_flows.scorecard(svc, TEAM, MANAGER_20, f"<@{HEAVY}>"),
        )
    )
    for label, user in ((f"manager of {z.manager_big}", MANAGER_500), ("admin", ADMIN)):
        out.append(
            Surface(
                f"report modal's options, {label}",
                50,
                lambda user=user: incident_flows.open_report(svc, TEAM, user, "trigger"),
                check=lambda _: True,
            )
        )

    dispatcher = Dispatcher(svc, tick_seconds=None, name="bench")
    overdue_ids = facts["overdue_ids"]

    async def claim_pass() -> Any:
        return await dispatcher._claim(NOW)

    async def release_claims() -> None:
        async with svc.db.transaction() as s:
            from sqlalchemy import text

            await s.exec(
                text(
                    "UPDATE reminder SET status = 'pending', lease_until = NULL, leased_by = NULL, "
                    "last_error = NULL WHERE subject_type = 'deliverable' AND kind = 'deliverable_due' "
                    "AND subject_id = ANY(:ids) AND dedupe_key LIKE :due_now"  # not the sent ones
                ).bindparams(ids=overdue_ids, due_now="%:t-0h")
            )

    out.append(
        Surface(
            f"dispatcher claim pass, {len(overdue_ids)} rows",
            20,
            claim_pass,
            reset=release_claims,
            check=lambda claimed: claimed is not None and len(claimed.rows) == len(overdue_ids),
        )
    )

    async def unmark() -> None:
        from sqlalchemy import text

        async with svc.db.transaction() as s:
            await s.exec(
                text("UPDATE deliverable SET status = 'planned' WHERE id = ANY(:ids)").bindparams(
                    ids=overdue_ids
                )
            )

    # as in a running workspace: each deliverable's reminders were planned when it was created,
    # and a late one wants the same, so the sweep marks the rows late and writes nothing else
    out.append(
        Surface(
            f"overdue sweep, {len(overdue_ids)} deliverables",
            50,
            lambda: mark_overdue(svc, cards=False),
            reset=unmark,
            check=lambda marked: len(marked) == len(overdue_ids),
        )
    )

    reports = itertools.count()
    targets = facts["report_targets"]

    async def twenty_reports() -> list[float]:
        b.statements.clear()
        b.recording = True
        try:
            latencies = await report_burst(svc, targets, range(20), reports)
        finally:
            b.recording = False
        # the statement that takes the number (and holds the counter row until commit)
        b.counter_ms.extend(took * 1000 for sql, _, took in b.statements if "counter" in sql)
        return latencies

    out.append(Surface("20 concurrent reports, per call", 50, twenty_reports, check=lambda r: len(r) == 20))
    # the same twenty at once, shared by `replicas` processes as a load balancer would share them
    # between `serve` replicas on one database (docs/operations.md): each replica's Python has a
    # core of its own
    if replicas > 1:
        pool = Replicas(b.url, targets, replicas)
        b.cleanup.append(pool.close)
        out.append(
            Surface(
                f"20 concurrent reports on {replicas} replicas, per call",
                50,
                lambda: pool.burst(20),
                check=lambda r: len(r) == 20,
            )
        )
    return out


async def report_burst(
    svc: Any, targets: list[tuple[int, int]], ks: range, numbers: Iterator[int]
) -> list[float]:
    """Reports on `targets[k]` for each k of `ks`, all at once; each one's latency in ms."""
    from bot.flows import incidents as incident_flows

    async def one(k: int) -> float:
        engagement_id, guideline_id = targets[k % len(targets)]
        form = report_form(engagement_id, guideline_id, next(numbers))
        t = time.perf_counter()
        await incident_flows.submit_report(svc, TEAM, MANAGER_20, form)
        return (time.perf_counter() - t) * 1000

    return list(await asyncio.gather(*(one(k) for k in ks)))


class Replicas:
    """`count` processes, each with its own services and connection pool, started at the first
    burst. A burst of n reports gives each replica its share (reports on distinct engagements, as
    one process's burst does), sent to all of them before any answers."""

    def __init__(self, url: str, targets: list[tuple[int, int]], count: int) -> None:
        self.url, self.targets, self.count = url, targets, count
        self.pipes: list[Any] = []
        self.processes: list[Any] = []

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        for r in range(self.count):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_replica_main, args=(self.url, self.targets, r, theirs), daemon=True
            )
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)
        for pipe in self.pipes:
            if pipe.recv() != "ready":
                raise RuntimeError("a replica did not start")

    async def burst(self, n: int) -> list[float]:
        if not self.processes:
            await asyncio.to_thread(self._start)
        shares = [range(r, n, self.count) for r in range(self.count)]
        for pipe, ks in zip(self.pipes, shares, strict=True):
            pipe.send(ks)
        answers = await asyncio.to_thread(lambda: [pipe.recv() for pipe in self.pipes])
        for answer in answers:
            if isinstance(answer, str):
                raise RuntimeError(f"a replica failed: {answer}")
        return [took for answer in answers for took in answer]

    async def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for process in self.processes:
            await asyncio.to_thread(process.join, 30)


def _replica_main(url: str, targets: list[tuple[int, int]], index: int, pipe: Any) -> None:
    """A replica's process: a burst of reports for each range of targets received, until None."""
    asyncio.run(_replica(url, targets, index, pipe))


async def _replica(url: str, targets: list[tuple[int, int]], index: int, pipe: Any) -> None:
    from bot import lifecycle

    svc = build_services(url, FakeSlack())
    numbers = itertools.count((index + 1) * 10**8)  # each replica's reports read apart
    gc.collect()
    lifecycle.settle(classifier=False)  # as `campaign-guard serve` does once started
    try:
        pipe.send("ready")
        while (ks := await asyncio.to_thread(pipe.recv)) is not None:
            try:
                pipe.send(await report_burst(svc, targets, ks, numbers))
            except Exception as exc:
                pipe.send(f"{type(exc).__name__}: {exc}")
    finally:
        await svc.db.dispose()


async def load_facts(b: Bench, z: Sizes) -> dict[str, Any]:
    from sqlalchemy import text

    C, P = z.campaigns, z.per_campaign
    async with b.svc.db.engine.connect() as conn:

        async def one(sql: str, **params: Any) -> Any:
            return (await conn.execute(text(sql), params)).scalar_one()

        first_engagement = (C - 20) * P + 1
        shown = await one(
            "SELECT max(number) FROM incident WHERE engagement_id BETWEEN :a AND :b",
            a=first_engagement,
            b=C * P,
        )
        heavy = await one(
            "SELECT count(*) FROM incident i JOIN engagement e ON e.id = i.engagement_id "
            "JOIN influencer f ON f.id = e.influencer_id WHERE f.slack_user_id = :u",
            u=HEAVY,
        )
        overdue = (
            (
                await conn.execute(
                    text(
                        "SELECT subject_id FROM reminder "
                        "WHERE kind = 'deliverable_due' AND status = 'pending' "
                        "AND due_at <= :now ORDER BY subject_id"
                    ),
                    {"now": NOW},
                )
            )
            .scalars()
            .all()
        )
        targets = (
            await conn.execute(
                text(
                    "SELECT e.id, (e.campaign_id - 1) * 5 + 1 FROM engagement e WHERE e.campaign_id > :c "
                    "AND e.status = 'active' ORDER BY e.id"
                ),
                {"c": C - 20},
            )
        ).all()
    return {
        "shown_number": shown,
        "heavy_incidents": heavy,
        "overdue_ids": list(overdue),
        "report_targets": [tuple(t) for t in targets],
    }


async def measure(b: Bench, surface: Surface, *, warmup: int, iterations: int, smoke: bool) -> Timing:
    samples: list[float] = []
    runs = 1 if smoke else warmup + iterations
    for i in range(runs):
        if surface.reset is not None:  # before the first run too: a kept database holds the last run's state
            await surface.reset()
        started = time.perf_counter()
        result = await surface.run()
        took = (time.perf_counter() - started) * 1000
        if not surface.check(result):
            raise AssertionError(f"{surface.name}: unexpected result {str(result)[:300]}")
        if i >= runs - (1 if smoke else iterations):
            samples.extend(result if surface.name.startswith("20 concurrent") else [took])
    if surface.reset is not None:
        await surface.reset()
    return Timing(surface, samples)


async def explain(b: Bench, surface: Surface, top: int = 3) -> str:
    """`EXPLAIN (ANALYZE, BUFFERS)` of the slowest statements of one more run (rolled back)."""
    b.statements.clear()
    b.recording = True
    try:
        await surface.run()
    finally:
        b.recording = False
        if surface.reset is not None:
            await surface.reset()
    # `SET LOCAL …` (a transaction's plan mode) has no plan to show
    planned = [s for s in b.statements if not s[0].lstrip().upper().startswith("SET ")]
    slowest = sorted(planned, key=lambda s: -s[2])[:top]
    out = [f"### {surface.name}"]
    async with b.svc.db.engine.connect() as conn:
        for statement, parameters, took in slowest:
            out.append(
                f"-- {took * 1000:.1f} ms:\n{statement.strip()}\n-- parameters: {str(parameters)[:300]}"
            )
            trans = await conn.begin()
            try:
                plan = await conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                out.append("\n".join(row[0] for row in plan.all()))
            except Exception as exc:  # a statement EXPLAIN can't take (no parameters, …)
                out.append(f"(no plan: {type(exc).__name__}: {exc})")
            finally:
                await trans.rollback()
    return "\n".join(out)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class ExportRun:
    who: str
    rows: int
    seconds: float
    bytes_uploaded: int
    rss_before: float
    rss_peak: float
    lag_max_ms: float
    lag_p99_ms: float
    answer: str


async def export_run(b: Bench, who: str, user: str, slug: str | None) -> ExportRun:
    """One export, with the RSS sampled and the event loop's lag measured every 10 ms meanwhile
    (the delay any ack would see)."""
    from aiohttp import web

    from bot.flows import incidents as incident_flows

    received = 0

    async def upload(request: web.Request) -> web.Response:
        nonlocal received
        async for chunk in request.content.iter_chunked(1 << 16):
            received += len(chunk)
        return web.Response(text="OK")

    app = web.Application(client_max_size=2**40)
    app.router.add_post("/upload", upload)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    b.slack.upload_url = f"http://127.0.0.1:{port}/upload"

    gc.collect()
    rss_before = peak = rss_mb()
    lags: list[float] = []
    done = asyncio.Event()

    async def watch() -> None:
        nonlocal peak
        while not done.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - t - 0.01) * 1000)
            peak = max(peak, rss_mb())

    watcher = asyncio.create_task(watch())
    started = time.perf_counter()
    try:
        answer = await incident_flows.export(b.svc, TEAM, user, slug)
        await b.svc.background.drain(timeout=3600)
    finally:
        done.set()
        await watcher
        await runner.cleanup()
    seconds = time.perf_counter() - started
    lags.sort()
    return ExportRun(
        who,
        rows=-1,
        seconds=seconds,
        bytes_uploaded=received,
        rss_before=rss_before,
        rss_peak=peak,
        lag_max_ms=lags[-1] if lags else 0.0,
        lag_p99_ms=lags[min(len(lags) - 1, int(0.99 * len(lags)))] if lags else 0.0,
        answer=str(answer),
    )


async def twenty_nothing() -> None:
    """A row of the table measured inside another surface."""


def table(timings: list[Timing]) -> str:
    lines = ["| surface | p50 ms | p95 ms | budget ms |", "|---|---:|---:|---:|"]
    for t in timings:
        budget = f"{t.surface.budget_ms:g}" if t.surface.budget_ms is not None else "–"
        flag = " **over**" if t.over else ""
        lines.append(f"| {t.surface.name} | {t.p50:,.1f} | {t.p95:,.1f} | {budget}{flag} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# the scratch database and the command line


def _dsn(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(_dsn(url, "postgres"))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def run(
    base_url: str,
    z: Sizes,
    *,
    warmup: int = 6,
    iterations: int = 20,
    smoke: bool = False,
    export: bool = True,
    keep: bool = False,
    reuse: str | None = None,
    only: str | None = None,
    replicas: int = 2,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Create, migrate and seed a scratch database, time every surface, drop the database.
    Returns the timings and the export run (the smoke test reads them)."""
    import bot.flows.home
    import bot.flows.incidents
    import bot.flows.reviews  # noqa: F401
    from bot import lifecycle
    from storage.migrate import upgrade

    name = reuse or f"cg_scale_{uuid.uuid4().hex[:10]}"
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    out: dict[str, Any] = {"database": name}
    if reuse is None:
        await _admin(base_url, f"CREATE DATABASE {name}")
    try:
        t = time.perf_counter()
        await asyncio.to_thread(upgrade, url)
        say(f"migrated {name} in {time.perf_counter() - t:.1f} s")
        if reuse is None:
            say(
                f"seeding {z.incidents:,} incidents, {z.campaigns:,} campaigns, {z.engagements:,} engagements"
            )
            out["seed_seconds"] = await seed(_dsn(url), z, say)
            say(f"seeded in {out['seed_seconds']:.0f} s")
        else:
            conn = await asyncpg.connect(_dsn(url))
            try:
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
        slack = FakeSlack()
        b = Bench(url, build_services(url, slack), slack)
        b.record(b.svc.db.engine)
        try:
            facts = await load_facts(b, z)
            # what the process keeps is frozen, as `campaign-guard serve` and `scheduler` do once
            # started (bot/lifecycle.py), so full collections walk only what the surfaces allocate
            gc.collect()
            lifecycle.settle(classifier=False)
            timings: list[Timing] = []
            for surface in surfaces(b, z, facts, replicas):
                if only and only.lower() not in surface.name.lower():
                    continue
                timing = await measure(b, surface, warmup=warmup, iterations=iterations, smoke=smoke)
                timings.append(timing)
                say(f"  {surface.name:<58} p50 {timing.p50:9.1f} ms  p95 {timing.p95:9.1f} ms")
            if b.counter_ms:  # measured during the concurrent reports, after their warm-up
                runs = (1 if smoke else warmup + iterations) * 20
                kept = b.counter_ms[-(len(b.counter_ms) * (1 if smoke else iterations) * 20 // runs) :]
                taken = Surface("… of which the statement taking the number, per call", None, twenty_nothing)
                timings.append(Timing(taken, kept))
            out["timings"] = timings
            if export and not (only and "export" not in only.lower()):
                run_ = await export_run(b, "admin, every incident", ADMIN, None)
                out["export"] = run_
            say("")
            say(table(timings))
            if "export" in out:
                e = out["export"]
                say("")
                say(
                    f"Export ({e.who}): {e.seconds:.1f} s, {e.bytes_uploaded / 2**20:,.0f} MB uploaded; "
                    f"RSS {e.rss_before:.0f} MB before, {e.rss_peak:.0f} MB at most; event loop lag "
                    f"p99 {e.lag_p99_ms:.1f} ms, max {e.lag_max_ms:.1f} ms. Answer: {e.answer}"
                )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            say(f"Bench process peak RSS: {peak:.0f} MB")
            out["peak_rss_mb"] = peak
            over = [t for t in timings if t.over]
            if over and not smoke:
                say("\nPlans of the surfaces over budget (slowest statements of one more run):\n")
                for t in over:
                    say(await explain(b, t.surface))
                    say("")
        finally:
            lifecycle.unsettle()  # the smoke test runs this inside the test process
            for close in b.cleanup:
                await close()
            await b.svc.db.dispose()
    finally:
        if not keep:
            await _admin(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            say(f"kept database {name}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", default=None, help="PostgreSQL URL (the scratch database is created beside it)"
    )
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5, help="timeline events per incident")
    parser.add_argument("--overdue", type=int, default=500, help="overdue deliverables (and due reminders)")
    parser.add_argument("--warmup", type=int, default=6)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="each surface once, checked, not timed")
    parser.add_argument("--no-export", action="store_true", help="skip the export of every incident")
    parser.add_argument("--only", default=None, help="only the surfaces whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", default=None, help="time an existing (kept) scratch database")
    parser.add_argument(
        "--replicas", type=int, default=2, help="processes sharing the concurrent reports too (1: none)"
    )
    args = parser.parse_args(argv)
    url = (
        args.url or os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_URL
    )
    if not url.startswith("postgresql+asyncpg://"):
        print("bench.scale needs a postgresql+asyncpg:// URL", file=sys.stderr)
        return 2
    import logging

    logging.basicConfig(level=logging.WARNING)
    z = Sizes.scaled(args.incidents, args.events, args.overdue)
    asyncio.run(
        run(
            url,
            z,
            warmup=args.warmup,
            iterations=args.iterations,
            smoke=args.smoke,
            export=not args.no_export,
            keep=args.keep,
            reuse=args.reuse,
            only=args.only,
            replicas=args.replicas,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
