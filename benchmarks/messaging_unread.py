"""messaging's unread total on 100k messages: EXPLAIN ANALYZE of the counter query against the
message-counting query it replaced.

Runs against a stack instance (default: the test instance):

    .venv/bin/python benchmarks/messaging_unread.py [--messages 100000] [--companies 200]

Writes `benchmarks/results/messaging_unread.json`. A throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg

from chassis.tenancy import scope
from chassis.testing import create_database, drop_database
from chassis.tokens import Principal
from messaging.main import DEFINITION
from messaging.repository import UNREAD_TOTAL

ROOT = Path(__file__).resolve().parents[1]
THREADS_PER_COMPANY = 10
# What every request ran before migrations/0003_unread_counters.sql.
COUNTING = (
    "SELECT count(*) FROM messages m JOIN threads t ON t.id = m.thread_id"
    " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $1"
    " WHERE m.seq > COALESCE(r.last_read_seq, 0)"
    " AND m.author_user_id IS DISTINCT FROM $1 AND {clause}"
)


def load_stack_env(instance: str) -> None:
    for line in (ROOT / ".run" / instance / "stack.env").read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line.removeprefix("export ").split("=", 1)
            os.environ.setdefault(name, value)


async def seed(
    conn: asyncpg.Connection, office: Any, reader: Any, messages: int, companies: int
) -> None:
    """One office, its client companies, ten threads each, messages spread evenly; the reader
    has read half of the threads half-way."""
    await conn.execute(
        "INSERT INTO tenancy_orgs (org_id, kind, nip, name)"
        " VALUES ($1, 'office', '0000000000', 'B')",
        office,
    )
    await conn.execute(
        "INSERT INTO tenancy_orgs (org_id, kind, nip, name, office_id)"
        " SELECT gen_random_uuid(), 'company', lpad(g::text, 10, '0'), 'F' || g, $1"
        " FROM generate_series(1, $2) g",
        office,
        companies,
    )
    await conn.execute(
        "INSERT INTO threads (id, company_id, subject)"
        " SELECT gen_random_uuid(), o.org_id, 'W' FROM tenancy_orgs o,"
        " generate_series(1, $1) WHERE o.kind = 'company'",
        THREADS_PER_COMPANY,
    )
    threads = companies * THREADS_PER_COMPANY
    await conn.execute(
        "INSERT INTO messages (id, thread_id, author_user_id, author_side, body)"
        " SELECT gen_random_uuid(), t.id, CASE WHEN g % 7 > 0 THEN $2::uuid END, 'company', 'x'"
        " FROM generate_series(0, $1 - 1) g"
        " JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM threads) t"
        " ON t.n = g % $3",
        messages,
        uuid4(),  # another user writes; the reader's own posts would move their read mark
        threads,
    )
    await conn.execute(
        "UPDATE threads t SET message_count = c.n, last_seq = c.last FROM (SELECT thread_id,"
        " count(*) n, max(seq) last FROM messages GROUP BY thread_id) c WHERE c.thread_id = t.id"
    )
    # Read marks as the service keeps them: the k-th message's seq, and k.
    await conn.execute(
        "INSERT INTO thread_reads (thread_id, user_id, last_read_seq, read_count)"
        " SELECT thread_id, $1, seq, k FROM (SELECT thread_id, seq, row_number() OVER"
        "   (PARTITION BY thread_id ORDER BY seq) AS k, count(*) OVER (PARTITION BY thread_id)"
        "   AS n FROM messages) x WHERE k = n / 2 AND random() < 0.5",
        reader,
    )
    await conn.execute("VACUUM ANALYZE")


async def explain(conn: asyncpg.Connection, sql: str, *args: Any) -> dict[str, Any]:
    raw = await conn.fetchval("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, *args)
    [plan] = json.loads(raw)
    top = plan["Plan"]
    return {
        "execution_ms": plan["Execution Time"],
        "shared_buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
        "nodes": sorted(_nodes(top)),
    }


def _nodes(node: dict[str, Any]) -> set[str]:
    name = node["Node Type"] + (f" on {node['Relation Name']}" if "Relation Name" in node else "")
    if "Index Name" in node:
        name += f" using {node['Index Name']}"
    found = {name}
    for child in node.get("Plans", []):
        found |= _nodes(child)
    return found


async def measure(messages: int, companies: int) -> dict[str, Any]:
    dsn = await create_database(DEFINITION.migrations)
    office, reader = uuid4(), uuid4()
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await seed(conn, office, reader, messages, companies)
            company = await conn.fetchval(
                "SELECT org_id FROM tenancy_orgs WHERE kind = 'company' LIMIT 1"
            )
            results: dict[str, Any] = {}
            for label, caller in (
                ("office_admin", Principal(reader, office, "office", "admin")),
                ("company_owner", Principal(reader, company, "company", "owner")),
            ):
                clause, params = scope(caller, "t.company_id", 2)
                new, old = UNREAD_TOTAL.format(clause=clause), COUNTING.format(clause=clause)
                assert await conn.fetchval(new, reader, *params) == await conn.fetchval(
                    old, reader, *params
                )
                results[label] = {
                    "counters": await explain(conn, new, reader, *params),
                    "counting_messages": await explain(conn, old, reader, *params),
                }
            return results
        finally:
            await conn.close()
    finally:
        await drop_database(dsn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--instance", default="test")
    args = parser.parse_args()
    load_stack_env(args.instance)
    results = asyncio.run(measure(args.messages, args.companies))
    out = {
        "benchmark": "messaging_unread",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "messages": args.messages,
        "threads": args.companies * THREADS_PER_COMPANY,
        "results": results,
    }
    path = ROOT / "benchmarks" / "results" / "messaging_unread.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
