"""The gateway's events, each written to the outbox in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from chassis import outbox
from chassis.db import Conn
from contracts import new_envelope
from contracts.ksef_gateway import (
    AUTHORIZATION_CHANGED,
    INVOICE_FETCHED,
    SYNC_COMPLETED,
    InvoiceFetched,
    KsefAuthorizationChanged,
    KsefSyncCompleted,
)
from ksef_gateway.domain import SUBJECTS, CompanyAuth

PRODUCER = "ksef-gateway"


async def authorization_changed(conn: Conn, auth: CompanyAuth) -> None:
    data = KsefAuthorizationChanged(
        company_id=auth.company_id,
        company_nip=auth.company_nip,
        method=auth.method,
        status=auth.status,
        valid_until=auth.valid_until,
        permissions=auth.permissions,
        message=auth.message,
    )
    envelope = new_envelope(
        AUTHORIZATION_CHANGED.event_type,
        AUTHORIZATION_CHANGED.version,
        data,
        producer=PRODUCER,
        org_id=auth.company_id,
        company_nip=auth.company_nip,
    )
    await outbox.add(conn, envelope, key=str(auth.company_id))


async def sync_completed(
    conn: Conn,
    company_id: UUID,
    subject_type: str,
    started: datetime,
    finished: datetime,
    hwm: datetime | None,
    fetched: int,
    error: str | None,
) -> None:
    data = KsefSyncCompleted(
        company_id=company_id,
        direction=SUBJECTS[subject_type],
        started_at=started,
        finished_at=finished,
        high_water_mark=hwm,
        fetched=fetched,
        error=error,
    )
    envelope = new_envelope(
        SYNC_COMPLETED.event_type,
        SYNC_COMPLETED.version,
        data,
        producer=PRODUCER,
        org_id=company_id,
    )
    await outbox.add(conn, envelope, key=str(company_id))


def _date(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def invoice_fetched(
    conn: Conn, company_id: UUID, nip: str, subject_type: str, meta: dict[str, Any], xml: bytes
) -> None:
    """Inline XML (under INLINE_XML_LIMIT; larger invoices are refused upstream for now)."""
    data = InvoiceFetched(
        company_id=company_id,
        company_nip=nip,
        direction=SUBJECTS[subject_type],
        ksef_number=meta["ksefNumber"],
        invoice_hash=meta.get("invoiceHash") or "",
        invoice_number=meta.get("invoiceNumber"),
        issue_date=meta.get("issueDate"),
        invoicing_date=_date(meta.get("invoicingDate")),
        acquisition_date=_date(meta.get("acquisitionDate")),
        permanent_storage_date=datetime.fromisoformat(meta["permanentStorageDate"]),
        metadata=meta,
        xml=xml.decode("utf-8"),
        xml_size=len(xml),
    )
    envelope = new_envelope(
        INVOICE_FETCHED.event_type,
        INVOICE_FETCHED.version,
        data,
        producer=PRODUCER,
        org_id=company_id,
        company_nip=nip,
    )
    await outbox.add(conn, envelope, key=str(company_id))
