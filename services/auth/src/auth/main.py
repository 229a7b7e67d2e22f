"""auth: users, organisations, memberships, invitations, sessions, audit."""

from __future__ import annotations

from pathlib import Path

from auth import api, api_account, api_people
from auth.config import Settings
from chassis.cli import run
from chassis.runtime import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="auth",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [api.router, api_account.router, api_people.router],
    description="Konta, organizacje, role i kontekst pracy.",
)


def cli() -> None:
    run(DEFINITION)
