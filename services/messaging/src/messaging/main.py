"""messaging: threads between companies and their office, notification settings, e-mail."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from chassis import cli as chassis_cli
from chassis.db import StartupError
from chassis.logs import configure_logging
from chassis.runtime import Runtime, ServiceDefinition
from chassis.settings import fail_fast, load_settings
from chassis.tracing import configure_tracing
from messaging.api import routers
from messaging.config import Settings
from messaging.handlers import routes
from messaging.mailer import Mailer

DEFINITION = ServiceDefinition(
    name="messaging",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=routers,
    routes=routes,
    description="Wiadomości, wątki i powiadomienia e-mail.",
)


def build_app(settings: Settings, *, api: bool, worker: bool) -> FastAPI:
    """The chassis app, plus the mailer running beside the Kafka consumers in a worker.

    The chassis has no hook for a service's own background task, so its lifespan is wrapped:
    the mailer starts after the pool opened and stops before the pool closes."""
    app = chassis_cli.build_app(DEFINITION, settings, api=api, worker=worker)
    app.state.settings = settings
    if not worker:
        return app
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with inner(app):
            runtime: Runtime = app.state.runtime
            task = asyncio.create_task(Mailer(runtime.pool, settings).run(), name="mailer")
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
    return app


def cli(argv: list[str] | None = None) -> None:
    """`python -m messaging api|worker|all|migrate`, as chassis.cli.run, with the mailer."""
    parser = argparse.ArgumentParser(prog=DEFINITION.name, description=DEFINITION.description)
    parser.add_argument("command", choices=["api", "worker", "all", "migrate"])
    command = parser.parse_args(argv).command
    if command == "migrate":
        chassis_cli.run(DEFINITION, ["migrate"])
        return
    settings = load_settings(Settings, DEFINITION.name)
    configure_logging(DEFINITION.name, settings.log_level, settings.log_format)
    api, worker = command in ("api", "all"), command in ("worker", "all")
    try:
        asyncio.run(chassis_cli.preflight(DEFINITION, settings, worker))
    except StartupError as error:
        fail_fast(DEFINITION.name, str(error), 3)
    configure_tracing(DEFINITION.name)
    app = build_app(settings, api=api, worker=worker)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)
