"""ksef-gateway vs a naive per-company loop with a third-party SDK, same load, side by side.

    set -a && . .run/test/stack.env && set +a
    .venv/bin/python benchmarks/ksef_gateway_vs_naive.py [--companies 200 --per-hour 20
                                                         --speed 12 --hours 2]

Runs, at the same time and each against its own simulator (production rate limits, the same
seed, companies, arrival rate and clock speed): the gateway's scheduler as in
`ksef_gateway_sync.py`, and `naive_sdk_sync.py`. For the gateway it also stops the arrivals at
the end and reads every company's full list through the SDK (`naive_sdk_sync.py --truth`), so
both sides report invoices missed (stored before end − 30 simulated minutes, never fetched)
and duplicated. Freshness is measured from `permanentStorageDate` on both sides. Results:
benchmarks/results/ksef_gateway_vs_naive.json.
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gateway_sampler
import ksef_gateway_sync as gwb
import naive_sdk_sync as naive

from ksef_gateway.scheduler import Scheduler

RESULTS = Path(__file__).parent / "results" / "ksef_gateway_vs_naive.json"


async def fetched_rows(pool: Any, anchor: tuple[datetime, datetime], speed: float) -> list[Any]:
    # Only the fields needed: the payload carries the invoice XML inline (GBs at full scale).
    rows = await pool.fetch(
        "SELECT created_at, payload->'data'->>'company_nip' AS nip,"
        " payload->'data'->>'ksef_number' AS number,"
        " payload->'data'->>'permanent_storage_date' AS stored"
        " FROM outbox WHERE topic = 'invoice.fetched'"
    )
    sim0, db0 = anchor
    out = []
    for r in rows:
        at = sim0 + (r["created_at"] - db0) * speed
        stored = datetime.fromisoformat(r["stored"])
        out.append([r["nip"], r["number"], stored, (at - stored).total_seconds() / 60])
    return out


async def gateway(args: argparse.Namespace) -> dict[str, Any]:
    # Arrivals start only after the warm-up (as on the naive side, after its setup).
    no_arrivals = argparse.Namespace(**{**vars(args), "per_hour": 0.0})
    async with gwb.benchmark_gateway(args, no_arrivals) as b:
        gw, pool, start = b.gw, b.pool, b.start
        requests = gateway_sampler.RequestCounter(gw)
        await gwb.connect_companies(gw, b.nips, start - timedelta(minutes=1))
        task = asyncio.create_task(Scheduler(gw).run())
        warm_up = await gateway_sampler.warm_up(gw, args.warm_up_timeout)
        # Setup and first logins done with no invoices: the measured time starts now.
        await gwb.start_arrivals(args)
        anchor = (gw.clock.now(), await pool.fetchval("SELECT clock_timestamp()"))
        too_many0 = await pool.fetchval("SELECT coalesce(sum(too_many), 0) FROM rate_blocks")
        sampler = gateway_sampler.Sampler(gw, b.sim.pid, args.sample_every)
        await sampler.start()
        requests.counting = True
        sampling = asyncio.create_task(sampler.run())
        await asyncio.sleep(args.hours * 3600 / args.speed)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        requests.counting = False
        last = await sampler.sample()
        sampling.cancel()
        end = gw.clock.now()
        too_many = await pool.fetchval("SELECT coalesce(sum(too_many), 0) FROM rate_blocks")
        rounds = await pool.fetchval(
            "SELECT count(*) FROM outbox WHERE topic = 'ksef.sync.completed' AND created_at >= $1",
            anchor[1],
        )
        rows = await fetched_rows(pool, anchor, args.speed)
        truth = await asyncio.to_thread(naive.full_list, args.port, start.isoformat())
    cut = (end - timedelta(seconds=2 * naive.INTERVAL)).isoformat()
    mine = [[n, k, s.isoformat()] for n, k, s, _ in rows]
    fresh = [f for *_, f in rows]
    return {
        "invoices_fetched": len(rows),
        "ksef_requests": sum(requests.by_group.values()),
        "requests_per_invoice": round(sum(requests.by_group.values()) / len(rows), 3)
        if rows
        else None,
        "requests_by_group": dict(requests.by_group),
        "freshness_simulated_minutes_p50": round(statistics.median(fresh), 2) if fresh else None,
        "freshness_simulated_minutes_p99": naive.percentile(fresh, 0.99),
        "http_429_received": too_many - too_many0,
        **naive.compare(mine, truth, cut),
        "client_cpu_seconds": last["gateway_cpu_s"],
        "client_cpu_share_of_one_core": round(last["gateway_cpu_s"] / last["wall_s"], 3),
        "postgres_cpu_seconds": last["postgres_cpu_s"],
        "simulator_cpu_seconds": last["simulator_cpu_s"],
        "simulator_rss_mb_at_end": last["simulator_rss_mb"],
        "backlog_at_end": {k: last[k] for k in gateway_sampler.BACKLOG_KEYS},
        "sync_rounds": rounds,
        "warm_up_wall_seconds": warm_up,
        "scheduler_concurrency": args.concurrency,
        "timeline": sampler.timeline,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [
            sys.executable, str(Path(naive.__file__)), "--companies", str(args.companies),
            "--per-hour", str(args.per_hour), "--speed", str(args.speed), "--hours",
            str(args.hours), "--threads", str(args.threads), "--port", str(args.port + 1),
            "--out", out.name,
        ]  # fmt: skip
        proc = None
        if not args.no_naive:
            proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.DEVNULL)
        gw = await gateway(args)
        sdk = None
        if proc is not None:
            if await proc.wait() != 0:
                raise SystemExit("the naive benchmark failed")
            sdk = json.loads(await asyncio.to_thread(Path(out.name).read_text))
    return {
        "benchmark": "ksef_gateway_vs_naive",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": "x86_64, 2 cores shared with other work; both sides ran at the same time",
        "companies": args.companies,
        "arrivals_per_company_per_simulated_hour": args.per_hour,
        "clock_speed": args.speed,
        "simulated_hours": args.hours,
        "rate_limits": "production (simulator default)",
        "sync_interval_simulated_minutes": naive.INTERVAL / 60,
        "ksef_gateway": gw,
        "naive_sdk": sdk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--per-hour", type=float, default=20.0)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--hours", type=float, default=2.0, help="simulated hours")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=59394)
    parser.add_argument("--sample-every", type=float, default=30.0, help="wall seconds")
    parser.add_argument("--warm-up-timeout", type=float, default=1200.0, help="wall seconds")
    parser.add_argument("--no-naive", action="store_true", help="the gateway side only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    wall0 = time.time()
    result = asyncio.run(run(args))
    result["wall_seconds"] = round(time.time() - wall0, 1)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
