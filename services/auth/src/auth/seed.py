"""Idempotent operator steps (bootstrap, demo data): ensure an org, a client, a member.

These bypass invitations and activation on purpose: they run with the operator's database
access, for the first office administrator and for demo accounts with known passwords.
"""

from __future__ import annotations

from uuid import uuid4

import asyncpg

from auth import events, services
from auth import repository as orgs
from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.accounts import effective_all_clients, normalise_email
from auth.domain import NewClient, Organisation, OrganisationExists, User, normalise_nip
from auth.passwords import check_policy, hash_password_async
from chassis.tokens import Principal
from contracts.auth import OrgKind


async def ensure_office(pool: asyncpg.Pool, nip: str, name: str) -> Organisation:
    try:
        return await services.create_office(pool, nip, name)
    except OrganisationExists:
        async with pool.acquire() as conn:
            found = await orgs.find_by_nip(conn, OrgKind.office, normalise_nip(nip))
        assert found is not None
        return found


async def ensure_client(
    pool: asyncpg.Pool, office: Organisation, nip: str, name: str
) -> Organisation:
    """The company as a client of the office (created or linked; an error if it has another)."""
    operator = Principal(uuid4(), office.id, "office", "admin")
    [added] = await services.add_clients(pool, operator, [NewClient(nip=nip, name=name)])
    return added.company


async def ensure_company(pool: asyncpg.Pool, nip: str, name: str) -> Organisation:
    """A company no office serves (a client person's other employer, say)."""
    async with pool.acquire() as conn, conn.transaction():
        found = await orgs.find_by_nip(conn, OrgKind.company, normalise_nip(nip))
        if found is not None:
            return found
        company = Organisation(uuid4(), OrgKind.company, normalise_nip(nip), name.strip())
        await orgs.insert_org(conn, company)
        await services.emit_created(conn, company, None)
    return company


async def ensure_member(
    pool: asyncpg.Pool,
    org: Organisation,
    email: str,
    full_name: str,
    role: str,
    password: str,
    *,
    all_clients: bool = True,
) -> User:
    """An active account with this password and role in `org` (password set only if new)."""
    email = normalise_email(email)
    check_policy(password, email)
    password_hash = await hash_password_async(password)
    async with pool.acquire() as conn, conn.transaction():
        user = await urepo.find_user(conn, email)
        if user is None:
            user = User(uuid4(), email, full_name, "active", password_hash, False, None)
            await urepo.insert_user(conn, user.id, email, full_name)
            await urepo.set_password(conn, user.id, password_hash, activate=True)
            await events.user_created(conn, user.id, email, full_name)
            await srepo.audit(conn, "account.seeded", user_id=user.id)
        all_clients = effective_all_clients(org, role, all_clients)
        current = await urepo.membership(conn, user.id, org.id)
        if current is None or (current.role, current.all_clients) != (role, all_clients):
            await urepo.upsert_membership(conn, user.id, org.id, role, all_clients)
            suspended = current.suspended if current else False
            await events.membership_changed(conn, user, org, role, all_clients, suspended=suspended)
            await srepo.audit(
                conn, "member.seeded", org_id=org.id, user_id=user.id, details={"role": role}
            )
    return user


async def ensure_assignment(
    pool: asyncpg.Pool, office: Organisation, user: User, company: Organisation
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        if await urepo.set_assignment(conn, office.id, user.id, company.id, True):
            await events.assignment_changed(conn, office.id, user.id, company, True)
