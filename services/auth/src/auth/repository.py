"""Organisations in PostgreSQL: hand-written SQL over one connection."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from auth.domain import Organisation
from chassis.db import Conn
from contracts.auth import OrgKind


def _org(row: asyncpg.Record) -> Organisation:
    return Organisation(
        id=row["id"],
        kind=OrgKind(row["kind"]),
        nip=row["nip"],
        name=row["name"],
        address=row["address"],
    )


async def insert_org(conn: Conn, org: Organisation) -> None:
    await conn.execute(
        "INSERT INTO organisations (id, kind, nip, name, address) VALUES ($1, $2, $3, $4, $5)",
        org.id,
        org.kind.value,
        org.nip,
        org.name,
        org.address,
    )


async def get_org(conn: Conn, org_id: UUID) -> Organisation | None:
    row = await conn.fetchrow(
        "SELECT id, kind, nip, name, address FROM organisations WHERE id = $1", org_id
    )
    return _org(row) if row else None


async def find_by_nip(conn: Conn, kind: OrgKind, nip: str) -> Organisation | None:
    row = await conn.fetchrow(
        "SELECT id, kind, nip, name, address FROM organisations WHERE kind = $1 AND nip = $2",
        kind.value,
        nip,
    )
    return _org(row) if row else None


async def office_of(conn: Conn, company_id: UUID) -> UUID | None:
    office: UUID | None = await conn.fetchval(
        "SELECT office_id FROM office_clients WHERE company_id = $1", company_id
    )
    return office


async def link_client(conn: Conn, office_id: UUID, company_id: UUID) -> None:
    await conn.execute(
        "INSERT INTO office_clients (office_id, company_id) VALUES ($1, $2)", office_id, company_id
    )


async def list_clients(
    conn: Conn, office_id: UUID, *, after_nip: str | None, limit: int
) -> list[Organisation]:
    rows = await conn.fetch(
        "SELECT o.id, o.kind, o.nip, o.name, o.address FROM office_clients c"
        " JOIN organisations o ON o.id = c.company_id"
        " WHERE c.office_id = $1 AND ($2::text IS NULL OR o.nip > $2)"
        " ORDER BY o.nip LIMIT $3",
        office_id,
        after_nip,
        limit,
    )
    return [_org(r) for r in rows]


async def update_org(conn: Conn, org_id: UUID, name: str, address: str | None) -> None:
    await conn.execute(
        "UPDATE organisations SET name = $2, address = $3 WHERE id = $1", org_id, name, address
    )


async def unlink_client(conn: Conn, office_id: UUID, company_id: UUID) -> bool:
    status = await conn.execute(
        "DELETE FROM office_clients WHERE office_id = $1 AND company_id = $2",
        office_id,
        company_id,
    )
    return status.endswith(" 1")
