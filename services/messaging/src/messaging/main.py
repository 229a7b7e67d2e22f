"""messaging: threads between companies and their office, notification settings, e-mail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from fastapi import FastAPI

from chassis import cli as chassis_cli
from chassis.runtime import Runtime, ServiceDefinition
from messaging.api import routers
from messaging.config import Settings
from messaging.handlers import routes
from messaging.mailer import Mailer


def background(runtime: Runtime) -> Sequence[Callable[[], Awaitable[None]]]:
    """The mailer runs beside the Kafka consumers in every worker (replicas share the work)."""
    settings = runtime.settings
    assert isinstance(settings, Settings)
    return (Mailer(runtime.pool, settings).run,)


DEFINITION = ServiceDefinition(
    name="messaging",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=routers,
    routes=routes,
    background=background,
    description="Wiadomości, wątki i powiadomienia e-mail.",
    # Open event streams would hold a shutdown for their full length: after a few seconds
    # they are cut (browsers reconnect to another replica) so pods stop within their grace.
    shutdown_grace_seconds=5,
)


def build_app(settings: Settings, *, api: bool, worker: bool) -> FastAPI:
    return chassis_cli.build_app(DEFINITION, settings, api=api, worker=worker)


def cli() -> None:
    """`python -m messaging api|worker|all|migrate`."""
    chassis_cli.run(DEFINITION)
