"""Pytest plugin for tests that run against the real parts of the test stack.

The test command (`scripts/test.sh`) starts the stack and exports its addresses; a test that
needs PostgreSQL or Kafka and does not find them fails with a message saying so. Nothing is
skipped. Each test module that asks for `database` gets a fresh, migrated database of its own.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chassis.migrations import apply_migrations
from chassis.tokens import sign_access_token


def stack_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: integration tests need the test stack (run scripts/test.sh)",
            pytrace=False,
        )
    return value


def superuser_dsn(database: str = "postgres") -> str:
    user = stack_env("PG_SUPERUSER")
    password = stack_env("PG_SUPERUSER_PASSWORD")
    return (
        f"postgresql://{user}:{password}@{stack_env('PG_HOST')}:{stack_env('PG_PORT')}/{database}"
    )


async def create_database(migrations: Path | None) -> str:
    """A new database, with the chassis tables and `migrations` applied; returns its DSN."""
    name = f"test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(superuser_dsn())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = superuser_dsn(name)
    apply_migrations(dsn, migrations)
    return dsn


async def drop_database(dsn: str) -> None:
    name = dsn.rsplit("/", 1)[1]
    admin = await asyncpg.connect(superuser_dsn())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def open_test_pool(dsn: str) -> asyncpg.Pool:
    from chassis.db import open_pool

    return await open_pool(dsn, min_size=1, max_size=5, connect_timeout=10)


class TokenFactory:
    """Signs access tokens with a key pair made for the test session."""

    def __init__(self) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def token(
        self,
        org_id: UUID,
        *,
        org_kind: str,
        role: str,
        user_id: UUID | None = None,
        all_clients: bool = True,
    ) -> str:
        return sign_access_token(
            self.private_pem,
            user_id=user_id or uuid4(),
            org_id=org_id,
            org_kind=org_kind,
            role=role,
            all_clients=all_clients,
        )

    def headers(
        self,
        org_id: UUID,
        *,
        org_kind: str,
        role: str,
        user_id: UUID | None = None,
        all_clients: bool = True,
    ) -> dict[str, str]:
        token = self.token(
            org_id, org_kind=org_kind, role=role, user_id=user_id, all_clients=all_clients
        )
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def public_key_file(tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "access-token.pub.pem"
    path.write_bytes(tokens.public_pem)
    return path


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return stack_env("KAFKA_BOOTSTRAP_SERVERS")


@pytest.fixture
def service_migrations() -> Path | None:
    """A service's conftest overrides this with its migrations folder (`DEFINITION.migrations`)."""
    pytest.fail(
        "the `dsn` fixture needs a `service_migrations` fixture in the service's conftest",
        pytrace=False,
    )


@pytest.fixture
async def dsn(service_migrations: Path | None) -> AsyncIterator[str]:
    """A fresh database with the chassis tables and the service's migrations, per test."""
    dsn = await create_database(service_migrations)
    yield dsn
    await drop_database(dsn)


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(dsn)
    yield pool
    await pool.close()


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    """A fresh database with only the chassis tables (outbox, inbox)."""
    dsn = await create_database(None)
    yield dsn
    await drop_database(dsn)


async def seed_org(
    conn: asyncpg.Connection,
    *,
    kind: str = "company",
    office_id: UUID | None = None,
    nip: str | None = None,
    name: str | None = None,
    org_id: UUID | None = None,
) -> UUID:
    """Put an organisation straight into a service's tenancy read model (chassis.tenancy)."""
    org_id = org_id or uuid4()
    await conn.execute(
        "INSERT INTO tenancy_orgs (org_id, kind, nip, name, office_id) VALUES ($1, $2, $3, $4, $5)",
        org_id,
        kind,
        nip or random_nip(),
        name or f"{kind} {org_id.hex[:6]}",
        office_id,
    )
    return org_id


async def seed_assignment(
    conn: asyncpg.Connection, office_id: UUID, user_id: UUID, company_id: UUID
) -> None:
    await conn.execute(
        "INSERT INTO tenancy_assignments (office_id, user_id, company_id) VALUES ($1, $2, $3)",
        office_id,
        user_id,
        company_id,
    )


def random_nip() -> str:
    """A random NIP with a valid checksum."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [secrets.randbelow(10) for _ in range(9)]
        digits[0] = digits[0] or 1
        check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)
