"""Authorisations, office credentials and KSeF sessions in PostgreSQL (hand-written SQL)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from chassis.db import Conn
from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway.domain import CompanyAuth, OfficeCredential

_AUTH_COLUMNS = (
    "company_id, company_nip, method, status, valid_until, permissions, message,"
    " certificate_pem, secret_id, pending_challenge, checked_at"
)


def _auth(row: asyncpg.Record) -> CompanyAuth:
    d = dict(row)
    return CompanyAuth(
        **{
            **d,
            "method": AuthMethod(d["method"]),
            "status": AuthStatus(d["status"]),
            "permissions": list(d["permissions"]),
        }
    )


async def get_auth(conn: Conn, company_id: UUID, *, lock: bool = False) -> CompanyAuth | None:
    row = await conn.fetchrow(
        f"SELECT {_AUTH_COLUMNS} FROM company_auth WHERE company_id = $1"
        + (" FOR UPDATE" if lock else ""),
        company_id,
    )
    return _auth(row) if row else None


async def auths_of(conn: Conn, company_ids: list[UUID]) -> dict[UUID, CompanyAuth]:
    rows = await conn.fetch(
        f"SELECT {_AUTH_COLUMNS} FROM company_auth WHERE company_id = ANY($1::uuid[])",
        company_ids,
    )
    return {r["company_id"]: _auth(r) for r in rows}


async def office_clients_with(conn: Conn, office_id: UUID, method: AuthMethod) -> list[CompanyAuth]:
    rows = await conn.fetch(
        f"SELECT {', '.join('a.' + c.strip() for c in _AUTH_COLUMNS.split(','))}"
        " FROM company_auth a JOIN tenancy_orgs o ON o.org_id = a.company_id"
        " WHERE o.office_id = $1 AND a.method = $2",
        office_id,
        method.value,
    )
    return [_auth(r) for r in rows]


async def save_auth(conn: Conn, a: CompanyAuth) -> None:
    await conn.execute(
        f"INSERT INTO company_auth ({_AUTH_COLUMNS}, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())"
        " ON CONFLICT (company_id) DO UPDATE SET company_nip = EXCLUDED.company_nip,"
        " method = EXCLUDED.method, status = EXCLUDED.status,"
        " valid_until = EXCLUDED.valid_until, permissions = EXCLUDED.permissions,"
        " message = EXCLUDED.message, certificate_pem = EXCLUDED.certificate_pem,"
        " secret_id = EXCLUDED.secret_id, pending_challenge = EXCLUDED.pending_challenge,"
        " checked_at = EXCLUDED.checked_at, updated_at = now()",
        a.company_id,
        a.company_nip,
        a.method.value,
        a.status.value,
        a.valid_until,
        a.permissions,
        a.message,
        a.certificate_pem,
        a.secret_id,
        a.pending_challenge,
        a.checked_at,
    )


async def delete_auth(conn: Conn, company_id: UUID) -> None:
    await conn.execute("DELETE FROM company_auth WHERE company_id = $1", company_id)


# --- office credentials -----------------------------------------------------------------


async def get_office_credential(conn: Conn, office_id: UUID) -> OfficeCredential | None:
    row = await conn.fetchrow(
        "SELECT office_id, office_nip, kind, certificate_pem, key_secret, subject, valid_from,"
        " valid_until, status, message FROM office_credentials WHERE office_id = $1",
        office_id,
    )
    return OfficeCredential(**dict(row)) if row else None


async def save_office_credential(conn: Conn, c: OfficeCredential) -> None:
    await conn.execute(
        "INSERT INTO office_credentials (office_id, office_nip, kind, certificate_pem,"
        " key_secret, subject, valid_from, valid_until, status, message)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (office_id) DO UPDATE SET office_nip = EXCLUDED.office_nip,"
        " kind = EXCLUDED.kind, certificate_pem = EXCLUDED.certificate_pem,"
        " key_secret = EXCLUDED.key_secret, subject = EXCLUDED.subject,"
        " valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until,"
        " status = EXCLUDED.status, message = EXCLUDED.message, updated_at = now()",
        c.office_id,
        c.office_nip,
        c.kind,
        c.certificate_pem,
        c.key_secret,
        c.subject,
        c.valid_from,
        c.valid_until,
        c.status,
        c.message,
    )


async def delete_office_credential(conn: Conn, office_id: UUID) -> None:
    await conn.execute("DELETE FROM office_credentials WHERE office_id = $1", office_id)


# --- KSeF sessions (access/refresh tokens per company context) -----------------------------


async def get_session(conn: Conn, company_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT access_secret, access_until, refresh_secret, refresh_until FROM ksef_sessions"
        " WHERE company_id = $1",
        company_id,
    )
    return row


async def save_session(
    conn: Conn,
    company_id: UUID,
    access: UUID,
    access_until: datetime,
    refresh: UUID | None,
    refresh_until: datetime | None,
) -> None:
    await conn.execute(
        "INSERT INTO ksef_sessions (company_id, access_secret, access_until, refresh_secret,"
        " refresh_until) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id) DO UPDATE SET"
        " access_secret = EXCLUDED.access_secret, access_until = EXCLUDED.access_until,"
        " refresh_secret = EXCLUDED.refresh_secret, refresh_until = EXCLUDED.refresh_until,"
        " updated_at = now()",
        company_id,
        access,
        access_until,
        refresh,
        refresh_until,
    )


async def delete_session(conn: Conn, company_id: UUID) -> list[UUID]:
    """Drop the session; returns its secrets for deletion."""
    row = await conn.fetchrow(
        "DELETE FROM ksef_sessions WHERE company_id = $1 RETURNING access_secret, refresh_secret",
        company_id,
    )
    return [s for s in (row["access_secret"], row["refresh_secret"]) if s] if row else []
