"""Storing fetched invoices many at a time: one upsert and one document insert per batch.

Per batch (inside the inbox transaction of `chassis.batching.process_batch`):
claim-checked XML is read from MinIO, every XML is parsed (in a process pool when configured),
the companies' offices are read from the tenancy read model under a shared advisory lock per
company (the org.client.* handlers take it exclusively before copying the office onto the
company's invoices, so an invoice can never keep a stale office), and the rows go in with one
`INSERT ... SELECT FROM unnest(...) ON CONFLICT` statement, ordered by the unique key so
concurrent batches cannot deadlock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from chassis.db import Conn
from contracts.ksef_gateway import InvoiceFetched
from invoices.fa3.parser import InvoiceRejected
from invoices.intake import COLUMNS, prepare_many
from invoices.storage import XmlMissing, XmlStore

# pg_advisory_xact_lock(class, hashtext(company)): the office copied onto a company's invoices
OFFICE_LOCK_CLASS = 0x1A70
TYPES = {
    "company_id": "uuid", "ksef_number": "text", "direction": "text",
    "ksef_date": "timestamptz", "invoice_hash": "text", "xml_size": "int4", "approval": "text",
    "status": "text", "error_code": "text", "error": "text", "kind": "text",
    "invoice_number": "text", "issue_date": "date", "sale_date": "date", "seller_nip": "text",
    "seller_name": "text", "buyer_nip": "text", "buyer_name": "text",
    "counterparty_nip": "text", "counterparty_name": "text", "currency": "text",
    "net": "numeric", "vat": "numeric", "gross": "numeric", "due_date": "date",
    "split_payment": "bool", "search_text": "text", "doc": "text",
}  # fmt: skip
ALL = ["id", *COLUMNS, "office_id"]
_TYPES = {"id": "uuid", **TYPES, "office_id": "uuid"}
_UPDATABLE = [c for c in ALL if c not in ("id", "company_id", "ksef_number", "approval")]
UPSERT = (
    f"INSERT INTO invoices ({', '.join(ALL)})"
    f" SELECT {', '.join('r.doc::jsonb' if c == 'doc' else f'r.{c}' for c in ALL)}"
    f" FROM unnest({', '.join(f'${n}::{_TYPES[c]}[]' for n, c in enumerate(ALL, 1))})"
    f" AS r({', '.join(ALL)}) ORDER BY r.company_id, r.ksef_number"
    " ON CONFLICT (company_id, ksef_number) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATABLE)
    + ", updated_at = now()"
    # A stored invoice is final; only one that failed to parse is replaced by a later delivery.
    " WHERE invoices.status = 'failed' AND EXCLUDED.status = 'parsed'"
    " RETURNING id, company_id, ksef_number, status, (xmax = 0) AS inserted"
)
_STATUS = COLUMNS.index("status")

Prepared = tuple[list[Any], bytes]
Parser = Callable[[list[tuple[InvoiceFetched, bytes | InvoiceRejected]]], Awaitable[list[Prepared]]]


def make_parser(max_bytes: int, executor: Executor | None, chunk: int = 25) -> Parser:
    """Parses in `executor` (a process pool: CPU-bound work, in parallel) in chunks, or in a
    thread when None, so the event loop keeps serving meanwhile."""

    async def parse_all(
        items: list[tuple[InvoiceFetched, bytes | InvoiceRejected]],
    ) -> list[Prepared]:
        loop = asyncio.get_running_loop()
        chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
        done = await asyncio.gather(
            *(loop.run_in_executor(executor, partial(prepare_many, c, max_bytes)) for c in chunks)
        )
        return [p for part in done for p in part]

    return parse_all


async def xml_of(
    event: InvoiceFetched, store: XmlStore | None, max_bytes: int
) -> bytes | InvoiceRejected:
    if event.xml is not None:
        return event.xml.encode()
    if event.xml_ref is None:
        return b""
    if store is None:
        return InvoiceRejected(
            "xml_unavailable",
            f"Treść faktury jest w magazynie ({event.xml_ref}), a usługa nie ma dostępu do niego.",
        )
    try:
        return await store.read(event.xml_ref, max_bytes)
    except XmlMissing:
        return InvoiceRejected(
            "xml_missing", f"Treści faktury nie ma już w magazynie ({event.xml_ref})."
        )


async def offices(conn: Conn, companies: Sequence[UUID]) -> dict[UUID, UUID | None]:
    """Each company's office, read under a shared per-company lock (see the module doc)."""
    ordered = sorted(set(companies))
    await conn.execute(
        "SELECT pg_advisory_xact_lock_shared($1, hashtext(c::text))"
        " FROM unnest($2::uuid[]) AS c ORDER BY c",
        OFFICE_LOCK_CLASS,
        ordered,
    )
    rows = await conn.fetch(
        "SELECT org_id, office_id FROM tenancy_orgs WHERE org_id = ANY($1::uuid[])", ordered
    )
    found = {r["org_id"]: r["office_id"] for r in rows}
    return {c: found.get(c) for c in ordered}


async def ingest_many(
    conn: Conn,
    events: Sequence[InvoiceFetched],
    *,
    parser: Parser,
    store: XmlStore | None,
    max_bytes: int,
) -> list[str]:
    """Store fetched invoices (inside the inbox transaction); one effect per event, in order."""
    if not events:
        return []
    # a task per claim-checked XML only (MinIO reads); inline XML needs no await
    fetched = iter(
        await asyncio.gather(*(xml_of(e, store, max_bytes) for e in events if e.xml is None))
    )
    xmls = [e.xml.encode() if e.xml is not None else next(fetched) for e in events]
    prepared = await parser(list(zip(events, xmls, strict=True)))
    office_of = await offices(conn, [e.company_id for e in events])
    # One row per (company, KSeF number): a redelivery within the batch must not make the
    # upsert touch a row twice; a readable copy wins over an unreadable one.
    chosen: dict[tuple[UUID, str], int] = {}
    for n, (event, (values, _)) in enumerate(zip(events, prepared, strict=True)):
        key = (event.company_id, event.ksef_number)
        if key not in chosen or (
            values[_STATUS] == "parsed" and prepared[chosen[key]][0][_STATUS] != "parsed"
        ):
            chosen[key] = n
    picks = sorted(chosen.values(), key=lambda n: (events[n].company_id, events[n].ksef_number))
    rows = [[uuid4(), *prepared[n][0], office_of[events[n].company_id]] for n in picks]
    stored = await conn.fetch(UPSERT, *(list(column) for column in zip(*rows, strict=True)))
    by_key = {(r["company_id"], r["ksef_number"]): r for r in stored}
    documents = [(by_key[k]["id"], prepared[n][1]) for k, n in chosen.items() if k in by_key]
    if documents:
        await conn.execute(
            "INSERT INTO invoice_documents (invoice_id, xml)"
            " SELECT * FROM unnest($1::uuid[], $2::bytea[])"
            " ON CONFLICT (invoice_id) DO UPDATE SET xml = EXCLUDED.xml",
            [d[0] for d in documents],
            [d[1] for d in documents],
        )
    return [_effect(e, n, chosen, by_key) for n, e in enumerate(events)]


def _effect(
    event: InvoiceFetched, n: int, chosen: dict[tuple[UUID, str], int], by_key: dict[Any, Any]
) -> str:
    key = (event.company_id, event.ksef_number)
    row = by_key.get(key)
    if chosen[key] != n or row is None:
        return f"invoice {event.ksef_number} of {event.company_id} already stored"
    verb = "stored" if row["inserted"] else "re-parsed"
    return f"invoice {event.ksef_number} {verb} as {row['status']}"
