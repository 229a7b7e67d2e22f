"""The outbox against the real PostgreSQL and Kafka of the test stack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from chassis import outbox
from chassis.outbox import OutboxRelay
from chassis.testing import open_test_pool
from contracts import RawEnvelope, new_envelope, topic
from contracts.auth import OrgUpdated


@pytest.fixture
async def pool(empty_database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(empty_database)
    yield pool
    await pool.close()


def _renamed(org: Any, name: str) -> Any:
    return new_envelope("org.updated", 1, OrgUpdated(org_id=org, name=name), producer="test")


async def test_add_refuses_to_write_outside_a_transaction(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError, match="inside the use case's transaction"):
            await outbox.add(conn, _renamed(uuid4(), "x"))


async def _add_then_fail(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, _renamed(uuid4(), "x"))
        raise ZeroDivisionError


async def test_a_rolled_back_use_case_leaves_no_event(pool: asyncpg.Pool) -> None:
    with pytest.raises(ZeroDivisionError):
        await _add_then_fail(pool)
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_relay_publishes_in_order_with_keys_then_empties_the_outbox(
    pool: asyncpg.Pool, kafka_bootstrap: str
) -> None:
    org = uuid4()
    names = [f"name {i}" for i in range(30)]
    async with pool.acquire() as conn, conn.transaction():
        for name in names:
            await outbox.add(conn, _renamed(org, name), key=str(org))
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        partitions = [
            TopicPartition("org.updated", p) for p in range(topic("org.updated").partitions)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end()
        ends = {tp: await consumer.position(tp) for tp in partitions}
        relay = OutboxRelay(pool, producer.send, batch_size=7)
        while await relay.relay_batch():
            pass
        seen: list[str] = []
        for tp, start in ends.items():
            consumer.seek(tp, start)
        async with asyncio.timeout(30):
            while len(seen) < len(names):
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        event = RawEnvelope.model_validate_json(record.value)
                        if record.key == str(org).encode():
                            seen.append(event.data["name"])
        assert seen == names
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    finally:
        await consumer.stop()
        await producer.stop()


async def test_rows_stay_in_the_outbox_when_kafka_does_not_acknowledge(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, _renamed(uuid4(), "x"))

    async def failing_send(*_: Any, **__: Any) -> Any:
        raise OSError("broker gone")

    with pytest.raises(OSError, match="broker gone"):
        await OutboxRelay(pool, failing_send).relay_batch()
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1


async def test_the_current_trace_travels_with_the_event(pool: asyncpg.Pool) -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("use case") as span:
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, _renamed(uuid4(), "x"))
        trace_id = format(span.get_span_context().trace_id, "032x")
    headers = await pool.fetchval("SELECT headers FROM outbox")
    assert headers["traceparent"].split("-")[1] == trace_id
    assert trace.get_current_span().get_span_context().is_valid is False
