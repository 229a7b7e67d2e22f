"""Batched consumption for high-volume topics: many events per transaction, still exactly once.

A `BatchRoute` is a `Route` with an extra handler that applies a list of events on one
connection. The worker subscribes it in FastStream's batch mode (`max_records` per poll), and
for each poll:

1. envelopes that do not parse, or versions nobody handles, go to `<topic>.dlq` one by one;
2. the rest are applied in ONE transaction by `process_batch`: their inbox rows are inserted
   with one statement (`unnest`), already-handled ids are dropped, the batch handler applies
   the fresh ones, and the effects are written back with one more statement;
3. named transient errors retry the whole transaction a few times, then the batch is nacked
   (every partition rewinds to its first record) and comes back; the inbox makes that safe;
4. any other failure rolls the batch back and replays it one event at a time through the
   route's per-event handler, so only the event that really fails goes to the DLQ.

Offsets are committed only after the whole poll is handled, as for single events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from pydantic import ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from chassis.db import Conn
from chassis.inbox import process_once
from chassis.kafka import TRANSIENT_ERRORS, Route
from chassis.logs import get_logger
from contracts import Envelope, RawEnvelope, event_spec

log = get_logger(__name__)

# Applies many events (inside the transaction) and returns one effect per event, in order.
BatchEffectHandler = Callable[[Conn, list[Envelope[Any]]], Awaitable[list[str]]]


@dataclass(frozen=True)
class BatchRoute(Route):
    """A route whose events (by version) may also be applied many at a time."""

    batch_handlers: Mapping[int, BatchEffectHandler] = field(default_factory=dict)
    max_records: int = 200
    batch_timeout_ms: int = 50


async def process_batch(
    pool: asyncpg.Pool,
    consumer: str,
    envelopes: Sequence[Envelope[Any]],
    handler: BatchEffectHandler,
) -> int:
    """Apply `handler` to the envelopes this consumer has not handled yet, in one transaction;
    return how many it applied."""
    # Sorted, so two overlapping batches (a rebalance) take the inbox keys in the same order
    # and wait for each other instead of deadlocking.
    ids = sorted({e.event_id for e in envelopes})
    types = {e.event_id: e.event_type for e in envelopes}
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            "INSERT INTO inbox (consumer, event_id, event_type)"
            " SELECT $1, e.id, e.type FROM unnest($2::uuid[], $3::text[]) AS e(id, type)"
            " ORDER BY e.id ON CONFLICT DO NOTHING RETURNING event_id",
            consumer,
            ids,
            [types[i] for i in ids],
        )
        claimed = {r["event_id"] for r in rows}
        fresh: list[Envelope[Any]] = []
        for envelope in envelopes:  # the first of duplicates within the batch wins
            if envelope.event_id in claimed:
                claimed.discard(envelope.event_id)
                fresh.append(envelope)
        if not fresh:
            return 0
        effects = await handler(conn, fresh)
        await conn.execute(
            "UPDATE inbox SET effect = e.effect"
            " FROM unnest($2::uuid[], $3::text[]) AS e(id, effect)"
            " WHERE inbox.consumer = $1 AND inbox.event_id = e.id",
            consumer,
            [e.event_id for e in fresh],
            list(effects),
        )
        return len(fresh)


class BatchEventConsumer:
    """Subscribes `BatchRoute`s in batch mode; the counterpart of `EventConsumer`."""

    def __init__(
        self,
        broker: KafkaBroker,
        pool: Callable[[], asyncpg.Pool],
        *,
        consumer: str,
        group_id: str,
        transient_attempts: int = 5,
    ) -> None:
        self._broker = broker
        self._pool = pool
        self._consumer = consumer
        self._group_id = group_id
        self._attempts = transient_attempts

    def subscribe(self, route: BatchRoute) -> None:
        async def on_batch(msg: KafkaMessage) -> None:
            records: Any = msg.raw_message
            batch = records if isinstance(records, tuple | list) else [records]
            await self.handle(route, list(batch))

        self._broker.subscriber(
            route.topic,
            group_id=self._group_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            batch=True,
            max_records=route.max_records,
            batch_timeout_ms=route.batch_timeout_ms,
            title=f"{self._consumer}:{route.topic}",
        )(on_batch)

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            retry=retry_if_exception_type(TRANSIENT_ERRORS),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.2, max=5),
            reraise=True,
        )

    async def handle(self, route: BatchRoute, records: list[ConsumerRecord[Any, Any]]) -> None:
        parsed: list[tuple[ConsumerRecord[Any, Any], Envelope[Any]]] = []
        for record in records:
            try:
                parsed.append((record, self._envelope(route, record.value or b"")))
            except (ValidationError, LookupError) as error:
                await self.dead_letter(route.topic, record, "invalid_payload", error)
        for version in sorted({e.event_version for _, e in parsed}):
            group = [(r, e) for r, e in parsed if e.event_version == version]
            batch = route.batch_handlers.get(version)
            if batch is not None:
                try:
                    async for attempt in self._retrying():
                        with attempt:
                            await process_batch(
                                self._pool(), self._consumer, [e for _, e in group], batch
                            )
                    continue
                except TRANSIENT_ERRORS:
                    log.warning("batch left for redelivery", topic=route.topic, size=len(group))
                    raise
                except Exception:  # noqa: BLE001 - find the event that fails, below
                    log.exception("batch failed; applying its events one by one")
            for record, envelope in group:
                await self._one(route, record, envelope)

    def _envelope(self, route: Route, body: bytes) -> Envelope[Any]:
        raw = RawEnvelope.model_validate_json(body)
        spec = event_spec(raw.event_type, raw.event_version)
        if spec is None or raw.event_version not in route.handlers or raw.event_type != route.topic:
            raise LookupError(f"no handler for {raw.event_type} v{raw.event_version}")
        return Envelope[spec.data].model_validate(raw.model_dump())  # type: ignore[name-defined]

    async def _one(
        self, route: Route, record: ConsumerRecord[Any, Any], envelope: Envelope[Any]
    ) -> None:
        handler = route.handlers[envelope.event_version]
        try:
            async for attempt in self._retrying():
                with attempt:
                    await process_once(self._pool(), self._consumer, envelope, handler)
        except TRANSIENT_ERRORS:
            log.warning("event left for redelivery", event_id=str(envelope.event_id))
            raise
        except Exception as error:  # noqa: BLE001 - any other failure is permanent for this event
            log.exception("event handler failed", event_id=str(envelope.event_id))
            await self.dead_letter(route.topic, record, "handler_failed", error)

    async def dead_letter(
        self, topic: str, record: ConsumerRecord[Any, Any], reason: str, error: Exception
    ) -> None:
        log.error(
            "event sent to the dead-letter topic", topic=topic, reason=reason, error=str(error)
        )
        await self._broker.publish(
            record.value,
            topic=f"{topic}.dlq",
            key=record.key,
            headers={
                "dlq-reason": reason,
                "dlq-error": str(error)[:1000],
                "dlq-consumer": self._consumer,
                "dlq-offset": f"{record.partition}:{record.offset}",
            },
        )
