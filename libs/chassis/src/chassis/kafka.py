"""Kafka plumbing: the broker, topic creation, and the consumer pipeline with inbox and DLQ.

Pipeline per message: parse the envelope -> pick the handler for (event_type, event_version)
-> apply it once (inbox) -> commit the offset. A payload that does not parse, or an event
version nobody handles, or a handler failing for a non-transient reason goes to
`<topic>.dlq` with the reason in its headers, and the offset moves on: nothing is lost and
one bad message does not block its partition. Named transient errors are retried a few
times in place; if they persist the message is nacked (the offset rewinds) and comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from pydantic import ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from chassis.db import StartupError
from chassis.inbox import EffectHandler, process_once
from chassis.logs import get_logger
from contracts import TOPICS, Envelope, RawEnvelope, event_spec
from contracts.topics import DLQ_PARTITIONS

log = get_logger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError,
)


def make_broker(bootstrap_servers: str, service: str) -> KafkaBroker:
    return KafkaBroker(
        bootstrap_servers,
        client_id=service,
        middlewares=[KafkaTelemetryMiddleware()],
        # Through the root handler (JSON), and per-message lines only at DEBUG.
        logger=logging.getLogger("faststream"),
        log_level=logging.DEBUG,
        # The relay uses its own producer; this one only writes to DLQs.
        enable_idempotence=True,
        acks="all",
    )


async def check_kafka(
    bootstrap_servers: str, needed_topics: set[str], connect_timeout: float
) -> None:
    """One clear failure when Kafka is unreachable or a topic this service needs is missing."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
    try:
        await asyncio.wait_for(admin.start(), connect_timeout)
        existing = set(await admin.list_topics())
    except (KafkaError, OSError, TimeoutError) as error:
        raise StartupError(
            f"Kafka at {bootstrap_servers} is unreachable: {type(error).__name__} {error}"
        ) from error
    finally:
        await admin.close()
    missing = sorted(needed_topics - existing)
    if missing:
        raise StartupError(f"Kafka topics missing: {', '.join(missing)} (run topic creation)")


async def ensure_topics(bootstrap_servers: str) -> list[str]:
    """Create every topic of `contracts.TOPICS` and its DLQ that does not exist yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [NewTopic(t.name, t.partitions, 1) for t in TOPICS]
        wanted += [NewTopic(t.dlq, DLQ_PARTITIONS, 1) for t in TOPICS]
        new = [t for t in wanted if t.name not in existing]
        if new:
            await admin.create_topics(new)
        return [t.name for t in new]
    finally:
        await admin.close()


@dataclass(frozen=True)
class Route:
    """Handlers of one topic, by event version."""

    topic: str
    handlers: Mapping[int, EffectHandler]


class EventConsumer:
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

    def subscribe(self, route: Route) -> None:
        async def on_message(msg: KafkaMessage) -> None:
            await self.handle(route, msg)

        self._broker.subscriber(
            route.topic,
            group_id=self._group_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self._consumer}:{route.topic}",
        )(on_message)

    async def handle(self, route: Route, msg: KafkaMessage) -> None:
        try:
            raw = RawEnvelope.model_validate_json(msg.body)
            spec = event_spec(raw.event_type, raw.event_version)
            handler = route.handlers.get(raw.event_version)
            if spec is None or handler is None or raw.event_type != route.topic:
                raise LookupError(f"no handler for {raw.event_type} v{raw.event_version}")
            envelope = Envelope[spec.data].model_validate(raw.model_dump())  # type: ignore[name-defined]
        except (ValidationError, LookupError) as error:
            await self.dead_letter(route.topic, msg, "invalid_payload", error)
            return
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(TRANSIENT_ERRORS),
                stop=stop_after_attempt(self._attempts),
                wait=wait_exponential(multiplier=0.2, max=5),
                reraise=True,
            ):
                with attempt:
                    await process_once(self._pool(), self._consumer, envelope, handler)
        except TRANSIENT_ERRORS:
            log.warning("event left for redelivery", event_id=str(envelope.event_id))
            raise
        except Exception as error:  # noqa: BLE001 - any other failure is permanent for this event
            log.exception("event handler failed", event_id=str(envelope.event_id))
            await self.dead_letter(route.topic, msg, "handler_failed", error)

    async def dead_letter(
        self, topic: str, msg: KafkaMessage, reason: str, error: Exception
    ) -> None:
        log.error(
            "event sent to the dead-letter topic", topic=topic, reason=reason, error=str(error)
        )
        await self._broker.publish(
            msg.body,
            topic=f"{topic}.dlq",
            key=msg.raw_message.key,  # type: ignore[union-attr]
            headers={
                "dlq-reason": reason,
                "dlq-error": str(error)[:1000],
                "dlq-consumer": self._consumer,
                "dlq-offset": f"{msg.raw_message.partition}:{msg.raw_message.offset}",  # type: ignore[union-attr]
            },
        )


def topics_of(routes: list[Route]) -> set[str]:
    return {r.topic for r in routes} | {f"{r.topic}.dlq" for r in routes}
