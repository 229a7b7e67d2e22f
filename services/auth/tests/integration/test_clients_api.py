"""auth's client-company API on the real PostgreSQL: behaviour, bad input and tenancy."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from chassis.testing import random_nip


def _clients(*nips: str) -> dict[str, list[dict[str, str]]]:
    return {"clients": [{"nip": n, "name": f"Firma {n}"} for n in nips]}


async def _company_count(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM organisations WHERE kind = 'company'")
    return count


async def test_office_admin_adds_clients_and_each_leaves_an_event(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    nip_a, nip_b = sorted([random_nip(), random_nip()])
    dashed = f"{nip_b[:3]}-{nip_b[3:6]}-{nip_b[6:8]}-{nip_b[8:]}"
    response = await api.post("/clients", json=_clients(nip_a, dashed), headers=admin.headers)
    assert response.status_code == 201, response.text
    assert [c["company"]["nip"] for c in response.json()] == [nip_a, nip_b]
    events = await pool.fetch(
        "SELECT payload FROM outbox WHERE topic = 'org.created'"
        " AND payload->'data'->>'nip' = ANY($1::text[]) ORDER BY id",
        [nip_a, nip_b],
    )
    assert [e["payload"]["data"]["office_id"] for e in events] == [str(admin.org.id)] * 2
    listed = (await api.get("/clients", headers=admin.headers)).json()
    assert [c["nip"] for c in listed["items"]] == [nip_a, nip_b]


async def test_one_bad_nip_refuses_the_whole_batch_and_names_it(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    before = await _company_count(pool)
    response = await api.post(
        "/clients", json=_clients(random_nip(), "1234567890"), headers=admin.headers
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_nip"
    assert error["details"] == [{"index": 1, "nip": "1234567890"}]
    assert "NIP" in error["message"]
    assert await _company_count(pool) == before


async def test_malformed_body_gets_a_polish_message_and_a_code(
    api: httpx.AsyncClient, world
) -> None:
    admin = await world.person(await world.office(), "admin")
    response = await api.post("/clients", json={"clients": []}, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["message"] == "Przesłane dane są nieprawidłowe."


async def test_without_a_token_nothing_is_shown(api: httpx.AsyncClient) -> None:
    response = await api.get("/clients")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(("kind", "role"), [("company", "admin"), ("office", "employee")])
async def test_only_office_managers_add_clients(
    api: httpx.AsyncClient, world, kind: str, role: str
) -> None:
    office = await world.office()
    org = office if kind == "office" else await world.client_of(office)
    person = await world.person(org, role)
    response = await api.post("/clients", json=_clients(random_nip()), headers=person.headers)
    assert response.status_code == 403


async def test_another_office_neither_sees_nor_takes_a_client(
    api: httpx.AsyncClient, world
) -> None:
    mine = await world.person(await world.office(), "admin")
    theirs = await world.person(await world.office(), "admin")
    nip = random_nip()
    assert (await api.post("/clients", json=_clients(nip), headers=mine.headers)).status_code == 201
    assert (await api.get("/clients", headers=theirs.headers)).json()["items"] == []
    taken = await api.post("/clients", json=_clients(nip), headers=theirs.headers)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "client_of_another_office"


async def test_office_admin_unlinks_a_client_and_an_event_says_so(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    company = await world.client_of(admin.org)
    response = await api.delete(f"/clients/{company.id}", headers=admin.headers)
    assert response.status_code == 204
    assert (await api.get("/clients", headers=admin.headers)).json()["items"] == []
    event = await pool.fetchval(
        "SELECT payload FROM outbox WHERE topic = 'org.client.unlinked'"
        " AND payload->'data'->>'company_id' = $1",
        str(company.id),
    )
    assert event["data"]["office_id"] == str(admin.org.id)
    again = await api.delete(f"/clients/{company.id}", headers=admin.headers)
    assert again.status_code == 404
