"""KOR_ZAL and KOR_ROZ: corrections of an advance and of a settlement invoice, XSD-valid, and
issued through the API only against an accepted invoice of the right kind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
import httpx
from conftest import Orgs
from issuing_data import KSEF_NO, document, form, form_body
from issuing_events import deliver_sent
from test_issuing_api import draft, send

from invoices.fa3.parser import parse
from invoices.issuing.fa3_builder import AdvanceRef, CorrectedRef, build, schema_errors, totals

CORRECTION = {"corrected_invoice_id": str(uuid4()), "reason": "Zmiana zamówienia", "type": 2}


def test_correction_of_an_advance_invoice_shows_the_order_before_and_after() -> None:
    zal = form(kind="ZAL", advance={"amount": "50.00"})
    ref = CorrectedRef("ZAL/1/03/2026", date(2026, 3, 2), KSEF_NO, zal.lines, Decimal("50.00"))
    kor = form(kind="KOR_ZAL", advance={"amount": "80.00"}, correction=CORRECTION)
    doc = document(kor, "KOR/ZAL/1/03/2026", corrected=ref)
    xml = build(doc)
    assert schema_errors(xml) == []
    assert totals(doc).gross == Decimal("30.00")  # the advance grew by 30.00
    text = xml.decode()
    assert "<RodzajFaktury>KOR_ZAL</RodzajFaktury>" in text
    assert f"<NrKSeFFaKorygowanej>{KSEF_NO}</NrKSeFFaKorygowanej>" in text
    assert text.count("<StanPrzedZ>1</StanPrzedZ>") == len(zal.lines)
    assert text.count("<ZamowienieWiersz>") == 2 * len(zal.lines)
    assert "<FaWiersz>" not in text
    assert parse(xml, max_bytes=1_000_000).kind == "KOR_ZAL"


def test_correction_of_a_settlement_invoice_lists_lines_before_and_after() -> None:
    zal = form(kind="ZAL", advance={"amount": "50.00"})
    advance = AdvanceRef("ZAL/1/03/2026", KSEF_NO, totals(document(zal)))
    roz = form(kind="ROZ", settlement={"advance_invoice_ids": [str(uuid4())]})
    assert totals(document(roz, advances=[advance])).gross == Decimal("50.95")
    after = [dict(line) for line in form_body()["lines"]]
    after[0] = after[0] | {"quantity": "4"}
    kor = form(kind="KOR_ROZ", lines=after, correction=CORRECTION)
    ref = CorrectedRef("ROZ/1/03/2026", date(2026, 3, 2), KSEF_NO, roz.lines)
    doc = document(kor, "KOR/ROZ/1/03/2026", corrected=ref)
    xml = build(doc)
    assert schema_errors(xml) == []
    assert totals(doc).buckets["P_13_1"] == (Decimal("0.33"), Decimal("0.07"))  # 0.30 - 0.23
    parsed = parse(xml, max_bytes=1_000_000)
    assert parsed.kind == "KOR_ROZ"
    assert sum(1 for line in parsed.lines if line.before_correction) == len(roz.lines)


async def test_kor_zal_and_kor_roz_are_issued_only_against_accepted_invoices_of_their_kind(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    zal = await draft(api, orgs, kind="ZAL", advance={"amount": "50.00"})
    correction = CORRECTION | {"corrected_invoice_id": zal["id"]}
    url = f"/issuing/companies/{orgs.company}/invoices"
    body = form_body(kind="KOR_ZAL", advance={"amount": "70.00"}, correction=correction)
    early = await api.post(url, json=body, headers=orgs.company_user())
    assert early.status_code == 422  # the advance invoice is not in KSeF yet
    [problem] = early.json()["error"]["details"]
    assert problem["message"].startswith("Fakturą KOR_ZAL koryguje się tylko przyjętą")
    await send(api, orgs, zal["id"])
    await deliver_sent(pool, orgs.company, UUID(zal["id"]), KSEF_NO)
    kor_zal = await draft(api, orgs, kind="KOR_ZAL", advance={"amount": "70.00"},
                          correction=correction)  # fmt: skip
    assert kor_zal["gross"] == "20.00"
    r = await send(api, orgs, kor_zal["id"])
    assert (r.status_code, r.json()["number"]) == (202, "KOR/ZAL/1/03/2026")

    # A KOR_ROZ must point at a settlement invoice, not at the advance one.
    wrong = form_body(kind="KOR_ROZ", correction=correction)
    r = await api.post(url, json=wrong, headers=orgs.company_user())
    assert r.status_code == 422
    assert "rozliczeniową" in r.json()["error"]["details"][0]["message"]
    roz = await draft(api, orgs, kind="ROZ", settlement={"advance_invoice_ids": [zal["id"]]})
    await send(api, orgs, roz["id"])
    await deliver_sent(pool, orgs.company, UUID(roz["id"]), KSEF_NO.replace("0100001", "0100002"))
    kor_roz = await draft(
        api, orgs, kind="KOR_ROZ", correction=CORRECTION | {"corrected_invoice_id": roz["id"]}
    )
    assert kor_roz["gross"] == "0.00"  # nothing changed in the lines
    r = await send(api, orgs, kor_roz["id"])
    assert (r.status_code, r.json()["number"]) == (202, "KOR/ROZ/1/03/2026")
    xml = await api.get(f"/issuing/invoices/{kor_roz['id']}/xml", headers=orgs.company_user())
    assert schema_errors(xml.content) == []
