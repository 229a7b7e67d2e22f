"""Kafka handlers: invoices fetched from KSeF, sync rounds, and the tenancy read model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chassis import tenancy
from chassis.db import Conn
from chassis.kafka import Route
from chassis.runtime import Runtime
from contracts import Envelope
from contracts.ksef_gateway import InvoiceFetched, KsefSyncCompleted
from invoices.intake import ingest


def on_invoice_fetched(max_bytes: int) -> Any:
    async def handler(conn: Conn, event: Envelope[Any]) -> str:
        data: InvoiceFetched = event.data
        return await ingest(conn, data, max_bytes=max_bytes)

    return handler


async def on_sync_completed(conn: Conn, event: Envelope[Any]) -> str:
    d: KsefSyncCompleted = event.data
    await conn.execute(
        "INSERT INTO sync_status (company_id, direction, finished_at, fetched, error)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id, direction) DO UPDATE SET"
        " finished_at = EXCLUDED.finished_at, fetched = EXCLUDED.fetched, error = EXCLUDED.error"
        " WHERE sync_status.finished_at <= EXCLUDED.finished_at",
        d.company_id,
        d.direction.value,
        d.finished_at,
        d.fetched,
        d.error,
    )
    return f"sync of {d.company_id} {d.direction.value} at {d.finished_at.isoformat()}"


def routes(runtime: Runtime) -> Sequence[Route]:
    max_bytes = int(getattr(runtime.settings, "max_invoice_xml_bytes", 5_000_000))
    return tenancy.routes(
        [
            Route("invoice.fetched", {1: on_invoice_fetched(max_bytes)}),
            Route("ksef.sync.completed", {1: on_sync_completed}),
        ]
    )
