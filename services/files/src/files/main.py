"""files: the files an office and its client companies exchange; bytes in MinIO."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from chassis import tenancy
from chassis.cli import run
from chassis.logs import get_logger
from chassis.runtime import Runtime, ServiceDefinition
from files import services
from files.api import router
from files.config import Settings
from files.storage import MinioStore

log = get_logger(__name__)


async def sweep_forever(runtime: Runtime, settings: Settings) -> None:
    """Remove abandoned pending uploads and the bytes of deleted files (the worker's loop;
    replicas share the work through SKIP LOCKED)."""
    store = MinioStore(settings)
    try:
        while True:
            try:
                await services.sweep(
                    runtime.pool, store, pending_seconds=settings.pending_upload_seconds
                )
            except Exception:  # noqa: BLE001 - a failed sweep is retried on the next round
                log.exception("storage sweep failed")
            await asyncio.sleep(settings.sweep_interval_seconds)
    finally:
        store.close()


def background(runtime: Runtime) -> Sequence[Callable[[], Awaitable[None]]]:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    return (lambda: sweep_forever(runtime, settings),)


DEFINITION = ServiceDefinition(
    name="files",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [router],
    # files keeps only the tenancy read model of auth's org.* events
    routes=lambda _: tenancy.routes(),
    background=background,
    description="Wymiana plików między biurem a klientem.",
)


def cli() -> None:
    run(DEFINITION)
