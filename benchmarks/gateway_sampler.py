"""The gateway side's probe for benchmarks: backlog, CPU and memory sampled while it runs."""

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ksef_gateway_sync import cpu_seconds, own_cpu

from ksef_gateway.gateway import Gateway


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


BACKLOG_KEYS = ("checkpoint_lag_min_p50", "checkpoint_lag_min_max", "rounds_overdue")


class Sampler:
    """Every `every` wall seconds: the gateway's backlog (how far its checkpoints trail the
    simulated now, rounds overdue), what it fetched, and CPU/memory of the gateway, the
    simulator and the gateway's own PostgreSQL backends (the shared server's other work is
    not counted). Backends are tracked by pid and keep their last reading when they exit."""

    def __init__(self, gw: Gateway, sim_pid: int, every: float = 30.0) -> None:
        self.gw, self.sim_pid, self.every = gw, sim_pid, every
        self.timeline: list[dict[str, Any]] = []
        self._pg: dict[int, float] = {}
        self._pg0: dict[int, float] = {}

    async def pg_cpu(self) -> float:
        pids = await self.gw.pool.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        )
        for r in pids:
            with contextlib.suppress(OSError):  # a backend that exited keeps its last reading
                self._pg[r["pid"]] = cpu_seconds(r["pid"])
        return sum(self._pg.values()) - sum(self._pg0.values())

    async def start(self) -> None:
        await self.pg_cpu()
        self._pg0 = dict(self._pg)
        self.t0, self.cpu0, self.sim0 = time.time(), own_cpu(), cpu_seconds(self.sim_pid)

    async def sample(self) -> dict[str, Any]:
        now = self.gw.clock.now()
        row = await self.gw.pool.fetchrow(
            "SELECT coalesce(sum(fetched_total), 0) AS fetched,"
            " percentile_disc(0.5) WITHIN GROUP (ORDER BY checkpoint) AS cp50,"
            " min(checkpoint) AS cp_min,"
            " count(*) FILTER (WHERE next_due_at < $1 AND lease_owner IS NULL) AS overdue"
            " FROM sync_checkpoints",
            now,
        )
        assert row is not None  # an aggregate always returns a row
        point = {
            "wall_s": round(time.time() - self.t0),
            "fetched": int(row["fetched"]),
            "checkpoint_lag_min_p50": round((now - row["cp50"]).total_seconds() / 60, 1),
            "checkpoint_lag_min_max": round((now - row["cp_min"]).total_seconds() / 60, 1),
            "rounds_overdue": row["overdue"],
            "gateway_cpu_s": round(own_cpu() - self.cpu0, 1),
            "simulator_cpu_s": round(cpu_seconds(self.sim_pid) - self.sim0, 1),
            "postgres_cpu_s": round(await self.pg_cpu(), 1),
            "simulator_rss_mb": rss_mb(self.sim_pid),
            "gateway_rss_mb": rss_mb(os.getpid()),
        }
        self.timeline.append(point)
        print(json.dumps(point), file=sys.stderr, flush=True)
        return point

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.sample()
            except Exception as error:  # a missed sample must not end the benchmark
                print(f"sample failed: {error!r}", file=sys.stderr, flush=True)


class RequestCounter:
    """Counts the gateway's KSeF requests per endpoint group from `on()`: every call passes
    the governor, export parts are fetched from storage URLs outside it. (The governor's own
    `rate_events` are pruned after an hour, so they cannot count a longer run.)"""

    def __init__(self, gw: Gateway) -> None:
        self.by_group: Counter[str] = Counter()
        self.counting = False
        acquire, download_part = gw.governor.acquire, gw.ksef.download_part

        async def counted(context: str, group: str, max_wait: float = 120.0) -> None:
            await acquire(context, group, max_wait)
            if self.counting:
                self.by_group[group.split(":", 1)[0]] += 1

        async def part(url: str) -> bytes:
            if self.counting:
                self.by_group["exportPart"] += 1
            return await download_part(url)

        gw.governor.acquire = counted  # type: ignore[method-assign]
        gw.ksef.download_part = part  # type: ignore[method-assign]


async def warm_up(gw: Gateway, limit: float) -> float:
    """Wait (wall seconds) until every checkpoint finished its first round: all companies
    logged in, as in a gateway that has been running for a while. Returns the time taken."""
    t0 = time.time()
    while time.time() - t0 < limit:
        await asyncio.sleep(5)
        left = await gw.pool.fetchval(
            "SELECT count(*) FROM sync_checkpoints WHERE last_finished_at IS NULL"
        )
        print(json.dumps({"warm_up_rounds_left": left}), file=sys.stderr, flush=True)
        if left == 0:
            break
    return round(time.time() - t0, 1)
