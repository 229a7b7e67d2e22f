"""Helpers for the integration tests: tenants and delivering invoice.fetched events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from chassis.inbox import process_once
from chassis.testing import TokenFactory
from contracts.envelope import new_envelope
from contracts.ksef_gateway import InvoiceFetched
from invoices.handlers import on_invoice_fetched


@dataclass
class Tenants:
    office: UUID
    company: UUID
    company_nip: str
    other_company: UUID
    other_office: UUID
    stranger: UUID  # a company of the other office
    tokens: TokenFactory

    def office_admin(self, **kw: Any) -> dict[str, str]:
        return self.tokens.headers(self.office, org_kind="office", role="admin", **kw)

    def client(self, company: UUID | None = None, role: str = "client") -> dict[str, str]:
        return self.tokens.headers(company or self.company, org_kind="company", role=role)

    def other_office_admin(self) -> dict[str, str]:
        return self.tokens.headers(self.other_office, org_kind="office", role="admin")


async def ingest(pool: asyncpg.Pool, event: InvoiceFetched) -> UUID:
    """Deliver one invoice.fetched through the inbox, as the Kafka consumer does."""
    envelope = new_envelope("invoice.fetched", 1, event, producer="ksef-gateway")
    await process_once(pool, "invoices", envelope, on_invoice_fetched(1_000_000))
    invoice_id: UUID = await pool.fetchval(
        "SELECT id FROM invoices WHERE company_id = $1 AND ksef_number = $2",
        event.company_id,
        event.ksef_number,
    )
    return invoice_id


def new_ksef(nip: str) -> str:
    return f"{nip}-20250715-{uuid4().hex[:12].upper()}-AF"
