"""Kafka handlers: invoices fetched from KSeF, sync rounds, and the tenancy read model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chassis import tenancy
from chassis.batching import BatchRoute
from chassis.db import Conn
from chassis.kafka import Route
from chassis.runtime import Runtime
from contracts import Envelope
from contracts.ksef_gateway import InvoiceFetched, KsefSyncCompleted
from invoices import consumers
from invoices.config import Settings
from invoices.intake_store import ingest_many, make_parser
from invoices.issuing import handlers as issuing
from invoices.issuing import outage
from invoices.issuing.offline import Signing
from invoices.storage import XmlStore


def on_invoice_fetched(max_bytes: int, store: XmlStore | None = None) -> Any:
    """One event at a time, parsing in a thread (tests, benchmarks; the worker batches)."""
    parser = make_parser(max_bytes, None)

    async def handler(conn: Conn, event: Envelope[Any]) -> str:
        data: InvoiceFetched = event.data
        [effect] = await ingest_many(conn, [data], parser=parser, store=store, max_bytes=max_bytes)
        return effect

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
    settings: Settings = runtime.settings  # type: ignore[assignment]
    intake = consumers.intake_for(runtime)
    return tenancy.routes(
        [
            BatchRoute(
                "invoice.fetched",
                {1: intake.one},
                batch_handlers={1: intake.many},
                max_records=settings.intake_batch_size,
            ),
            Route("org.created", {1: consumers.on_org_created}),
            Route("org.client.linked", {1: consumers.on_client_linked}),
            Route("org.client.unlinked", {1: consumers.on_client_unlinked}),
            Route("user.created", {1: consumers.on_user_created}),
            Route("user.membership.changed", {1: consumers.on_membership_changed}),
            Route("ksef.sync.completed", {1: on_sync_completed}),
            Route("invoice.sent", {1: issuing.on_invoice_sent}),
            Route("invoice.send.failed", {1: outage.on_send_failed(Signing.of(settings))}),
            Route("ksef.availability.changed", {1: outage.on_availability_changed}),
        ]
    )
