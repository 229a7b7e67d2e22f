"""Companies known to taxes (a read model of auth's organisations)."""

from __future__ import annotations

from uuid import UUID

from chassis.db import Conn


async def insert_company(
    conn: Conn, org_id: UUID, nip: str, name: str, office_id: UUID | None
) -> None:
    # A plain INSERT on purpose: the inbox guarantees one application per event, and a
    # duplicate here would be a bug worth failing loudly on.
    await conn.execute(
        "INSERT INTO companies (org_id, nip, name, office_id) VALUES ($1, $2, $3, $4)",
        org_id,
        nip,
        name,
        office_id,
    )


async def set_office(conn: Conn, company_id: UUID, office_id: UUID) -> int:
    result = await conn.execute(
        "UPDATE companies SET office_id = $2, updated_at = now() WHERE org_id = $1",
        company_id,
        office_id,
    )
    return int(result.split()[-1])


async def rename(conn: Conn, org_id: UUID, name: str) -> int:
    result = await conn.execute(
        "UPDATE companies SET name = $2, updated_at = now() WHERE org_id = $1", org_id, name
    )
    return int(result.split()[-1])
