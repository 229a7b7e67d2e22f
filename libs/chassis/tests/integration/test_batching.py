"""Batched consumption on the real PostgreSQL: one transaction per poll, once, DLQ per event.

Kafka is FastStream's TestKafkaBroker, which hands a batch subscriber each published batch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from chassis.batching import BatchEventConsumer, BatchRoute, process_batch
from chassis.db import Conn
from chassis.testing import open_test_pool
from contracts import Envelope, new_envelope
from contracts.auth import OrgUpdated


@pytest.fixture
async def pool(empty_database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(empty_database)
    await pool.execute("CREATE TABLE names (org_id uuid, name text)")
    yield pool
    await pool.close()


def _envelope(name: str = "Nowa nazwa") -> Envelope[Any]:
    return new_envelope("org.updated", 1, OrgUpdated(org_id=uuid4(), name=name), producer="t")


class Harness:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.broker = KafkaBroker("localhost:9092")
        self.dead: list[KafkaMessage] = []
        self.batches: list[int] = []
        consumer = BatchEventConsumer(self.broker, lambda: pool, consumer="test", group_id="t")
        consumer.subscribe(
            BatchRoute("org.updated", {1: self.rename}, batch_handlers={1: self.rename_many})
        )

        @self.broker.subscriber("org.updated.dlq", group_id="dlq-watch")
        async def on_dead(msg: KafkaMessage) -> None:
            self.dead.append(msg)

    async def rename(self, conn: Conn, event: Envelope[Any]) -> str:
        if event.data.name == "zła":
            raise ValueError("cannot apply")
        await conn.execute("INSERT INTO names VALUES ($1, $2)", event.data.org_id, event.data.name)
        return "renamed"

    async def rename_many(self, conn: Conn, events: list[Envelope[Any]]) -> list[str]:
        self.batches.append(len(events))
        return [await self.rename(conn, e) for e in events]


@pytest.fixture
def harness(pool: asyncpg.Pool) -> Harness:
    return Harness(pool)


async def test_a_batch_is_applied_in_one_go_and_a_redelivery_does_nothing(
    pool: asyncpg.Pool,
) -> None:
    events = [_envelope(f"Firma {n}") for n in range(5)]
    seen: list[int] = []

    async def handler(conn: Conn, batch: list[Envelope[Any]]) -> list[str]:
        seen.append(len(batch))
        await conn.executemany(
            "INSERT INTO names VALUES ($1, $2)", [(e.data.org_id, e.data.name) for e in batch]
        )
        return [f"renamed {e.data.name}" for e in batch]

    assert await process_batch(pool, "test", events + events[:2], handler) == 5
    assert await process_batch(pool, "test", events, handler) == 0
    assert seen == [5]
    assert await pool.fetchval("SELECT count(*) FROM names") == 5
    effects = await pool.fetch("SELECT effect FROM inbox ORDER BY effect")
    assert [r["effect"] for r in effects] == [f"renamed Firma {n}" for n in range(5)]


async def test_a_failing_batch_leaves_nothing_behind(pool: asyncpg.Pool) -> None:
    async def handler(conn: Conn, batch: list[Envelope[Any]]) -> list[str]:
        await conn.execute("INSERT INTO names VALUES ($1, 'x')", batch[0].data.org_id)
        raise ValueError("cannot apply")

    with pytest.raises(ValueError, match="cannot apply"):
        await process_batch(pool, "test", [_envelope()], handler)
    assert await pool.fetchval("SELECT count(*) FROM names") == 0
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0


async def test_the_consumer_applies_a_poll_as_one_batch(harness: Harness) -> None:
    bodies = [_envelope(f"Firma {n}").model_dump_json().encode() for n in range(4)]
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish_batch(*bodies, topic="org.updated")
        await broker.publish_batch(*bodies, topic="org.updated")
    assert harness.batches == [4]
    assert await harness.pool.fetchval("SELECT count(*) FROM names") == 4
    assert harness.dead == []


async def test_one_bad_event_is_dead_lettered_and_the_rest_applied(harness: Harness) -> None:
    good = [_envelope(f"Firma {n}") for n in range(3)]
    bad = _envelope("zła")
    bodies = [e.model_dump_json().encode() for e in [good[0], bad, *good[1:]]]
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish_batch(b"not json at all", *bodies, topic="org.updated")
    names = await harness.pool.fetch("SELECT name FROM names ORDER BY name")
    assert [r["name"] for r in names] == ["Firma 0", "Firma 1", "Firma 2"]
    reasons = sorted(d.headers["dlq-reason"] for d in harness.dead)
    assert reasons == ["handler_failed", "invalid_payload"]
    assert await harness.pool.fetchval("SELECT count(*) FROM inbox") == 3
