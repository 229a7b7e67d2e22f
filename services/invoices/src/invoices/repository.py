"""SQL for single invoices, their history, categories and per-company settings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from chassis.db import Conn
from chassis.tokens import Principal
from invoices.domain import CategoryExists, InvoiceNotFound
from invoices.listing import FROM, LIST_COLUMNS, Where, visibility

DETAIL_COLUMNS = (
    LIST_COLUMNS + ", i.doc, i.invoice_hash, i.xml_size, i.fetched_at, i.updated_at,"
    " i.approval_note, i.approved_by, i.approved_at, i.booked_by, i.booked_at, i.booking_decree"
)


async def visible(
    conn: Conn, principal: Principal, ids: list[UUID], *, lock: bool = False
) -> list[asyncpg.Record]:
    """The invoices among `ids` the caller may see; all of them or InvoiceNotFound."""
    where = Where()
    visibility(principal, where)
    where.add("i.id = ANY({})", ids)
    rows = await conn.fetch(
        f"SELECT {DETAIL_COLUMNS}{FROM}{where.sql()} ORDER BY i.issue_date, i.id"
        + (" FOR UPDATE OF i" if lock else ""),
        *where.params,
    )
    if len(rows) != len(set(ids)):
        missing = sorted(str(i) for i in set(ids) - {r["id"] for r in rows})
        raise InvoiceNotFound(details={"missing": missing})
    return rows


async def raw_xml(conn: Conn, invoice_id: UUID) -> tuple[bytes, str | None]:
    row = await conn.fetchrow(
        "SELECT xml, upo_xml FROM invoice_documents WHERE invoice_id = $1", invoice_id
    )
    return (bytes(row["xml"]), row["upo_xml"]) if row else (b"", None)


async def user_names(conn: Conn, user_ids: list[UUID]) -> dict[UUID, str]:
    """Full names (else e-mails) of known users, from auth's user events."""
    rows = await conn.fetch(
        "SELECT user_id, coalesce(nullif(full_name, ''), email) AS name FROM users"
        " WHERE user_id = ANY($1::uuid[])",
        user_ids,
    )
    return {r["user_id"]: r["name"] for r in rows}


async def record(
    conn: Conn, principal: Principal, ids: list[UUID], action: str, details: dict[str, Any]
) -> None:
    """Who did what and when, one history row per invoice."""
    await conn.executemany(
        "INSERT INTO invoice_history (invoice_id, user_id, org_id, action, details)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(i, principal.user_id, principal.org_id, action, details) for i in ids],
    )


async def history(conn: Conn, invoice_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT at, user_id, org_id, action, details FROM invoice_history"
        " WHERE invoice_id = $1 ORDER BY id",
        invoice_id,
    )


async def update(conn: Conn, ids: list[UUID], assignments: str, *values: Any) -> None:
    """`assignments` numbers its parameters from $2 ($1 is the id list)."""
    await conn.execute(
        f"UPDATE invoices SET {assignments}, updated_at = now() WHERE id = ANY($1)", ids, *values
    )


# --- categories ------------------------------------------------------------------------------


async def categories(conn: Conn, office_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, name, colour, created_at FROM categories WHERE office_id = $1 ORDER BY name",
        office_id,
    )


async def category(conn: Conn, office_id: UUID, category_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, office_id, name, colour FROM categories WHERE id = $1 AND office_id = $2",
        category_id,
        office_id,
    )


async def save_category(
    conn: Conn, category_id: UUID, office_id: UUID, name: str, colour: str
) -> None:
    try:
        await conn.execute(
            "INSERT INTO categories (id, office_id, name, colour) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, colour = EXCLUDED.colour",
            category_id,
            office_id,
            name,
            colour,
        )
    except asyncpg.UniqueViolationError as error:
        raise CategoryExists() from error
    await conn.execute(
        "UPDATE invoices SET category_name = $2 WHERE category_id = $1 AND category_name <> $2",
        category_id,
        name,
    )


async def delete_category(conn: Conn, category_id: UUID) -> None:
    await conn.execute(
        "UPDATE invoices SET category_id = NULL, category_name = '' WHERE category_id = $1",
        category_id,
    )
    await conn.execute("DELETE FROM categories WHERE id = $1", category_id)


# --- settings --------------------------------------------------------------------------------


async def office_sees_unapproved(conn: Conn, company_id: UUID) -> bool:
    value = await conn.fetchval(
        "SELECT office_sees_unapproved FROM company_settings WHERE company_id = $1", company_id
    )
    return True if value is None else bool(value)


async def set_office_sees_unapproved(
    conn: Conn, company_id: UUID, value: bool, user_id: UUID
) -> None:
    await conn.execute(
        "INSERT INTO company_settings (company_id, office_sees_unapproved, updated_by)"
        " VALUES ($1, $2, $3) ON CONFLICT (company_id) DO UPDATE SET"
        " office_sees_unapproved = EXCLUDED.office_sees_unapproved,"
        " updated_by = EXCLUDED.updated_by, updated_at = now()",
        company_id,
        value,
        user_id,
    )
