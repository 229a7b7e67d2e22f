"""ksef-gateway: Jedyne połączenie z KSeF: autoryzacja firm, synchronizacja faktur, wysyłka."""

from __future__ import annotations

from pathlib import Path

from chassis.cli import run
from chassis.runtime import ServiceDefinition
from ksef_gateway.config import Settings

DEFINITION = ServiceDefinition(
    name="ksef-gateway",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    description="Jedyne połączenie z KSeF: autoryzacja firm, synchronizacja faktur, wysyłka.",
)


def cli() -> None:
    run(DEFINITION)
