"""Use cases of auth: one function each, one transaction each, events through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid4

import asyncpg

from auth import events
from auth import repository as repo
from auth import users_repo as urepo
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
from auth.errors import CompanyNotFound
from auth.roles import is_org_admin
from auth.sessions_repo import audit
from chassis import outbox
from chassis.db import Conn
from chassis.errors import Forbidden
from chassis.tokens import Principal
from contracts import new_envelope
from contracts.auth import CLIENT_LINKED, ORG_CREATED, ClientLinked, OrgCreated, OrgKind

PRODUCER = "auth"
OFFICE_MANAGERS = ("admin", "manager")


async def emit_created(conn: Conn, org: Organisation, office: UUID | None) -> None:
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
        await emit_created(conn, office, None)
    return office


def _validated(clients: Sequence[NewClient]) -> list[NewClient]:
    """All NIPs checked before anything is written, every bad one reported at once."""
    bad, good = [], []
    for i, client in enumerate(clients):
        try:
            nip, name = normalise_nip(client.nip), client.name.strip()
            good.append(NewClient(nip=nip, name=name, address=client.address))
        except InvalidNip:
            bad.append({"index": i, "nip": client.nip})
    if bad:
        raise InvalidNip(details=bad)
    return good


async def add_clients(
    pool: asyncpg.Pool,
    principal: Principal,
    clients: Sequence[NewClient],
    ip: str | None = None,
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
            result = await _add_client(conn, office.id, client)
            added.append(result)
            await audit(
                conn,
                "client.linked",
                org_id=office.id,
                actor_id=principal.user_id,
                ip=ip,
                details={"company_id": str(result.company.id), "nip": result.company.nip},
            )
    return added


async def _add_client(conn: Conn, office_id: UUID, client: NewClient) -> ClientAdded:
    company = await repo.find_by_nip(conn, OrgKind.company, client.nip)
    if company is None:
        company = Organisation(
            id=uuid4(),
            kind=OrgKind.company,
            nip=client.nip,
            name=client.name,
            address=client.address,
        )
        await repo.insert_org(conn, company)
        await repo.link_client(conn, office_id, company.id)
        await emit_created(conn, company, office_id)
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
        if not principal.all_clients:
            # Staff limited to assigned clients see only those (a short list: no paging).
            mine = await urepo.assigned_clients(conn, principal.org_id, principal.user_id)
            return [c for c in mine if after_nip is None or c.nip > after_nip][:limit]
        return await repo.list_clients(conn, principal.org_id, after_nip=after_nip, limit=limit)


async def managed_company_or_own(conn: Conn, principal: Principal, org_id: UUID) -> Organisation:
    """The caller's own organisation (admins) or a client company of their office (managers)."""
    if org_id == principal.org_id:
        if not is_org_admin(principal):
            raise Forbidden()
    else:
        if not principal.is_office or principal.role not in OFFICE_MANAGERS:
            raise Forbidden()
        if await repo.office_of(conn, org_id) != principal.org_id:
            raise CompanyNotFound(details={"org_id": str(org_id)})
    org = await repo.get_org(conn, org_id)
    if org is None:
        raise CompanyNotFound(details={"org_id": str(org_id)})
    return org


async def get_organisation(pool: asyncpg.Pool, principal: Principal, org_id: UUID) -> Organisation:
    """The context's own organisation, or one of its office's client companies."""
    async with pool.acquire() as conn:
        if org_id != principal.org_id:
            allowed = principal.is_office and await repo.office_of(conn, org_id) == principal.org_id
            if allowed and not principal.all_clients:
                mine = await urepo.assigned_clients(conn, principal.org_id, principal.user_id)
                allowed = any(c.id == org_id for c in mine)
            if not allowed:
                raise CompanyNotFound(details={"org_id": str(org_id)})
        org = await repo.get_org(conn, org_id)
    if org is None:
        raise CompanyNotFound(details={"org_id": str(org_id)})
    return org


async def update_organisation(
    pool: asyncpg.Pool,
    principal: Principal,
    org_id: UUID,
    name: str,
    address: str | None,
    ip: str | None = None,
) -> Organisation:
    """Rename an organisation or change its address (the NIP never changes)."""
    async with pool.acquire() as conn, conn.transaction():
        org = await managed_company_or_own(conn, principal, org_id)
        changed = Organisation(
            id=org.id, kind=org.kind, nip=org.nip, name=name.strip(), address=address
        )
        await repo.update_org(conn, org.id, changed.name, changed.address)
        await events.org_updated(conn, changed)
        await audit(
            conn,
            "org.updated",
            org_id=org.id,
            actor_id=principal.user_id,
            ip=ip,
            details={"name": changed.name, "address": changed.address},
        )
    return changed


async def unlink_client(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, ip: str | None = None
) -> None:
    """The office stops serving a company; its staff lose access to it."""
    if not principal.is_office:
        raise NotAnOffice()
    principal.require_role("admin")
    async with pool.acquire() as conn, conn.transaction():
        company = await repo.get_org(conn, company_id)
        if company is None or not await repo.unlink_client(conn, principal.org_id, company_id):
            raise CompanyNotFound(details={"company_id": str(company_id)})
        await urepo.drop_assignments_of_company(conn, principal.org_id, company_id)
        await events.client_unlinked(conn, principal.org_id, company)
        await audit(
            conn,
            "client.unlinked",
            org_id=principal.org_id,
            actor_id=principal.user_id,
            ip=ip,
            details={"company_id": str(company_id), "nip": company.nip},
        )
