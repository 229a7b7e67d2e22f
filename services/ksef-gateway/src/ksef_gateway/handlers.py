"""Kafka handlers: the tenancy read model (org.*), a client leaving its office, and invoices
to send (`invoice.send.requested` -> the send queue; the worker's send loop does the rest)."""

from __future__ import annotations

from typing import Any

from chassis import tenancy
from chassis.db import Conn
from chassis.kafka import Route
from chassis.runtime import Runtime
from contracts import Envelope
from contracts.auth import ClientUnlinked
from contracts.invoices import InvoiceSendRequested
from contracts.ksef_gateway import AuthMethod, AuthStatus, SendError
from ksef_gateway import events
from ksef_gateway import repository as repo
from ksef_gateway import send_repository as qrepo
from ksef_gateway import sync_repository as srepo
from ksef_gateway.crypto import sha256_b64
from ksef_gateway.send_domain import context_key


async def on_client_unlinked(conn: Conn, event: Envelope[Any]) -> str:
    """An office no longer serving a company cannot keep reading it with its credential."""
    data: ClientUnlinked = event.data
    auth = await repo.get_auth(conn, data.company_id, lock=True)
    if auth is None or auth.method is not AuthMethod.office:
        return f"ksef: {data.company_id} unaffected"
    removed = auth.with_status(
        AuthStatus.removed, "Biuro przestało obsługiwać firmę: autoryzacja centralna wyłączona."
    )
    await repo.delete_auth(conn, data.company_id)
    await srepo.disable(conn, data.company_id)
    await events.authorization_changed(conn, removed)
    return f"ksef: office authorisation of {data.company_id} removed"


# KSeF accepts invoices up to 1 MB (KSEF-NOTES §5, "Other checks").
MAX_INVOICE_BYTES = 1_000_000


async def on_invoice_send_requested(conn: Conn, event: Envelope[Any]) -> str:
    """Queue the invoice (a repeated request for one in flight or sent changes nothing)."""
    data: InvoiceSendRequested = event.data
    raw = data.xml.encode("utf-8")
    problem = None
    if sha256_b64(raw) != data.invoice_hash:
        problem = ("hash_mismatch", "Skrót faktury nie zgadza się z jej treścią.")
    elif len(raw) > MAX_INVOICE_BYTES:
        problem = ("invoice_too_large", "Faktura jest większa niż 1 MB, limit KSeF.")
    if problem is not None:
        error = SendError(code=problem[0], description=problem[1])
        await events.invoice_send_failed(
            conn, data.company_id, data.invoice_id, [error], problem[1], retryable=False
        )
        return f"ksef: invoice {data.invoice_id} refused ({problem[0]})"
    state = await qrepo.enqueue(
        conn,
        invoice_id=data.invoice_id,
        company_id=data.company_id,
        company_nip=data.company_nip,
        on_behalf_office_id=data.on_behalf_office_id,
        context_key=context_key(data.company_id, data.on_behalf_office_id),
        xml=data.xml,
        invoice_hash=data.invoice_hash,
        offline=data.offline,
        offline_deadline=data.offline_deadline,
        requested_by=data.requested_by,
        offline_fallback=data.offline_fallback,
    )
    return f"ksef: invoice {data.invoice_id} {state}"


def routes(_: Runtime) -> list[Route]:
    return tenancy.routes(
        [
            Route("org.client.unlinked", {1: on_client_unlinked}),
            Route("invoice.send.requested", {1: on_invoice_send_requested}),
        ]
    )
