"""messaging: Wiadomości, wątki i powiadomienia e-mail."""

from __future__ import annotations

from pathlib import Path

from chassis.cli import run
from chassis.runtime import ServiceDefinition
from messaging.config import Settings

DEFINITION = ServiceDefinition(
    name="messaging",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    description="Wiadomości, wątki i powiadomienia e-mail.",
)


def cli() -> None:
    run(DEFINITION)
