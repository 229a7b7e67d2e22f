"""auth: users, organisations, memberships, sessions (organisations so far)."""

from __future__ import annotations

from pathlib import Path

from auth.api import router
from auth.config import Settings
from chassis.cli import run
from chassis.runtime import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="auth",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [router],
    description="Konta, organizacje, role i kontekst pracy.",
)


def cli() -> None:
    run(DEFINITION)
