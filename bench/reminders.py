"""Reminder dispatcher throughput: N due reminders, 1 and 3 replicas, PostgreSQL, the Slack emulator.

    .venv/bin/python -m bench.reminders [--n 20000] [--url postgresql+asyncpg://…] [--processes]

The URL comes from `--url`, else `BENCH_POSTGRES_URL`, else `TEST_POSTGRES_URL`, else
postgresql+asyncpg://postgres@127.0.0.1:5432/test; the script creates a scratch database next
to it, migrates it, and drops it at the end. The emulator has no rate limit. Each run fills N
due reminders (real subjects: deliverables due now, so the dispatcher's re-check does its real
work), runs the replicas until every row is sent, checks that the emulator received exactly N
messages, and prints reminders/s overall and per replica.

By default the replicas are `Dispatcher` instances in this process, sharing its event loop with
the emulator (a conservative setting: one CPU does everything, and the emulator's own CPU per
message is about two thirds of the dispatcher's). `--emulator-process` keeps the replicas in
this process but serves the emulator from a process of its own; `--processes` runs each replica
in its own process too. Each run also prints CPU per reminder (dispatchers, emulator,
PostgreSQL, the whole machine), which on a small shared machine says more than the wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bot.domain.enums import DeliverableStatus, EngagementStatus, ReminderKind, ReviewCadence
from scheduler.planner import deliverable_series
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
                            "dedupe_key": f"{deliverable_series(d, due)}:t-0h",
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


# ---------------------------------------------------------------------------------------------
# CPU accounting: on a small shared machine wall-clock rates move with whatever else runs, so
# each run also reports CPU seconds per reminder of the dispatchers, the emulator, PostgreSQL
# and the whole machine (Linux /proc; zeros elsewhere).

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Cpu:
    machine_busy: float = 0.0  # CPU-seconds all processes used
    machine_total: float = 0.0  # CPU-seconds available (wall time times CPUs)
    postgres: dict[str, float] = field(default_factory=dict)  # pid → CPU-seconds, PostgreSQL server

    @property
    def postgres_total(self) -> float:
        return sum(self.postgres.values())


class CpuMeter:
    """Samples `cpu_now()` while a run goes on, so PostgreSQL backends that exit before the end
    (the replicas close their pools) are still counted, up to their last sample."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.first = self.last = cpu_now()
        self.seen: dict[str, float] = dict(self.first.postgres)
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            self._take()

    def _take(self) -> None:
        self.last = cpu_now()
        self.seen.update(self.last.postgres)

    def stop(self) -> Cpu:
        self._task.cancel()
        self._take()
        return Cpu(
            self.last.machine_busy - self.first.machine_busy,
            self.last.machine_total - self.first.machine_total,
            {pid: t - self.first.postgres.get(pid, 0.0) for pid, t in self.seen.items()},
        )


def cpu_now() -> Cpu:
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return Cpu()
    idle = fields[3] + fields[4]  # idle + iowait
    postgres: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the process ended
        if stat[stat.index("(") + 1 : stat.rindex(")")] == "postgres":
            rest = stat[stat.rindex(")") + 2 :].split()
            postgres[pid] = (int(rest[11]) + int(rest[12])) / TICK  # utime + stime
    return Cpu((sum(fields) - idle) / TICK, sum(fields) / TICK, postgres)


@dataclass
class Run:
    elapsed: float
    per: list[int]  # rows sent by each replica
    dispatcher_cpu: list[float]  # CPU-seconds of each replica (in-process: the whole process)
    emulator_cpu: float | None  # CPU-seconds of the emulator's process (None: shared with replicas)
    cpu: Cpu


def _replica_process(url: str, token: str, api_url: str, start: float, out) -> None:
    """A replica in its own process: tick until nothing is due; report rows sent and CPU used."""

    async def main() -> tuple[int, float]:
        from bot.clock import SystemClock
        from scheduler.dispatcher import Dispatcher

        db = Database(url)
        d = Dispatcher(db=db, clock=SystemClock(), token=token, base_url=api_url, tick_seconds=None)
        await asyncio.sleep(max(start - time.time(), 0))
        cpu = time.process_time()
        sent = (await d.tick()).sent
        cpu = time.process_time() - cpu
        await d.stop()
        await db.dispose()
        return sent, cpu

    out.put(asyncio.run(main()))


def _emulator_process(conn) -> None:
    """The emulator in its own process (`--emulator-process`): serves until told "done", then
    reports the messages it received and the CPU it used since "start"."""

    async def main() -> None:
        from playground.emulator import SlackEmulator, serve_emulator

        emulator = SlackEmulator()
        channel = emulator.add_channel("bench", members=[emulator.bot_user.id])
        loop = asyncio.get_running_loop()
        async with serve_emulator(emulator):
            conn.send((emulator.bot_token, emulator.api_url, channel.id))
            assert await loop.run_in_executor(None, conn.recv) == "start"
            cpu = time.process_time()
            assert await loop.run_in_executor(None, conn.recv) == "done"
            conn.send((len(emulator.history(channel.id)), time.process_time() - cpu))

    asyncio.run(main())


