"""Sessions, refresh tokens, one-time links, login attempts, recovery codes, audit log."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from auth.domain import Session
from chassis.db import Conn


def digest(secret: str) -> bytes:
    """Secrets (links, refresh tokens, recovery codes) are stored only as SHA-256 hashes."""
    return hashlib.sha256(secret.encode()).digest()


def _session(row: asyncpg.Record) -> Session:
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        org_id=row["org_id"],
        user_agent=row["user_agent"],
        ip=str(row["ip"]) if row["ip"] else None,
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
    )


async def insert_session(
    conn: Conn,
    session_id: UUID,
    user_id: UUID,
    user_agent: str | None,
    ip: str | None,
    expires_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO sessions (id, user_id, user_agent, ip, expires_at)"
        " VALUES ($1, $2, $3, $4::inet, $5)",
        session_id,
        user_id,
        (user_agent or "")[:512] or None,
        ip,
        expires_at,
    )


async def set_session_org(conn: Conn, session_id: UUID, org_id: UUID | None) -> None:
    await conn.execute(
        "UPDATE sessions SET org_id = $2, last_used_at = now() WHERE id = $1", session_id, org_id
    )


async def active_sessions(conn: Conn, user_id: UUID) -> list[Session]:
    rows = await conn.fetch(
        "SELECT * FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()"
        " ORDER BY last_used_at DESC",
        user_id,
    )
    return [_session(r) for r in rows]


async def revoke_session(conn: Conn, session_id: UUID, user_id: UUID, why: str) -> bool:
    status = await conn.execute(
        "UPDATE sessions SET revoked_at = now(), revoked_why = $3"
        " WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        session_id,
        user_id,
        why,
    )
    return status.endswith(" 1")


async def revoke_all_sessions(
    conn: Conn, user_id: UUID, why: str, *, keep: UUID | None = None
) -> None:
    await conn.execute(
        "UPDATE sessions SET revoked_at = now(), revoked_why = $2"
        " WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $3",
        user_id,
        why,
        keep,
    )


async def revoke_org_sessions(conn: Conn, user_id: UUID, org_id: UUID, why: str) -> int:
    """End the user's sessions working in one organisation; returns how many ended."""
    status = await conn.execute(
        "UPDATE sessions SET revoked_at = now(), revoked_why = $3"
        " WHERE user_id = $1 AND org_id = $2 AND revoked_at IS NULL",
        user_id,
        org_id,
        why,
    )
    return int(status.split()[-1])


async def session_of_refresh_token(conn: Conn, token: str) -> tuple[UUID, UUID] | None:
    """(session id, user id) of any refresh token ever issued, spent or not."""
    row = await conn.fetchrow(
        "SELECT s.id, s.user_id FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"
        " WHERE r.token_hash = $1",
        digest(token),
    )
    return (row["id"], row["user_id"]) if row else None


async def insert_refresh_token(conn: Conn, token: str, session_id: UUID) -> None:
    await conn.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)",
        digest(token),
        session_id,
    )


async def claim_refresh_token(conn: Conn, token: str) -> asyncpg.Record | None:
    """The token's row with its session, locked, so two concurrent refreshes cannot both win."""
    return await conn.fetchrow(
        "SELECT r.used_at, s.id AS session_id, s.user_id, s.org_id, s.revoked_at, s.expires_at"
        " FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"
        " WHERE r.token_hash = $1 FOR UPDATE OF r, s",
        digest(token),
    )


async def mark_refresh_used(conn: Conn, token: str) -> None:
    await conn.execute(
        "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1", digest(token)
    )


async def insert_link(
    conn: Conn, token: str, purpose: str, user_id: UUID, expires_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at)"
        " VALUES ($1, $2, $3, $4)",
        digest(token),
        purpose,
        user_id,
        expires_at,
    )


async def valid_link(conn: Conn, token: str, purpose: str, *, lock: bool) -> UUID | None:
    """The user a live, unused link belongs to."""
    user_id: UUID | None = await conn.fetchval(
        "SELECT user_id FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2"
        " AND used_at IS NULL AND expires_at > now()" + (" FOR UPDATE" if lock else ""),
        digest(token),
        purpose,
    )
    return user_id


