"""The tenancy read model: built from org.* events, and the scope each kind of caller gets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
import pytest

from chassis import tenancy
from chassis.kafka import Route
from chassis.testing import create_database, drop_database, open_test_pool, random_nip
from chassis.tokens import Principal
from contracts import new_envelope
from contracts.auth import (
    AssignmentChanged,
    ClientLinked,
    ClientUnlinked,
    OrgCreated,
    OrgKind,
    OrgUpdated,
)


@pytest.fixture(scope="module")
async def pool() -> AsyncIterator[asyncpg.Pool]:
    dsn = await create_database(None)
    pool = await open_test_pool(dsn)
    yield pool
    await pool.close()
    await drop_database(dsn)


async def apply(pool: asyncpg.Pool, event_type: str, data: object) -> str:
    handler = {r.topic: r.handlers[1] for r in tenancy.routes()}[event_type]
    envelope = new_envelope(event_type, 1, data, producer="auth")  # type: ignore[type-var]
    async with pool.acquire() as conn, conn.transaction():
        return await handler(conn, envelope)


def office_user(office: UUID, role: str, *, all_clients: bool = True) -> Principal:
    return Principal(uuid4(), office, "office", role, all_clients=all_clients)


async def test_scope_follows_links_and_assignments(pool: asyncpg.Pool) -> None:
    office, other_office, a, b = uuid4(), uuid4(), uuid4(), uuid4()
    await apply(
        pool,
        "org.created",
        OrgCreated(org_id=office, kind=OrgKind.office, nip=random_nip(), name="Biuro"),
    )
    for company in (a, b):
        await apply(
            pool,
            "org.created",
            OrgCreated(
                org_id=company, kind=OrgKind.company, nip=random_nip(), name=f"Firma {company}"
            ),
        )
        await apply(pool, "org.client.linked", ClientLinked(office_id=office, company_id=company))
    await apply(pool, "org.updated", OrgUpdated(org_id=a, name="Alfa"))
    staff = office_user(office, "employee", all_clients=False)
    await apply(
        pool,
        "org.assignment.changed",
        AssignmentChanged(office_id=office, user_id=staff.user_id, company_id=b, assigned=True),
    )

    async with pool.acquire() as conn:
        admin = office_user(office, "admin")
        assert {c.org_id for c in await tenancy.accessible_companies(conn, admin)} == {a, b}
        assert (await tenancy.require_company(conn, admin, a)).name == "Alfa"
        assert [c.org_id for c in await tenancy.accessible_companies(conn, staff)] == [b]
        with pytest.raises(tenancy.CompanyNotFound):
            await tenancy.require_company(conn, staff, a)
        with pytest.raises(tenancy.CompanyNotFound):
            await tenancy.require_company(conn, office_user(other_office, "admin"), a)
        company_user = Principal(uuid4(), a, "company", "employee")
        assert (await tenancy.require_company(conn, company_user, a)).org_id == a
        with pytest.raises(tenancy.CompanyNotFound):
            await tenancy.require_company(conn, company_user, b)

    await apply(pool, "org.client.unlinked", ClientUnlinked(office_id=office, company_id=b))
    async with pool.acquire() as conn:
        assert await tenancy.accessible_companies(conn, staff) == []
        assert [c.org_id for c in await tenancy.accessible_companies(conn, admin)] == [a]


async def test_routes_merge_with_the_service_handler_in_one_transaction() -> None:
    calls: list[str] = []

    async def mine(conn: object, event: object) -> str:
        calls.append("mine")
        return "mine"

    merged = {
        r.topic: r
        for r in tenancy.routes([Route("org.created", {1: mine}), Route("tax.item.due", {1: mine})])
    }
    assert set(merged) == set(tenancy.READ_MODEL) | {"tax.item.due"}
    assert merged["tax.item.due"].handlers[1] is mine
    assert merged["org.created"].handlers[1] is not mine
