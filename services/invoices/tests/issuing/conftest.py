"""Fixtures of the issuing tests: the real PostgreSQL of the test stack, the API, tenants."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from chassis.cli import build_app
from chassis.testing import TokenFactory, seed_org
from invoices.config import Settings
from invoices.main import DEFINITION

sys.path.insert(0, str(Path(__file__).resolve().parent))

SELLER_NIP = "5265877635"


@dataclass
class Orgs:
    office: UUID
    company: UUID
    other_company: UUID  # same office
    stranger: UUID  # a company of another office
    other_office: UUID
    tokens: TokenFactory

    def company_user(self, role: str = "owner", company: UUID | None = None) -> dict[str, str]:
        return self.tokens.headers(company or self.company, org_kind="company", role=role)

    def office_user(self, role: str = "admin", **kw: Any) -> dict[str, str]:
        return self.tokens.headers(self.office, org_kind="office", role=role, **kw)

    def other_office_user(self) -> dict[str, str]:
        return self.tokens.headers(self.other_office, org_kind="office", role="admin")


@pytest.fixture
def service_migrations() -> Path | None:
    return DEFINITION.migrations


@pytest.fixture
async def api(dsn: str, public_key_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=public_key_file,
        offline_key_secret="test-offline-key-secret",
    )
    app = build_app(DEFINITION, settings, api=True, worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://invoices") as client:
            yield client


@pytest.fixture
async def orgs(pool: asyncpg.Pool, tokens: TokenFactory) -> Orgs:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office", name="Biuro Sowa")
        other_office = await seed_org(conn, kind="office", name="Biuro Inne")
        company = await seed_org(conn, office_id=office, nip=SELLER_NIP, name="Sprzedawca S.A.")
        other = await seed_org(conn, office_id=office, name="Drugi Klient")
        stranger = await seed_org(conn, office_id=other_office, name="Obcy Klient")
    return Orgs(office, company, other, stranger, other_office, tokens)
