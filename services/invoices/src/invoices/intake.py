"""Intake of `invoice.fetched`: parse, normalise and store once per company and KSeF number.

Nothing is dropped: an invoice that cannot be read (malformed, hostile, over the size limit,
failing the XSD) is stored as `failed` with its reason and the fields the event's metadata
carries, so users see it in the list and the office can act on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from chassis.db import Conn
from contracts.ksef_gateway import Direction, InvoiceFetched
from invoices.domain import Approval, Status, fold
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


def _xml_of(event: InvoiceFetched) -> bytes | InvoiceRejected:
    if event.xml is not None:
        return event.xml.encode()
    return InvoiceRejected(
        "xml_unavailable",
        f"Treść faktury jest w magazynie ({event.xml_ref});"
        " pobieranie jej nie jest jeszcze obsługiwane.",
    )


def row_of(event: InvoiceFetched, xml: bytes, max_bytes: int) -> dict[str, Any]:
    """The invoices row for an event: parsed columns, or metadata and the reason it failed."""
    outcome: Invoice | InvoiceRejected
    try:
        outcome = (
            parse(xml, max_bytes=max_bytes) if xml else InvoiceRejected("empty", "Pusty plik.")
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
        "doc": invoice.model_dump(mode="json", exclude={"fields"}),
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
_UPDATABLE = [c for c in COLUMNS if c not in ("company_id", "ksef_number", "approval")]
UPSERT = (
    f"INSERT INTO invoices (id, {', '.join(COLUMNS)}) VALUES"
    f" ({', '.join(f'${i}' for i in range(1, len(COLUMNS) + 2))})"
    " ON CONFLICT (company_id, ksef_number) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATABLE)
    + ", updated_at = now()"
    # A stored invoice is final; only one that failed to parse is replaced by a later delivery.
    " WHERE invoices.status = 'failed' AND EXCLUDED.status = 'parsed'"
    " RETURNING id, (xmax = 0) AS inserted"
)


async def ingest(conn: Conn, event: InvoiceFetched, *, max_bytes: int) -> str:
    """Store one fetched invoice (inside the inbox transaction); return what happened."""
    xml = _xml_of(event)
    if isinstance(xml, InvoiceRejected):
        row = row_of(event, b"", max_bytes) | {
            "status": "failed",
            "error_code": xml.code,
            "error": xml.message,
        }
        raw = b""
    else:
        # Kept whole even when refused (too large, invalid): the original is evidence.
        row, raw = row_of(event, xml, max_bytes), xml
    values = [row.get(c, _DEFAULTS.get(c)) for c in COLUMNS]
    stored = await conn.fetchrow(UPSERT, uuid4(), *values)
    if stored is None:
        return f"invoice {event.ksef_number} of {event.company_id} already stored"
    await conn.execute(
        "INSERT INTO invoice_documents (invoice_id, xml) VALUES ($1, $2)"
        " ON CONFLICT (invoice_id) DO UPDATE SET xml = EXCLUDED.xml",
        stored["id"],
        raw,
    )
    verb = "stored" if stored["inserted"] else "re-parsed"
    return f"invoice {event.ksef_number} {verb} as {row['status']}"
