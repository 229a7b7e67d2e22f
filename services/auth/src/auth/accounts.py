"""Accounts: an administrator creates one, the person activates it; password reset and change."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from uuid import UUID, uuid4

import asyncpg
from email_validator import EmailNotValidError, validate_email

from auth import events
from auth import repository as orgs
from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.config import Settings
from auth.domain import Organisation, User
from auth.errors import (
    AlreadyMember,
    CompanyNotFound,
    InvalidEmail,
    InvalidLink,
    RoleNotAllowed,
    UserExists,
    WrongPassword,
)
from auth.passwords import check_policy, hash_password_async, verify_password_async
from auth.roles import grantable_in_client, grantable_in_own_org
from chassis.db import Conn
from chassis.errors import Forbidden
from chassis.logs import get_logger
from chassis.tokens import Principal
from contracts.auth import OrgKind

log = get_logger(__name__)


def normalise_email(raw: str) -> str:
    """A syntactically valid address, lower-cased (the login is case-insensitive)."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(details={"email": raw[:320]}) from error
    return checked.normalized.lower()


def link(settings: Settings, path: str, token: str | None = None) -> str:
    return settings.portal_url + path + (f"?token={quote(token)}" if token else "")


async def new_link(conn: Conn, settings: Settings, user_id: UUID, purpose: str) -> str:
    """A fresh one-time token; the e-mail gets the token, the database only its hash."""
    token = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(hours=settings.activation_link_hours)
        if purpose == "activation"
        else timedelta(minutes=settings.reset_link_minutes)
    )
    await srepo.insert_link(conn, token, purpose, user_id, datetime.now(UTC) + lifetime)
    return token


async def managed_org(
    conn: Conn, principal: Principal, org_id: UUID | None
) -> tuple[Organisation, frozenset[str]]:
    """An organisation whose people the caller manages (their own, or an office's client
    company), with the roles the caller may give there."""
    if org_id is None or org_id == principal.org_id:
        allowed, target = grantable_in_own_org(principal), principal.org_id
    else:
        allowed, target = grantable_in_client(principal), org_id
    if not allowed:
        raise Forbidden()
    if target != principal.org_id and await orgs.office_of(conn, target) != principal.org_id:
        raise CompanyNotFound(details={"org_id": str(target)})
    org = await orgs.get_org(conn, target)
    if org is None:
        raise CompanyNotFound(details={"org_id": str(target)})
    return org, allowed


async def target_org(
    conn: Conn, principal: Principal, org_id: UUID | None, role: str
) -> Organisation:
    """The organisation an administrator gives `role` in, if they may."""
    org, allowed = await managed_org(conn, principal, org_id)
    if role not in allowed:
        raise RoleNotAllowed(details={"role": role, "allowed": sorted(allowed)})
    return org


def effective_all_clients(org: Organisation, role: str, all_clients: bool) -> bool:
    """Only office employees can be limited to assigned clients."""
    return all_clients or not (org.kind is OrgKind.office and role == "employee")


@dataclass(frozen=True)
class NewMember:
    email: str
    full_name: str
    role: str
    org_id: UUID | None = None
    all_clients: bool = True


async def create_member(
    pool: asyncpg.Pool, settings: Settings, principal: Principal, new: NewMember, ip: str | None
) -> tuple[User, Organisation]:
    """Create a person's account with a role; they get an activation link by e-mail."""
    email = normalise_email(new.email)
    full_name = new.full_name.strip()
    async with pool.acquire() as conn, conn.transaction():
        org = await target_org(conn, principal, new.org_id, new.role)
        existing = await urepo.find_user(conn, email)
        if existing is not None:
            if await urepo.membership(conn, existing.id, org.id):
                raise AlreadyMember(details={"email": email})
            raise UserExists(details={"email": email})
        user = User(uuid4(), email, full_name, "pending", None, False, None)
        all_clients = effective_all_clients(org, new.role, new.all_clients)
        try:
            await urepo.insert_user(conn, user.id, email, full_name)
        except asyncpg.UniqueViolationError as error:  # created concurrently
            raise UserExists(details={"email": email}) from error
        await urepo.upsert_membership(conn, user.id, org.id, new.role, all_clients)
        token = await new_link(conn, settings, user.id, "activation")
        await events.user_created(conn, user.id, email, full_name)
        await events.membership_changed(conn, user, org, new.role, all_clients)
        params = {"link": link(settings, "/aktywacja", token), "full_name": full_name}
        await events.notify(conn, "activation", user, params | {"org_name": org.name}, org=org)
        await srepo.audit(
            conn,
            "member.created",
            org_id=org.id,
            user_id=user.id,
            actor_id=principal.user_id,
            ip=ip,
            details={"email": email, "role": new.role},
        )
    return user, org


