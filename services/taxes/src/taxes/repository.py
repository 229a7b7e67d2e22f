"""Tax items, payments and due notices in PostgreSQL (asyncpg, hand-written SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from chassis.db import Conn
from contracts.taxes import TaxKind
from taxes.domain import Item, Payment, SplitPayment, Transfer

ITEM_COLUMNS = (
    "id, company_id, kind, period, amount_grosze, paid_grosze, due_date, account, recipient,"
    " title, transfer, form_symbol, tax_period, liability_id, split_vat_grosze, split_nip,"
    " split_invoice"
)


def item_from_row(row: asyncpg.Record) -> Item:
    split = (
        SplitPayment(row["split_vat_grosze"], row["split_nip"], row["split_invoice"])
        if row["split_vat_grosze"] is not None
        else None
    )
    return Item(
        id=row["id"],
        company_id=row["company_id"],
        kind=TaxKind(row["kind"]),
        period=row["period"],
        amount_grosze=row["amount_grosze"],
        paid_grosze=row["paid_grosze"],
        due_date=row["due_date"],
        account=row["account"],
        recipient=row["recipient"],
        title=row["title"],
        transfer=Transfer(row["transfer"]),
        form_symbol=row["form_symbol"],
        tax_period=row["tax_period"],
        liability_id=row["liability_id"],
        split=split,
    )


def _values(item: Item) -> list[Any]:
    s = item.split
    return [
        item.id,
        item.company_id,
        item.kind.value,
        item.period,
        item.amount_grosze,
        item.paid_grosze,
        item.due_date,
        item.account,
        item.recipient,
        item.title,
        item.transfer.value,
        item.form_symbol,
        item.tax_period,
        item.liability_id,
        s.vat_grosze if s else None,
        s.nip if s else None,
        s.invoice if s else None,
    ]


async def insert_items(conn: Conn, items: Sequence[Item], created_by: UUID) -> None:
    await conn.executemany(
        f"INSERT INTO tax_items ({ITEM_COLUMNS}, created_by) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        [[*_values(i), created_by] for i in items],
    )


async def update_item(conn: Conn, item: Item) -> None:
    await conn.execute(
        "UPDATE tax_items SET kind = $3, period = $4, amount_grosze = $5, paid_grosze = $6,"
        " due_date = $7, account = $8, recipient = $9, title = $10, transfer = $11,"
        " form_symbol = $12, tax_period = $13, liability_id = $14, split_vat_grosze = $15,"
        " split_nip = $16, split_invoice = $17, updated_at = now()"
        " WHERE id = $1 AND company_id = $2",
        *_values(item),
    )


async def get_item(
    conn: Conn, company_id: UUID, item_id: UUID, *, lock: bool = False
) -> Item | None:
    row = await conn.fetchrow(
        f"SELECT {ITEM_COLUMNS} FROM tax_items WHERE id = $1 AND company_id = $2"
        + (" FOR UPDATE" if lock else ""),
        item_id,
        company_id,
    )
    return item_from_row(row) if row else None


async def items_by_ids(conn: Conn, company_id: UUID, ids: Sequence[UUID]) -> list[Item]:
    rows = await conn.fetch(
        f"SELECT {ITEM_COLUMNS} FROM tax_items WHERE company_id = $1 AND id = ANY($2::uuid[])"
        " ORDER BY due_date, kind, id",
        company_id,
        list(ids),
    )
    return [item_from_row(r) for r in rows]


async def items_between(conn: Conn, company_id: UUID, first: date, last: date) -> list[Item]:
    """Items of the months from `first` to `last` (first days of months), in a stable order."""
    rows = await conn.fetch(
        f"SELECT {ITEM_COLUMNS} FROM tax_items"
        " WHERE company_id = $1 AND period BETWEEN $2 AND $3"
        " ORDER BY period, due_date, kind, created_at, id",
        company_id,
        first,
        last,
    )
    return [item_from_row(r) for r in rows]


async def years(conn: Conn, company_id: UUID) -> list[int]:
    rows = await conn.fetch(
        "SELECT DISTINCT extract(year FROM period)::int AS year FROM tax_items"
        " WHERE company_id = $1 ORDER BY year",
        company_id,
    )
    return [r["year"] for r in rows]


async def delete_item(conn: Conn, item_id: UUID) -> None:
    await conn.execute("DELETE FROM tax_items WHERE id = $1", item_id)


async def add_payment(conn: Conn, payment: Payment, recorded_by: UUID) -> None:
    await conn.execute(
        "INSERT INTO tax_payments (id, item_id, paid_on, amount_grosze, recorded_by)"
        " VALUES ($1, $2, $3, $4, $5)",
        payment.id,
        payment.item_id,
        payment.paid_on,
        payment.amount_grosze,
        recorded_by,
    )
    await conn.execute(
        "UPDATE tax_items SET paid_grosze = paid_grosze + $2, updated_at = now() WHERE id = $1",
        payment.item_id,
        payment.amount_grosze,
    )


async def payments_of(conn: Conn, item_ids: Sequence[UUID]) -> dict[UUID, list[Payment]]:
    rows = await conn.fetch(
        "SELECT id, item_id, paid_on, amount_grosze FROM tax_payments"
        " WHERE item_id = ANY($1::uuid[]) ORDER BY paid_on, recorded_at, id",
        list(item_ids),
    )
    found: dict[UUID, list[Payment]] = {}
    for r in rows:
        found.setdefault(r["item_id"], []).append(Payment(**dict(r)))
    return found


async def companies_by_nip(
    conn: Conn, nips: Sequence[str], clause: str, params: list[Any]
) -> dict[str, UUID]:
    """Companies with these NIPs that `clause` (a tenancy scope on o.org_id, from $2) admits."""
    rows = await conn.fetch(
        "SELECT o.org_id, o.nip FROM tenancy_orgs o"
        f" WHERE o.kind = 'company' AND o.nip = ANY($1::text[]) AND {clause}",
        list(nips),
        *params,
    )
    return {r["nip"]: r["org_id"] for r in rows}
