"""Idempotent consumers: each event's id is recorded with its effect, in the effect's transaction.

A redelivered event (a consumer killed after its commit but before the Kafka offset commit)
finds its id already recorded and does nothing. A concurrent duplicate blocks on the primary
key until the first transaction ends, then also does nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from chassis.db import Conn
from contracts import Envelope

# A handler applies one event on the given connection (inside the transaction) and returns a
# short description of its effect, kept in the inbox for operators ("company 42 created").
EffectHandler = Callable[[Conn, Envelope[Any]], Awaitable[str]]


async def process_once(
    pool: asyncpg.Pool, consumer: str, envelope: Envelope[Any], handler: EffectHandler
) -> bool:
    """Apply `handler` unless this consumer already has; return whether it ran."""
    async with pool.acquire() as conn, conn.transaction():
        claimed = await conn.fetchval(
            "INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING true",
            consumer,
            envelope.event_id,
            envelope.event_type,
        )
        if not claimed:
            return False
        effect = await handler(conn, envelope)
        await conn.execute(
            "UPDATE inbox SET effect = $3 WHERE consumer = $1 AND event_id = $2",
            consumer,
            envelope.event_id,
            effect,
        )
        return True
