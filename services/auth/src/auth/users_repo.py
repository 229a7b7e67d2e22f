"""Users, memberships, assignments and invitations in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from auth.domain import Invitation, Membership, Organisation, User
from auth.repository import _org
from chassis.db import Conn
from contracts.auth import OrgKind

_USER = "SELECT id, email, full_name, status, password_hash, totp_enabled, totp_secret FROM users"


def _user(row: asyncpg.Record) -> User:
    return User(**{k: row[k] for k in User.__dataclass_fields__})


async def insert_user(conn: Conn, user_id: UUID, email: str, full_name: str | None) -> None:
    await conn.execute(
        "INSERT INTO users (id, email, full_name, status) VALUES ($1, $2, $3, 'pending')",
        user_id,
        email,
        full_name,
    )


async def get_user(conn: Conn, user_id: UUID, *, lock: bool = False) -> User | None:
    row = await conn.fetchrow(_USER + " WHERE id = $1" + (" FOR UPDATE" if lock else ""), user_id)
    return _user(row) if row else None


async def find_user(conn: Conn, email: str) -> User | None:
    row = await conn.fetchrow(_USER + " WHERE email = $1", email)
    return _user(row) if row else None


async def set_password(conn: Conn, user_id: UUID, password_hash: str, *, activate: bool) -> None:
    await conn.execute(
        "UPDATE users SET password_hash = $2, password_changed_at = now(),"
        " status = CASE WHEN $3 THEN 'active' ELSE status END,"
        " activated_at = CASE WHEN $3 THEN coalesce(activated_at, now()) ELSE activated_at END"
        " WHERE id = $1",
        user_id,
        password_hash,
        activate,
    )


async def set_totp(conn: Conn, user_id: UUID, secret: str | None, enabled: bool) -> None:
    await conn.execute(
        "UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1",
        user_id,
        secret,
        enabled,
    )


_MEMBERSHIP = (
    "SELECT m.user_id, m.role, m.all_clients, m.suspended_at IS NOT NULL AS suspended,"
    " o.id, o.kind, o.nip, o.name, o.address"
    " FROM memberships m JOIN organisations o ON o.id = m.org_id"
)


def _membership(row: asyncpg.Record) -> Membership:
    return Membership(
        user_id=row["user_id"],
        org=_org(row),
        role=row["role"],
        all_clients=row["all_clients"],
        suspended=row["suspended"],
    )


async def memberships_of(conn: Conn, user_id: UUID) -> list[Membership]:
    rows = await conn.fetch(_MEMBERSHIP + " WHERE m.user_id = $1 ORDER BY o.name, o.id", user_id)
    return [_membership(r) for r in rows]


async def membership(conn: Conn, user_id: UUID, org_id: UUID) -> Membership | None:
    row = await conn.fetchrow(
        _MEMBERSHIP + " WHERE m.user_id = $1 AND m.org_id = $2", user_id, org_id
    )
    return _membership(row) if row else None


async def upsert_membership(
    conn: Conn, user_id: UUID, org_id: UUID, role: str, all_clients: bool
) -> None:
    await conn.execute(
        "INSERT INTO memberships (user_id, org_id, role, all_clients) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (user_id, org_id) DO UPDATE SET role = $3, all_clients = $4",
        user_id,
        org_id,
        role,
        all_clients,
    )


async def delete_membership(conn: Conn, user_id: UUID, org_id: UUID) -> None:
    await conn.execute(
        "DELETE FROM memberships WHERE user_id = $1 AND org_id = $2", user_id, org_id
    )


async def count_role(conn: Conn, org_id: UUID, roles: list[str]) -> int:
    """Members with one of the roles who can act (a suspended admin administers nothing)."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM memberships WHERE org_id = $1 AND role = ANY($2::text[])"
        " AND suspended_at IS NULL",
        org_id,
        roles,
    )
    return count


async def members(conn: Conn, org_id: UUID) -> list[tuple[User, str, bool, bool]]:
    """People of the organisation: (user, role, all_clients, suspended)."""
    rows = await conn.fetch(
        "SELECT u.id, u.email, u.full_name, u.status, u.password_hash, u.totp_enabled,"
        " u.totp_secret, m.role, m.all_clients, m.suspended_at IS NOT NULL AS suspended"
        " FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.org_id = $1 ORDER BY u.email",
        org_id,
    )
    return [(_user(r), r["role"], r["all_clients"], r["suspended"]) for r in rows]


