"""Invoices above the inline limit reach Kafka as a claim check: the XML waits in MinIO."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory
from ksef_gateway.storage import MinioStore

from .conftest import Api, advance_simulator, client_company, owner
from .test_office_and_sync import sync_all


@pytest.mark.parametrize("settings_extra", [{"inline_xml_limit": 100}])
async def test_large_invoices_travel_as_an_s3_reference_to_the_same_bytes(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory, sim: httpx.AsyncClient, sim_url: str
) -> None:
    company, nip = await client_company(pool, None)
    _, buyer_nip = await client_company(pool, None)
    seller = await owner(sim, sim_url, nip)
    await api.client.put(
        f"/companies/{company}/ksef/token",
        json={"token": await seller.new_ksef_token()},
        headers=tokens.headers(company, org_kind="company", role="owner"),
    )
    [number] = await seller.send_invoices(buyer_nip, 1, "L")
    await advance_simulator(sim, sim_url, 90)
    await sync_all(api)

    [row] = await pool.fetch(
        "SELECT payload FROM outbox WHERE topic = 'invoice.fetched'"
        " AND payload->'data'->>'direction' = 'sales'"
    )
    data = row["payload"]["data"]
    assert data["xml"] is None
    assert data["xml_ref"].startswith(f"s3://rachmistrz-ksef-test/ksef-gateway/invoices/{company}/")
    stored = await MinioStore(api.gateway.settings).get(data["xml_ref"])
    original = await sim.get(
        f"{sim_url}/v2/invoices/ksef/{number}", headers={"Authorization": f"Bearer {seller.token}"}
    )
    assert stored == original.content
    assert data["xml_size"] == len(stored)
