"""Who belongs where (from auth's user.membership.changed): the people e-mails go to.

A suspended membership is kept (its name still labels old messages) but treated like a removed
one when addressing e-mails."""

from __future__ import annotations

from uuid import UUID

from chassis.db import Conn
from contracts.auth import MembershipChanged
from messaging.domain import OFFICE_MANAGERS, Recipient


async def apply_membership(conn: Conn, d: MembershipChanged) -> str:
    if d.role is None:
        await conn.execute(
            "DELETE FROM members WHERE org_id = $1 AND user_id = $2", d.org_id, d.user_id
        )
        return f"member {d.user_id} left {d.org_id}"
    await conn.execute(
        "INSERT INTO members (user_id, org_id, org_kind, email, full_name, role, all_clients,"
        " suspended) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (org_id, user_id) DO UPDATE SET email = EXCLUDED.email,"
        " full_name = EXCLUDED.full_name, role = EXCLUDED.role,"
        " all_clients = EXCLUDED.all_clients, suspended = EXCLUDED.suspended, updated_at = now()",
        d.user_id,
        d.org_id,
        d.org_kind.value,
        d.email.lower(),
        d.full_name,
        d.role,
        d.all_clients,
        d.suspended,
    )
    state = " (suspended)" if d.suspended else ""
    return f"member {d.user_id} of {d.org_id} as {d.role}{state}"


async def company_people(conn: Conn, company_id: UUID) -> list[Recipient]:
    rows = await conn.fetch(
        "SELECT user_id, email, full_name FROM members WHERE org_id = $1 AND NOT suspended"
        " ORDER BY email",
        company_id,
    )
    return [Recipient(**dict(r)) for r in rows]


async def office_staff_for(conn: Conn, office_id: UUID, company_id: UUID) -> list[Recipient]:
    """Staff of the office who may act on the company: all but those limited to other clients."""
    rows = await conn.fetch(
        "SELECT m.user_id, m.email, m.full_name FROM members m WHERE m.org_id = $1"
        " AND NOT m.suspended AND (m.all_clients OR m.role = ANY($3::text[])"
        " OR EXISTS (SELECT 1 FROM tenancy_assignments a"
        "   WHERE a.office_id = $1 AND a.user_id = m.user_id"
        " AND a.company_id = $2)) ORDER BY m.email",
        office_id,
        company_id,
        list(OFFICE_MANAGERS),
    )
    return [Recipient(**dict(r)) for r in rows]


async def display_name(conn: Conn, user_id: UUID, org_id: UUID) -> str | None:
    row = await conn.fetchrow(
        "SELECT full_name, email FROM members WHERE org_id = $1 AND user_id = $2",
        org_id,
        user_id,
    )
    if row is None:
        return None
    return str(row["full_name"] or row["email"])


async def is_member(conn: Conn, user_id: UUID, org_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM members WHERE org_id = $1 AND user_id = $2", org_id, user_id
    )
    return bool(found)