async def use_links(conn: Conn, user_id: UUID, purpose: str) -> None:
    """Spend every open link of this purpose: the one used, and any older ones."""
    await conn.execute(
        "UPDATE one_time_tokens SET used_at = now()"
        " WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        user_id,
        purpose,
    )


async def record_attempt(conn: Conn, email: str, ip: str | None, succeeded: bool) -> None:
    await conn.execute(
        "INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2::inet, $3)",
        email,
        ip,
        succeeded,
    )


async def account_failures(conn: Conn, email: str, window_minutes: int) -> list[datetime]:
    """Failure times within the window since the last success, newest first."""
    rows = await conn.fetch(
        "SELECT at FROM login_attempts WHERE email = $1 AND NOT succeeded"
        " AND at > now() - make_interval(mins => $2)"
        " AND at > coalesce((SELECT max(at) FROM login_attempts"
        "   WHERE email = $1 AND succeeded), '-infinity')"
        " ORDER BY at DESC",
        email,
        window_minutes,
    )
    return [r["at"] for r in rows]


async def address_failures(conn: Conn, ip: str, window_minutes: int) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM login_attempts WHERE ip = $1::inet AND NOT succeeded"
        " AND at > now() - make_interval(mins => $2)",
        ip,
        window_minutes,
    )
    return count


async def recent_resets(
    conn: Conn, email: str, ip: str | None, window_minutes: int
) -> tuple[int, int]:
    """Reset requests within the window: for this account, and from this client address."""
    row = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM password_reset_requests WHERE email = $1"
        "   AND at > now() - make_interval(mins => $3)) AS account,"
        " (SELECT count(*) FROM password_reset_requests WHERE ip = $2::inet"
        "   AND at > now() - make_interval(mins => $3)) AS address",
        email,
        ip,
        window_minutes,
    )
    assert row is not None
    return row["account"], row["address"]


async def record_reset(conn: Conn, email: str, ip: str | None) -> None:
    await conn.execute(
        "INSERT INTO password_reset_requests (email, ip) VALUES ($1, $2::inet)", email, ip
    )


async def replace_recovery_codes(conn: Conn, user_id: UUID, codes: list[str]) -> None:
    await conn.execute("DELETE FROM recovery_codes WHERE user_id = $1", user_id)
    await conn.executemany(
        "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
        [(user_id, digest(c)) for c in codes],
    )


async def use_recovery_code(conn: Conn, user_id: UUID, code: str) -> bool:
    status = await conn.execute(
        "UPDATE recovery_codes SET used_at = now()"
        " WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        user_id,
        digest(code),
    )
    return status.endswith(" 1")


async def audit(
    conn: Conn,
    action: str,
    *,
    org_id: UUID | None = None,
    user_id: UUID | None = None,
    actor_id: UUID | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (org_id, user_id, actor_id, action, details, ip)"
        " VALUES ($1, $2, $3, $4, $5, $6::inet)",
        org_id,
        user_id,
        actor_id,
        action,
        details or {},
        ip,
    )


async def audit_entries(
    conn: Conn, org_id: UUID, *, before: int | None, limit: int
) -> list[asyncpg.Record]:
    """Entries about the organisation, its client companies (for an office) and its members."""
    return await conn.fetch(
        "SELECT a.id, a.org_id, a.user_id, a.actor_id, a.action, a.details, a.ip, a.at,"
        " u.email AS user_email, x.email AS actor_email FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN users x ON x.id = a.actor_id"
        " WHERE ($2::bigint IS NULL OR a.id < $2) AND ("
        "   a.org_id = $1"
        "   OR a.org_id IN (SELECT company_id FROM office_clients WHERE office_id = $1)"
        "   OR (a.org_id IS NULL AND a.user_id IN"
        "       (SELECT user_id FROM memberships WHERE org_id = $1)))"
        " ORDER BY a.id DESC LIMIT $3",
        org_id,
        before,
        limit,
    )
