"""KSeF availability: the monitor (Latarnia + own requests) publishes changes once; online
invoices that may go offline are handed back during an outage, and everything queued goes
once KSeF is back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory
from ksef_gateway.availability_monitor import AvailabilityMonitor
from ksef_gateway.testing import invoice_xml, ksef_nip

from .conftest import Api, client_company
from .test_send import TODAY, connect_with_certificate, outcomes, request_send, send_round


@pytest.fixture
async def monitor(
    api: Api, sim: httpx.AsyncClient, sim_url: str
) -> AsyncIterator[AvailabilityMonitor]:
    yield AvailabilityMonitor(api.gateway)
    await sim.delete(f"{sim_url}/admin/status")
    await sim.delete(f"{sim_url}/admin/faults")


async def test_monitor_publishes_each_change_once_and_the_api_shows_it(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    monitor: AvailabilityMonitor,
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    await monitor.check()
    await sim.put(f"{sim_url}/admin/status", json={"status": "FAILURE", "text": "Awaria"})
    await monitor.check()
    await monitor.check()
    company, _ = await client_company(pool, None)
    headers = tokens.headers(company, org_kind="company", role="employee")
    shown = (await api.client.get("/ksef/availability", headers=headers)).json()
    assert (shown["status"], shown["mode"], shown["source"]) == ("unavailable", "awaryjny",
                                                                 "latarnia")  # fmt: skip
    await sim.delete(f"{sim_url}/admin/status")
    await monitor.check()
    changes = await outcomes(pool, "ksef.availability.changed")
    assert [(c["status"], c["mode"]) for c in changes] == [
        ("available", None), ("unavailable", "awaryjny"), ("available", None),
    ]  # fmt: skip
    assert changes[1]["message"].startswith("Ogłoszono awarię KSeF")
    assert (await api.client.get("/ksef/availability")).status_code == 401


async def test_an_outage_hands_back_invoices_that_may_go_offline_and_all_go_once_after_it(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    monitor: AvailabilityMonitor,
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    company, nip = await client_company(pool, None)
    await connect_with_certificate(api, tokens, company, nip)
    fallback_xml = invoice_xml(nip, ksef_nip(), "A1", TODAY)
    fallback = await request_send(pool, company, nip, fallback_xml, offline_fallback=True)
    held = await request_send(pool, company, nip, invoice_xml(nip, ksef_nip(), "A2", TODAY))
    await sim.post(f"{sim_url}/admin/faults", json={"mode": "unavailable"})
    await send_round(api)
    await monitor.check()
    [back] = await outcomes(pool, "invoice.send.failed")
    assert (back["invoice_id"], back["errors"][0]["code"]) == (str(fallback), "ksef_unavailable")
    assert back["retryable"] is True
    states = dict(await pool.fetch("SELECT invoice_id, state FROM send_queue"))
    assert states == {fallback: "failed", held: "queued"}
    [change] = await outcomes(pool, "ksef.availability.changed")
    assert (change["status"], change["mode"]) == ("unavailable", "offline")

    # invoices issues it offline and asks again: the failed row is queued anew, offline.
    await request_send(pool, company, nip, fallback_xml, invoice_id=fallback, offline=True)
    await sim.delete(f"{sim_url}/admin/faults")
    await pool.execute("DELETE FROM rate_blocks")  # the outage's Retry-After, as if it passed
    await monitor.check()  # probes KSeF: it answers, queued items are due at once
    assert (await outcomes(pool, "ksef.availability.changed"))[-1]["status"] == "available"
    await api.sender.tick()
    await api.sender.drain()
    sent = {s["invoice_id"]: s for s in await outcomes(pool, "invoice.sent")}
    assert set(sent) == {str(fallback), str(held)}
    assert sent[str(fallback)]["offline"] is True
    assert len(await outcomes(pool, "invoice.send.failed")) == 1
