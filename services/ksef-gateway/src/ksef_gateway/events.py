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
    AVAILABILITY_CHANGED,
    INVOICE_FETCHED,
    INVOICE_SEND_FAILED,
    INVOICE_SENT,
    SYNC_COMPLETED,
    InvoiceFetched,
    InvoiceSendFailed,
    InvoiceSent,
    KsefAuthorizationChanged,
    KsefAvailabilityChanged,
    KsefSyncCompleted,
    SendError,
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
    conn: Conn,
    company_id: UUID,
    nip: str,
    subject_type: str,
    meta: dict[str, Any],
    xml: bytes,
    xml_ref: str | None = None,
) -> None:
    """The XML inline, or only its claim check `xml_ref` (already stored in MinIO)."""
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
        xml=None if xml_ref else xml.decode("utf-8"),
        xml_ref=xml_ref,
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


async def invoice_sent(conn: Conn, data: InvoiceSent, nip: str) -> None:
    envelope = new_envelope(
        INVOICE_SENT.event_type,
        INVOICE_SENT.version,
        data,
        producer=PRODUCER,
        org_id=data.company_id,
        company_nip=nip,
    )
    await outbox.add(conn, envelope, key=str(data.company_id))


async def invoice_send_failed(
    conn: Conn,
    company_id: UUID,
    invoice_id: UUID,
    errors: list[SendError],
    message: str,
    *,
    retryable: bool,
) -> None:
    data = InvoiceSendFailed(
        company_id=company_id,
        invoice_id=invoice_id,
        errors=errors,
        message=message,
        retryable=retryable,
    )
    envelope = new_envelope(
        INVOICE_SEND_FAILED.event_type,
        INVOICE_SEND_FAILED.version,
        data,
        producer=PRODUCER,
        org_id=company_id,
    )
    await outbox.add(conn, envelope, key=str(company_id))


async def availability_changed(conn: Conn, data: KsefAvailabilityChanged) -> None:
    """One key for every change, so consumers see them in order (a single partition)."""
    envelope = new_envelope(
        AVAILABILITY_CHANGED.event_type, AVAILABILITY_CHANGED.version, data, producer=PRODUCER
    )
    await outbox.add(conn, envelope, key="ksef")
