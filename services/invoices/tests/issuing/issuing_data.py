"""Invoice forms for the issuing tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from invoices.issuing.fa3_builder import Document, Seller
from invoices.issuing.forms import Address, InvoiceForm, check_form, parse_form

BUYER_NIP = "3861610227"
SELLER = Seller("5265877635", "Rachmistrz Test Sp. z o.o.", Address(line1="ul. Długa 5"))
KSEF_NO = "5265877635-20260302-0100001AF629-AF"


def form_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "issue_date": "2026-03-02",
        "sale_date": "2026-02-27",
        "issue_place": "Warszawa",
        "seller_address": {"line1": "ul. Długa 5", "line2": "00-950 Warszawa"},
        "buyer": {
            "nip": BUYER_NIP,
            "name": "Błaszczak - Lenart",
            "address": {"line1": "ul. Polna 1", "line2": "00-001 Warszawa"},
        },
        "lines": [
            {"name": "Konsultacje", "unit": "godz.", "quantity": "3", "unit_net_price": "0.33",
             "vat_rate": "23"},
            {"name": "Książka", "quantity": "2", "unit_net_price": "49.99", "discount": "5.00",
             "vat_rate": "5"},
        ],
        "payment": {"due_date": "2026-03-16", "method": "transfer",
                    "bank_account": "61 1090 1014 0000 0712 1981 2874"},
        "notes": "Dziękujemy za zakupy.",
    }  # fmt: skip
    body.update(changes)
    return body


def form(**changes: Any) -> InvoiceForm:
    parsed = parse_form(form_body(**changes))
    check_form(parsed)
    return parsed


def document(parsed: InvoiceForm, number: str = "FV/1/03/2026", **kw: Any) -> Document:
    return Document(parsed, number, SELLER, datetime(2026, 3, 2, 10, tzinfo=UTC), **kw)
