"""Invitations: an administrator invites an e-mail with a role; the invitee accepts or rejects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from auth import events
from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.accounts import (
    effective_all_clients,
    link,
    managed_org,
    new_link,
    normalise_email,
    target_org,
)
from auth.config import Settings
from auth.domain import Invitation, User
from auth.errors import AlreadyMember, CompanyNotFound, InvitationNotFound, InvitationPending
from auth.roles import ROLE_NAMES_PL
from chassis.errors import Forbidden
from chassis.tokens import Principal


async def invite(
    pool: asyncpg.Pool,
    settings: Settings,
    principal: Principal,
    raw_email: str,
    role: str,
    *,
    org_id: UUID | None = None,
    all_clients: bool = True,
    ip: str | None = None,
) -> Invitation:
    """Invite a new or existing user; a new one first gets an account to activate."""
    email = normalise_email(raw_email)
    async with pool.acquire() as conn, conn.transaction():
        org = await target_org(conn, principal, org_id, role)
        user = await urepo.find_user(conn, email)
        if user is not None and await urepo.membership(conn, user.id, org.id):
            raise AlreadyMember(details={"email": email})
        if user is None:
            user = User(uuid4(), email, None, "pending", None, False, None)
            await urepo.insert_user(conn, user.id, email, None)
            await events.user_created(conn, user.id, email, None)
        if user.status == "pending":
            # They must set a password first; once in, the invitation is waiting for them.
            target = link(
                settings, "/aktywacja", await new_link(conn, settings, user.id, "activation")
            )
        else:
            target = link(settings, "/zaproszenia")
        invitation_id = uuid4()
        expires = datetime.now(UTC) + timedelta(days=settings.invitation_days)
        all_clients = effective_all_clients(org, role, all_clients)
        try:
            async with conn.transaction():
                await urepo.insert_invitation(
                    conn,
                    invitation_id,
                    org.id,
                    email,
                    role,
                    all_clients,
                    principal.user_id,
                    expires,
                )
        except asyncpg.UniqueViolationError as error:
            raise InvitationPending(details={"email": email}) from error
        inviter = await urepo.get_user(conn, principal.user_id)
        params = {
            "link": target,
            "org_name": org.name,
            "role": ROLE_NAMES_PL[role],
            "inviter": (inviter.full_name or inviter.email) if inviter else org.name,
        }
        await events.notify(conn, "invitation", user, params, org=org)
        await srepo.audit(
            conn,
            "invitation.sent",
            org_id=org.id,
            user_id=user.id,
            actor_id=principal.user_id,
            ip=ip,
            details={"email": email, "role": role},
        )
        [created] = [i for i in await urepo.org_invitations(conn, org.id) if i.id == invitation_id]
    return created


async def pending_for(pool: asyncpg.Pool, user_id: UUID) -> list[Invitation]:
    async with pool.acquire() as conn:
        user = await urepo.get_user(conn, user_id)
        return await urepo.pending_invitations(conn, user.email) if user else []


async def decide(
    pool: asyncpg.Pool, user_id: UUID, invitation_id: UUID, accept: bool, ip: str | None
) -> Invitation:
    """Accept (the membership starts) or reject a pending invitation addressed to the user."""
    async with pool.acquire() as conn, conn.transaction():
        user = await urepo.get_user(conn, user_id)
        invitation = (
            await urepo.pending_invitation(conn, invitation_id, user.email) if user else None
        )
        if user is None or invitation is None:
            raise InvitationNotFound()
        await urepo.decide_invitation(conn, invitation.id, "accepted" if accept else "rejected")
        if accept:
            role, all_clients = invitation.role, invitation.all_clients
            await urepo.upsert_membership(conn, user.id, invitation.org.id, role, all_clients)
            await events.membership_changed(conn, user, invitation.org, role, all_clients)
        await srepo.audit(
            conn,
            "invitation.accepted" if accept else "invitation.rejected",
            org_id=invitation.org.id,
            user_id=user.id,
            actor_id=user.id,
            ip=ip,
            details={"role": invitation.role},
        )
    return invitation


async def list_for_org(
    pool: asyncpg.Pool, principal: Principal, org_id: UUID | None
) -> list[Invitation]:
    async with pool.acquire() as conn:
        org, _ = await managed_org(conn, principal, org_id)
        return await urepo.org_invitations(conn, org.id)


async def revoke(
    pool: asyncpg.Pool, principal: Principal, invitation_id: UUID, ip: str | None
) -> None:
    """Withdraw a pending invitation of an organisation the caller manages."""
    async with pool.acquire() as conn, conn.transaction():
        org_id = await urepo.pending_invitation_org(conn, invitation_id)
        if org_id is None:
            raise InvitationNotFound()
        try:
            await managed_org(conn, principal, org_id)
        except (Forbidden, CompanyNotFound) as error:
            raise InvitationNotFound() from error  # another tenant's id: not even its existence
        await urepo.decide_invitation(conn, invitation_id, "revoked")
        await srepo.audit(
            conn,
            "invitation.revoked",
            org_id=org_id,
            actor_id=principal.user_id,
            ip=ip,
            details={"invitation_id": str(invitation_id)},
        )
