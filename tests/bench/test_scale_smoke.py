"""bench/scale.py at a small size: it seeds a scratch PostgreSQL database that satisfies every
constraint, every surface it times answers through the bot's own functions, the export streams,
and the database is dropped afterwards. A test of the bench, not a timing."""

from __future__ import annotations

import asyncpg
import pytest

from bench import scale
from tests.databases import PG_ENV, postgres_url


async def test_the_scale_bench_runs_at_a_small_size():
    url = postgres_url()
    if url is None:
        pytest.skip(f"bench.scale needs PostgreSQL: set {PG_ENV} (.ci/run sets it) to run it")
    lines: list[str] = []
    sizes = scale.Sizes.scaled(10_000, overdue=50)
    out = await scale.run(url, sizes, smoke=True, say=lines.append)

    names = [t.surface.name for t in out["timings"]]
    for expected in (
        "`/breach list open`, admin",
        "`/breach list all`, influencer with 2 engagements",
        f"App Home, legal on {sizes.legal_big} campaigns",
        "`/breach show BR-n` (manager of 20)",
        "report modal's options, admin",
        "20 concurrent reports, per call",
        "20 concurrent reports on 2 replicas, per call",
    ):
        assert expected in names, names
    assert any(name.startswith("dispatcher claim pass") for name in names)
    assert any(name.startswith("overdue sweep") for name in names)
    assert all(t.samples for t in out["timings"])
    assert any(line.startswith("| surface | p50 ms | p95 ms | budget ms |") for line in lines)

    export = out["export"]
    # every incident of the workspace, plus the twenty reports of one process and the twenty
    # that two replica processes shared
    assert f"({sizes.incidents + 40} incidents)" in export.answer
    assert export.bytes_uploaded > 100 * sizes.incidents

    conn = await asyncpg.connect(scale._dsn(url, "postgres"))
    try:
        left = await conn.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", out["database"])
    finally:
        await conn.close()
    assert left == 0  # the scratch database is gone
