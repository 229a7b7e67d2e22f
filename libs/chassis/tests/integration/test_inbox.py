"""The inbox against the real PostgreSQL of the test stack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from chassis.db import Conn
from chassis.inbox import process_once
from chassis.testing import open_test_pool
from contracts import Envelope, new_envelope
from contracts.auth import OrgUpdated


@pytest.fixture
async def pool(empty_database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(empty_database)
    await pool.execute(
        "CREATE TABLE effects (event_id uuid NOT NULL, applied_at timestamptz DEFAULT now())"
    )
    yield pool
    await pool.close()


async def _count_effect(conn: Conn, event: Envelope[Any]) -> str:
    await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", event.event_id)
    await asyncio.sleep(0.05)  # widen the window in which a concurrent duplicate could slip in
    return f"effect of {event.event_id}"


async def test_a_redelivered_event_does_nothing_the_second_time(pool: asyncpg.Pool) -> None:
    event = new_envelope("org.updated", 1, OrgUpdated(org_id=uuid4(), name="A"), producer="t")
    assert await process_once(pool, "c", event, _count_effect) is True
    assert await process_once(pool, "c", event, _count_effect) is False
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
    [row] = await pool.fetch("SELECT consumer, event_type, effect FROM inbox")
    assert dict(row) == {
        "consumer": "c",
        "event_type": "org.updated",
        "effect": f"effect of {event.event_id}",
    }


async def test_concurrent_duplicates_apply_once(pool: asyncpg.Pool) -> None:
    event = new_envelope("org.updated", 1, OrgUpdated(org_id=uuid4(), name="A"), producer="t")
    results = await asyncio.gather(
        *(process_once(pool, "c", event, _count_effect) for _ in range(5))
    )
    assert sorted(results) == [False] * 4 + [True]
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1


async def test_a_failing_effect_leaves_no_inbox_record_so_it_is_retried(pool: asyncpg.Pool) -> None:
    event = new_envelope("org.updated", 1, OrgUpdated(org_id=uuid4(), name="A"), producer="t")

    async def broken(conn: Conn, ev: Envelope[Any]) -> str:
        await _count_effect(conn, ev)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await process_once(pool, "c", event, broken)
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0
    assert await pool.fetchval("SELECT count(*) FROM effects") == 0
    assert await process_once(pool, "c", event, _count_effect) is True


async def test_each_consumer_has_its_own_record(pool: asyncpg.Pool) -> None:
    event = new_envelope("org.updated", 1, OrgUpdated(org_id=uuid4(), name="A"), producer="t")
    assert await process_once(pool, "taxes", event, _count_effect)
    assert await process_once(pool, "files", event, _count_effect)
    assert await pool.fetchval("SELECT count(*) FROM effects") == 2
