"""auth's client-company API on the real PostgreSQL: behaviour, bad input and tenancy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from auth import services
from auth.config import Settings
from auth.main import DEFINITION
from chassis.cli import build_app
from chassis.testing import TokenFactory, create_database, drop_database, open_test_pool


@pytest.fixture
async def dsn() -> AsyncIterator[str]:
    dsn = await create_database(DEFINITION.migrations)
    yield dsn
    await drop_database(dsn)


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_test_pool(dsn)
    yield pool
    await pool.close()


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
        async with httpx.AsyncClient(transport=transport, base_url="http://auth") as client:
            yield client


@pytest.fixture
async def office(pool: asyncpg.Pool) -> UUID:
    return (await services.create_office(pool, "5213870271", "Biuro A")).id


@pytest.fixture
async def other_office(pool: asyncpg.Pool) -> UUID:
    return (await services.create_office(pool, "7251801126", "Biuro B")).id


def _clients(*nips: str) -> dict[str, list[dict[str, str]]]:
    return {"clients": [{"nip": n, "name": f"Firma {n}"} for n in nips]}


async def test_office_admin_adds_clients_and_each_leaves_an_event(
    api: httpx.AsyncClient, tokens: TokenFactory, office: UUID, pool: asyncpg.Pool
) -> None:
    headers = tokens.headers(office, org_kind="office", role="admin")
    response = await api.post(
        "/clients", json=_clients("5261040828", "774-000-14-54"), headers=headers
    )
    assert response.status_code == 201, response.text
    assert [c["company"]["nip"] for c in response.json()] == ["5261040828", "7740001454"]
    events = await pool.fetch(
        "SELECT topic, key, payload FROM outbox WHERE topic = 'org.created' ORDER BY id"
    )
    company_events = [e for e in events if e["payload"]["data"]["kind"] == "company"]
    assert [e["payload"]["data"]["office_id"] for e in company_events] == [str(office)] * 2
    listed = (await api.get("/clients", headers=headers)).json()
    assert [c["nip"] for c in listed["items"]] == ["5261040828", "7740001454"]


async def test_one_bad_nip_refuses_the_whole_batch_and_names_it(
    api: httpx.AsyncClient, tokens: TokenFactory, office: UUID, pool: asyncpg.Pool
) -> None:
    headers = tokens.headers(office, org_kind="office", role="admin")
    response = await api.post(
        "/clients", json=_clients("5261040828", "1234567890"), headers=headers
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_nip"
    assert error["details"] == [{"index": 1, "nip": "1234567890"}]
    assert "NIP" in error["message"]
    assert await pool.fetchval("SELECT count(*) FROM organisations WHERE kind = 'company'") == 0


async def test_malformed_body_gets_a_polish_message_and_a_code(
    api: httpx.AsyncClient, tokens: TokenFactory, office: UUID
) -> None:
    headers = tokens.headers(office, org_kind="office", role="admin")
    response = await api.post("/clients", json={"clients": []}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["message"] == "Przesłane dane są nieprawidłowe."


async def test_without_a_token_nothing_is_shown(api: httpx.AsyncClient) -> None:
    response = await api.get("/clients")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(("org_kind", "role"), [("company", "admin"), ("office", "employee")])
async def test_only_office_managers_add_clients(
    api: httpx.AsyncClient, tokens: TokenFactory, office: UUID, org_kind: str, role: str
) -> None:
    headers = tokens.headers(office, org_kind=org_kind, role=role)
    response = await api.post("/clients", json=_clients("5261040828"), headers=headers)
    assert response.status_code == 403


async def test_another_office_neither_sees_nor_takes_a_client(
    api: httpx.AsyncClient, tokens: TokenFactory, office: UUID, other_office: UUID
) -> None:
    mine = tokens.headers(office, org_kind="office", role="admin")
    theirs = tokens.headers(other_office, org_kind="office", role="admin")
    assert (
        await api.post("/clients", json=_clients("5261040828"), headers=mine)
    ).status_code == 201
    assert (await api.get("/clients", headers=theirs)).json()["items"] == []
    taken = await api.post("/clients", json=_clients("5261040828"), headers=theirs)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "client_of_another_office"


async def test_a_token_for_an_unknown_office_is_refused(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = tokens.headers(uuid4(), org_kind="office", role="admin")
    response = await api.post("/clients", json=_clients("5261040828"), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_an_office"
