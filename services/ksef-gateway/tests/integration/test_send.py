"""Sending issued invoices to the simulator: invoice.send.requested in, invoice.sent or
invoice.send.failed out, exactly once, through outages and a crash between post and record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from chassis.testing import TokenFactory
from contracts import new_envelope
from contracts.invoices import INVOICE_SEND_REQUESTED, InvoiceSendRequested
from ksef_gateway import handlers, send_api, send_sessions
from ksef_gateway.crypto import sha256_b64
from ksef_gateway.testing import invoice_xml, ksef_nip, self_signed

from .conftest import Api, client_company, owner
from .test_office_and_sync import office_headers, register_office

TODAY = datetime.now(UTC).date().isoformat()


async def connect_with_certificate(api: Api, tokens: TokenFactory, company: UUID, nip: str) -> None:
    """The company's own certificate: the owner of its context may send (InvoiceWrite)."""
    cert, key = self_signed(nip)
    resp = await api.client.put(
        f"/companies/{company}/ksef/certificate",
        json={"certificate_pem": cert, "private_key_pem": key},
        headers=tokens.headers(company, org_kind="company", role="owner"),
    )
    assert resp.json()["authorization"]["status"] == "active", resp.text


async def request_send(
    pool: asyncpg.Pool,
    company: UUID,
    nip: str,
    xml: bytes,
    *,
    invoice_id: UUID | None = None,
    office: UUID | None = None,
    digest: str | None = None,
    offline: bool = False,
    offline_fallback: bool = False,
) -> UUID:
    """What `invoices` publishes, handled as the worker's consumer would."""
    invoice_id = invoice_id or uuid4()
    data = InvoiceSendRequested(
        company_id=company,
        company_nip=nip,
        invoice_id=invoice_id,
        xml=xml.decode(),
        invoice_hash=digest or sha256_b64(xml),
        requested_by=uuid4(),
        on_behalf_office_id=office,
        offline=offline,
        offline_fallback=offline_fallback,
    )
    spec = INVOICE_SEND_REQUESTED
    envelope = new_envelope(spec.event_type, spec.version, data, producer="invoices")
    async with pool.acquire() as conn, conn.transaction():
        await handlers.on_invoice_send_requested(conn, envelope)
    return invoice_id


async def send_round(api: Api) -> None:
    async with api.gateway.pool.acquire() as conn:
        await conn.execute("UPDATE send_queue SET next_attempt_at = now() - interval '1 day'")
    await api.sender.tick()
    await api.sender.drain()


async def outcomes(pool: asyncpg.Pool, topic: str) -> list[dict[str, Any]]:
    rows = await pool.fetch("SELECT payload FROM outbox WHERE topic = $1 ORDER BY id", topic)
    return [dict(r["payload"]["data"]) for r in rows]


