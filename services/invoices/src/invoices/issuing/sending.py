"""The send request to the gateway and the offline values of an invoice (QR II, mode,
deadline): shared by issuing (`services.send`) and the switch to offline (`outage`)."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from chassis import outbox
from chassis.db import Conn
from chassis.tenancy import Company
from contracts.envelope import Envelope, new_envelope
from contracts.invoices import InvoiceSendRequested
from invoices.issuing import offline
from invoices.issuing import repository as repo
from invoices.issuing.domain import (
    NoOfflineCertificate,
    OfflineMode,
    offline_deadline,
    outage_deadline,
)

PRODUCER = "invoices"
WARSAW = ZoneInfo("Europe/Warsaw")


async def queue_send(
    conn: Conn,
    company: Company,
    invoice_id: UUID,
    xml: bytes,
    *,
    offline_values: dict[str, Any],
    fallback: bool,
    requested_by: UUID,
    office_id: UUID | None,
) -> Envelope[Any]:
    """`invoice.send.requested` into the outbox, in the caller's transaction."""
    deadline = offline_values["offline_deadline"]
    data = InvoiceSendRequested(
        company_id=company.org_id,
        company_nip=company.nip,
        invoice_id=invoice_id,
        xml=xml.decode(),
        invoice_hash=base64.b64encode(hashlib.sha256(xml).digest()).decode(),
        offline=offline_values["offline"],
        offline_deadline=str(deadline) if deadline else None,
        offline_fallback=fallback and not offline_values["offline"],
        requested_by=requested_by,
        on_behalf_office_id=office_id,
    )
    envelope = new_envelope(
        "invoice.send.requested", 1, data, producer=PRODUCER, org_id=company.org_id,
        company_nip=company.nip,
    )  # fmt: skip
    await outbox.add(conn, envelope, key=str(company.org_id))
    return envelope


async def availability(conn: Conn) -> Any:
    """The last ksef.availability.changed (None: nothing heard yet, KSeF taken as available)."""
    return await conn.fetchrow("SELECT * FROM issuing_ksef_availability WHERE id = 1")


def ended_on(row: Any) -> date | None:
    """The (Polish) day the last outage ended, when KSeF is available again."""
    if row is None or row["status"] != "available":
        return None
    return row["since"].astimezone(WARSAW).date()  # type: ignore[no-any-return]


async def offline_values(
    conn: Conn,
    company: Company,
    xml: bytes,
    mode: OfflineMode,
    signing: offline.Signing,
    issue_date: date,
    ended: date | None = None,
) -> dict[str, Any]:
    """QR code II (needs the company's Offline certificate), the mode and the deadline."""
    cert = await repo.offline_certificate(conn, company.org_id)
    if cert is None:
        raise NoOfflineCertificate()
    link = offline.qr2_link(signing, cert, context_nip=company.nip, seller_nip=company.nip, xml=xml)
    if mode is OfflineMode.offline24:
        deadline: date | None = offline_deadline(issue_date)
    else:
        deadline = outage_deadline(mode, ended)
    return {
        "offline": True,
        "offline_mode": mode.value,
        "offline_deadline": deadline,
        "qr2_link": link,
    }


ONLINE: dict[str, Any] = {
    "offline": False,
    "offline_mode": None,
    "offline_deadline": None,
    "qr2_link": None,
}
