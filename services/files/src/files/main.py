"""files: the files an office and its client companies exchange; bytes in MinIO."""

from __future__ import annotations

from pathlib import Path

from chassis import tenancy
from chassis.cli import run
from chassis.runtime import ServiceDefinition
from files.api import router
from files.config import Settings

DEFINITION = ServiceDefinition(
    name="files",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [router],
    # files keeps only the tenancy read model of auth's org.* events
    routes=lambda _: tenancy.routes(),
    description="Wymiana plików między biurem a klientem.",
)


def cli() -> None:
    run(DEFINITION)
