"""Fixtures for files on the real parts of the test stack: PostgreSQL and MinIO."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from minio import Minio

from chassis.cli import build_app
from chassis.testing import (
    TokenFactory,
    seed_org,
    stack_env,
)
from files.config import Settings
from files.main import DEFINITION

SettingsFactory = Callable[..., Settings]
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def service_migrations() -> Path | None:
    return DEFINITION.migrations


@pytest.fixture(scope="session")
def minio() -> Minio:
    endpoint = urlsplit(stack_env("MINIO_ENDPOINT"))
    return Minio(
        endpoint.netloc,
        access_key=stack_env("MINIO_ACCESS_KEY"),
        secret_key=stack_env("MINIO_SECRET_KEY"),
        secure=False,
    )


@pytest.fixture
def bucket(minio: Minio) -> Iterator[str]:
    """A bucket of this test's own, which the service creates itself at start."""
    name = f"test-files-{secrets.token_hex(6)}"
    yield name
    if minio.bucket_exists(name):
        for obj in minio.list_objects(name, recursive=True):
            minio.remove_object(name, str(obj.object_name))
        minio.remove_bucket(name)


@pytest.fixture
def settings(dsn: str, public_key_file: Path, bucket: str) -> SettingsFactory:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": dsn,
            "kafka_bootstrap_servers": "127.0.0.1:1",
            "auth_public_key_file": public_key_file,
            "minio_endpoint": stack_env("MINIO_ENDPOINT"),
            "minio_access_key": stack_env("MINIO_ACCESS_KEY"),
            "minio_secret_key": stack_env("MINIO_SECRET_KEY"),
            "files_bucket": bucket,
            **overrides,
        }
        return Settings(**values)

    return make


@contextlib.asynccontextmanager
async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(DEFINITION, settings, api=True, worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://files") as client:
            yield client


@pytest.fixture
def make_api() -> Callable[[Settings], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """An API client over an app built with other settings (a scanner, a small limit)."""
    return client_for


@pytest.fixture
async def api(settings: SettingsFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(settings()) as client:
        yield client


Uploader = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def upload(api: httpx.AsyncClient, orgs: Orgs) -> Uploader:
    """POST one file as a browser's FormData would, to `orgs.company` unless told otherwise."""

    async def post(
        headers: dict[str, str],
        name: str = "faktura.pdf",
        content: bytes = PDF,
        *,
        company: UUID | None = None,
        client: httpx.AsyncClient | None = None,
        **params: str,
    ) -> httpx.Response:
        return await (client or api).post(
            f"/companies/{company or orgs.company}/files",
            files={"file": (name, content, "application/octet-stream")},
            params=params,
            headers=headers,
        )

    return post


class Orgs:
    """An office with two client companies, and another office with one of its own."""

    def __init__(
        self, office: UUID, company: UUID, sister: UUID, other_office: UUID, other_company: UUID
    ) -> None:
        self.office, self.company, self.sister = office, company, sister
        self.other_office, self.other_company = other_office, other_company


@pytest.fixture
async def orgs(pool: asyncpg.Pool) -> Orgs:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        other_office = await seed_org(conn, kind="office")
        return Orgs(
            office=office,
            company=await seed_org(conn, office_id=office),
            sister=await seed_org(conn, office_id=office),
            other_office=other_office,
            other_company=await seed_org(conn, office_id=other_office),
        )


class Users:
    """Headers of the people in `orgs`, each with a fixed user id."""

    def __init__(self, tokens: TokenFactory, orgs: Orgs) -> None:
        self.tokens, self.orgs = tokens, orgs
        self.office_user, self.company_user = uuid4(), uuid4()

    def office(self, role: str = "employee", **kw: Any) -> dict[str, str]:
        return self.tokens.headers(
            self.orgs.office, org_kind="office", role=role, user_id=self.office_user, **kw
        )

    def company(self, role: str = "owner") -> dict[str, str]:
        return self.tokens.headers(
            self.orgs.company, org_kind="company", role=role, user_id=self.company_user
        )


@pytest.fixture
def users(tokens: TokenFactory, orgs: Orgs) -> Users:
    return Users(tokens, orgs)
