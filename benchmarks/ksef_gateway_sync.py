"""ksef-gateway sync benchmark: many companies with invoices arriving, on an accelerated clock.

    set -a && . .run/test/stack.env && set +a
    .venv/bin/python benchmarks/ksef_gateway_sync.py [--companies 200 --per-hour 2 --speed 60
                                                     --minutes 3]

Starts a private KSeF simulator (`--clock-speed`, continuous arrivals, no seeded history) and
runs the gateway's scheduler in this process against a fresh database of the test stack, its
clock as fast as the simulator's. Every company logs in with its own certificate and is synced
per subject type every 15 simulated minutes, under KSeF's rate limits (the simulator enforces
them too). Reported: KSeF requests per fetched invoice (and per endpoint group), freshness
(simulated time from KSeF's acquisition of an invoice to its outbox row) p50/p99, 429s
received, and CPU seconds of the gateway and the simulator. Results:
benchmarks/results/ksef_gateway_sync.json.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bench_certs import ec_self_signed
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from chassis.db import open_pool
from chassis.testing import create_database, drop_database, seed_org, stack_env
from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway import repository, vault
from ksef_gateway import sync_repository as srepo
from ksef_gateway.clock import ScaledClock
from ksef_gateway.config import Settings
from ksef_gateway.domain import CompanyAuth
from ksef_gateway.gateway import Gateway
from ksef_gateway.main import DEFINITION
from ksef_gateway.scheduler import Scheduler

RESULTS = Path(__file__).parent / "results" / "ksef_gateway_sync.json"


def start_simulator(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "ksef_simulator", "--port", str(args.port),
        "--companies", str(args.companies), "--invoices", "0", "--seed", "11",
        "--clock-speed", str(args.speed), "--arrivals-per-hour", str(args.per_hour),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("the simulator exited during startup") from None
            time.sleep(0.2)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def settings_for(dsn: str, args: argparse.Namespace, key_file: Path) -> Settings:
    return Settings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",  # the outbox is read, not relayed
        auth_public_key_file=key_file,
        ksef_base_url=f"http://127.0.0.1:{args.port}/v2",
        secrets_master_key="b" * 40,
        minio_endpoint=stack_env("MINIO_ENDPOINT"),
        minio_access_key=stack_env("MINIO_ACCESS_KEY"),
        minio_secret_key=stack_env("MINIO_SECRET_KEY"),
        clock_speed=args.speed,
        scheduler_concurrency=args.concurrency,
        # Rounds hold a connection only between KSeF calls; the database server is shared.
        db_pool_max=min(args.concurrency + 6, 40),
    )


async def start_arrivals(args: argparse.Namespace) -> None:
    async with httpx.AsyncClient() as http:
        url = f"http://127.0.0.1:{args.port}/admin/arrivals"
        (await http.put(url, json={"perCompanyPerHour": args.per_hour})).raise_for_status()


async def connect_companies(gw: Gateway, nips: list[str], start: datetime) -> None:
    """Each company authorised with its own certificate (the owner of its context)."""
    async with gw.pool.acquire() as conn:
        for nip in nips:
            company = await seed_org(conn, kind="company", nip=nip)  # type: ignore[arg-type]
            cert, key = ec_self_signed(nip)
            secret = await vault.put(conn, gw.vault, key.encode())
            auth = CompanyAuth(
                company, nip, AuthMethod.certificate, AuthStatus.active,
                certificate_pem=cert, secret_id=secret,
            )  # fmt: skip
            await repository.save_auth(conn, auth)
            await srepo.ensure_checkpoints(conn, company, start, start)


async def measure(
    gw: Gateway, pool: asyncpg.Pool, anchor: tuple[datetime, datetime]
) -> dict[str, Any]:
    """`anchor` = (simulated now, database now) taken together: outbox rows carry database
    time, which maps to simulated time through it."""
    rows = await pool.fetch(
        "SELECT created_at, payload->'data'->>'acquisition_date' AS acquired"
        " FROM outbox WHERE topic = 'invoice.fetched'"
    )
    speed = gw.settings.clock_speed
    sim0, db0 = anchor
    fresh = sorted(
        (
            sim0 + (r["created_at"] - db0) * speed - datetime.fromisoformat(r["acquired"])
        ).total_seconds()
        / 60
        for r in rows
        if r["acquired"]
    )
    groups = {
        r["grp"]: r["n"]
        for r in await pool.fetch("SELECT grp, count(*) AS n FROM rate_events GROUP BY grp")
    }
    requests = sum(groups.values())
    too_many = await pool.fetchval("SELECT coalesce(sum(too_many), 0) FROM rate_blocks")
    rounds = await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'ksef.sync.completed'")
    return {
        "invoices_fetched": len(rows),
        "sync_rounds": rounds,
        "ksef_requests": requests,
        "requests_per_invoice": round(requests / len(rows), 2) if rows else None,
        "requests_by_group": groups,
        "freshness_simulated_minutes_p50": round(statistics.median(fresh), 2) if fresh else None,
        "freshness_simulated_minutes_p99": round(fresh[int(len(fresh) * 0.99) - 1], 2)
        if len(fresh) >= 2
        else None,
        "http_429_received": too_many,
    }


@dataclass
class Bench:
    gw: Gateway
    pool: asyncpg.Pool
    settings: Settings
    sim: subprocess.Popen[bytes]
    start: datetime  # the simulator's clock when the gateway was built
    nips: list[str]


@asynccontextmanager
async def benchmark_gateway(
    args: argparse.Namespace, sim_args: argparse.Namespace
) -> AsyncIterator[Bench]:
    """A simulator, a throwaway database and a gateway on the simulator's scaled clock.

    The companies are not connected yet (callers decide what the request counter sees);
    everything is torn down on exit."""
    sim = start_simulator(sim_args)
    dsn = await create_database(DEFINITION.migrations)
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    with tempfile.NamedTemporaryFile(suffix=".pem") as key_file:
        key_file.write(key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
        key_file.flush()
        settings = settings_for(dsn, args, Path(key_file.name))
        pool = await open_pool(dsn, min_size=2, max_size=settings.db_pool_max, connect_timeout=15)
        try:
            async with httpx.AsyncClient() as http:
                base = f"http://127.0.0.1:{args.port}"
                start = datetime.fromisoformat(
                    (await http.get(f"{base}/admin/clock")).json()["now"]
                )
                nips = [c["nip"] for c in (await http.get(f"{base}/admin/companies")).json()]
            gw = Gateway.build(pool, settings, ScaledClock(args.speed, start))
            try:
                yield Bench(gw, pool, settings, sim, start, nips)
            finally:
                await gw.aclose()
        finally:
            await pool.close()
            await drop_database(dsn)
            sim.terminate()
            sim.wait(10)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from gateway_sampler import RequestCounter  # it imports this module

    async with benchmark_gateway(args, args) as b:
        gw, pool, settings = b.gw, b.pool, b.settings
        requests = RequestCounter(gw)
        requests.counting = True
        await connect_companies(gw, b.nips, b.start - timedelta(minutes=1))
        # Arrivals are generated lazily, so none exist yet: restarting the stream now keeps
        # the (long, at 2,000 companies) setup out of the measured time and freshness.
        await start_arrivals(args)
        anchor = (gw.clock.now(), await pool.fetchval("SELECT clock_timestamp()"))
        cpu0, sim_cpu0, wall0 = own_cpu(), cpu_seconds(b.sim.pid), time.time()
        task = asyncio.create_task(Scheduler(gw).run())
        await asyncio.sleep(args.minutes * 60)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        cpu, sim_cpu, wall = own_cpu() - cpu0, cpu_seconds(b.sim.pid) - sim_cpu0, time.time()
        result = await measure(gw, pool, anchor)
        # rate_events are pruned after a simulated hour: count at the client instead.
        total = sum(requests.by_group.values())
        result["ksef_requests"], result["requests_by_group"] = total, dict(requests.by_group)
        fetched = result["invoices_fetched"]
        result["requests_per_invoice"] = round(total / fetched, 3) if fetched else None
    simulated_hours = (wall - wall0) * args.speed / 3600
    return {
        "benchmark": "ksef_gateway_sync",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "companies": args.companies,
        "arrivals_per_company_per_simulated_hour": args.per_hour,
        "clock_speed": args.speed,
        "wall_seconds": round(wall - wall0, 1),
        "simulated_hours": round(simulated_hours, 2),
        "sync_interval_simulated_minutes": settings.sync_interval_seconds / 60,
        "scheduler_concurrency": args.concurrency,
        **result,
        "gateway_cpu_seconds": round(cpu, 2),
        "simulator_cpu_seconds": round(sim_cpu, 2),
        "gateway_cpu_share_of_one_core": round(cpu / (wall - wall0), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--per-hour", type=float, default=2.0)
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--minutes", type=float, default=3.0, help="wall minutes to run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=59391)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
