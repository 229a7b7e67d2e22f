"""Request and response bodies of the account, session and people endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from auth.domain import Invitation, Membership, Organisation, Session, User
from auth.sessions import AccessToken

Email = Field(min_length=3, max_length=320, examples=["anna.nowak@biuro.pl"])
Password = Field(min_length=1, max_length=1024)


class OrganisationPublic(BaseModel):
    id: UUID
    kind: str
    nip: str
    name: str
    address: str | None = None

    @classmethod
    def of(cls, org: Organisation) -> OrganisationPublic:
        return cls(id=org.id, kind=org.kind.value, nip=org.nip, name=org.name, address=org.address)


class ContextPublic(BaseModel):
    """One organisation the user can work in, with their role there."""

    org: OrganisationPublic
    role: str
    all_clients: bool
    suspended: bool = Field(
        default=False, description="An administrator suspended your access to this organisation."
    )

    @classmethod
    def of(cls, m: Membership) -> ContextPublic:
        return cls(
            org=OrganisationPublic.of(m.org),
            role=m.role,
            all_clients=m.all_clients,
            suspended=m.suspended,
        )


class UserPublic(BaseModel):
    id: UUID
    email: str
    full_name: str | None
    status: str
    totp_enabled: bool

    @classmethod
    def of(cls, u: User) -> UserPublic:
        return cls(
            id=u.id,
            email=u.email,
            full_name=u.full_name,
            status=u.status,
            totp_enabled=u.totp_enabled,
        )


class InvitationPublic(BaseModel):
    id: UUID
    org: OrganisationPublic
    email: str
    role: str
    inviter_name: str | None
    status: str
    expires_at: datetime

    @classmethod
    def of(cls, i: Invitation) -> InvitationPublic:
        return cls(
            id=i.id,
            org=OrganisationPublic.of(i.org),
            email=i.email,
            role=i.role,
            inviter_name=i.inviter_name,
            status=i.status,
            expires_at=i.expires_at,
        )


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    context: ContextPublic | None

    @classmethod
    def of(cls, t: AccessToken) -> TokenPublic:
        return cls(
            access_token=t.token,
            expires_in=t.expires_in,
            context=ContextPublic.of(t.context) if t.context else None,
        )


class RefreshedPublic(TokenPublic):
    refresh_token: str


class LoginIn(BaseModel):
    email: str = Email
    password: str = Password
    totp_code: str | None = Field(default=None, max_length=10)
    recovery_code: str | None = Field(default=None, max_length=32)
    org_id: UUID | None = Field(default=None, description="Pick the context right away.")


class LoginPublic(RefreshedPublic):
    """The session: tokens, who you are, where you can work and what waits for your answer."""

    session_id: UUID
    user: UserPublic
    contexts: list[ContextPublic]
    pending_invitations: list[InvitationPublic]


class RefreshIn(BaseModel):
    refresh_token: str | None = Field(
        default=None,
        min_length=10,
        max_length=200,
        description="Leave out when the browser holds it in the refresh cookie.",
    )


class ContextIn(BaseModel):
    org_id: UUID


class LinkIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Password


class LinkPublic(BaseModel):
    email: str
    full_name: str | None


class EmailIn(BaseModel):
    email: str = Email


class PasswordChangeIn(BaseModel):
    current_password: str = Password
    new_password: str = Password


class MePublic(BaseModel):
    user: UserPublic
    contexts: list[ContextPublic]
    pending_invitations: list[InvitationPublic]


class SessionPublic(BaseModel):
    id: UUID
    org_id: UUID | None
    user_agent: str | None
    ip: str | None
    created_at: datetime
    last_used_at: datetime
    current: bool

    @classmethod
    def of(cls, s: Session, current: UUID) -> SessionPublic:
        return cls(
            id=s.id,
            org_id=s.org_id,
            user_agent=s.user_agent,
            ip=s.ip,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            current=s.id == current,
        )


class TotpSetupPublic(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg: str


class CodeIn(BaseModel):
    code: str = Field(min_length=6, max_length=32)


class TotpDisableIn(BaseModel):
    password: str = Password
    code: str = Field(min_length=6, max_length=32)


class RecoveryCodesPublic(BaseModel):
    recovery_codes: list[str]


class MemberIn(BaseModel):
    email: str = Email
    full_name: str = Field(min_length=1, max_length=256, examples=["Anna Nowak"])
    role: str = Field(pattern=r"^(admin|manager|employee|owner|client)$")
    org_id: UUID | None = Field(
        default=None, description="A client company of the office; default: the context's org."
    )
    all_clients: bool = Field(default=True, description="Office employees: False = assigned only.")


class InvitationIn(BaseModel):
    email: str = Email
    role: str = Field(pattern=r"^(admin|manager|employee|owner|client)$")
    org_id: UUID | None = None
    all_clients: bool = True


class RoleIn(BaseModel):
    role: str = Field(pattern=r"^(admin|manager|employee|owner|client)$")
    all_clients: bool = True


class MemberPublic(BaseModel):
    user: UserPublic
    role: str
    all_clients: bool
    suspended: bool = Field(default=False, description="Access to the organisation suspended.")


class AuditEntry(BaseModel):
    id: int
    at: datetime
    action: str
    org_id: UUID | None
    user_id: UUID | None
    user_email: str | None
    actor_id: UUID | None
    actor_email: str | None
    ip: str | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_before: int | None


class OrganisationIn(BaseModel):
    name: str = Field(min_length=1, max_length=512)
    address: str | None = Field(default=None, max_length=1024)
