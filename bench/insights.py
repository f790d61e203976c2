"""Reports over a million incidents: seed a scratch PostgreSQL database and time the figures.

    .venv/bin/python -m bench.insights [--incidents 1000000] [--iterations 5] [--url postgresql+asyncpg://…]

Seeds the million-incident workspace of `bench.scale` (its `seed`: the same campaigns,
engagements, incidents, deliverables, compliance checks and reviews; without timeline events,
which no report reads), then times, on one connection pool:

- the figures of a report (`bot.flows.insights.figures`: every SQL aggregate of the seven charts)
  for the whole program (every incident of the workspace) over 30 days, 90 days and all of it,
  and for one campaign;
- drawing the seven charts (matplotlib, in this process);
- the whole `/campaign report` flow for an admin, with Slack answered at once by a fake.

The target is the figures of the biggest report, all of a million incidents, in at most one second.
Prints p50 and p95 in milliseconds, and the slowest statements of the last run. `--keep` keeps the
database, `--reuse NAME` times one kept earlier.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from bench.scale import ADMIN, DEFAULT_URL, NOW, FakeSlack, Sizes, _admin, _dsn, build_services, seed

BUDGET_MS = 1000.0


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


async def _time(run: Callable[[], Awaitable[Any]], warmup: int, iterations: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = await run()
    samples = []
    for _ in range(iterations):
        t = time.perf_counter()
        result = await run()
        samples.append((time.perf_counter() - t) * 1000)
    return samples, result


class Statements:
    """The statements of the last run and their time."""

    def __init__(self, engine) -> None:
        self.last: list[tuple[float, str]] = []

        def before(conn, cursor, statement, parameters, context, executemany) -> None:
            conn.info["insights_started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany) -> None:
            took = time.perf_counter() - conn.info.pop("insights_started", time.perf_counter())
            self.last.append((took * 1000, " ".join(statement.split())[:140]))

        event.listen(engine.sync_engine, "before_cursor_execute", before)
        event.listen(engine.sync_engine, "after_cursor_execute", after)


async def run(
    base_url: str, z: Sizes, *, warmup: int, iterations: int, keep: bool, reuse: str | None
) -> dict:
    from bot.domain import insights as ins
    from bot.flows import insights as flows
    from bot.views import charts
    from storage.migrate import upgrade
    from storage.models import Campaign
    from storage.queries import insights as q

    name = reuse or f"cg_insights_{uuid.uuid4().hex[:10]}"
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    out: dict[str, Any] = {"database": name, "timings": {}}
    if reuse is None:
        await _admin(base_url, f"CREATE DATABASE {name}")
    try:
        await asyncio.to_thread(upgrade, url)
        if reuse is None:
            print(f"seeding {z.incidents:,} incidents ({z.campaigns:,} campaigns) into {name}")
            print(f"seeded in {await seed(_dsn(url), z):.0f} s")
        svc = build_services(url, FakeSlack())
        statements = Statements(svc.db.engine)
        tz = ins.zone("America/New_York")
        async with svc.db.transaction() as s:
            team = (await s.exec(select(Campaign.team_id).limit(1))).scalar_one()
            campaign = (
                (
                    await s.exec(
                        select(Campaign)
                        .where(Campaign.status == "active")
                        .order_by(Campaign.id.desc())
                        .limit(1)
                    )
                )
                .scalars()
                .one()
            )
        cases: list[tuple[str, Callable[[], Awaitable[Any]]]] = []

        def figures_case(label: str, days: int | None, one: bool):
            async def go():
                async with svc.db.transaction() as s:
                    scope = await q.campaign_scope(s, campaign) if one else q.Scope(team)
                    start = NOW - timedelta(days=days) if days else await q.first_incident_at(s, scope)
                header = ins.Header(label, start, NOW, tz, ins.unit_for(start, NOW))
                return await flows.figures(svc.db, scope, header, NOW, by_category=not one)

            return go

        for label, days, one in (
            ("program, last 30 days", 30, False),
            ("program, last 90 days", 90, False),
            ("program, all (every incident)", None, False),
            (f"one campaign ({campaign.slug}), all", None, True),
        ):
            cases.append((f"figures: {label}", figures_case(label, days, one)))
        for label, go in cases:
            statements.last = []
            samples, result = await _time(go, warmup, iterations)
            out["timings"][label] = samples
            out.setdefault("figures", result)
            print(f"  {label:<52} p50 {statistics.median(samples):8.1f} ms   p95 {_p95(samples):8.1f} ms")
            last = statements.last[-len(statements.last) // (warmup + iterations) :]
            for took, sql in sorted(last, reverse=True)[:3]:
                print(f"      {took:7.1f} ms  {sql}")
        biggest = out["timings"]["figures: program, all (every incident)"]
        drawn = out["figures"]
        t = time.perf_counter()
        pngs = await asyncio.to_thread(charts.report, drawn)
        out["draw_ms"] = (time.perf_counter() - t) * 1000
        print(
            f"  {'drawing the seven charts':<52} {out['draw_ms']:8.1f} ms "
            f"({sum(len(c.png) for c in pngs):,} bytes)"
        )
        samples, _ = await _time(
            lambda: flows.report(svc, team, ADMIN, None, "all"), 1, max(1, iterations // 2)
        )
        out["timings"]["/campaign report (admin, all)"] = samples
        print(
            f"  {'/campaign report, admin, all (Slack faked)':<52} p50 {statistics.median(samples):8.1f} ms"
        )
        verdict = "within" if _p95(biggest) <= BUDGET_MS else "OVER"
        print(
            f"\nfigures of every incident: p95 {_p95(biggest):.0f} ms, "
            f"{verdict} the {BUDGET_MS:.0f} ms budget"
        )
        out["within_budget"] = _p95(biggest) <= BUDGET_MS
        await svc.db.dispose()
    finally:
        if not keep:
            await _admin(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print(f"kept database {name}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.insights", description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=None)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", default=None)
    args = parser.parse_args(argv)
    url = (
        args.url or os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_URL
    )
    if not url.startswith("postgresql+asyncpg://"):
        print("bench.insights needs a postgresql+asyncpg:// URL", file=sys.stderr)
        return 2
    z = Sizes.scaled(args.incidents, events_per_incident=0)
    out = asyncio.run(
        run(url, z, warmup=args.warmup, iterations=args.iterations, keep=args.keep, reuse=args.reuse)
    )
    return 0 if out["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
