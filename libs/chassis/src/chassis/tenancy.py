"""Tenancy, enforced locally by every service from a read model of auth's `org.*` events.

A company context sees only itself. An office context sees the companies it serves: all of
them for admins, managers and unrestricted staff, only the assigned ones for staff limited to
assigned clients (`Principal.all_clients` False). A company outside the caller's reach is
reported as not found, so ids of other tenants cannot be probed.

Services subscribe with `routes(...)`, which merges the read-model handlers with their own
handlers of the same topics (both run in one transaction, recorded once in the inbox).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from chassis.db import Conn
from chassis.errors import NotFound
from chassis.inbox import EffectHandler
from chassis.kafka import Route
from chassis.revocation import on_membership_changed
from chassis.tokens import Principal
from contracts import Envelope
from contracts.auth import (
    AssignmentChanged,
    ClientLinked,
    ClientUnlinked,
    OrgCreated,
    OrgUpdated,
)


@dataclass(frozen=True)
class Company:
    org_id: UUID
    nip: str
    name: str
    address: str | None
    office_id: UUID | None


class CompanyNotFound(NotFound):
    code = "company_not_found"
    message = "Nie znaleziono firmy."


async def require_company(conn: Conn, principal: Principal, company_id: UUID) -> Company:
    """The company, if the caller's context may act on it; otherwise 404 company_not_found."""
    clause, params = scope(principal, "o.org_id", 2)
    row = await conn.fetchrow(
        "SELECT o.org_id, o.nip, o.name, o.address, o.office_id FROM tenancy_orgs o"
        f" WHERE o.org_id = $1 AND o.kind = 'company' AND {clause}",
        company_id,
        *params,
    )
    if row is None:
        raise CompanyNotFound()
    return Company(**dict(row))


async def accessible_companies(conn: Conn, principal: Principal) -> list[Company]:
    clause, params = scope(principal, "o.org_id", 1)
    rows = await conn.fetch(
        "SELECT o.org_id, o.nip, o.name, o.address, o.office_id FROM tenancy_orgs o"
        f" WHERE o.kind = 'company' AND {clause} ORDER BY o.name, o.org_id",
        *params,
    )
    return [Company(**dict(r)) for r in rows]


def scope(principal: Principal, column: str, first_param: int) -> tuple[str, list[Any]]:
    """A SQL condition limiting `column` (a company id) to what `principal` may see.

    Returns the clause and its parameters, numbered from `$first_param`; use it in any list
    query: `f"... WHERE {clause}"`, `*params`."""
    p = first_param
    if not principal.is_office:
        return f"{column} = ${p}", [principal.org_id]
    if principal.all_clients or principal.role in ("admin", "manager"):
        return (
            f"{column} IN (SELECT org_id FROM tenancy_orgs WHERE office_id = ${p})",
            [principal.org_id],
        )
    return (
        f"{column} IN (SELECT a.company_id FROM tenancy_assignments a"
        f" JOIN tenancy_orgs o ON o.org_id = a.company_id AND o.office_id = a.office_id"
        f" WHERE a.office_id = ${p} AND a.user_id = ${p + 1})",
        [principal.org_id, principal.user_id],
    )


async def company_by_nip(conn: Conn, nip: str) -> Company | None:
    row = await conn.fetchrow(
        "SELECT org_id, nip, name, address, office_id FROM tenancy_orgs"
        " WHERE nip = $1 AND kind = 'company'",
        nip,
    )
    return Company(**dict(row)) if row else None


async def get_org(conn: Conn, org_id: UUID) -> Company | None:
    """Any organisation (office or company) known to the read model, without access checks."""
    row = await conn.fetchrow(
        "SELECT org_id, nip, name, address, office_id FROM tenancy_orgs WHERE org_id = $1", org_id
    )
    return Company(**dict(row)) if row else None


# --- the read model's event handlers -------------------------------------------------------


async def on_org_created(conn: Conn, event: Envelope[Any]) -> str:
    d: OrgCreated = event.data
    await conn.execute(
        "INSERT INTO tenancy_orgs (org_id, kind, nip, name, address, office_id)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (org_id) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address,"
        " office_id = COALESCE(EXCLUDED.office_id, tenancy_orgs.office_id), updated_at = now()",
        d.org_id,
        d.kind.value,
        d.nip,
        d.name,
        d.address,
        d.office_id,
    )
    return f"tenancy: {d.kind.value} {d.org_id}"


async def on_org_updated(conn: Conn, event: Envelope[Any]) -> str:
    d: OrgUpdated = event.data
    await conn.execute(
        "UPDATE tenancy_orgs SET name = $2, address = COALESCE($3, address), updated_at = now()"
        " WHERE org_id = $1",
        d.org_id,
        d.name,
        d.address,
    )
    return f"tenancy: renamed {d.org_id}"


async def on_client_linked(conn: Conn, event: Envelope[Any]) -> str:
    d: ClientLinked = event.data
    await conn.execute(
        "UPDATE tenancy_orgs SET office_id = $2, updated_at = now() WHERE org_id = $1",
        d.company_id,
        d.office_id,
    )
    return f"tenancy: {d.company_id} served by {d.office_id}"


async def on_client_unlinked(conn: Conn, event: Envelope[Any]) -> str:
    d: ClientUnlinked = event.data
    await conn.execute(
        "UPDATE tenancy_orgs SET office_id = NULL, updated_at = now()"
        " WHERE org_id = $1 AND office_id = $2",
        d.company_id,
        d.office_id,
    )
    await conn.execute(
        "DELETE FROM tenancy_assignments WHERE office_id = $1 AND company_id = $2",
        d.office_id,
        d.company_id,
    )
    return f"tenancy: {d.company_id} no longer served by {d.office_id}"


async def on_assignment_changed(conn: Conn, event: Envelope[Any]) -> str:
    d: AssignmentChanged = event.data
    if d.assigned:
        await conn.execute(
            "INSERT INTO tenancy_assignments (office_id, user_id, company_id)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            d.office_id,
            d.user_id,
            d.company_id,
        )
    else:
        await conn.execute(
            "DELETE FROM tenancy_assignments"
            " WHERE office_id = $1 AND user_id = $2 AND company_id = $3",
            d.office_id,
            d.user_id,
            d.company_id,
        )
    return f"tenancy: {d.user_id} {'assigned' if d.assigned else 'unassigned'} {d.company_id}"


READ_MODEL: dict[str, EffectHandler] = {
    "org.created": on_org_created,
    "org.updated": on_org_updated,
    "org.client.linked": on_client_linked,
    "org.client.unlinked": on_client_unlinked,
    "org.assignment.changed": on_assignment_changed,
    "user.membership.changed": on_membership_changed,
}


def _both(first: EffectHandler, second: EffectHandler) -> EffectHandler:
    async def handler(conn: Conn, event: Envelope[Any]) -> str:
        return f"{await first(conn, event)}; {await second(conn, event)}"

    return handler


def routes(own: Sequence[Route] = ()) -> list[Route]:
    """The tenancy read model's routes merged with the service's own routes.

    Where the service also handles an org.* topic (version 1), the read model is updated first
    and then the service's handler runs, in the same transaction."""
    merged: list[Route] = []
    own_by_topic = {r.topic: r for r in own}
    for topic, handler in READ_MODEL.items():
        mine = own_by_topic.pop(topic, None)
        handlers: dict[int, EffectHandler] = dict(mine.handlers) if mine else {}
        handlers[1] = _both(handler, handlers[1]) if 1 in handlers else handler
        merged.append(Route(topic, handlers))
    return merged + list(own_by_topic.values())
