"""People of an organisation: list, change role, remove, assign clients to office staff."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from auth import events
from auth import repository as orgs
from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.accounts import effective_all_clients, managed_org, target_org
from auth.domain import Organisation, User
from auth.errors import (
    CannotSuspendSelf,
    CompanyNotFound,
    LastAdmin,
    MemberNotFound,
    RoleNotAllowed,
)
from auth.roles import OFFICE_CLIENT_MANAGERS, ORG_ADMINS
from chassis.db import Conn
from chassis.errors import Forbidden
from chassis.tokens import Principal


async def list_members(
    pool: asyncpg.Pool, principal: Principal, org_id: UUID | None
) -> list[tuple[User, str, bool, bool]]:
    """Office managers see their colleagues too (to assign clients); others need admin."""
    async with pool.acquire() as conn:
        if (
            (org_id in (None, principal.org_id))
            and principal.is_office
            and (principal.role in OFFICE_CLIENT_MANAGERS)
        ):
            return await urepo.members(conn, principal.org_id)
        org, _ = await managed_org(conn, principal, org_id)
        return await urepo.members(conn, org.id)


async def _guard_last_admin(
    conn: Conn, org: Organisation, user_id: UUID, new_role: str | None
) -> None:
    admins = sorted(ORG_ADMINS[org.kind])
    current = await urepo.membership(conn, user_id, org.id)
    if current is None:
        raise MemberNotFound()
    demoted = current.role in admins and new_role not in admins
    if demoted and await urepo.count_role(conn, org.id, admins) <= 1:
        raise LastAdmin()


async def change_role(
    pool: asyncpg.Pool,
    principal: Principal,
    user_id: UUID,
    role: str,
    *,
    org_id: UUID | None = None,
    all_clients: bool = True,
    ip: str | None = None,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        org = await target_org(conn, principal, org_id, role)
        # Serialise role changes per organisation so two admins cannot demote each other.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1::text))", str(org.id))
        await _guard_last_admin(conn, org, user_id, role)
        before = await urepo.membership(conn, user_id, org.id)
        user = await urepo.get_user(conn, user_id)
        assert before is not None
        assert user is not None
        all_clients = effective_all_clients(org, role, all_clients)
        await urepo.upsert_membership(conn, user_id, org.id, role, all_clients)
        # A suspended member stays suspended in their new role.
        await events.membership_changed(
            conn, user, org, role, all_clients, suspended=before.suspended
        )
        await srepo.audit(
            conn,
            "member.role_changed",
            org_id=org.id,
            user_id=user_id,
            actor_id=principal.user_id,
            ip=ip,
            details={"from": before.role, "to": role, "all_clients": all_clients},
        )


async def remove_member(
    pool: asyncpg.Pool,
    principal: Principal,
    user_id: UUID,
    *,
    org_id: UUID | None = None,
    ip: str | None = None,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        org, _ = await managed_org(conn, principal, org_id)
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1::text))", str(org.id))
        await _guard_last_admin(conn, org, user_id, None)
        user = await urepo.get_user(conn, user_id)
        assert user is not None
        for company in await urepo.assigned_clients(conn, org.id, user_id):
            await events.assignment_changed(conn, org.id, user_id, company, False)
        await urepo.delete_membership(conn, user_id, org.id)
        await events.membership_changed(conn, user, org, None)
        await srepo.audit(
            conn,
            "member.removed",
            org_id=org.id,
            user_id=user_id,
            actor_id=principal.user_id,
            ip=ip,
        )


async def set_suspended(
    pool: asyncpg.Pool,
    principal: Principal,
    user_id: UUID,
    suspended: bool,
    *,
    org_id: UUID | None = None,
    ip: str | None = None,
) -> None:
    """Suspend a member's access to the organisation (their sessions there end) or lift it.

    Only someone who may give the member's role may suspend them, never themselves, and never
    the last administrator who can still act."""
    async with pool.acquire() as conn, conn.transaction():
        org, allowed = await managed_org(conn, principal, org_id)
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1::text))", str(org.id))
        current = await urepo.membership(conn, user_id, org.id)
        if current is None:
            raise MemberNotFound()
        if current.role not in allowed:
            raise RoleNotAllowed(details={"role": current.role, "allowed": sorted(allowed)})
        if user_id == principal.user_id:
            raise CannotSuspendSelf()
        if current.suspended == suspended:
            return  # already so: nothing to publish or record
        if suspended:
            await _guard_last_admin(conn, org, user_id, None)
        await urepo.set_suspended(conn, user_id, org.id, suspended, principal.user_id)
        ended = 0
        if suspended:
            ended = await srepo.revoke_org_sessions(conn, user_id, org.id, "membership_suspended")
        user = await urepo.get_user(conn, user_id)
        assert user is not None
        await events.membership_changed(
            conn, user, org, current.role, current.all_clients, suspended=suspended
        )
        await srepo.audit(
            conn,
            "member.suspended" if suspended else "member.reactivated",
            org_id=org.id,
            user_id=user_id,
            actor_id=principal.user_id,
            ip=ip,
            details={"role": current.role, "sessions_ended": ended},
        )


async def _office_staff_and_client(
    conn: Conn, principal: Principal, user_id: UUID, company_id: UUID | None
) -> Organisation | None:
    if not principal.is_office or principal.role not in OFFICE_CLIENT_MANAGERS:
        raise Forbidden()
    if await urepo.membership(conn, user_id, principal.org_id) is None:
        raise MemberNotFound()
    if company_id is None:
        return None
    if await orgs.office_of(conn, company_id) != principal.org_id:
        raise CompanyNotFound(details={"company_id": str(company_id)})
    return await orgs.get_org(conn, company_id)


async def assigned(pool: asyncpg.Pool, principal: Principal, user_id: UUID) -> list[Organisation]:
    async with pool.acquire() as conn:
        await _office_staff_and_client(conn, principal, user_id, None)
        return await urepo.assigned_clients(conn, principal.org_id, user_id)


async def set_assignment(
    pool: asyncpg.Pool,
    principal: Principal,
    user_id: UUID,
    company_id: UUID,
    assigned: bool,
    ip: str | None,
) -> None:
    """Give (or take) one client company to an office user limited to assigned clients."""
    async with pool.acquire() as conn, conn.transaction():
        company = await _office_staff_and_client(conn, principal, user_id, company_id)
        assert company is not None
        office = principal.org_id
        if await urepo.set_assignment(conn, office, user_id, company_id, assigned):
            await events.assignment_changed(conn, office, user_id, company, assigned)
            await srepo.audit(
                conn,
                "member.client_assigned" if assigned else "member.client_unassigned",
                org_id=office,
                user_id=user_id,
                actor_id=principal.user_id,
                ip=ip,
                details={"company_id": str(company_id), "nip": company.nip},
            )
