"""KSeF outages: the availability the gateway reports, and invoices switched to offline.

- `ksef.availability.changed` is kept in one row; a failure announced while offline24/offline
  invoices wait gives them the emergency mode (deadline unknown until it ends); when KSeF is
  back, the waiting invoices get their deadline from the day the outage ended.
- `invoice.send.failed` with `ksef_unavailable` (the gateway handed an online invoice back): the
  invoice is issued offline in the outage's mode and asked to be sent again with offlineMode
  true; the gateway sends it when KSeF answers.
"""

from __future__ import annotations

from typing import Any

from chassis.db import Conn
from chassis.tenancy import get_org
from contracts import Envelope
from contracts.ksef_gateway import InvoiceSendFailed, KsefAvailabilityChanged
from invoices.issuing import handlers, offline, sending
from invoices.issuing.domain import (
    NoOfflineCertificate,
    OfflineMode,
    moved_by_failure,
    outage_deadline,
)

WAITING = "status IN ('offline', 'accepted')"


async def on_availability_changed(conn: Conn, event: Envelope[Any]) -> str:
    d: KsefAvailabilityChanged = event.data
    stored = await conn.execute(
        "INSERT INTO issuing_ksef_availability (id, status, mode, since, until, message)"
        " VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status,"
        " mode = EXCLUDED.mode, since = EXCLUDED.since, until = EXCLUDED.until,"
        " message = EXCLUDED.message WHERE issuing_ksef_availability.since <= EXCLUDED.since",
        d.status.value,
        d.mode.value if d.mode else None,
        d.since,
        d.until,
        d.message,
    )
    if stored.endswith(" 0"):
        return f"issuing: stale KSeF availability of {d.since.isoformat()} ignored"
    if d.status.value == "unavailable" and d.mode is not None and d.mode.value == "awaryjny":
        moved = await conn.execute(
            "UPDATE issued_invoices SET offline_mode = 'awaryjny', offline_deadline = NULL,"
            " updated_at = now() WHERE status = 'offline' AND offline_mode = ANY($1::text[])",
            [m.value for m in OfflineMode if moved_by_failure(m)],
        )
        return f"issuing: KSeF failure announced, {moved.split()[-1]} invoices moved to it"
    if d.status.value == "available":
        ended = sending.ended_on({"status": "available", "since": d.since})
        count = 0
        for mode in (OfflineMode.offline, OfflineMode.awaryjny):
            result = await conn.execute(
                f"UPDATE issued_invoices SET offline_deadline = $2, updated_at = now()"
                f" WHERE {WAITING} AND offline_mode = $1 AND offline_deadline IS NULL",
                mode.value,
                outage_deadline(mode, ended),
            )
            count += int(result.split()[-1])
        return f"issuing: KSeF available, deadlines set for {count} invoices"
    return f"issuing: KSeF {d.status.value} ({d.mode.value if d.mode else '-'})"


def on_send_failed(signing: offline.Signing) -> Any:
    """`invoice.send.failed`: the offline switch for `ksef_unavailable`, else a refusal."""

    async def handler(conn: Conn, event: Envelope[Any]) -> str:
        d: InvoiceSendFailed = event.data
        if not d.errors or d.errors[0].code != "ksef_unavailable":
            return await handlers.on_invoice_send_failed(conn, event)
        return await _go_offline(conn, event, signing)

    return handler


async def _go_offline(conn: Conn, event: Envelope[Any], signing: offline.Signing) -> str:
    d: InvoiceSendFailed = event.data
    row = await conn.fetchrow(
        "SELECT * FROM issued_invoices WHERE id = $1 AND company_id = $2 FOR UPDATE",
        d.invoice_id,
        d.company_id,
    )
    company = await get_org(conn, d.company_id)
    if row is None or company is None or row["xml"] is None:
        return f"issuing: {d.invoice_id} is not an invoice issued here"
    xml = bytes(row["xml"])
    if row["status"] == "offline":
        values = {k: row[k] for k in ("offline", "offline_mode", "offline_deadline", "qr2_link")}
    elif row["status"] == "sending":
        ksef = await sending.availability(conn)
        unavailable = ksef is not None and ksef["status"] == "unavailable" and ksef["mode"]
        mode = OfflineMode(ksef["mode"]) if unavailable else OfflineMode.offline
        # KSeF came back before we heard of the hand-back: the outage's end is known.
        ended = sending.ended_on(ksef) if ksef and ksef["since"] >= event.occurred_at else None
        try:
            values = await sending.offline_values(
                conn, company, xml, mode, signing, row["issue_date"], ended
            )
        except NoOfflineCertificate:  # removed meanwhile: wait online for KSeF instead
            values = dict(sending.ONLINE)
    else:
        return f"issuing: {d.invoice_id} is {row['status']}, hand-back ignored"
    envelope = await sending.queue_send(
        conn, company, d.invoice_id, xml, offline_values=values, fallback=False,
        requested_by=row["created_by"], office_id=row["on_behalf_office_id"],
    )  # fmt: skip
    await conn.execute(
        "UPDATE issued_invoices SET status = $2, offline = $3, offline_mode = $4,"
        " offline_deadline = $5, qr2_link = $6, send_event_id = $7, updated_at = now()"
        " WHERE id = $1",
        d.invoice_id,
        "offline" if values["offline"] else "sending",
        values["offline"],
        values["offline_mode"],
        values["offline_deadline"],
        values["qr2_link"],
        envelope.event_id,
    )
    return f"issuing: {d.invoice_id} issued offline ({values['offline_mode']}), sent again"
