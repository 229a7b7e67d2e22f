"""The live resources of one service process: pool, Kafka consumers, outbox relay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Request

from chassis.batching import BatchEventConsumer, BatchRoute
from chassis.db import open_pool
from chassis.kafka import EventConsumer, Route, make_broker
from chassis.logs import get_logger
from chassis.outbox import OutboxRelay
from chassis.settings import ServiceSettings

log = get_logger(__name__)


@dataclass(frozen=True)
class ServiceDefinition:
    """What a service plugs into the chassis; built once in the service's `main.py`."""

    name: str
    settings_cls: type[ServiceSettings]
    migrations: Path
    routers: Callable[[], Sequence[APIRouter]] = field(default=lambda: ())
    routes: Callable[[Runtime], Sequence[Route]] = field(default=lambda _: ())
    # Long-running loops of the worker (schedulers): started after the consumers and the
    # relay, cancelled on stop; one that ends or fails makes the worker not ready.
    background: Callable[[Runtime], Sequence[Callable[[], Awaitable[None]]]] = field(
        default=lambda _: ()
    )
    description: str = ""
    # Long requests (event streams) are cut after this many seconds on shutdown, so pods stop
    # within their grace period; None waits for them.
    shutdown_grace_seconds: int | None = None


class Runtime:
    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings) -> None:
        self.definition = definition
        self.settings = settings
        self._pool: asyncpg.Pool | None = None
        self._broker: Any = None
        self._producer: AIOKafkaProducer | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._background: list[asyncio.Task[None]] = []

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the database pool is not open")
        return self._pool

    async def open_database(self) -> None:
        s = self.settings
        self._pool = await open_pool(
            s.database_url.get_secret_value(),
            min_size=s.db_pool_min,
            max_size=s.db_pool_max,
            connect_timeout=s.startup_timeout_seconds,
        )

    async def start_worker(self) -> None:
        """Consumers on every route of the service, and the outbox relay."""
        s = self.settings
        self._broker = make_broker(s.kafka_bootstrap_servers, self.definition.name)
        consumer = EventConsumer(
            self._broker,
            lambda: self.pool,
            consumer=self.definition.name,
            group_id=s.kafka_group_id or self.definition.name,
        )
        batch_consumer = BatchEventConsumer(
            self._broker,
            lambda: self.pool,
            consumer=self.definition.name,
            group_id=s.kafka_group_id or self.definition.name,
        )
        for route in self.definition.routes(self):
            if isinstance(route, BatchRoute):
                batch_consumer.subscribe(route)
            else:
                consumer.subscribe(route)
        await self._broker.start()
        self._producer = AIOKafkaProducer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            client_id=f"{self.definition.name}-outbox",
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
        )
        await self._producer.start()
        relay = OutboxRelay(
            self.pool,
            self._producer.send,
            batch_size=s.outbox_batch_size,
            poll_seconds=s.outbox_poll_seconds,
        )
        self._relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
        for index, loop in enumerate(self.definition.background(self)):
            self._background.append(asyncio.create_task(_forever(loop), name=f"background-{index}"))

    async def check_database(self) -> None:
        await self.pool.fetchval("SELECT 1")

    async def check_worker(self) -> None:
        if self._relay_task is None or self._relay_task.done():
            raise RuntimeError("outbox relay is not running")
        if self._broker is None or not await self._broker.ping(timeout=3):
            raise RuntimeError("Kafka does not answer")
        if any(task.done() for task in self._background):
            raise RuntimeError("a background loop has stopped")

    async def stop(self) -> None:
        for task in [*self._background, self._relay_task]:
            if task is None:
                continue
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._broker is not None:
            await self._broker.stop()
        if self._producer is not None:
            await self._producer.stop()
        if self._pool is not None:
            await self._pool.close()


async def _forever(loop: Callable[[], Awaitable[None]]) -> None:
    try:
        await loop()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("background loop failed")
        raise


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_pool(request: Request) -> asyncpg.Pool:
    return get_runtime(request).pool
