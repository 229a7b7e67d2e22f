"""Effects of the gateway's answers: invoice.sent and invoice.send.failed (inbox-wrapped)."""

from __future__ import annotations

from typing import Any

from chassis.db import Conn
from contracts import Envelope
from contracts.ksef_gateway import InvoiceSendFailed, InvoiceSent


async def on_invoice_sent(conn: Conn, event: Envelope[Any]) -> str:
    d: InvoiceSent = event.data
    row = await conn.fetchrow(
        "SELECT status FROM issued_invoices WHERE id = $1 AND company_id = $2 FOR UPDATE",
        d.invoice_id,
        d.company_id,
    )
    if row is None:
        return f"issuing: {d.invoice_id} is not an invoice issued here"
    # A late UPO (or a redelivery) may follow the acceptance: keep the number, fill the UPO.
    await conn.execute(
        "UPDATE issued_invoices SET status = 'accepted', ksef_number = $2, ksef_reference = $3,"
        " session_reference = $4, acquisition_date = COALESCE($5, acquisition_date),"
        " upo_xml = COALESCE($6, upo_xml), offline = offline OR $7, error_message = NULL,"
        " errors = NULL, retryable = NULL, accepted_at = COALESCE(accepted_at, now()),"
        " updated_at = now() WHERE id = $1",
        d.invoice_id,
        d.ksef_number,
        d.reference_number,
        d.session_reference,
        d.acquisition_date,
        d.upo_xml,
        d.offline,
    )
    return f"issuing: {d.invoice_id} accepted as {d.ksef_number}"


async def on_invoice_send_failed(conn: Conn, event: Envelope[Any]) -> str:
    d: InvoiceSendFailed = event.data
    row = await conn.fetchrow(
        "SELECT status FROM issued_invoices WHERE id = $1 AND company_id = $2 FOR UPDATE",
        d.invoice_id,
        d.company_id,
    )
    if row is None:
        return f"issuing: {d.invoice_id} is not an invoice issued here"
    if row["status"] == "accepted":
        # KSeF accepted it already (e.g. a retried send hit the duplicate check): keep that.
        return f"issuing: {d.invoice_id} already accepted, failure ignored"
    await conn.execute(
        "UPDATE issued_invoices SET status = 'rejected', error_message = $2, errors = $3,"
        " retryable = $4, updated_at = now() WHERE id = $1",
        d.invoice_id,
        d.message,
        [e.model_dump(mode="json") for e in d.errors],
        d.retryable,
    )
    return f"issuing: {d.invoice_id} rejected ({'retryable' if d.retryable else 'final'})"
