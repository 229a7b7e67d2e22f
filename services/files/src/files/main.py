"""files: Wymiana plików między biurem a klientem."""

from __future__ import annotations

from pathlib import Path

from chassis.cli import run
from chassis.runtime import ServiceDefinition
from files.config import Settings

DEFINITION = ServiceDefinition(
    name="files",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    description="Wymiana plików między biurem a klientem.",
)


def cli() -> None:
    run(DEFINITION)
