"""FA(3) built for every kind validates against the official XSD; amounts follow Polish rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from issuing_data import KSEF_NO, SELLER, document, form, form_body

from invoices.fa3.parser import parse
from invoices.issuing.domain import (
    RATES,
    InvoiceInvalid,
    grosze,
    next_business_day,
    offline_deadline,
)
from invoices.issuing.fa3_builder import AdvanceRef, CorrectedRef, build, schema_errors, totals
from invoices.issuing.forms import check_form, parse_form

ALL_RATES = [
    {"name": f"Pozycja {code}", "quantity": "1", "unit_net_price": "100", "vat_rate": code}
    for code in RATES
]


def _xml_ok(xml: bytes) -> None:
    assert schema_errors(xml) == []


def test_basic_invoice_validates_and_rounds_vat_per_rate() -> None:
    doc = document(form())
    xml = build(doc)
    _xml_ok(xml)
    parsed = parse(xml, max_bytes=1_000_000)
    rates = {r.code: (r.net, r.vat) for r in parsed.rates}
    # 3 × 0.33 = 0.99 net at 23 %: VAT from the rate's total is 0.23 (per line it would be 0.24)
    assert rates["23"] == (Decimal("0.99"), Decimal("0.23"))
    # 2 × 49.99 − 5.00 = 94.98 at 5 % = 4.749 → 4.75
    assert rates["5"] == (Decimal("94.98"), Decimal("4.75"))
    assert parsed.gross == Decimal("100.95")
    assert parsed.number == "FV/1/03/2026"
    assert parsed.payment is not None
    assert parsed.payment.accounts[0].number.startswith("6110")


def test_every_vat_rate_lands_in_its_field_and_validates() -> None:
    f = form(lines=ALL_RATES, exemption_basis="art. 43 ust. 1 pkt 37 ustawy o VAT")
    xml = build(document(f))
    _xml_ok(xml)
    amounts = totals(document(f))
    assert amounts.buckets["P_13_1"] == (Decimal(200), Decimal(45))  # 23 % + 22 %
    assert amounts.buckets["P_13_2"] == (Decimal(200), Decimal(15))  # 8 % + 7 %
    assert amounts.buckets["P_13_4"] == (Decimal(200), Decimal(7))  # 4 % + 3 %
    for zero_field in ("P_13_6_1", "P_13_6_2", "P_13_6_3", "P_13_7", "P_13_8", "P_13_9", "P_13_10"):
        assert amounts.buckets[zero_field] == (Decimal(100), Decimal(0))
    text = xml.decode()
    assert "<P_18>1</P_18>" in text  # reverse charge annotated
    assert "<P_19A>art. 43 ust. 1 pkt 37 ustawy o VAT</P_19A>" in text


def test_foreign_currency_states_vat_in_pln() -> None:
    f = form(currency="EUR", exchange_rate="4.2512")
    xml = build(document(f))
    _xml_ok(xml)
    assert "<P_14_1W>0.98</P_14_1W>" in xml.decode()  # 0.23 EUR × 4.2512


def test_split_payment_and_annex15_lines_are_marked() -> None:
    lines = [{"name": "Stal", "quantity": "100", "unit_net_price": "200", "vat_rate": "23",
              "annex15": True}]  # fmt: skip
    xml = build(document(form(lines=lines, split_payment=True))).decode()
    assert "<P_18A>1</P_18A>" in xml
    assert "<P_12_Zal_15>1</P_12_Zal_15>" in xml


def test_correction_lists_before_and_after_with_differences() -> None:
    original = form()
    after = [dict(line) for line in form_body()["lines"]]
    after[1] = after[1] | {"quantity": "1"}
    kor = form(
        kind="KOR",
        lines=after,
        correction={"corrected_invoice_id": str(uuid4()), "reason": "Zwrot 1 szt.", "type": 2},
    )
    ref = CorrectedRef("FV/1/03/2026", date(2026, 3, 2), KSEF_NO, original.lines)
    doc = document(kor, "KOR/1/03/2026", corrected=ref)
    xml = build(doc)
    _xml_ok(xml)
    amounts = totals(doc)
    assert amounts.buckets["P_13_3"] == (Decimal("-49.99"), Decimal("-2.50"))
    assert amounts.buckets["P_13_1"] == (Decimal(0), Decimal(0))
    parsed = parse(xml, max_bytes=1_000_000)
    assert parsed.kind == "KOR"
    assert [c.ksef_number for c in parsed.corrected] == [KSEF_NO]
    assert sum(1 for line in parsed.lines if line.before_correction) == 2


def test_advance_invoice_splits_the_advance_over_rates() -> None:
    zal = form(kind="ZAL", advance={"amount": "50.00", "received_on": "2026-03-01"})
    doc = document(zal, "ZAL/1/03/2026")
    xml = build(doc)
    _xml_ok(xml)
    amounts = totals(doc)
    assert amounts.gross == Decimal("50.00")
    net23, vat23 = amounts.buckets["P_13_1"]
    assert vat23 == net23 + vat23 - grosze((net23 + vat23) * 100 / 123)
    assert "<Zamowienie>" in xml.decode()
    assert "<FaWiersz>" not in xml.decode()


def test_final_invoice_deducts_advances() -> None:
    zal = form(kind="ZAL", advance={"amount": "50.00"})
    advance = AdvanceRef("ZAL/1/03/2026", KSEF_NO, totals(document(zal)))
    roz = form(kind="ROZ", settlement={"advance_invoice_ids": [str(uuid4())]})
    doc = document(roz, "ROZ/1/03/2026", advances=[advance])
    xml = build(doc)
    _xml_ok(xml)
    assert totals(doc).gross == Decimal("100.95") - Decimal("50.00")
    assert f"<NrKSeFFaZaliczkowej>{KSEF_NO}</NrKSeFFaZaliczkowej>" in xml.decode()


def test_foreign_and_eu_buyers_validate() -> None:
    eu = {"eu_vat": "DE123456789", "name": "Kunde GmbH",
          "address": {"country": "DE", "line1": "Hauptstr. 1, Berlin"}}  # fmt: skip
    lines = [{"name": "Towar", "quantity": "1", "unit_net_price": "10", "vat_rate": "0 WDT"}]
    _xml_ok(build(document(form(buyer=eu, lines=lines, currency="EUR", exchange_rate="4.3"))))
    other = {"foreign_id": "123-45-678", "name": "Client Inc.",
             "address": {"country": "US", "line1": "1 Main St, Boston"}}  # fmt: skip
    _xml_ok(build(document(form(buyer=other, lines=[lines[0] | {"vat_rate": "0 EX"}]))))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"buyer": {"nip": "1234567890", "name": "X"}}, "buyer.nip", "Nieprawidłowy NIP"),
        ({"currency": "EUR"}, "exchange_rate", "Podaj kurs EUR/PLN"),
        ({"lines": []}, "lines", "co najmniej 1"),
        ({"issue_date": "2026-02-30"}, "issue_date", "RRRR-MM-DD"),
        ({"payment": {"bank_account": "61 1090 1014 0000 0712 1981 2875"}},
         "payment.bank_account", "Nieprawidłowy numer rachunku"),
        ({"lines": [ALL_RATES[10]]}, "exemption_basis", "podstawę zwolnienia"),
        ({"lines": [{"name": "A", "quantity": "-1", "unit_net_price": "1", "vat_rate": "23"}]},
         "lines.0.quantity", "większa od 0"),
        ({"lines": [{"name": "A", "quantity": "1", "unit_net_price": "1", "vat_rate": "19"}]},
         "lines.0.vat_rate", "Niedozwolona wartość"),
        ({"kind": "KOR"}, "correction", "Wskaż fakturę korygowaną"),
        ({"advance": {"amount": "10"}}, "advance", "tylko faktur rodzaju ZAL, KOR_ZAL"),
        ({"kind": "KOR_ZAL"}, "correction", "Wskaż korygowaną fakturę zaliczkową"),
        ({"kind": "KOR_ZAL"}, "advance", "Podaj kwotę zaliczki po korekcie"),
        ({"kind": "KOR_ROZ"}, "correction", "Wskaż korygowaną fakturę rozliczeniową"),
        ({"kind": "KOR_ROZ", "settlement": {"advance_invoice_ids": [str(uuid4())]},
          "correction": {"corrected_invoice_id": str(uuid4()), "reason": "Błąd"}},
         "settlement", "tylko faktur rodzaju ROZ"),
        ({"surprise": 1}, "surprise", "Nieznane pole"),
    ],
)  # fmt: skip
def test_bad_fields_get_a_polish_message(
    changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvoiceInvalid) as caught:
        check_form(parse_form(form_body(**changes)))
    problems = {p["field"]: p["message"] for p in caught.value.details}
    assert field in problems, problems
    assert message in problems[field]


def test_offline24_deadline_is_the_next_business_day() -> None:
    assert offline_deadline(date(2026, 3, 6)) == date(2026, 3, 9)  # Friday → Monday
    assert offline_deadline(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday → after Easter
    assert next_business_day(date(2025, 12, 23)) == date(2025, 12, 29)  # 24–26 Dec holidays


def test_seller_comes_from_the_company() -> None:
    parsed = parse(build(document(form())), max_bytes=1_000_000)
    assert parsed.seller.nip == SELLER.nip
    assert parsed.buyer.nip == "3861610227"
