"""The consumer pipeline (envelope -> handler -> inbox, or DLQ) on the real PostgreSQL.

Kafka is FastStream's TestKafkaBroker here; `test_consumer_kafka.py` repeats the essentials on
the real broker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from chassis.db import Conn
from chassis.kafka import EventConsumer, Route
from chassis.testing import open_test_pool
from contracts import Envelope, new_envelope
from contracts.auth import OrgUpdated


@pytest.fixture
async def pool(empty_database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(empty_database)
    await pool.execute("CREATE TABLE names (org_id uuid, name text)")
    yield pool
    await pool.close()


class Harness:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.broker = KafkaBroker("localhost:9092")
        self.dead: list[KafkaMessage] = []
        self.failures: list[BaseException] = []
        consumer = EventConsumer(self.broker, lambda: pool, consumer="test", group_id="test")
        consumer.subscribe(Route("org.updated", {1: self.rename}))

        @self.broker.subscriber("org.updated.dlq", group_id="dlq-watch")
        async def on_dead(msg: KafkaMessage) -> None:
            self.dead.append(msg)

    async def rename(self, conn: Conn, event: Envelope[Any]) -> str:
        if self.failures:
            raise self.failures.pop(0)
        await conn.execute("INSERT INTO names VALUES ($1, $2)", event.data.org_id, event.data.name)
        return "renamed"


@pytest.fixture
def harness(pool: asyncpg.Pool) -> Harness:
    return Harness(pool)


def _event(name: str = "Nowa nazwa") -> bytes:
    envelope = new_envelope("org.updated", 1, OrgUpdated(org_id=uuid4(), name=name), producer="t")
    return envelope.model_dump_json().encode()


async def test_an_event_is_applied_once_even_when_delivered_twice(harness: Harness) -> None:
    body = _event()
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(body, topic="org.updated")
        await broker.publish(body, topic="org.updated")
    assert await harness.pool.fetchval("SELECT count(*) FROM names") == 1
    assert await harness.pool.fetchval("SELECT effect FROM inbox") == "renamed"
    assert harness.dead == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b'{"event_id": "1", "data": {}}',
        _event().replace(b'"event_version":1', b'"event_version":7'),
        _event().replace(b'"name":"Nowa nazwa"', b'"name":""'),
    ],
    ids=["not-json", "no-envelope", "unknown-version", "invalid-data"],
)
async def test_an_invalid_payload_goes_to_the_dead_letter_topic(
    harness: Harness, body: bytes
) -> None:
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(body, topic="org.updated", key=b"k")
    [dead] = harness.dead
    assert dead.body == body
    assert dead.headers["dlq-reason"] == "invalid_payload"
    assert dead.headers["dlq-consumer"] == "test"
    assert await harness.pool.fetchval("SELECT count(*) FROM inbox") == 0


async def test_a_transient_error_is_retried_in_place(harness: Harness) -> None:
    harness.failures = [ConnectionResetError("db blip"), ConnectionResetError("db blip")]
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(_event(), topic="org.updated")
    assert await harness.pool.fetchval("SELECT count(*) FROM names") == 1
    assert harness.dead == []


async def test_a_permanent_handler_failure_is_dead_lettered_and_nothing_is_written(
    harness: Harness,
) -> None:
    harness.failures = [ValueError("cannot apply")]
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(_event(), topic="org.updated")
    [dead] = harness.dead
    assert dead.headers["dlq-reason"] == "handler_failed"
    assert "cannot apply" in dead.headers["dlq-error"]
    assert await harness.pool.fetchval("SELECT count(*) FROM names") == 0
