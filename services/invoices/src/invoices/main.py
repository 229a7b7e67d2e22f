"""invoices: Faktury: lista, wyszukiwanie, obieg, wizualizacja i eksport."""

from __future__ import annotations

from pathlib import Path

from chassis.cli import run
from chassis.runtime import ServiceDefinition
from invoices import consumers
from invoices.api import router
from invoices.api_admin import router as admin_router
from invoices.api_files import router as files_router
from invoices.config import Settings
from invoices.handlers import routes
from invoices.issuing.api import router as issuing_router

DEFINITION = ServiceDefinition(
    name="invoices",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [router, files_router, admin_router, issuing_router],
    routes=routes,
    background=consumers.background,
    description="Faktury: lista, wyszukiwanie, obieg, wizualizacja i eksport.",
)


def cli() -> None:
    run(DEFINITION)