@asynccontextmanager
async def emulator_in(own_process: bool):
    """(token, api_url, channel id, start(), finish() → (messages received, emulator CPU-seconds
    since start or None when it shares this process))"""
    if own_process:
        ctx = multiprocessing.get_context("spawn")
        conn, child = ctx.Pipe()
        proc = ctx.Process(target=_emulator_process, args=(child,))
        proc.start()
        loop = asyncio.get_running_loop()
        token, api_url, channel_id = await loop.run_in_executor(None, conn.recv)

        def start() -> None:
            conn.send("start")

        async def finish() -> tuple[int, float | None]:
            conn.send("done")
            return await loop.run_in_executor(None, conn.recv)

        try:
            yield token, api_url, channel_id, start, finish
        finally:
            await loop.run_in_executor(None, proc.join)
        return
    from playground.emulator import SlackEmulator, serve_emulator

    emulator = SlackEmulator()
    channel = emulator.add_channel("bench", members=[emulator.bot_user.id])

    async def posted() -> tuple[int, float | None]:
        return len(emulator.history(channel.id)), None

    async with serve_emulator(emulator):
        yield emulator.bot_token, emulator.api_url, channel.id, lambda: None, posted


async def run_once(url: str, n: int, replicas: int, processes: bool, emulator_process: bool) -> Run:
    from bot.clock import SystemClock
    from scheduler.dispatcher import Dispatcher

    db = Database(url)
    async with emulator_in(emulator_process or processes) as (token, api_url, channel_id, start, finish):
        await seed(db, n, now=datetime.now(UTC), channel_id=channel_id)
        if processes:
            ctx = multiprocessing.get_context("spawn")
            out = ctx.Queue()
            at = time.time() + 3.0  # let every process import and connect first
            procs = [
                ctx.Process(target=_replica_process, args=(url, token, api_url, at, out))
                for _ in range(replicas)
            ]
            for p in procs:
                p.start()
            loop = asyncio.get_running_loop()
            await asyncio.sleep(max(at - time.time(), 0))
            start()
            began, meter = time.perf_counter(), CpuMeter()
            results = [await loop.run_in_executor(None, out.get) for _ in procs]
            elapsed = time.perf_counter() - began
            cpu = meter.stop()
            for p in procs:
                p.join()
            per = [sent for sent, _ in results]
            dispatcher_cpu = [c for _, c in results]
        else:
            dispatchers = [
                Dispatcher(
                    db=Database(url), clock=SystemClock(), token=token, base_url=api_url, tick_seconds=None
                )
                for _ in range(replicas)
            ]
            start()
            began, meter, own = time.perf_counter(), CpuMeter(), time.process_time()
            passes = await asyncio.gather(*(d.tick() for d in dispatchers))
            elapsed = time.perf_counter() - began
            cpu, own = meter.stop(), time.process_time() - own
            per = [p.sent for p in passes]
            dispatcher_cpu = [own]
            for d in dispatchers:
                await d.stop()
                await d.db.dispose()
        posted, emulator_cpu = await finish()
    left = await pending(db)
    await db.dispose()
    if posted != n or sum(per) != n or left:
        raise SystemExit(f"lost or doubled reminders: {posted} messages, {sum(per)} sent, {left} pending")
    return Run(elapsed, per, dispatcher_cpu, emulator_cpu, cpu)


def report(run: Run, n: int, replicas: int) -> str:
    rate = n / run.elapsed
    us = 1e6 / n
    lines = [
        f"{replicas} replica(s): {n} sent in {run.elapsed:.2f} s = {rate:,.0f} reminders/s "
        f"({rate / replicas:,.0f}/s per replica; rows per replica {run.per}); each sent exactly once"
    ]
    if run.emulator_cpu is not None:
        lines.append(
            f"    CPU per reminder: dispatchers {sum(run.dispatcher_cpu) * us:,.0f} µs "
            f"(dispatcher processes busy {', '.join(f'{c / run.elapsed:.0%}' for c in run.dispatcher_cpu)}), "
            f"emulator {run.emulator_cpu * us:,.0f} µs, PostgreSQL {run.cpu.postgres_total * us:,.0f} µs"
        )
    else:
        lines.append(
            f"    CPU per reminder: dispatchers + emulator (one process) {run.dispatcher_cpu[0] * us:,.0f} µs"
            f" (busy {run.dispatcher_cpu[0] / run.elapsed:.0%}), "
            f"PostgreSQL {run.cpu.postgres_total * us:,.0f} µs"
        )
    if run.cpu.machine_total:
        lines.append(
            f"    machine: {run.cpu.machine_busy / run.elapsed:.2f} of {os.cpu_count()} CPUs busy "
            f"({run.cpu.machine_busy * us:,.0f} µs per reminder, everything on the machine included)"
        )
    return "\n".join(lines)


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
    parser.add_argument(
        "--emulator-process",
        action="store_true",
        help="in-process replicas, the emulator in a process of its own (implied by --processes)",
    )
    args = parser.parse_args(argv)
    base = (
        args.url or os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_URL
    )
    name = f"cg_bench_{uuid.uuid4().hex[:8]}"
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    from storage.migrate import upgrade

    print(f"scratch database {name}; {args.n} due reminders per run; cpus: {os.cpu_count()}", flush=True)
    mode = (
        "one process per replica, the emulator in this one"
        if args.processes
        else "replicas in one process, the emulator in another"
        if args.emulator_process
        else "replicas share one process with the emulator"
    )
    print(f"mode: {mode}", flush=True)
    try:
        for replicas in (int(r) for r in args.replicas.split(",")):
            asyncio.run(_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            asyncio.run(_admin(base, f"CREATE DATABASE {name}"))
            upgrade(url)
            run = asyncio.run(run_once(url, args.n, replicas, args.processes, args.emulator_process))
            print(report(run, args.n, replicas), flush=True)
    finally:
        asyncio.run(_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