async def test_sends_invoices_in_one_reused_session_and_closes_it_when_idle(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    await connect_with_certificate(api, tokens, company, nip)
    xmls = [invoice_xml(nip, ksef_nip(), f"S{i}", TODAY) for i in range(2)]
    ids = [await request_send(pool, company, nip, x) for x in xmls]

    await send_round(api)
    await send_round(api)  # nothing left: nothing more is published
    sent = await outcomes(pool, "invoice.sent")
    assert [s["invoice_id"] for s in sent] == [str(i) for i in ids]
    assert len({s["session_reference"] for s in sent}) == 1
    for item, xml in zip(sent, xmls, strict=True):
        assert item["invoice_hash"] == sha256_b64(xml)
        assert f"<NumerKSeFDokumentu>{item['ksef_number']}<" in item["upo_xml"]
    assert await pool.fetchval("SELECT invoice_count FROM send_sessions") == 2

    assert await send_sessions.close_idle(api.gateway, 0) == 1
    assert await pool.fetchval("SELECT count(*) FROM send_sessions") == 0
    # The session's AES key is gone with it: only the certificate's key is left in the vault.
    assert await pool.fetchval("SELECT count(*) FROM secrets") == await pool.fetchval(
        "SELECT count(*) FROM company_auth WHERE secret_id IS NOT NULL"
    ) + await pool.fetchval("SELECT count(*) * 2 FROM ksef_sessions")


async def test_an_outage_keeps_the_invoice_queued_and_it_goes_once_after_recovery(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory, sim: httpx.AsyncClient, sim_url: str
) -> None:
    company, nip = await client_company(pool, None)
    await connect_with_certificate(api, tokens, company, nip)
    invoice = await request_send(pool, company, nip, invoice_xml(nip, ksef_nip(), "O1", TODAY))
    await sim.post(f"{sim_url}/admin/faults", json={"mode": "unavailable", "durationSeconds": 30})
    try:
        await send_round(api)
        row = await pool.fetchrow("SELECT state, last_error FROM send_queue")
        assert (row["state"], row["last_error"]) == ("queued", "ksef_unavailable")
        assert await outcomes(pool, "invoice.send.failed") == []
    finally:
        await sim.delete(f"{sim_url}/admin/faults")
    await pool.execute("DELETE FROM rate_blocks")  # the outage's Retry-After, as if it passed
    await send_round(api)
    await send_round(api)
    [sent] = await outcomes(pool, "invoice.sent")
    assert sent["invoice_id"] == str(invoice)


async def test_after_a_crash_between_post_and_record_the_invoice_is_found_not_resent(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    await connect_with_certificate(api, tokens, company, nip)
    xml = invoice_xml(nip, ksef_nip(), "C1", TODAY)
    await request_send(pool, company, nip, xml)
    # The gateway posted the invoice and died before recording KSeF's answer.
    gw, context = api.gateway, f"company:{company}"
    sender = await send_sessions.sender_of(gw, context, nip)
    token = await send_sessions.token_of(gw, sender)
    session = await send_sessions.ensure(gw, context, nip, token)
    posted = await send_api.send_invoice(
        gw.ksef, nip, token, session.reference, session.key, session.iv, xml, offline=False
    )
    await pool.execute(
        "UPDATE send_queue SET state = 'sending', session_ref = $1", session.reference
    )
    await send_round(api)
    [sent] = await outcomes(pool, "invoice.sent")
    assert (sent["reference_number"], sent["session_reference"]) == (posted, session.reference)


async def test_a_duplicate_of_the_same_document_reports_the_original_ksef_number(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    await connect_with_certificate(api, tokens, company, nip)
    xml = invoice_xml(nip, ksef_nip(), "D1", TODAY)
    await request_send(pool, company, nip, xml)
    await send_round(api)
    # The same document again under another id (its first outcome was lost upstream), and a
    # different document reusing the number.
    again = await request_send(pool, company, nip, xml)
    other = await request_send(pool, company, nip, invoice_xml(nip, ksef_nip(), "D1", TODAY))
    await send_round(api)
    first, second = await outcomes(pool, "invoice.sent")
    assert second["invoice_id"] == str(again)
    assert second["ksef_number"] == first["ksef_number"]
    [failed] = await outcomes(pool, "invoice.send.failed")
    assert failed["invoice_id"] == str(other)
    assert failed["errors"][0]["code"] == 440
    assert first["ksef_number"] in failed["message"]
    assert failed["retryable"] is False


async def test_refusals_are_reported_with_ksef_codes_and_a_polish_explanation(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    bare, bare_nip = await client_company(pool, None)
    await connect_with_certificate(api, tokens, company, nip)
    future = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    late = await request_send(pool, company, nip, invoice_xml(nip, ksef_nip(), "F1", future))
    tampered = await request_send(
        pool, company, nip, invoice_xml(nip, ksef_nip(), "F2", TODAY), digest="A" * 43 + "="
    )
    orphan = await request_send(pool, bare, bare_nip, invoice_xml(bare_nip, nip, "F3", TODAY))
    await send_round(api)
    failed = {f["invoice_id"]: f for f in await outcomes(pool, "invoice.send.failed")}
    assert failed[str(late)]["errors"][0]["code"] == 450
    assert "data wystawienia" in failed[str(late)]["message"]
    assert failed[str(tampered)]["errors"][0]["code"] == "hash_mismatch"
    assert failed[str(orphan)]["errors"][0]["code"] == "ksef_authorization_missing"
    assert "autoryzacji KSeF" in failed[str(orphan)]["message"]
    assert await outcomes(pool, "invoice.sent") == []


async def test_the_office_sends_for_a_client_only_with_its_invoice_write_grant(
    api: Api,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    office: tuple[UUID, str],
    sim: httpx.AsyncClient,
    sim_url: str,
) -> None:
    await register_office(api, tokens, office)
    writer, writer_nip = await client_company(pool, office[0])
    reader, reader_nip = await client_company(pool, office[0])
    await (await owner(sim, sim_url, writer_nip)).grant(office[1], "InvoiceRead", "InvoiceWrite")
    await (await owner(sim, sim_url, reader_nip)).grant(office[1], "InvoiceRead")
    for company in (writer, reader):
        resp = await api.client.put(
            f"/companies/{company}/ksef/office", json={}, headers=office_headers(tokens, office[0])
        )
        assert resp.status_code == 200, resp.text
    ok = await request_send(
        pool, writer, writer_nip, invoice_xml(writer_nip, reader_nip, "B1", TODAY), office=office[0]
    )
    refused = await request_send(
        pool, reader, reader_nip, invoice_xml(reader_nip, writer_nip, "B2", TODAY), office=office[0]
    )
    await send_round(api)
    [sent] = await outcomes(pool, "invoice.sent")
    assert sent["invoice_id"] == str(ok)
    [failed] = await outcomes(pool, "invoice.send.failed")
    assert failed["invoice_id"] == str(refused)
    assert failed["errors"][0]["code"] == "no_invoice_write"
    assert "InvoiceWrite" in failed["message"]
