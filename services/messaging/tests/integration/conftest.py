"""Fixtures for messaging's tests on the real PostgreSQL, Kafka test broker and MailDev."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from faststream.kafka import KafkaBroker

from chassis import tenancy
from chassis.kafka import EventConsumer
from chassis.testing import stack_env
from contracts import new_envelope
from contracts.auth import MembershipChanged, OrgKind
from messaging.config import Settings
from messaging.files_client import FilesClient
from messaging.handlers import own_routes
from messaging.mailer import Mailer
from messaging.main import DEFINITION, build_app
from messaging.members import apply_membership
from messaging.posting import Links

PUBLIC_URL = "https://rachmistrz.example"


@pytest.fixture
def service_migrations() -> Path | None:
    return DEFINITION.migrations


def make_settings(dsn: str, public_key_file: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": dsn,
        "kafka_bootstrap_servers": "127.0.0.1:1",
        "auth_public_key_file": public_key_file,
        "smtp_host": stack_env("SMTP_HOST"),
        "smtp_port": int(stack_env("SMTP_PORT")),
        "public_url": PUBLIC_URL,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings(dsn: str, public_key_file: Path) -> Settings:
    return make_settings(dsn, public_key_file)


class FakeFiles:
    """The files service's lookup in memory (behind an httpx MockTransport): which files exist
    for which company, and what messaging asked."""

    def __init__(self) -> None:
        self.files: dict[UUID, UUID] = {}
        self.requests: list[httpx.Request] = []

    def add(self, company_id: UUID) -> UUID:
        file_id = uuid4()
        self.files[file_id] = company_id
        return file_id

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        company = UUID(request.url.path.split("/")[2])
        asked = [UUID(i) for i in json.loads(request.content)["ids"]]
        found = [i for i in asked if self.files.get(i) == company]
        return httpx.Response(200, json=[{"id": str(i), "company_id": str(company)} for i in found])

    def client(self) -> FilesClient:
        return FilesClient("http://files.test", transport=httpx.MockTransport(self.handle))


@pytest.fixture
def files() -> FakeFiles:
    return FakeFiles()


@pytest.fixture
async def api(settings: Settings, files: FakeFiles) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(settings, api=True, worker=False)
    app.state.files_client = files.client()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://messaging") as client:
            yield client


@pytest.fixture
def broker(pool: asyncpg.Pool) -> KafkaBroker:
    """The service's consumers on a test broker (in memory), applying events to `pool`."""
    broker = KafkaBroker("localhost:9092")
    consumer = EventConsumer(broker, lambda: pool, consumer="messaging", group_id="messaging")
    for route in tenancy.routes(own_routes(Links(PUBLIC_URL))):
        consumer.subscribe(route)
    return broker


def event_json(event_type: str, data: Any, **envelope: Any) -> bytes:
    return new_envelope(event_type, 1, data, producer="test", **envelope).model_dump_json().encode()


class Members:
    """Puts people into the members read model, as user.membership.changed would."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add(
        self,
        org_id: UUID,
        *,
        kind: str,
        role: str,
        email: str | None = None,
        full_name: str | None = None,
        all_clients: bool = True,
    ) -> tuple[UUID, str]:
        user_id = uuid4()
        email = email or f"{kind}-{user_id.hex[:12]}@example.com"
        data = MembershipChanged(
            user_id=user_id,
            org_id=org_id,
            org_kind=OrgKind(kind),
            email=email,
            full_name=full_name,
            role=role,
            all_clients=all_clients,
        )
        async with self._pool.acquire() as conn:
            await apply_membership(conn, data)
        return user_id, email


@pytest.fixture
def people(pool: asyncpg.Pool) -> Members:
    return Members(pool)


class Mailbox:
    """MailDev's REST API: what the SMTP catcher received."""

    def __init__(self, api: str) -> None:
        self._api = api

    async def to(self, address: str) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self._api, timeout=10) as client:
            mails = (await client.get("/email")).json()
        return [m for m in mails if any(t["address"] == address for t in m["to"])]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> list[Any]:
        """Polls until `count` e-mails for `address` arrived (never fewer; more fail later)."""
        async with asyncio.timeout(timeout):
            while len(found := await self.to(address)) < count:
                await asyncio.sleep(0.1)
        return found


@pytest.fixture(scope="session")
def mailbox() -> Mailbox:
    return Mailbox(stack_env("MAIL_API"))


@pytest.fixture
def mailer(pool: asyncpg.Pool, settings: Settings) -> Mailer:
    return Mailer(pool, settings)


@pytest.fixture
def dead_smtp_port() -> int:
    """A local port nobody listens on: an SMTP server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def events() -> Callable[..., bytes]:
    """Serialises an event as a producer would put it on Kafka."""
    return event_json