async def describe_link(pool: asyncpg.Pool, token: str, purpose: str) -> User:
    """Whose link this is (the portal greets them by name); nothing changes."""
    async with pool.acquire() as conn:
        user_id = await srepo.valid_link(conn, token, purpose, lock=False)
        user = await urepo.get_user(conn, user_id) if user_id else None
    if user is None:
        raise InvalidLink()
    return user


async def set_password_by_link(
    pool: asyncpg.Pool, token: str, purpose: str, password: str, ip: str | None
) -> User:
    """Activation or reset: the link works once; a reset also ends every session."""
    async with pool.acquire() as conn:
        user_id = await srepo.valid_link(conn, token, purpose, lock=False)
        user = await urepo.get_user(conn, user_id) if user_id else None
    if user is None or user.status == "disabled":
        raise InvalidLink()
    check_policy(password, user.email)
    password_hash = await hash_password_async(password)
    async with pool.acquire() as conn, conn.transaction():
        # Checked again under lock: the same link used twice at once must win only once.
        if await srepo.valid_link(conn, token, purpose, lock=True) != user.id:
            raise InvalidLink()
        await urepo.set_password(conn, user.id, password_hash, activate=purpose == "activation")
        await srepo.use_links(conn, user.id, purpose)
        if purpose == "password_reset":
            await srepo.revoke_all_sessions(conn, user.id, "password_reset")
        action = "account.activated" if purpose == "activation" else "password.reset"
        await srepo.audit(conn, action, user_id=user.id, actor_id=user.id, ip=ip)
    return user


async def _reset_allowed(conn: Conn, settings: Settings, email: str, ip: str | None) -> bool:
    """False when the account or the address used up its window; else the request counts."""
    # Serialise requests per account, then per client address (always in this order, so two
    # requests cannot wait for each other), so parallel requests cannot all pass the count.
    for key in (email, ip):
        if key is not None:
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('reset:' || $1))", key)
    window = settings.reset_window_minutes
    account, address = await srepo.recent_resets(conn, email, ip, window)
    if account >= settings.reset_max_per_account or (
        ip is not None and address >= settings.reset_max_per_address
    ):
        log.warning("password reset throttled", account_requests=account, address_requests=address)
        return False
    # Only requests let through count, so a flood does not extend its own window.
    await srepo.record_reset(conn, email, ip)
    return True


async def request_password_reset(
    pool: asyncpg.Pool, settings: Settings, raw_email: str, ip: str | None
) -> None:
    """Send a reset link (or a new activation link to a pending account); silent otherwise."""
    email = normalise_email(raw_email)
    async with pool.acquire() as conn, conn.transaction():
        if not await _reset_allowed(conn, settings, email, ip):
            return  # the same answer again: a throttled caller learns nothing either
        user = await urepo.find_user(conn, email)
        if user is None or user.status == "disabled":
            return  # the same answer for unknown addresses: accounts cannot be probed
        if user.status == "pending":
            token = await new_link(conn, settings, user.id, "activation")
            params = {
                "link": link(settings, "/aktywacja", token),
                "full_name": user.full_name or "",
            }
            memberships = await urepo.memberships_of(conn, user.id)
            org_name = memberships[0].org.name if memberships else ""
            await events.notify(conn, "activation", user, params | {"org_name": org_name})
        else:
            token = await new_link(conn, settings, user.id, "password_reset")
            params = {"link": link(settings, "/reset-hasla", token)}
            await events.notify(conn, "password_reset", user, params)
        await srepo.audit(conn, "password.reset_requested", user_id=user.id, ip=ip)


async def change_password(
    pool: asyncpg.Pool,
    user_id: UUID,
    session_id: UUID,
    current: str,
    new: str,
    ip: str | None,
) -> None:
    """Change a known password; every other session of the user ends."""
    async with pool.acquire() as conn:
        user = await urepo.get_user(conn, user_id)
    if user is None or not await verify_password_async(user.password_hash, current):
        raise WrongPassword()
    check_policy(new, user.email)
    password_hash = await hash_password_async(new)
    async with pool.acquire() as conn, conn.transaction():
        await urepo.set_password(conn, user_id, password_hash, activate=False)
        await srepo.revoke_all_sessions(conn, user_id, "password_changed", keep=session_id)
        await srepo.audit(conn, "password.changed", user_id=user_id, actor_id=user_id, ip=ip)
