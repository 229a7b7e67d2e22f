"""Fixtures: a migrated database per test, the API with a fixed "today", seeded tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from chassis.cli import build_app
from chassis.testing import TokenFactory, seed_org
from taxes.clock import today
from taxes.config import Settings
from taxes.main import DEFINITION

OFFICE_NIP, COMPANY_NIP, OTHER_NIP = "5213870271", "5261040828", "7740001454"


@dataclass
class Clock:
    today: date = date(2026, 11, 10)


@dataclass(frozen=True)
class Tenants:
    office: UUID
    company: UUID
    other_office: UUID
    other_company: UUID


@pytest.fixture
def service_migrations() -> Path | None:
    return DEFINITION.migrations


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def api(dsn: str, public_key_file: Path, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=public_key_file,
    )
    app = build_app(DEFINITION, settings, api=True, worker=False)
    app.dependency_overrides[today] = lambda: clock.today
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://taxes") as client:
            yield client


@pytest.fixture
async def tenants(pool: asyncpg.Pool) -> Tenants:
    async with pool.acquire() as raw:
        conn: Any = raw  # seed_* is typed for a plain Connection
        office = await seed_org(conn, kind="office", nip=OFFICE_NIP)
        company = await seed_org(conn, office_id=office, nip=COMPANY_NIP, name="Piekarnia Kowalski")
        other_office = await seed_org(conn, kind="office")
        other_company = await seed_org(conn, office_id=other_office, nip=OTHER_NIP)
    return Tenants(office, company, other_office, other_company)


@pytest.fixture
def office_headers(tokens: TokenFactory, tenants: Tenants) -> dict[str, str]:
    return tokens.headers(tenants.office, org_kind="office", role="manager")


@pytest.fixture
def company_headers(tokens: TokenFactory, tenants: Tenants) -> dict[str, str]:
    return tokens.headers(tenants.company, org_kind="company", role="client")


Create = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def create(api: httpx.AsyncClient, office_headers: dict[str, str], tenants: Tenants) -> Create:
    """Enter a VAT item (or any body given) for the company as the office; return it."""

    async def enter(company: UUID | None = None, **body: Any) -> dict[str, Any]:
        payload = {"kind": "vat", "period": "2026-10", "amount_grosze": 123456}
        payload |= {"due_date": "2026-11-25"} | body
        url = f"/companies/{company or tenants.company}/items"
        response = await api.post(url, json=payload, headers=office_headers)
        assert response.status_code == 201, response.text
        item: dict[str, Any] = response.json()
        return item

    return enter
