"""Fixtures on the real PostgreSQL of the test stack: a migrated database, the API, tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from invoice_fixtures import Tenants

from chassis.cli import build_app
from chassis.testing import TokenFactory, seed_org
from invoices.config import Settings
from invoices.main import DEFINITION


@pytest.fixture
def service_migrations() -> Path | None:
    return DEFINITION.migrations


@pytest.fixture
async def api(dsn: str, public_key_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=public_key_file,
    )
    app = build_app(DEFINITION, settings, api=True, worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://invoices") as client:
            yield client


@pytest.fixture
async def tenants(pool: asyncpg.Pool, tokens: TokenFactory) -> Tenants:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office", name="Biuro Rachunkowe Sowa")
        other_office = await seed_org(conn, kind="office", name="Biuro Inne")
        company = await seed_org(
            conn, office_id=office, nip="3861610227", name="Błaszczak - Lenart"
        )
        other_company = await seed_org(conn, office_id=office, name="Drugi Klient")
        stranger = await seed_org(conn, office_id=other_office, name="Obcy Klient")
    return Tenants(office, company, "3861610227", other_company, other_office, stranger, tokens)
