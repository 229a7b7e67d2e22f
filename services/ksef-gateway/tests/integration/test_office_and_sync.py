"""Central authorisation and sync against the simulator: who granted the office what, and
every permitted company's invoices published exactly once, through faults."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory
from ksef_gateway.testing import self_signed

from .conftest import Api, advance_simulator, client_company, owner


def office_headers(tokens: TokenFactory, office: UUID, role: str = "admin") -> dict[str, str]:
    return tokens.headers(office, org_kind="office", role=role)


async def register_office(api: Api, tokens: TokenFactory, office: tuple[UUID, str]) -> None:
    cert, key = self_signed(office[1], seal=True)
    resp = await api.client.put(
        "/office/credential",
        json={"certificate_pem": cert, "private_key_pem": key},
        headers=office_headers(tokens, office[0]),
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["kind"] == "certificate"


async def fetched(pool: asyncpg.Pool) -> list[tuple[str, str]]:
    rows = await pool.fetch(
        "SELECT payload FROM outbox WHERE topic = 'invoice.fetched' ORDER BY id"
    )
    return [(r["payload"]["data"]["ksef_number"], r["payload"]["data"]["direction"]) for r in rows]


async def sync_all(api: Api) -> None:
    async with api.gateway.pool.acquire() as conn:
        await conn.execute("UPDATE sync_checkpoints SET next_due_at = now() - interval '1 day'")
    await api.scheduler.tick()
    await api.scheduler.drain()


async def test_office_sees_who_granted_it_and_verifies_again(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    office: tuple[UUID, str],
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    await register_office(api, tokens, office)
    granted, granted_nip = await client_company(pool, office[0])
    silent, silent_nip = await client_company(pool, office[0])
    await (await owner(sim, sim_url, granted_nip)).grant(office[1], "InvoiceRead")
    headers = office_headers(tokens, office[0])
    ok = await api.client.put(f"/companies/{granted}/ksef/office", json={}, headers=headers)
    assert ok.json()["authorization"]["status"] == "active", ok.text
    assert ok.json()["authorization"]["permissions"] == ["InvoiceRead", "canDelegate"]
    no = await api.client.put(f"/companies/{silent}/ksef/office", json={}, headers=headers)
    assert no.json()["authorization"]["status"] == "no_permission"
    assert "InvoiceRead" in no.json()["authorization"]["message"]

    await (await owner(sim, sim_url, silent_nip)).grant(office[1], "InvoiceRead", "InvoiceWrite")
    again = await api.client.post(f"/office/clients/{silent}/verify", headers=headers)
    assert again.json()["authorization"]["status"] == "active"
    listed = await api.client.get("/office/clients", headers=headers)
    by_id = {c["company_id"]: c["authorization"]["status"] for c in listed.json()}
    assert by_id == {str(granted): "active", str(silent): "active"}
    credential = await api.client.get("/office/credential", headers=headers)
    assert "PRIVATE" not in credential.text


async def test_office_endpoints_refuse_companies_and_other_offices(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory, office: tuple[UUID, str]
) -> None:
    company, nip = await client_company(pool, office[0])
    cert, key = self_signed(office[1], seal=True)
    as_company = tokens.headers(company, org_kind="company", role="owner")
    resp = await api.client.put(
        "/office/credential",
        json={"certificate_pem": cert, "private_key_pem": key},
        headers=as_company,
    )
    assert resp.json()["error"]["code"] == "not_an_office"
    employee = await api.client.put(
        "/office/credential",
        json={"certificate_pem": cert, "private_key_pem": key},
        headers=office_headers(tokens, office[0], role="employee"),
    )
    assert employee.status_code == 403
    other_office, _ = await client_company(pool, None)
    foreign = await api.client.put(
        f"/companies/{company}/ksef/office",
        json={},
        headers=office_headers(tokens, other_office),
    )
    assert foreign.status_code in (403, 404)
    missing = await api.client.put(
        f"/companies/{company}/ksef/office", json={}, headers=office_headers(tokens, office[0])
    )
    assert missing.json()["error"]["code"] == "office_credential_missing"
    listed = await api.client.get("/office/clients", headers=office_headers(tokens, other_office))
    assert listed.json() == []


@pytest.mark.parametrize("settings_extra", [{"sync_small_delta": 10}, {"sync_small_delta": 0}])
async def test_sales_and_purchases_arrive_exactly_once_by_download_or_export(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    office: tuple[UUID, str],
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    await register_office(api, tokens, office)
    seller, seller_nip = await client_company(pool, office[0])
    buyer, buyer_nip = await client_company(pool, office[0])
    for nip in (seller_nip, buyer_nip):
        await (await owner(sim, sim_url, nip)).grant(office[1], "InvoiceRead")
    headers = office_headers(tokens, office[0])
    for company in (seller, buyer):
        resp = await api.client.put(f"/companies/{company}/ksef/office", json={}, headers=headers)
        assert resp.json()["authorization"]["status"] == "active"
    numbers = await (await owner(sim, sim_url, seller_nip)).send_invoices(buyer_nip, 3, "T")
    await advance_simulator(sim, sim_url, 90)

    await sync_all(api)
    await sync_all(api)  # a second round finds nothing new
    got = await fetched(pool)
    assert sorted(got) == sorted(
        [(n, "sales") for n in numbers] + [(n, "purchase") for n in numbers]
    )
    events = await pool.fetch("SELECT payload FROM outbox WHERE topic = 'ksef.sync.completed'")
    assert {e["payload"]["data"]["error"] for e in events} == {None}
    status = await api.client.get(f"/companies/{seller}/ksef", headers=headers)
    sales = next(s for s in status.json()["sync"] if s["direction"] == "sales")
    assert sales["fetched_total"] == 3


async def test_an_outage_resumes_from_the_checkpoint_with_nothing_lost_or_doubled(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    company, nip = await client_company(pool, None)
    _, buyer_nip = await client_company(pool, None)
    seller = await owner(sim, sim_url, nip)
    ksef_token = await seller.new_ksef_token()
    headers = tokens.headers(company, org_kind="company", role="owner")
    await api.client.put(
        f"/companies/{company}/ksef/token", json={"token": ksef_token}, headers=headers
    )
    first = await seller.send_invoices(buyer_nip, 2, "A")
    await advance_simulator(sim, sim_url, 90)
    await sync_all(api)
    second = await seller.send_invoices(buyer_nip, 2, "B")
    await advance_simulator(sim, sim_url, 90)

    await sim.post(f"{sim_url}/admin/faults", json={"mode": "unavailable", "durationSeconds": 30})
    try:
        await sync_all(api)
        errors = await pool.fetch(
            "SELECT last_error FROM sync_checkpoints WHERE company_id = $1", company
        )
        assert {r["last_error"] for r in errors} == {"ksef_unavailable"}
    finally:
        await sim.delete(f"{sim_url}/admin/faults")
    # The outage's Retry-After is honoured by the governor: lift it as time passing would.
    await pool.execute("DELETE FROM rate_blocks")
    await sync_all(api)
    got = [n for n, d in await fetched(pool) if d == "sales"]
    assert sorted(got) == sorted(first + second)


async def test_office_enrolls_a_ksef_certificate_from_its_seal_and_logs_in_with_it(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    office: tuple[UUID, str],
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    await register_office(api, tokens, office)
    employee = await api.client.post(
        "/office/credential/enroll", json={}, headers=office_headers(tokens, office[0], "employee")
    )
    assert employee.status_code == 403
    bad = await api.client.post(
        "/office/credential/enroll",
        json={"certificate_name": "<x>"},
        headers=office_headers(tokens, office[0]),
    )
    assert bad.status_code == 422
    resp = await api.client.post(
        "/office/credential/enroll",
        json={"certificate_name": "Biuro testowe"},
        headers=office_headers(tokens, office[0]),
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["kind"] == "ksef_certificate"
    assert "PRIVATE" not in resp.text
    stored = await pool.fetchrow("SELECT kind, certificate_pem FROM office_credentials")
    assert stored["kind"] == "ksef_certificate"
    # The enrolled certificate alone now logs the office into a client's context.
    await pool.execute("DELETE FROM ksef_sessions")
    client, client_nip = await client_company(pool, office[0])
    await (await owner(sim, sim_url, client_nip)).grant(office[1], "InvoiceRead")
    ok = await api.client.put(
        f"/companies/{client}/ksef/office", json={}, headers=office_headers(tokens, office[0])
    )
    assert ok.json()["authorization"]["status"] == "active", ok.text
