"""Drafts, sending, numbering and the gateway's answers, through the API on the real database."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from conftest import Orgs
from issuing_data import KSEF_NO, form_body
from issuing_events import UPO, deliver_failed, deliver_sent

from invoices.issuing.fa3_builder import schema_errors


async def draft(api: httpx.AsyncClient, orgs: Orgs, **changes: Any) -> dict[str, Any]:
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices",
        json=form_body(**changes),
        headers=orgs.company_user(),
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def send(api: httpx.AsyncClient, orgs: Orgs, invoice_id: str, **kw: Any) -> httpx.Response:
    return await api.post(
        f"/issuing/invoices/{invoice_id}/send", json=kw or None, headers=orgs.company_user()
    )


async def outbox_rows(pool: asyncpg.Pool) -> list[Any]:
    return list(await pool.fetch("SELECT topic, key, payload FROM outbox ORDER BY id"))


async def test_draft_is_saved_with_amounts_in_grosze(api: httpx.AsyncClient, orgs: Orgs) -> None:
    created = await draft(api, orgs)
    r = await api.get(f"/issuing/invoices/{created['id']}", headers=orgs.company_user("employee"))
    assert r.status_code == 200
    got = r.json()
    assert (got["status"], got["net"], got["vat"], got["gross"]) == (
        "draft", "95.97", "4.98", "100.95"
    )  # fmt: skip
    assert got["number"] is None
    assert got["form"]["buyer"]["nip"] == "3861610227"


async def test_draft_can_be_changed_and_deleted(api: httpx.AsyncClient, orgs: Orgs) -> None:
    created = await draft(api, orgs)
    url = f"/issuing/invoices/{created['id']}"
    lines = [{"name": "Abonament", "quantity": "1", "unit_net_price": "100", "vat_rate": "23"}]
    r = await api.put(url, json=form_body(lines=lines), headers=orgs.company_user())
    assert (r.status_code, r.json()["gross"]) == (200, "123.00")
    assert (await api.delete(url, headers=orgs.company_user())).status_code == 204
    assert (await api.get(url, headers=orgs.company_user())).status_code == 404


async def test_bad_form_gets_polish_messages_and_saves_nothing(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    body = form_body(buyer={"nip": "1234567890", "name": ""}, currency="USD")
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices", json=body, headers=orgs.company_user()
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invoice_invalid"
    assert {"field": "buyer.name", "message": "To pole nie może być puste."} in error["details"]
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices",
        json=form_body(currency="USD"),
        headers=orgs.company_user(),
    )
    assert r.json()["error"]["details"] == [
        {"field": "exchange_rate", "message": "Podaj kurs USD/PLN (dla waluty innej niż PLN)."}
    ]
    assert await pool.fetchval("SELECT count(*) FROM issued_invoices") == 0


async def test_send_numbers_the_invoice_and_publishes_exactly_one_event(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    created = await draft(api, orgs)
    r = await send(api, orgs, created["id"])
    assert r.status_code == 202, r.text
    sent = r.json()
    assert (sent["status"], sent["number"]) == ("queued", "FV/1/03/2026")
    again = await send(api, orgs, created["id"])
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invoice_already_sent")
    [row] = await outbox_rows(pool)
    assert (row["topic"], row["key"]) == ("invoice.send.requested", str(orgs.company))
    data = row["payload"]["data"]
    assert (data["invoice_id"], data["offline"]) == (created["id"], False)
    assert schema_errors(data["xml"].encode()) == []
    assert data["on_behalf_office_id"] is None
    edit = await api.put(
        f"/issuing/invoices/{created['id']}", json=form_body(), headers=orgs.company_user()
    )
    assert edit.status_code == 409


async def test_numbers_are_unique_when_issued_concurrently(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    ids = [(await draft(api, orgs))["id"] for _ in range(6)]
    results = await asyncio.gather(*(send(api, orgs, i) for i in ids))
    assert [r.status_code for r in results] == [202] * 6
    numbers = sorted(r.json()["number"] for r in results)
    assert numbers == sorted(f"FV/{n}/03/2026" for n in range(1, 7))
    assert len(await outbox_rows(pool)) == 6


async def test_own_number_cannot_be_used_twice(api: httpx.AsyncClient, orgs: Orgs) -> None:
    await draft(api, orgs, number="A/2026/1")
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices",
        json=form_body(number="A/2026/1"),
        headers=orgs.company_user(),
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "duplicate_invoice_number")
    assert "KSeF" in r.json()["error"]["message"]


async def test_accepted_invoice_gets_ksef_number_and_upo(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    created = await draft(api, orgs)
    await send(api, orgs, created["id"])
    assert await deliver_sent(pool, orgs.company, UUID(created["id"]), KSEF_NO)
    got = (await api.get(f"/issuing/invoices/{created['id']}", headers=orgs.company_user())).json()
    assert (got["status"], got["ksef_number"], got["has_upo"]) == ("accepted", KSEF_NO, True)
    upo = await api.get(f"/issuing/invoices/{created['id']}/upo", headers=orgs.company_user())
    assert (upo.status_code, upo.text) == (200, UPO)
    pdf = await api.get(f"/issuing/invoices/{created['id']}/pdf", headers=orgs.company_user())
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")


async def test_rejected_invoice_shows_the_reason_and_can_be_fixed_and_resent(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    created = await draft(api, orgs)
    await send(api, orgs, created["id"])
    await deliver_failed(pool, orgs.company, UUID(created["id"]))
    url = f"/issuing/invoices/{created['id']}"
    got = (await api.get(url, headers=orgs.company_user())).json()
    assert got["status"] == "rejected"
    assert got["error_message"] == "KSeF odrzucił fakturę: błąd semantyczny dokumentu."
    assert got["errors"][0]["code"] == 450
    upo = await api.get(f"{url}/upo", headers=orgs.company_user())
    assert (upo.status_code, upo.json()["error"]["code"]) == (404, "upo_not_available")
    assert (
        await api.put(url, json=form_body(notes="Poprawiona"), headers=orgs.company_user())
    ).status_code == 200
    again = await send(api, orgs, created["id"])
    assert (again.status_code, again.json()["number"]) == (202, "FV/1/03/2026")
    assert len(await outbox_rows(pool)) == 2


async def test_failure_after_acceptance_is_ignored(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    created = await draft(api, orgs)
    await send(api, orgs, created["id"])
    await deliver_sent(pool, orgs.company, UUID(created["id"]), KSEF_NO)
    await deliver_failed(pool, orgs.company, UUID(created["id"]), retryable=True)
    got = (await api.get(f"/issuing/invoices/{created['id']}", headers=orgs.company_user())).json()
    assert got["status"] == "accepted"


async def test_correction_of_an_accepted_invoice(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    original = await draft(api, orgs)
    correction = {"corrected_invoice_id": original["id"], "reason": "Rabat posprzedażny"}
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices",
        json=form_body(kind="KOR", correction=correction),
        headers=orgs.company_user(),
    )
    assert r.status_code == 422  # the original is not in KSeF yet
    await send(api, orgs, original["id"])
    await deliver_sent(pool, orgs.company, UUID(original["id"]), KSEF_NO)
    kor = await draft(api, orgs, kind="KOR", correction=correction)
    assert kor["gross"] == "0.00"
    r = await send(api, orgs, kor["id"])
    assert (r.status_code, r.json()["number"]) == (202, "KOR/1/03/2026")
    xml = (await api.get(f"/issuing/invoices/{kor['id']}/xml", headers=orgs.company_user())).text
    assert f"<NrKSeFFaKorygowanej>{KSEF_NO}</NrKSeFFaKorygowanej>" in xml


async def test_advance_and_final_invoice(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    zal = await draft(api, orgs, kind="ZAL", advance={"amount": "50.00"})
    assert zal["gross"] == "50.00"
    await send(api, orgs, zal["id"])
    await deliver_sent(pool, orgs.company, UUID(zal["id"]), KSEF_NO)
    roz = await draft(api, orgs, kind="ROZ", settlement={"advance_invoice_ids": [zal["id"]]})
    assert roz["gross"] == "50.95"
    r = await send(api, orgs, roz["id"])
    assert (r.status_code, r.json()["number"]) == (202, "ROZ/1/03/2026")
