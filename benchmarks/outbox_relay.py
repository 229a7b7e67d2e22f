"""Outbox relay throughput: events per second from PostgreSQL to Kafka (acks=all).

Runs against a stack instance (default: the test instance; start it with
`RACHMISTRZ_INSTANCE=test scripts/stack.sh up`):

    .venv/bin/python benchmarks/outbox_relay.py [--events 20000] [--batch 500]

Writes `benchmarks/results/outbox_relay.json`. A throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from chassis import outbox
from chassis.outbox import OutboxRelay
from chassis.testing import create_database, drop_database, open_test_pool
from contracts import new_envelope
from contracts.auth import OrgUpdated

ROOT = Path(__file__).resolve().parents[1]


def load_stack_env(instance: str) -> None:
    for line in (ROOT / ".run" / instance / "stack.env").read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line.removeprefix("export ").split("=", 1)
            os.environ.setdefault(name, value)


async def measure(events: int, batch: int) -> dict[str, float | int]:
    dsn = await create_database(None)
    pool = await open_test_pool(dsn)
    producer = AIOKafkaProducer(
        bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
    )
    await producer.start()
    try:
        started = time.perf_counter()
        for chunk in range(0, events, 1000):
            async with pool.acquire() as conn, conn.transaction():
                for _ in range(min(1000, events - chunk)):
                    org = uuid4()
                    event = new_envelope(
                        "org.updated", 1, OrgUpdated(org_id=org, name="B"), producer="bench"
                    )
                    await outbox.add(conn, event, key=str(org))
        written = time.perf_counter() - started
        relay = OutboxRelay(pool, producer.send, batch_size=batch)
        started = time.perf_counter()
        while await relay.relay_batch():
            pass
        relayed = time.perf_counter() - started
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
        return {
            "events": events,
            "batch_size": batch,
            "outbox_write_events_per_s": round(events / written),
            "relay_events_per_s": round(events / relayed),
        }
    finally:
        await producer.stop()
        await pool.close()
        await drop_database(dsn)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--instance", default=os.environ.get("RACHMISTRZ_INSTANCE", "test"))
    args = parser.parse_args()
    load_stack_env(args.instance)
    result = asyncio.run(measure(args.events, args.batch))
    result |= {
        "measured_at": datetime.now(UTC).isoformat(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }
    out = ROOT / "benchmarks" / "results" / "outbox_relay.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
