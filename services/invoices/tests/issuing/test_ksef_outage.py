"""KSeF unavailable: invoices are issued offline in the outage's mode, handed-back online
invoices switch to offline and go again, and deadlines follow the outage (real database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from conftest import Orgs
from issuing_data import form_body
from issuing_events import offline_certificate

from chassis.inbox import process_once
from contracts.envelope import Envelope, new_envelope
from contracts.ksef_gateway import (
    InvoiceSendFailed,
    KsefAvailabilityChanged,
    KsefStatus,
    OfflineMode,
    SendError,
)
from invoices.issuing import outage
from invoices.issuing.domain import add_business_days, next_business_day
from invoices.issuing.offline import Signing
from invoices.issuing.sending import WARSAW

TODAY = date.today().isoformat()
SIGNING = Signing("https://qr-test.ksef.mf.gov.pl", "test-offline-key-secret")


async def ksef(pool: asyncpg.Pool, status: str, mode: str | None, since: datetime) -> bool:
    data = KsefAvailabilityChanged(
        status=KsefStatus(status),
        mode=OfflineMode(mode) if mode else None,
        since=since,
        message="KSeF jest niedostępny." if mode else "KSeF działa.",
        source="latarnia",
    )
    envelope = new_envelope("ksef.availability.changed", 1, data, producer="ksef-gateway")
    return await process_once(pool, "invoices", envelope, outage.on_availability_changed)


def handed_back(company: UUID, invoice: str) -> Envelope[Any]:
    data = InvoiceSendFailed(
        company_id=company,
        invoice_id=UUID(invoice),
        errors=[SendError(code="ksef_unavailable", description="KSeF is unavailable.")],
        message="KSeF jest niedostępny: faktura zostanie wystawiona w trybie offline.",
        retryable=True,
    )
    return new_envelope("invoice.send.failed", 1, data, producer="ksef-gateway")


async def with_certificate(api: httpx.AsyncClient, orgs: Orgs) -> None:
    cert, key = offline_certificate()
    r = await api.put(
        f"/issuing/companies/{orgs.company}/offline-certificate",
        json={"certificate": cert, "private_key": key},
        headers=orgs.company_user(),
    )
    assert r.status_code == 200


async def issue(api: httpx.AsyncClient, orgs: Orgs, mode: str = "online") -> dict[str, Any]:
    body = form_body(issue_date=TODAY, sale_date=TODAY, payment=None)
    created = await api.post(
        f"/issuing/companies/{orgs.company}/invoices", json=body, headers=orgs.company_user()
    )
    assert created.status_code == 201, created.text
    r = await api.post(
        f"/issuing/invoices/{created.json()['id']}/send",
        json={"mode": mode},
        headers=orgs.company_user(),
    )
    assert r.status_code == 202, r.text
    got: dict[str, Any] = r.json()
    return got


async def requests(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT payload FROM outbox WHERE topic = 'invoice.send.requested' ORDER BY id"
    )
    return [dict(r["payload"]["data"]) for r in rows]


async def shown(api: httpx.AsyncClient, orgs: Orgs, invoice: str) -> dict[str, Any]:
    r = await api.get(f"/issuing/invoices/{invoice}", headers=orgs.company_user())
    body: dict[str, Any] = r.json()
    return body


async def test_sending_while_ksef_is_unavailable_issues_offline_until_it_returns(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    await with_certificate(api, orgs)
    start = datetime.now(UTC) - timedelta(minutes=5)
    assert await ksef(pool, "unavailable", "offline", start)
    queue = (await api.get("/issuing/queue", headers=orgs.office_user())).json()
    assert (queue["ksef"]["status"], queue["ksef"]["mode"]) == ("unavailable", "offline")
    sent = await issue(api, orgs)
    assert (sent["status"], sent["offline_mode"], sent["offline_qr"]) == ("offline", "offline",
                                                                          True)  # fmt: skip
    assert sent["offline_deadline"] is None
    assert sent["deadline_label"].startswith("nieznany")
    assert sent["offline_mode_label"] == "offline (niedostępność KSeF)"
    [request] = await requests(pool)
    assert (request["offline"], request["offline_fallback"]) == (True, False)

    end = datetime.now(UTC)
    assert await ksef(pool, "available", None, end)
    [waiting] = (await api.get("/issuing/queue", headers=orgs.company_user())).json()["items"]
    expected = next_business_day(end.astimezone(WARSAW).date())
    assert waiting["offline_deadline"] == expected.isoformat()
    assert waiting["deadline_label"] == f"do {expected:%d.%m.%Y}"


async def test_an_older_availability_event_does_not_overwrite_a_newer_one(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    now = datetime.now(UTC)
    await ksef(pool, "available", None, now)
    await ksef(pool, "unavailable", "offline", now - timedelta(hours=1))
    queue = (await api.get("/issuing/queue", headers=orgs.company_user())).json()
    assert queue["ksef"]["status"] == "available"


async def test_without_an_offline_certificate_the_invoice_waits_online(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    await ksef(pool, "unavailable", "offline", datetime.now(UTC))
    sent = await issue(api, orgs)
    assert (sent["status"], sent["offline_mode"]) == ("queued", None)
    [request] = await requests(pool)
    assert (request["offline"], request["offline_fallback"]) == (False, False)


async def test_a_handed_back_online_invoice_is_issued_offline_and_asked_again_once(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    await with_certificate(api, orgs)
    sent = await issue(api, orgs)
    [first] = await requests(pool)
    assert (first["offline"], first["offline_fallback"]) == (False, True)
    await ksef(pool, "unavailable", "awaryjny", datetime.now(UTC))
    back = handed_back(orgs.company, sent["id"])
    handler = outage.on_send_failed(SIGNING)
    assert await process_once(pool, "invoices", back, handler)
    assert not await process_once(pool, "invoices", back, handler)
    got = await shown(api, orgs, sent["id"])
    assert (got["status"], got["offline_mode"], got["offline_qr"]) == ("offline", "awaryjny", True)
    assert got["offline_deadline"] is None
    assert got["error_message"] is None
    first, again = await requests(pool)
    assert (again["offline"], again["xml"], again["invoice_hash"]) == (
        True, first["xml"], first["invoice_hash"],
    )  # fmt: skip
    pdf = await api.get(f"/issuing/invoices/{sent['id']}/pdf", headers=orgs.company_user())
    assert pdf.status_code == 200


async def test_a_refusal_is_still_a_refusal(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    sent = await issue(api, orgs)
    data = InvoiceSendFailed(
        company_id=orgs.company,
        invoice_id=UUID(sent["id"]),
        errors=[SendError(code=450, description="Błąd semantyki")],
        message="KSeF odrzucił fakturę.",
    )
    envelope = new_envelope("invoice.send.failed", 1, data, producer="ksef-gateway")
    await process_once(pool, "invoices", envelope, outage.on_send_failed(SIGNING))
    assert (await shown(api, orgs, sent["id"]))["status"] == "rejected"
    assert len(await requests(pool)) == 1


async def test_an_announced_failure_moves_waiting_offline24_invoices_to_its_deadline(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    await with_certificate(api, orgs)
    sent = await issue(api, orgs, mode="offline24")
    assert sent["offline_deadline"] is not None
    await ksef(pool, "unavailable", "awaryjny", datetime.now(UTC))
    moved = await shown(api, orgs, sent["id"])
    assert (moved["offline_mode"], moved["offline_deadline"]) == ("awaryjny", None)
    assert moved["deadline_label"] == "nieznany: 7 dni roboczych od zakończenia awarii KSeF"
    end = datetime.now(UTC) + timedelta(seconds=1)
    await ksef(pool, "available", None, end)
    expected = add_business_days(end.astimezone(WARSAW).date(), 7)
    assert (await shown(api, orgs, sent["id"]))["offline_deadline"] == expected.isoformat()
