"""invoices: Faktury: lista, wyszukiwanie, obieg, wizualizacja i eksport."""

from __future__ import annotations

from pathlib import Path

from chassis.cli import run
from chassis.runtime import ServiceDefinition
from invoices.config import Settings

DEFINITION = ServiceDefinition(
    name="invoices",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    description="Faktury: lista, wyszukiwanie, obieg, wizualizacja i eksport.",
)


def cli() -> None:
    run(DEFINITION)
