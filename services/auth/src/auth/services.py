"""Use cases of auth: one function each, one transaction each, events through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid4

import asyncpg

from auth import repository as repo
from auth.domain import (
    ClientAdded,
    ClientOfAnotherOffice,
    InvalidNip,
    NewClient,
    NotAnOffice,
    Organisation,
    OrganisationExists,
    normalise_nip,
)
from chassis import outbox
from chassis.db import Conn
from chassis.tokens import Principal
from contracts import new_envelope
from contracts.auth import CLIENT_LINKED, ORG_CREATED, ClientLinked, OrgCreated, OrgKind

PRODUCER = "auth"
OFFICE_MANAGERS = ("admin", "manager")


async def _emit_created(conn: Conn, org: Organisation, office: UUID | None) -> None:
    data = OrgCreated(org_id=org.id, kind=org.kind, nip=org.nip, name=org.name, office_id=office)
    event = new_envelope(
        ORG_CREATED.event_type,
        ORG_CREATED.version,
        data,
        producer=PRODUCER,
        org_id=org.id,
        company_nip=org.nip if org.kind is OrgKind.company else None,
    )
    await outbox.add(conn, event, key=str(org.id))


async def create_office(pool: asyncpg.Pool, nip: str, name: str) -> Organisation:
    """Register an accounting office (an operator's bootstrap step)."""
    office = Organisation(
        id=uuid4(), kind=OrgKind.office, nip=normalise_nip(nip), name=name.strip()
    )
    async with pool.acquire() as conn, conn.transaction():
        try:
            await repo.insert_org(conn, office)
        except asyncpg.UniqueViolationError as error:
            raise OrganisationExists(details={"nip": office.nip}) from error
        await _emit_created(conn, office, None)
    return office


def _validated(clients: Sequence[NewClient]) -> list[NewClient]:
    """All NIPs checked before anything is written, every bad one reported at once."""
    bad, good = [], []
    for i, client in enumerate(clients):
        try:
            good.append(NewClient(nip=normalise_nip(client.nip), name=client.name.strip()))
        except InvalidNip:
            bad.append({"index": i, "nip": client.nip})
    if bad:
        raise InvalidNip(details=bad)
    return good


async def add_clients(
    pool: asyncpg.Pool, principal: Principal, clients: Sequence[NewClient]
) -> list[ClientAdded]:
    """An office takes on client companies: all of them, or none if one is refused."""
    if principal.org_kind != OrgKind.office.value:
        raise NotAnOffice()
    principal.require_role(*OFFICE_MANAGERS)
    valid = _validated(clients)
    added: list[ClientAdded] = []
    async with pool.acquire() as conn, conn.transaction():
        office = await repo.get_org(conn, principal.org_id)
        if office is None or office.kind is not OrgKind.office:
            raise NotAnOffice()
        for client in valid:
            added.append(await _add_client(conn, office.id, client))
    return added


async def _add_client(conn: Conn, office_id: UUID, client: NewClient) -> ClientAdded:
    company = await repo.find_by_nip(conn, OrgKind.company, client.nip)
    if company is None:
        company = Organisation(id=uuid4(), kind=OrgKind.company, nip=client.nip, name=client.name)
        await repo.insert_org(conn, company)
        await repo.link_client(conn, office_id, company.id)
        await _emit_created(conn, company, office_id)
        return ClientAdded(company=company, created=True)
    current = await repo.office_of(conn, company.id)
    if current == office_id:
        return ClientAdded(company=company, created=False)
    if current is not None:
        raise ClientOfAnotherOffice(details={"nip": client.nip})
    await repo.link_client(conn, office_id, company.id)
    event = new_envelope(
        CLIENT_LINKED.event_type,
        CLIENT_LINKED.version,
        ClientLinked(office_id=office_id, company_id=company.id),
        producer=PRODUCER,
        org_id=company.id,
        company_nip=company.nip,
    )
    await outbox.add(conn, event, key=str(company.id))
    return ClientAdded(company=company, created=False)


async def list_clients(
    pool: asyncpg.Pool, principal: Principal, *, after_nip: str | None, limit: int
) -> list[Organisation]:
    """The office's client companies, by NIP, keyset-paged."""
    if principal.org_kind != OrgKind.office.value:
        raise NotAnOffice()
    async with pool.acquire() as conn:
        return await repo.list_clients(conn, principal.org_id, after_nip=after_nip, limit=limit)
