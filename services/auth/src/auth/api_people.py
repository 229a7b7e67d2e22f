"""HTTP API of an organisation's people: members, roles, invitations, assignments, audit."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from auth import accounts, invitations, members
from auth import sessions_repo as srepo
from auth.principal import AppSettings, CallerAddress, CurrentPrincipal, Pool
from auth.roles import is_org_admin
from auth.schemas import (
    AuditEntry,
    AuditPage,
    InvitationIn,
    InvitationPublic,
    MemberIn,
    MemberPublic,
    OrganisationPublic,
    RoleIn,
    UserPublic,
)
from chassis.errors import Forbidden

router = APIRouter(tags=["people"])
OrgParam = Annotated[
    UUID | None, Query(description="A client company of the office; default: the context.")
]


@router.post("/members", status_code=status.HTTP_201_CREATED)
async def create_member(
    body: MemberIn,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: AppSettings,
    ip: CallerAddress,
) -> MemberPublic:
    """Create a person's account with a role; they activate it from the e-mailed link."""
    new = accounts.NewMember(body.email, body.full_name, body.role, body.org_id, body.all_clients)
    user, org = await accounts.create_member(pool, settings, principal, new, ip)
    return MemberPublic(
        user=UserPublic.of(user),
        role=body.role,
        all_clients=accounts.effective_all_clients(org, body.role, body.all_clients),
    )


@router.get("/members")
async def list_members(
    principal: CurrentPrincipal, pool: Pool, org_id: OrgParam = None
) -> list[MemberPublic]:
    """People of the organisation and their roles."""
    found = await members.list_members(pool, principal, org_id)
    return [
        MemberPublic(user=UserPublic.of(u), role=r, all_clients=a, suspended=s)
        for u, r, a, s in found
    ]


@router.patch("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def change_role(
    user_id: UUID,
    body: RoleIn,
    principal: CurrentPrincipal,
    pool: Pool,
    ip: CallerAddress,
    org_id: OrgParam = None,
) -> None:
    """Change a member's role (effective in their next token, at most minutes later)."""
    await members.change_role(
        pool, principal, user_id, body.role, org_id=org_id, all_clients=body.all_clients, ip=ip
    )


@router.delete("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(
    user_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    ip: CallerAddress,
    org_id: OrgParam = None,
) -> None:
    """Remove a member from the organisation (the account itself stays)."""
    await members.remove_member(pool, principal, user_id, org_id=org_id, ip=ip)


@router.put("/members/{user_id}/suspension", status_code=status.HTTP_204_NO_CONTENT)
async def suspend_member(
    user_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    ip: CallerAddress,
    org_id: OrgParam = None,
) -> None:
    """Suspend a member's access to the organisation: their sessions there end and they cannot
    work there until the suspension is lifted (the account and other organisations stay)."""
    await members.set_suspended(pool, principal, user_id, True, org_id=org_id, ip=ip)


@router.delete("/members/{user_id}/suspension", status_code=status.HTTP_204_NO_CONTENT)
async def reactivate_member(
    user_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    ip: CallerAddress,
    org_id: OrgParam = None,
) -> None:
    """Lift a suspension: the member may work in the organisation again."""
    await members.set_suspended(pool, principal, user_id, False, org_id=org_id, ip=ip)


@router.get("/members/{user_id}/clients")
async def assigned_clients(
    user_id: UUID, principal: CurrentPrincipal, pool: Pool
) -> list[OrganisationPublic]:
    """Client companies assigned to an office member."""
    return [OrganisationPublic.of(o) for o in await members.assigned(pool, principal, user_id)]


@router.put("/members/{user_id}/clients/{company_id}", status_code=status.HTTP_204_NO_CONTENT)
async def assign_client(
    user_id: UUID, company_id: UUID, principal: CurrentPrincipal, pool: Pool, ip: CallerAddress
) -> None:
    """Let an office member limited to assigned clients act on this client company."""
    await members.set_assignment(pool, principal, user_id, company_id, True, ip)


@router.delete("/members/{user_id}/clients/{company_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unassign_client(
    user_id: UUID, company_id: UUID, principal: CurrentPrincipal, pool: Pool, ip: CallerAddress
) -> None:
    """Take a client company away from an office member."""
    await members.set_assignment(pool, principal, user_id, company_id, False, ip)


@router.post("/invitations", status_code=status.HTTP_201_CREATED)
async def invite(
    body: InvitationIn,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: AppSettings,
    ip: CallerAddress,
) -> InvitationPublic:
    """Invite an e-mail (new or existing user) into the organisation with a role."""
    found = await invitations.invite(
        pool,
        settings,
        principal,
        body.email,
        body.role,
        org_id=body.org_id,
        all_clients=body.all_clients,
        ip=ip,
    )
    return InvitationPublic.of(found)


@router.get("/invitations")
async def list_invitations(
    principal: CurrentPrincipal, pool: Pool, org_id: OrgParam = None
) -> list[InvitationPublic]:
    """Invitations the organisation sent (latest first)."""
    found = await invitations.list_for_org(pool, principal, org_id)
    return [InvitationPublic.of(i) for i in found]


@router.delete("/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_invitation(
    invitation_id: UUID, principal: CurrentPrincipal, pool: Pool, ip: CallerAddress
) -> None:
    """Withdraw a pending invitation."""
    await invitations.revoke(pool, principal, invitation_id, ip)


@router.get("/audit")
async def audit_log(
    principal: CurrentPrincipal,
    pool: Pool,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """What happened in the organisation, newest first (administrators only)."""
    if not is_org_admin(principal):
        raise Forbidden()
    async with pool.acquire() as conn:
        rows = await srepo.audit_entries(conn, principal.org_id, before=before, limit=limit)
    items = [AuditEntry(**{**dict(r), "ip": str(r["ip"]) if r["ip"] else None}) for r in rows]
    return AuditPage(items=items, next_before=items[-1].id if len(items) == limit else None)
