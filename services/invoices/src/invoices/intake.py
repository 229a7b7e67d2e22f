"""Intake of `invoice.fetched`: parse, normalise and store once per company and KSeF number.

Nothing is dropped: an invoice that cannot be read (malformed, hostile, over the size limit,
failing the XSD) is stored as `failed` with its reason and the fields the event's metadata
carries, so users see it in the list and the office can act on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from contracts.ksef_gateway import Direction, InvoiceFetched
from invoices.domain import Approval, Status, fold
from invoices.fa3 import schema
from invoices.fa3.model import Invoice
from invoices.fa3.parser import InvoiceRejected, parse

SEARCH_TEXT_LIMIT = 4000


def counterparty(invoice: Invoice, direction: str) -> tuple[str, str]:
    """(tax id, name) of the other side: the buyer of a sale, the seller otherwise."""
    party = invoice.buyer if direction == Direction.sales else invoice.seller
    return party.tax_id, party.name or ""


def search_text(invoice: Invoice | None, event: InvoiceFetched) -> str:
    parts: list[str] = [event.ksef_number, event.invoice_number or ""]
    if invoice is not None:
        parties = [invoice.seller, invoice.buyer, *invoice.third_parties]
        parts += [invoice.number]
        parts += [f"{p.tax_id} {p.name or ''}" for p in parties]
        parts += [line.name for line in invoice.lines]
    return fold(" ".join(parts))[:SEARCH_TEXT_LIMIT]


def row_of(event: InvoiceFetched, xml: bytes, max_bytes: int) -> dict[str, Any]:
    """The invoices row for an event: parsed columns, or metadata and the reason it failed."""
    outcome: Invoice | InvoiceRejected
    try:
        outcome = (
            parse(xml, max_bytes=max_bytes, with_fields=False)
            if xml
            else InvoiceRejected("empty", "Pusty plik.")
        )
    except InvoiceRejected as rejected:
        outcome = rejected
    direction = event.direction.value
    fallback_day = event.issue_date or event.permanent_storage_date.date()
    row: dict[str, Any] = {
        "company_id": event.company_id,
        "ksef_number": event.ksef_number,
        "direction": direction,
        "ksef_date": event.permanent_storage_date,
        "invoice_hash": event.invoice_hash,
        "xml_size": event.xml_size or len(xml),
        "approval": (Approval.not_required if direction == "sales" else Approval.pending).value,
    }
    if isinstance(outcome, InvoiceRejected):
        return row | {
            "status": Status.failed.value,
            "error_code": outcome.code,
            "error": outcome.message[:2000],
            "invoice_number": event.invoice_number or "",
            "issue_date": fallback_day,
            "sale_date": fallback_day,
            "search_text": search_text(None, event),
            "doc": None,
        }
    invoice = outcome
    cp_nip, cp_name = counterparty(invoice, direction)
    due = [d.on for d in (invoice.payment.due if invoice.payment else []) if d.on]
    return row | {
        "status": Status.parsed.value,
        "error_code": None,
        "error": None,
        "kind": invoice.kind,
        "invoice_number": invoice.number,
        "issue_date": invoice.issue_date,
        "sale_date": invoice.effective_sale_date,
        "seller_nip": invoice.seller.tax_id,
        "seller_name": invoice.seller.name or "",
        "buyer_nip": invoice.buyer.tax_id,
        "buyer_name": invoice.buyer.name or "",
        "counterparty_nip": cp_nip,
        "counterparty_name": cp_name,
        "currency": invoice.currency,
        "net": invoice.net,
        "vat": invoice.vat,
        "gross": invoice.gross,
        "due_date": min(due) if due else None,
        "split_payment": invoice.split_payment,
        "search_text": search_text(invoice, event),
        # JSON text made here (in the parser process), cast to jsonb by the upsert
        "doc": invoice.model_dump_json(exclude={"fields"}),
    }


COLUMNS = [
    "company_id",
    "ksef_number",
    "direction",
    "ksef_date",
    "invoice_hash",
    "xml_size",
    "approval",
    "status",
    "error_code",
    "error",
    "kind",
    "invoice_number",
    "issue_date",
    "sale_date",
    "seller_nip",
    "seller_name",
    "buyer_nip",
    "buyer_name",
    "counterparty_nip",
    "counterparty_name",
    "currency",
    "net",
    "vat",
    "gross",
    "due_date",
    "split_payment",
    "search_text",
    "doc",
]
_DEFAULTS: dict[str, Any] = {
    "kind": "",
    "seller_nip": "",
    "seller_name": "",
    "buyer_nip": "",
    "buyer_name": "",
    "counterparty_nip": "",
    "counterparty_name": "",
    "currency": "PLN",
    "net": Decimal(0),
    "vat": Decimal(0),
    "gross": Decimal(0),
    "due_date": None,
    "split_payment": False,
}


def prepare(
    event: InvoiceFetched, xml: bytes | InvoiceRejected, max_bytes: int
) -> tuple[list[Any], bytes]:
    """The invoices row's values (in COLUMNS order) and the raw XML to keep.

    CPU-bound and picklable both ways, so a process pool can run it. An XML that could not be
    obtained is stored as failed with that reason; one that was obtained is kept whole even
    when refused (too large, invalid): the original is evidence."""
    if isinstance(xml, InvoiceRejected):
        row = row_of(event, b"", max_bytes) | {
            "status": "failed",
            "error_code": xml.code,
            "error": xml.message,
        }
        raw = b""
    else:
        row, raw = row_of(event, xml, max_bytes), xml
    return [row.get(c, _DEFAULTS.get(c)) for c in COLUMNS], raw


def prepare_many(
    items: list[tuple[InvoiceFetched, bytes | InvoiceRejected]], max_bytes: int
) -> list[tuple[list[Any], bytes]]:
    return [prepare(event, xml, max_bytes) for event, xml in items]


def warm_parser() -> None:
    """A parser process's initializer: compile the XSD before the first batch arrives."""
    schema.load_schema(schema.XSD_DIR)
