# ruff: noqa: E402 - sys.path is fixed before the imports (see below)
"""invoices: list latency under concurrency, intake rate of invoice.fetched, PDF render time.

Runs against an instance's PostgreSQL (`--instance`, default test; a throwaway database is
created and dropped); the dev instance is the one to restart with other server settings:

    .venv/bin/python benchmarks/invoices.py [--invoices 1000000] [--companies 1000]
        [--offices 10] [--users 50] [--queries 2000] [--warmup 2000] [--intake 3000]
        [--intake-workers 4] [--intake-batch 200] [--intake-processes <cpus>] [--pdf-batch 50]
        [--think 1.0] [--pool 10] [--instance test|dev]

The list seed goes straight into the table with COPY (realistic columns and search text);
intake parses real FA(3) documents through the same inbox path the Kafka consumer uses.
Writes `benchmarks/results/invoices.json`.

Two load models for the list, both with `--users` concurrent users sharing `--pool`
connections (the service's pool, `db_pool_max`, as the users of one API process do):
- saturation (closed loop, no think time): every user sends its next query as soon as the
  last one answered, so latency is mostly queueing; reports the throughput (queries/s) the
  machine sustains and p50/p99 at that load;
- portal (each user thinks between queries, exponential with mean `--think` seconds, as people
  browsing a list do): reports p50/p99 at the offered load (~users/think queries/s).
CPU per operation (this process, its parser processes, and the PostgreSQL server when it runs
on this machine: `.run/<instance>/pids/postgres.pid`) is reported next to wall times, since
the 2 cores are shared with other work.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `invoices` package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import asyncio
import json
import os
import platform
import random
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg

from chassis.batching import process_batch
from chassis.db import open_pool
from chassis.testing import create_database, drop_database, random_nip
from chassis.tokens import Principal
from contracts.envelope import new_envelope
from invoices.config import Settings
from invoices.consumers import Intake
from invoices.domain import fold
from invoices.fa3.parser import parse
from invoices.listing import Filters, count_invoices, list_invoices
from invoices.main import DEFINITION
from invoices.render.pdf import render_pdf
from invoices.render.view import build_view

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "invoices" / "tests"))
from invoice_samples import fetched, make_xml  # noqa: E402

WORDS = [
    "paliwo", "usługi", "transport", "hurtownia", "łódź", "kraków", "biuro", "serwis", "papier",
    "gęś", "żółw", "materiały",
]  # fmt: skip
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def load_stack_env(instance: str) -> None:
    for line in (ROOT / ".run" / instance / "stack.env").read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line.removeprefix("export ").split("=", 1)
            os.environ.setdefault(name, value)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 2)


class CpuMeter:
    """CPU seconds used by this process (and its reaped children) and by the PostgreSQL
    server (postmaster, exited backends, live backends), from /proc."""

    def __init__(self, instance: str) -> None:
        pid_file = ROOT / ".run" / instance / "pids" / "postgres.pid"
        self.postmaster = int(pid_file.read_text()) if pid_file.is_file() else None
        self.tick = os.sysconf("SC_CLK_TCK")

    def _stat(self, pid: int | str) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    def postgres(self) -> float | None:
        if self.postmaster is None:
            return None
        try:
            ticks = sum(int(x) for x in self._stat(self.postmaster)[11:15])
        except OSError:
            return None
        for pid in os.listdir("/proc"):
            try:
                if pid.isdigit() and int((st := self._stat(pid))[1]) == self.postmaster:
                    ticks += int(st[11]) + int(st[12])
            except OSError:
                continue
        return ticks / self.tick

    def client(self, extra: Sequence[int] = ()) -> float:
        t = os.times()
        ticks = 0
        for pid in extra:
            try:
                ticks += int(self._stat(pid)[11]) + int(self._stat(pid)[12])
            except OSError:
                continue
        return t.user + t.system + t.children_user + t.children_system + ticks / self.tick

    def per_op(
        self, before: tuple[float, float | None], after: tuple[float, float | None], ops: int
    ) -> dict[str, float | None]:
        pg = None if before[1] is None or after[1] is None else after[1] - before[1]
        return {
            "client_cpu_ms": round((after[0] - before[0]) / ops * 1000, 3),
            "postgres_cpu_ms": None if pg is None else round(pg / ops * 1000, 3),
        }


async def seed(
    pool: asyncpg.Pool, invoices: int, companies: int, offices: int
) -> dict[str, list[UUID]]:
    office_ids = [uuid4() for _ in range(offices)]
    company_ids = [uuid4() for _ in range(companies)]
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "tenancy_orgs",
            records=[
                (o, "office", random_nip(), f"Biuro {n}", None) for n, o in enumerate(office_ids)
            ]
            + [
                (c, "company", random_nip(), f"Firma {n}", office_ids[n % offices])
                for n, c in enumerate(company_ids)
            ],
            columns=["org_id", "kind", "nip", "name", "office_id"],
        )
        # Bulk load as pg_restore does: indexes off during COPY, built once afterwards.
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'invoices'"
            " AND indexname NOT IN ('invoices_pkey', 'invoices_company_id_ksef_number_key')"
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        rnd = random.Random(7)
        start = date(2024, 1, 1)
        batch = []
        for n in range(invoices):
            company = company_ids[n % companies]
            office = office_ids[(n % companies) % offices]
            day = start + timedelta(days=rnd.randrange(700))
            name = f"{rnd.choice(WORDS).title()} {rnd.choice(WORDS)} sp. z o.o."
            nip = str(5_000_000_000 + rnd.randrange(10**9))
            net = Decimal(rnd.randrange(100, 10**7)) / 100
            number = f"FV/{n}/{day.year}"
            ksef = f"{nip}-{day:%Y%m%d}-{n:012X}-AF"
            line = " ".join(rnd.choice(WORDS) for _ in range(3))
            direction = rnd.choice(("sales", "purchase", "purchase"))
            batch.append((
                uuid4(), company, office, ksef, direction, "parsed", "VAT", number, day, day,
                datetime(day.year, day.month, day.day, tzinfo=UTC), nip, name, name, "PLN", net,
                (net * Decimal("0.23")).quantize(Decimal("0.01")),
                (net * Decimal("1.23")).quantize(Decimal("0.01")),
                "not_required" if direction == "sales" else rnd.choice(("pending", "approved")),
                rnd.choice(("unbooked", "booked")), fold(f"{ksef} {number} {nip} {name} {line}"),
            ))  # fmt: skip
            if len(batch) == 20_000 or n == invoices - 1:
                await conn.copy_records_to_table(
                    "invoices",
                    records=batch,
                    columns=[
                        "id", "company_id", "office_id", "ksef_number", "direction", "status",
                        "kind", "invoice_number", "issue_date", "sale_date", "ksef_date",
                        "counterparty_nip",
                        "counterparty_name", "seller_name", "currency", "net", "vat", "gross",
                        "approval", "booking", "search_text",
                    ],
                )  # fmt: skip
                batch = []
        for index in indexes:
            await conn.execute(index["indexdef"])
        await conn.execute("VACUUM ANALYZE invoices")
    return {"offices": office_ids, "companies": company_ids}


def random_query(rnd: random.Random, ids: dict[str, list[UUID]]) -> tuple[Principal, Filters, str]:
    office = rnd.random() < 0.3
    if office:
        principal = Principal(uuid4(), rnd.choice(ids["offices"]), "office", "admin")
    else:
        principal = Principal(uuid4(), rnd.choice(ids["companies"]), "company", "client")
    kind = rnd.randrange(4)
    filters = Filters()
    if kind == 1:
        filters = Filters(
            date_from=date(2024, 6, 1), date_to=date(2024, 9, 30), direction="purchase"
        )
    elif kind == 2:
        filters = Filters(query=rnd.choice(WORDS))
    elif kind == 3:
        filters = Filters(approval=("pending",), booking=("unbooked",))
    sort = rnd.choice(("issue_date", "issue_date", "gross", "counterparty_name", "ksef_date"))
    return principal, filters, ("office" if office else "company") + f":{kind}:{sort}"


NAMES = {"0": "no filter", "1": "dates+direction", "2": "search", "3": "approval+booking"}


async def run_users(
    pool: asyncpg.Pool,
    ids: dict[str, list[UUID]],
    users: int,
    queries: int,
    think: float,
    seed: int,
) -> tuple[list[float], dict[str, list[float]], float]:
    """`users` users sending `queries` list queries in all, each waiting an exponential think
    time (mean `think` s, 0: none) before each query; (timings, by kind, wall seconds)."""
    rnd = random.Random(seed)
    timings: list[float] = []
    by_kind: dict[str, list[float]] = {}
    started = 0

    async def user() -> None:
        nonlocal started
        while started < queries:
            if think:
                await asyncio.sleep(rnd.expovariate(1 / think))
                if started >= queries:
                    return
            started += 1
            principal, filters, label = random_query(rnd, ids)
            sort = label.rsplit(":", 1)[1]
            began = time.perf_counter()
            async with pool.acquire() as conn:
                await list_invoices(conn, principal, filters, sort=sort, limit=50)
            elapsed = (time.perf_counter() - began) * 1000
            timings.append(elapsed)
            by_kind.setdefault(label.rsplit(":", 1)[0], []).append(elapsed)

    began = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(users)))
    return timings, by_kind, time.perf_counter() - began


def summary(timings: list[float], by_kind: dict[str, list[float]]) -> dict[str, object]:
    return {
        "queries": len(timings),
        "p50_ms": pct(timings, 0.5),
        "p99_ms": pct(timings, 0.99),
        "by_kind": {
            f"{k.split(':')[0]} {NAMES[k.split(':')[1]]}": {
                "n": len(v),
                "p50_ms": pct(v, 0.5),
                "p99_ms": pct(v, 0.99),
            }
            for k, v in sorted(by_kind.items())
        },
    }


async def list_latency(
    pool: asyncpg.Pool,
    ids: dict[str, list[UUID]],
    args: argparse.Namespace,
    cpu: CpuMeter,
) -> dict[str, object]:
    users, queries = args.users, args.queries
    # Steady state, as in a running service: the pool's connections have prepared (and
    # PostgreSQL has planned) the query shapes; cold connections would measure planning.
    await run_users(pool, ids, users, args.warmup, 0, 5)
    before = (cpu.client(), cpu.postgres())
    timings, by_kind, seconds = await run_users(pool, ids, users, queries, 0, 11)
    saturation = summary(timings, by_kind) | {
        "model": f"closed loop, {users} users, no think time",
        "seconds": round(seconds, 1),
        "throughput_rps": round(len(timings) / seconds, 1),
        "cpu_per_query": cpu.per_op(before, (cpu.client(), cpu.postgres()), len(timings)),
    }
    portal_timings, portal_kinds, seconds = await run_users(
        pool, ids, users, queries, args.think, 12
    )
    portal = summary(portal_timings, portal_kinds) | {
        "model": f"{users} users, exponential think time of mean {args.think} s",
        "seconds": round(seconds, 1),
        "offered_rps": round(len(portal_timings) / seconds, 1),
    }
    single_timings, single_kinds, _ = await run_users(pool, ids, 1, min(400, queries), 0, 13)
    single = summary(single_timings, single_kinds)
    rnd = random.Random(14)
    counts: list[float] = []
    for _ in range(min(400, queries)):  # the separate, capped count (GET /invoices/count)
        principal, filters, _ = random_query(rnd, ids)
        began = time.perf_counter()
        async with pool.acquire() as conn:
            await count_invoices(conn, principal, filters)
        counts.append((time.perf_counter() - began) * 1000)
    return {
        "target": "p99 under 50 ms with 50 concurrent users",
        "saturation": saturation,
        "portal": portal,
        "single_user": single,
        "count_single_user": {
            "n": len(counts),
            "p50_ms": pct(counts, 0.5),
            "p99_ms": pct(counts, 0.99),
        },
    }


async def intake_rate(
    pool: asyncpg.Pool,
    company: UUID,
    count: int,
    workers: int,
    batch: int,
    processes: int,
    cpu: CpuMeter,
) -> dict[str, object]:
    """The worker's path: polls of `batch` events, each applied in one transaction
    (chassis.batching.process_batch), parsing in `processes` processes; `workers`
    consumers (partitions) at once."""
    intake = Intake(Settings.model_construct(), processes=processes)
    events = [
        fetched(company, "3861610227", make_xml(number=f"IN/{n}"), ksef_number=f"K-{n:012X}")
        for n in range(count)
    ]
    envelopes = [new_envelope("invoice.fetched", 1, e, producer="bench") for e in events]
    polls = [envelopes[i : i + batch] for i in range(0, len(envelopes), batch)]
    await process_batch(pool, "invoices-warmup", polls[0][:1], intake.many)  # starts the pool
    await pool.execute("DELETE FROM invoices WHERE ksef_number = $1", events[0].ksef_number)

    async def worker() -> None:
        while polls:
            await process_batch(pool, "invoices", polls.pop(), intake.many)

    await asyncio.sleep(2)  # every parser process started and warm (the pool's initializer)
    children = intake.processes_running()
    before = (cpu.client(children), cpu.postgres())
    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    seconds = time.perf_counter() - began
    used = cpu.per_op(before, (cpu.client(children), cpu.postgres()), count)
    intake.close()
    stored = await pool.fetchval("SELECT count(*) FROM invoices WHERE company_id = $1", company)
    return {
        "events": count,
        "workers": workers,
        "batch": batch,
        "parse_processes": processes,
        "stored": stored,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "cpu_per_invoice": used,
    }


def pdf_times(batch: int) -> dict[str, object]:
    xml = make_xml()
    invoice = parse(xml, max_bytes=10**6)
    row = {
        "ksef_number": "5265877635-20250715-0100001AF629-AF",
        "ksef_date": datetime.now(UTC),
        "direction": "purchase",
    }
    view = build_view(row, invoice, xml, "https://qr-test.ksef.mf.gov.pl", with_stamp=True)
    began = time.perf_counter()
    render_pdf([view], FONT, BOLD)  # the first, which prepares the fonts once per process
    first = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    render_pdf([view], FONT, BOLD)
    single = (time.perf_counter() - began) * 1000
    cpu = time.process_time()
    render_pdf([view], FONT, BOLD)
    single_cpu = (time.process_time() - cpu) * 1000
    began, cpu = time.perf_counter(), time.process_time()
    render_pdf([view] * batch, FONT, BOLD)
    many = (time.perf_counter() - began) * 1000
    many_cpu = (time.process_time() - cpu) * 1000
    return {
        "first_ms": round(first),
        "single_ms": round(single),
        "single_cpu_ms": round(single_cpu),
        "batch": batch,
        "batch_ms": round(many),
        "per_invoice_in_batch_ms": round(many / batch, 1),
        "per_invoice_in_batch_cpu_ms": round(many_cpu / batch, 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instance", default="test")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--offices", type=int, default=10)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--pool",
        type=int,
        default=Settings.model_fields["db_pool_max"].default,
        help="connections the users share: the service's pool (db_pool_max)",
    )
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=2000, help="untimed queries first")
    parser.add_argument("--intake", type=int, default=3000)
    parser.add_argument("--intake-workers", type=int, default=4)
    parser.add_argument("--intake-batch", type=int, default=200)
    parser.add_argument("--intake-processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--pdf-batch", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="portal model: mean think s")
    parser.add_argument("--skip-list", action="store_true", help="intake and PDF only")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "invoices.json"
    )
    args = parser.parse_args()
    load_stack_env(args.instance)
    dsn = await create_database(DEFINITION.migrations)
    try:
        pool = await open_pool(dsn, min_size=args.pool, max_size=args.pool, connect_timeout=10)
        began = time.perf_counter()
        ids = await seed(pool, args.invoices, args.companies, args.offices)
        seed_seconds = round(time.perf_counter() - began, 1)
        cpu = CpuMeter(args.instance)
        listing = None if args.skip_list else await list_latency(pool, ids, args, cpu)
        intake = await intake_rate(
            pool,
            ids["companies"][0],
            args.intake,
            args.intake_workers,
            args.intake_batch,
            args.intake_processes,
            cpu,
        )
        await pool.close()
    finally:
        await drop_database(dsn)
    result = {
        "benchmark": "invoices",
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "note": "2 cores shared with other work",
        },
        "parameters": vars(args),
        "seed_seconds": seed_seconds,
        "list": listing,
        "intake": intake,
        "pdf": pdf_times(args.pdf_batch),
        "targets": {"list_p99_ms": 50, "intake_per_second": 1000},
    }
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    asyncio.run(main())
