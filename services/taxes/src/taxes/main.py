"""taxes: taxes and fees due per company and month (the company read model so far)."""

from __future__ import annotations

from pathlib import Path

from chassis.cli import run
from chassis.runtime import ServiceDefinition
from taxes.config import Settings
from taxes.handlers import routes

DEFINITION = ServiceDefinition(
    name="taxes",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routes=routes,
    description="Podatki i opłaty: kafelki miesięczne, płatności, przelewy.",
)


def cli() -> None:
    run(DEFINITION)
