"""`python -m <service> api|worker|all|migrate`: one entry point per service process.

`api` serves HTTP, `worker` runs the Kafka consumers and the outbox relay (with health
endpoints for its probes), `all` does both in one process (the local stack), `migrate`
applies the database migrations and exits. Before serving, a preflight opens the database,
checks the schema is migrated and, for a worker, that Kafka and its topics are there: any
problem ends the process with one line naming it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi import FastAPI
from yoyo import read_migrations

from chassis.db import StartupError
from chassis.http import ReadinessCheck, create_app
from chassis.kafka import check_kafka, topics_of
from chassis.logs import configure_logging, get_logger
from chassis.migrations import CHASSIS_MIGRATIONS, apply_migrations
from chassis.revocation import RevocationList
from chassis.runtime import Runtime, ServiceDefinition
from chassis.settings import ServiceSettings, fail_fast, load_settings
from chassis.tokens import TokenVerifier
from chassis.tracing import configure_tracing

log = get_logger(__name__)


def build_app(
    definition: ServiceDefinition, settings: ServiceSettings, *, api: bool, worker: bool
) -> FastAPI:
    runtime = Runtime(definition, settings)

    revocations = RevocationList()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.open_database()
        refresher = None
        if api:
            await revocations.refresh(runtime.pool)
            refresher = asyncio.create_task(
                revocations.run(runtime.pool, settings.revocation_refresh_seconds)
            )
        if worker:
            await runtime.start_worker()
        log.info("started", api=api, worker=worker)
        try:
            yield
        finally:
            if refresher is not None:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher
            await runtime.stop()

    checks: list[tuple[str, ReadinessCheck]] = [("database", runtime.check_database)]
    if worker:
        checks.append(("worker", runtime.check_worker))
    app = create_app(
        title=f"Rachmistrz {definition.name}",
        root_path=settings.root_path,
        lifespan=lifespan,
        routers=definition.routers() if api else (),
        readiness=checks,
    )
    app.description = definition.description
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier.from_settings(settings)
    app.state.revocations = revocations
    return app


async def preflight(definition: ServiceDefinition, settings: ServiceSettings, worker: bool) -> None:
    if settings.auth_public_key_file is not None:
        try:
            load_pem_public_key(settings.auth_public_key_file.read_bytes())
        except ValueError as error:
            raise StartupError(
                f"AUTH_PUBLIC_KEY_FILE {settings.auth_public_key_file} is not a PEM public key"
            ) from error
    runtime = Runtime(definition, settings)
    await runtime.open_database()
    try:
        await _check_migrated(runtime, definition)
    finally:
        await runtime.stop()
    if worker:
        topics = topics_of(list(definition.routes(runtime)))
        await check_kafka(
            settings.kafka_bootstrap_servers, topics, settings.startup_timeout_seconds
        )


async def _check_migrated(runtime: Runtime, definition: ServiceDefinition) -> None:
    expected = {
        m.id for d in (CHASSIS_MIGRATIONS, definition.migrations) for m in read_migrations(str(d))
    }
    has_table = await runtime.pool.fetchval("SELECT to_regclass('_yoyo_migration') IS NOT NULL")
    applied = (
        {
            r["migration_id"]
            for r in await runtime.pool.fetch("SELECT migration_id FROM _yoyo_migration")
        }
        if has_table
        else set()
    )
    if missing := sorted(expected - applied):
        raise StartupError(
            f"database is not migrated ({len(missing)} pending, first {missing[0]}):"
            f" run `python -m {definition.name.replace('-', '_')} migrate`"
        )


def run(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=definition.name, description=definition.description)
    parser.add_argument("command", choices=["api", "worker", "all", "migrate"])
    command = parser.parse_args(argv).command
    settings = load_settings(definition.settings_cls, definition.name)
    configure_logging(definition.name, settings.log_level, settings.log_format)
    if command == "migrate":
        try:
            applied = apply_migrations(
                settings.database_url.get_secret_value(), definition.migrations
            )
        except Exception as error:  # noqa: BLE001 - one line for the operator, whatever broke
            fail_fast(definition.name, f"migration failed: {type(error).__name__}: {error}", 3)
        log.info("migrations applied", applied=applied)
        return
    api, worker = command in ("api", "all"), command in ("worker", "all")
    try:
        asyncio.run(preflight(definition, settings, worker))
    except StartupError as error:
        fail_fast(definition.name, str(error), 3)
    configure_tracing(definition.name)
    app = build_app(definition, settings, api=api, worker=worker)
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=definition.shutdown_grace_seconds,
    )