async def set_suspended(conn: Conn, user_id: UUID, org_id: UUID, suspended: bool, by: UUID) -> bool:
    """Suspend or lift a suspension; True when something changed."""
    status = await conn.execute(
        "UPDATE memberships SET suspended_at = CASE WHEN $3 THEN now() END,"
        " suspended_by = CASE WHEN $3 THEN $4::uuid END"
        " WHERE user_id = $1 AND org_id = $2 AND (suspended_at IS NOT NULL) <> $3",
        user_id,
        org_id,
        suspended,
        by,
    )
    return status.endswith(" 1")


async def assigned_clients(conn: Conn, office_id: UUID, user_id: UUID) -> list[Organisation]:
    rows = await conn.fetch(
        "SELECT o.id, o.kind, o.nip, o.name, o.address FROM assignments a"
        " JOIN organisations o ON o.id = a.company_id"
        " WHERE a.office_id = $1 AND a.user_id = $2 ORDER BY o.nip",
        office_id,
        user_id,
    )
    return [_org(r) for r in rows]


async def set_assignment(
    conn: Conn, office_id: UUID, user_id: UUID, company_id: UUID, assigned: bool
) -> bool:
    """True when something changed."""
    if assigned:
        status = await conn.execute(
            "INSERT INTO assignments (office_id, user_id, company_id) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            office_id,
            user_id,
            company_id,
        )
    else:
        status = await conn.execute(
            "DELETE FROM assignments WHERE office_id = $1 AND user_id = $2 AND company_id = $3",
            office_id,
            user_id,
            company_id,
        )
    return not status.endswith(" 0")


async def drop_assignments_of_company(conn: Conn, office_id: UUID, company_id: UUID) -> None:
    await conn.execute(
        "DELETE FROM assignments WHERE office_id = $1 AND company_id = $2", office_id, company_id
    )


_INVITATION = (
    "SELECT i.id, i.email, i.role, i.all_clients, i.invited_by, i.status, i.expires_at,"
    " u.full_name AS inviter_name, o.id AS org_id, o.kind, o.nip, o.name, o.address"
    " FROM invitations i JOIN organisations o ON o.id = i.org_id"
    " LEFT JOIN users u ON u.id = i.invited_by"
)


def _invitation(row: asyncpg.Record) -> Invitation:
    org = Organisation(
        id=row["org_id"],
        kind=OrgKind(row["kind"]),
        nip=row["nip"],
        name=row["name"],
        address=row["address"],
    )
    return Invitation(
        id=row["id"],
        org=org,
        email=row["email"],
        role=row["role"],
        all_clients=row["all_clients"],
        invited_by=row["invited_by"],
        inviter_name=row["inviter_name"],
        status=row["status"],
        expires_at=row["expires_at"],
    )


async def insert_invitation(
    conn: Conn,
    invitation_id: UUID,
    org_id: UUID,
    email: str,
    role: str,
    all_clients: bool,
    invited_by: UUID,
    expires_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO invitations (id, org_id, email, role, all_clients, invited_by, expires_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        invitation_id,
        org_id,
        email,
        role,
        all_clients,
        invited_by,
        expires_at,
    )


async def pending_invitations(conn: Conn, email: str) -> list[Invitation]:
    rows = await conn.fetch(
        _INVITATION + " WHERE i.email = $1 AND i.status = 'pending' AND i.expires_at > now()"
        " ORDER BY i.created_at",
        email,
    )
    return [_invitation(r) for r in rows]


async def org_invitations(conn: Conn, org_id: UUID) -> list[Invitation]:
    rows = await conn.fetch(
        _INVITATION + " WHERE i.org_id = $1 ORDER BY i.created_at DESC LIMIT 500", org_id
    )
    return [_invitation(r) for r in rows]


async def pending_invitation(conn: Conn, invitation_id: UUID, email: str) -> Invitation | None:
    row = await conn.fetchrow(
        _INVITATION + " WHERE i.id = $1 AND i.email = $2 AND i.status = 'pending'"
        " AND i.expires_at > now() FOR UPDATE OF i",
        invitation_id,
        email,
    )
    return _invitation(row) if row else None


async def decide_invitation(conn: Conn, invitation_id: UUID, status: str) -> None:
    await conn.execute(
        "UPDATE invitations SET status = $2, decided_at = now() WHERE id = $1",
        invitation_id,
        status,
    )


async def pending_invitation_org(conn: Conn, invitation_id: UUID) -> UUID | None:
    org_id: UUID | None = await conn.fetchval(
        "SELECT org_id FROM invitations WHERE id = $1 AND status = 'pending' FOR UPDATE",
        invitation_id,
    )
    return org_id
