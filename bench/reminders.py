"""Reminder dispatcher throughput: N due reminders, 1 and 3 replicas, PostgreSQL, the Slack emulator.

    .venv/bin/python -m bench.reminders [--n 20000] [--url postgresql+asyncpg://…] [--processes]

The URL comes from `--url`, else `BENCH_POSTGRES_URL`, else `TEST_POSTGRES_URL`, else
postgresql+asyncpg://postgres@127.0.0.1:5432/test; the script creates a scratch database next
to it, migrates it, and drops it at the end. The emulator has no rate limit. Each run fills N
due reminders (real subjects: deliverables due now, so the dispatcher's re-check does its real
work), runs the replicas until every row is sent, checks that the emulator received exactly N
messages, and prints reminders/s overall and per replica.

By default the replicas are `Dispatcher` instances in this process, sharing its event loop with
the emulator (a conservative setting: one CPU does everything). `--processes` runs each replica
in its own process instead, against the emulator served from this one.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bot.domain.enums import DeliverableStatus, EngagementStatus, ReminderKind, ReviewCadence
from storage.db import Database
from storage.models import Campaign, Deliverable, Engagement, Guideline, Influencer, Reminder

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TEAM = "T0CAMPAIGN"
OWNER = "U0BENCHOWNER"
CHUNK = 2000


async def seed(
    db: Database,
    n: int,
    *,
    now: datetime,
    channel_id: str,
    team_id: str = TEAM,
    owner_id: str = OWNER,
    influencers: int = 50,
) -> None:
    """`n` deliverables due a minute ago, each with its pending "due now" reminder row."""
    due = now - timedelta(minutes=1)
    tag = uuid.uuid4().hex[:8]
    async with db.transaction() as s:
        campaign = Campaign(
            team_id=team_id,
            slug=f"bench-{tag}",
            name="Bench campaign",
            brand="Acme",
            start_date=date(2020, 1, 1),
            end_date=date(2099, 12, 31),
            owner_id=owner_id,
            review_cadence=ReviewCadence.OFF,
            created_at=now,
        )
        s.add(campaign)
        await s.flush()
        s.add(
            Guideline(
                team_id=team_id,
                campaign_id=campaign.id,
                code="G2",
                title="Deliver on time",
                text="Deliver content by the agreed deadline.",
                category="deadline",
                default_severity="moderate",
                updated_at=now,
            )
        )
        engagement_ids = []
        for k in range(influencers):
            influencer = Influencer(
                team_id=team_id,
                display_name=f"Creator {k}",
                email=f"c{k}-{tag}@bench.example",
                created_at=now,
            )
            s.add(influencer)
            await s.flush()
            engagement = Engagement(
                team_id=team_id,
                campaign_id=campaign.id,
                influencer_id=influencer.id,
                channel_id=channel_id,
                status=EngagementStatus.ACTIVE,
                acknowledged_version=1,
                acknowledged_at=now,
                invited_by=owner_id,
                created_at=now,
            )
            s.add(engagement)
            await s.flush()
            engagement_ids.append(engagement.id)
        for start in range(0, n, CHUNK):
            rows = [
                {
                    "team_id": team_id,
                    "engagement_id": engagement_ids[i % influencers],
                    "title": f"Post {i}",
                    "platform": "instagram",
                    "due_at": due,
                    "status": DeliverableStatus.PLANNED.value,
                    "created_by": owner_id,
                    "created_at": now,
                }
                for i in range(start, min(n, start + CHUNK))
            ]
            ids = (await s.exec(insert(Deliverable).values(rows).returning(Deliverable.id))).scalars().all()
            await s.exec(
                insert(Reminder).values(
                    [
                        {
                            "team_id": team_id,
                            "kind": ReminderKind.DELIVERABLE_DUE.value,
                            "dedupe_key": f"deliverable:{d}:t-0h",
                            "chain": f"deliverable:{d}:influencer",
                            "subject_type": "deliverable",
                            "subject_id": d,
                            "campaign_id": campaign.id,
                            "target_channel": channel_id,
                            "due_at": due,
                            "status": "pending",
                            "attempts": 0,
                            "payload": {"stage": "t-0h", "due_at": due.isoformat()},
                            "created_at": now,
                            "updated_at": now,
                        }
                        for d in ids
                    ]
                )
            )


async def pending(db: Database) -> int:
    async with db.transaction() as s:
        return (
            await s.exec(select(func.count()).select_from(Reminder).where(Reminder.status == "pending"))
        ).one()[0]


# ---------------------------------------------------------------------------------------------
# the run


def _replica_process(url: str, token: str, api_url: str, start: float, out) -> None:
    """A replica in its own process: tick until nothing is due; report rows sent."""

    async def main() -> int:
        from bot.clock import SystemClock
        from scheduler.dispatcher import Dispatcher

        db = Database(url)
        d = Dispatcher(db=db, clock=SystemClock(), token=token, base_url=api_url, tick_seconds=None)
        await asyncio.sleep(max(start - time.time(), 0))
        sent = (await d.tick()).sent
        await d.stop()
        await db.dispose()
        return sent

    out.put(asyncio.run(main()))


async def run_once(url: str, n: int, replicas: int, processes: bool) -> tuple[float, list[int]]:
    from bot.clock import SystemClock
    from playground.emulator import SlackEmulator, serve_emulator
    from scheduler.dispatcher import Dispatcher

    emulator = SlackEmulator()
    channel = emulator.add_channel("bench", members=[emulator.bot_user.id])
    db = Database(url)
    await seed(db, n, now=datetime.now(UTC), channel_id=channel.id)
    async with serve_emulator(emulator):
        if processes:
            ctx = multiprocessing.get_context("spawn")
            out = ctx.Queue()
            start = time.time() + 3.0  # let every process import and connect first
            procs = [
                ctx.Process(
                    target=_replica_process, args=(url, emulator.bot_token, emulator.api_url, start, out)
                )
                for _ in range(replicas)
            ]
            for p in procs:
                p.start()
            loop = asyncio.get_running_loop()
            await asyncio.sleep(max(start - time.time(), 0))
            began = time.perf_counter()
            per = [await loop.run_in_executor(None, out.get) for _ in procs]
            elapsed = time.perf_counter() - began
            for p in procs:
                p.join()
        else:
            dispatchers = [
                Dispatcher(
                    db=Database(url),
                    clock=SystemClock(),
                    token=emulator.bot_token,
                    base_url=emulator.api_url,
                    tick_seconds=None,
                )
                for _ in range(replicas)
            ]
            began = time.perf_counter()
            passes = await asyncio.gather(*(d.tick() for d in dispatchers))
            elapsed = time.perf_counter() - began
            per = [p.sent for p in passes]
            for d in dispatchers:
                await d.stop()
                await d.db.dispose()
        posted = len(emulator.history(channel.id))
    left = await pending(db)
    await db.dispose()
    if posted != n or sum(per) != n or left:
        raise SystemExit(f"lost or doubled reminders: {posted} messages, {sum(per)} sent, {left} pending")
    return elapsed, per


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    dsn = (
        make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    )
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000, help="due reminders per run (default 20000)")
    parser.add_argument("--url", default=None, help="PostgreSQL URL (scratch database created beside it)")
    parser.add_argument("--replicas", default="1,3", help="replica counts to run (default 1,3)")
    parser.add_argument("--processes", action="store_true", help="one process per replica")
    args = parser.parse_args(argv)
    base = (
        args.url or os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_URL
    )
    name = f"cg_bench_{uuid.uuid4().hex[:8]}"
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    from storage.migrate import upgrade

    print(f"scratch database {name}; {args.n} due reminders per run; cpus: {os.cpu_count()}", flush=True)
    mode = "one process per replica" if args.processes else "replicas share one process with the emulator"
    print(f"mode: {mode}", flush=True)
    try:
        for replicas in (int(r) for r in args.replicas.split(",")):
            asyncio.run(_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            asyncio.run(_admin(base, f"CREATE DATABASE {name}"))
            upgrade(url)
            elapsed, per = asyncio.run(run_once(url, args.n, replicas, args.processes))
            rate = args.n / elapsed
            print(
                f"{replicas} replica(s): {args.n} sent in {elapsed:.2f} s = {rate:,.0f} reminders/s "
                f"({rate / replicas:,.0f}/s per replica; rows per replica {per}); each sent exactly once",
                flush=True,
            )
    finally:
        asyncio.run(_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
