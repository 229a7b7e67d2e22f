"""Shared fixtures: one migrated database per module, the app over ASGI, people to act as."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from auth import seed
from auth.config import Settings
from auth.domain import Organisation
from auth.main import DEFINITION
from chassis.cli import build_app
from chassis.testing import (
    TokenFactory,
    create_database,
    drop_database,
    open_test_pool,
    random_nip,
)

PASSWORD = "Kasztan-w-Ogrodzie-42"


@pytest.fixture(scope="session")
def signing_key_file(tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signing") / "access-token.pem"
    path.write_bytes(tokens.private_pem)
    return path


@pytest.fixture(scope="module")
async def dsn() -> AsyncIterator[str]:
    dsn = await create_database(DEFINITION.migrations)
    yield dsn
    await drop_database(dsn)


@pytest.fixture(scope="module")
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(dsn)
    yield pool
    await pool.close()


def make_settings(
    dsn: str, signing_key_file: Path, public_key_file: Path, **extra: Any
) -> Settings:
    return Settings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=public_key_file,
        auth_signing_key_file=signing_key_file,
        **extra,
    )


@pytest.fixture(scope="module")
def settings(dsn: str, signing_key_file: Path, public_key_file: Path) -> Settings:
    return make_settings(dsn, signing_key_file, public_key_file)


@pytest.fixture(scope="module")
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(DEFINITION, settings, api=True, worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://auth") as client:
            yield client


@dataclass
class Person:
    user_id: UUID
    email: str
    org: Organisation
    role: str
    headers: dict[str, str]
    refresh_token: str


@dataclass
class World:
    """Makes organisations and logged-in people through the real code paths."""

    api: httpx.AsyncClient
    pool: asyncpg.Pool
    settings: Settings

    async def office(self) -> Organisation:
        return await seed.ensure_office(self.pool, random_nip(), f"Biuro {secrets.token_hex(3)}")

    async def client_of(self, office: Organisation) -> Organisation:
        return await seed.ensure_client(
            self.pool, office, random_nip(), f"Firma {secrets.token_hex(3)}"
        )

    async def person(self, org: Organisation, role: str, *, all_clients: bool = True) -> Person:
        address = self.email()
        user = await seed.ensure_member(
            self.pool, org, address, "Jan Test", role, PASSWORD, all_clients=all_clients
        )
        body = await self.login(address, org_id=org.id)
        return Person(
            user.id, address, org, role, self.bearer(body["access_token"]), body["refresh_token"]
        )

    @staticmethod
    def email() -> str:
        return f"u{secrets.token_hex(5)}@example.com"

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    @staticmethod
    def token_of(link: str) -> str:
        return link.split("token=", 1)[1]

    async def notification(self, to: str, template: str) -> dict[str, Any]:
        """The newest notification.requested event for an address, as the outbox holds it."""
        payload = await self.pool.fetchval(
            "SELECT payload FROM outbox WHERE topic = 'notification.requested'"
            " AND payload->'data'->>'to_email' = $1 AND payload->'data'->>'template' = $2"
            " ORDER BY id DESC LIMIT 1",
            to,
            template,
        )
        assert payload is not None, f"no {template} e-mail for {to}"
        data: dict[str, Any] = payload["data"]
        return data

    async def login(self, address: str, password: str = PASSWORD, **extra: Any) -> Any:
        payload = {"email": address, "password": password, **extra}
        if "org_id" in payload and payload["org_id"] is not None:
            payload["org_id"] = str(payload["org_id"])
        response = await self.api.post("/login", json=payload)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def world(api: httpx.AsyncClient, pool: asyncpg.Pool, settings: Settings) -> World:
    return World(api, pool, settings)
