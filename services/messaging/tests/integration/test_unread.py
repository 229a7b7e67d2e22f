"""Unread counts come from per-thread counters and per-reader marks, never from counting
messages; the migration that introduced them keeps every earlier count."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from chassis.migrations import apply_migrations
from chassis.tenancy import scope
from chassis.testing import TokenFactory, create_database, drop_database, seed_org
from chassis.tokens import Principal
from messaging.main import DEFINITION
from messaging.repository import UNREAD_TOTAL


def relations(plan: Any) -> set[str]:
    """Every table or index a plan reads."""
    found: set[str] = set()
    if isinstance(plan, dict):
        for key in ("Relation Name", "Index Name"):
            if key in plan:
                found.add(plan[key])
        for value in plan.values():
            found |= relations(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= relations(item)
    return found


async def test_the_unread_total_never_reads_the_messages(pool: asyncpg.Pool) -> None:
    office = uuid4()
    callers = [
        Principal(uuid4(), office, "office", "admin"),
        Principal(uuid4(), office, "office", "employee", all_clients=False),
        Principal(uuid4(), uuid4(), "company", "owner"),
    ]
    for caller in callers:
        clause, params = scope(caller, "t.company_id", 2)
        raw = await pool.fetchval(
            "EXPLAIN (FORMAT JSON) " + UNREAD_TOTAL.format(clause=clause),
            caller.user_id,
            *params,
        )
        read = relations(json.loads(raw))
        assert "threads" in read or "threads_company_counts" in read, read
        assert not any(r.startswith("messages") for r in read), read


async def test_own_messages_are_never_unread_and_reading_clears_the_rest(
    api: httpx.AsyncClient, pool: asyncpg.Pool, tokens: TokenFactory, people: Any
) -> None:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office)
    clerk, _ = await people.add(office, kind="office", role="employee")
    owner, _ = await people.add(company, kind="company", role="owner")
    clerk_h = tokens.headers(office, org_kind="office", role="employee", user_id=clerk)
    owner_h = tokens.headers(company, org_kind="company", role="owner", user_id=owner)

    async def unread(headers: dict[str, str]) -> int:
        count: int = (await api.get("/threads/unread", headers=headers)).json()["unread"]
        return count

    started = await api.post("/threads", json={"subject": "S", "body": "1"}, headers=owner_h)
    thread = started.json()["thread"]["id"]
    for body in ("2", "3"):
        await api.post(f"/threads/{thread}/messages", json={"body": body}, headers=owner_h)
    assert (await unread(owner_h), await unread(clerk_h)) == (0, 3)
    await api.post(f"/threads/{thread}/messages", json={"body": "4"}, headers=clerk_h)
    # Writing is reading: the clerk has seen the owner's three messages too.
    assert (await unread(owner_h), await unread(clerk_h)) == (1, 0)
    [listed] = (await api.get("/threads", headers=owner_h)).json()["items"]
    assert listed["unread"] == 1
    assert (await api.post(f"/threads/{thread}/read", headers=owner_h)).status_code == 204
    assert await unread(owner_h) == 0


OLD_UNREAD = (
    "SELECT count(*) FROM messages m LEFT JOIN thread_reads r"
    " ON r.thread_id = m.thread_id AND r.user_id = $2"
    " WHERE m.thread_id = $1 AND m.seq > COALESCE(r.last_read_seq, 0)"
    " AND m.author_user_id IS DISTINCT FROM $2"
)
NEW_UNREAD = (
    "SELECT GREATEST(t.message_count - COALESCE(r.read_count, 0), 0) FROM threads t"
    " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $2 WHERE t.id = $1"
)


async def _history(conn: asyncpg.Connection, users: list[UUID]) -> list[UUID]:
    """Two threads written with the schema before the counters: messages by several people
    and the system, read marks at various points, authors who never marked anything read."""
    a, b, c, _ = users
    threads = []
    for authors, reads in (
        ([a, a, b, None, b, a], {a: 2, c: 1}),
        ([b, None, c, c], {b: 4, a: 3}),
    ):
        thread = uuid4()
        threads.append(thread)
        await conn.execute(
            "INSERT INTO threads (id, company_id, subject) VALUES ($1, $2, 'S')", thread, uuid4()
        )
        seqs = []
        for author in authors:
            seq = await conn.fetchval(
                "INSERT INTO messages (id, thread_id, author_user_id, author_side, body)"
                " VALUES ($1, $2, $3, 'company', 'x') RETURNING seq",
                uuid4(),
                thread,
                author,
            )
            seqs.append(seq)
        await conn.execute("UPDATE threads SET last_seq = $2 WHERE id = $1", thread, seqs[-1])
        for reader, upto in reads.items():
            await conn.execute(
                "INSERT INTO thread_reads (thread_id, user_id, last_read_seq) VALUES ($1, $2, $3)",
                thread,
                reader,
                seqs[upto - 1],
            )
    return threads


async def test_the_counter_migration_keeps_every_earlier_unread_count(tmp_path: Path) -> None:
    """Migrate up to 0002, write history the old way, then apply 0003: every reader's unread
    count per thread is what the old query (counting messages) gave."""
    migrations = Path(DEFINITION.migrations)
    for old in ("0001_messaging.sql", "0002_suspended_members.sql"):
        shutil.copy(migrations / old, tmp_path / old)
    dsn = await create_database(tmp_path)
    try:
        conn = await asyncpg.connect(dsn)
        try:
            users = [uuid4() for _ in range(4)]
            threads = await _history(conn, users)
            pairs = [(t, u) for t in threads for u in users]
            expected = [await conn.fetchval(OLD_UNREAD, t, u) for t, u in pairs]
            assert sum(expected) > 0
            apply_migrations(dsn, migrations)
            assert [await conn.fetchval(NEW_UNREAD, t, u) for t, u in pairs] == expected
        finally:
            await conn.close()
    finally:
        await drop_database(dsn)
