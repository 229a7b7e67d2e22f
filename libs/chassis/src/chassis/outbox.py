"""Transactional outbox: `add` inside the use case's transaction, `OutboxRelay` ships rows to Kafka.

Only one relay per service publishes at a time (a PostgreSQL advisory lock elects it), so rows
leave in `id` order and each company's events keep their order on its partition. A row is
deleted only after Kafka acknowledged it (acks=all, idempotent producer); a crash in between
publishes it again, which the consumers' inbox makes harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import asyncpg
from pydantic import BaseModel

from chassis.db import Conn
from chassis.logs import get_logger
from chassis.tracing import current_trace_headers
from contracts import Envelope

log = get_logger(__name__)

NOTIFY_CHANNEL = "outbox"
# Advisory lock key: one per database, and each service has its own database.
RELAY_LOCK_KEY = 0x0B0C


async def add(conn: Conn, envelope: Envelope[Any], *, key: str | None = None) -> None:
    """Queue an event in the caller's transaction. `key` orders events (usually the company)."""
    if not conn.is_in_transaction():
        raise RuntimeError("outbox.add must run inside the use case's transaction")
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, key, payload, headers) VALUES ($1, $2, $3, $4, $5)",
        envelope.event_id,
        envelope.event_type,
        key,
        envelope.model_dump(mode="json"),
        current_trace_headers(),
    )
    # Delivered at commit only; wakes the relay instead of waiting for its next poll.
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)


class Publisher(Protocol):
    async def send(
        self, topic: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> Awaitable[Any]: ...


def encode(payload: Any) -> bytes:
    if isinstance(payload, BaseModel):
        return payload.model_dump_json().encode()
    return json.dumps(payload, separators=(",", ":")).encode()


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        send: Callable[..., Awaitable[Awaitable[Any]]],
        *,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
    ) -> None:
        self._pool = pool
        self._send = send
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    async def relay_batch(self) -> int:
        """Publish up to one batch in order; return how many rows left the outbox."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT id, topic, key, payload, headers FROM outbox"
                " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch_size,
            )
            if not rows:
                return 0
            # send() enqueues and returns a delivery future; awaiting them all lets the
            # producer batch the records while the order per partition is preserved.
            deliveries = [
                await self._send(
                    row["topic"],
                    value=encode(row["payload"]),
                    key=row["key"].encode() if row["key"] else None,
                    headers=[(k, str(v).encode()) for k, v in row["headers"].items()],
                )
                for row in rows
            ]
            await asyncio.gather(*deliveries)
            await conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
            )
            return len(rows)

    async def run(self) -> None:
        """Relay forever; returns only by cancellation."""
        async with self._pool.acquire() as conn:
            # A standby relay polls the lock: PostgreSQL has no notification for its release.
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):  # noqa: ASYNC110
                await asyncio.sleep(self._poll_seconds)
            log.info("outbox relay elected")
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            try:
                while True:
                    self._wake.clear()
                    try:
                        moved = await self.relay_batch()
                    except (TimeoutError, OSError, asyncpg.PostgresConnectionError) as error:
                        log.warning(
                            "outbox relay retrying after a transient error", error=str(error)
                        )
                        moved = 0
                    if moved < self._batch_size:
                        await self._sleep_until_woken()
            finally:
                await conn.remove_listener(NOTIFY_CHANNEL, self._on_notify)
                await conn.execute("SELECT pg_advisory_unlock($1)", RELAY_LOCK_KEY)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _sleep_until_woken(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
