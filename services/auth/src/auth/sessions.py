"""Sessions after login: access tokens per context, refresh rotation with reuse detection."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.config import Settings
from auth.domain import Membership, Session
from auth.errors import (
    InvalidRefreshToken,
    MembershipSuspended,
    NotAMember,
    RefreshTokenReused,
    SessionNotFound,
)
from auth.keys import KeyRing
from chassis.db import Conn


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int
    context: Membership | None


def issue(
    keys: KeyRing, settings: Settings, user_id: UUID, session_id: UUID, context: Membership | None
) -> AccessToken:
    ttl = timedelta(minutes=settings.access_token_minutes)
    org = None
    if context is not None:
        org = (context.org.id, context.org.kind.value, context.role, context.all_clients)
    token = keys.sign(user_id=user_id, session_id=session_id, ttl=ttl, org=org)
    return AccessToken(token, int(ttl.total_seconds()), context)


async def context_of(conn: Conn, user_id: UUID, org_id: UUID | None) -> Membership | None:
    """The session's context, if the user still belongs there (roles can change meanwhile)
    and the membership is not suspended."""
    context = await urepo.membership(conn, user_id, org_id) if org_id else None
    return context if context is not None and not context.suspended else None


def usable_context(context: Membership | None, org_id: UUID) -> Membership:
    """The membership a user asked to work in, if they may work there now."""
    if context is None:
        raise NotAMember(details={"org_id": str(org_id)})
    if context.suspended:
        raise MembershipSuspended(details={"org_id": str(org_id)})
    return context


@dataclass(frozen=True)
class Refreshed:
    access: AccessToken
    refresh_token: str
    expires_at: datetime


async def refresh(
    pool: asyncpg.Pool, keys: KeyRing, settings: Settings, token: str, ip: str | None
) -> Refreshed:
    """Rotate: the presented token is spent; presenting a spent one ends the whole session."""
    reused = False
    async with pool.acquire() as conn, conn.transaction():
        row = await srepo.claim_refresh_token(conn, token)
        if row is None or row["revoked_at"] is not None or row["expires_at"] <= datetime.now(UTC):
            raise InvalidRefreshToken()
        session_id, user_id = row["session_id"], row["user_id"]
        if row["used_at"] is not None:
            # Either the user or a thief holds a newer token: end the family for both.
            await srepo.revoke_session(conn, session_id, user_id, "refresh_token_reused")
            await srepo.audit(
                conn,
                "session.reuse_detected",
                user_id=user_id,
                ip=ip,
                details={"session_id": str(session_id)},
            )
            reused = True
        else:
            await srepo.mark_refresh_used(conn, token)
            new_token = secrets.token_urlsafe(32)
            await srepo.insert_refresh_token(conn, new_token, session_id)
            context = await context_of(conn, user_id, row["org_id"])
            await srepo.set_session_org(conn, session_id, context.org.id if context else None)
    if reused:
        raise RefreshTokenReused()
    access = issue(keys, settings, user_id, session_id, context)
    return Refreshed(access, new_token, row["expires_at"])


async def choose_context(
    pool: asyncpg.Pool,
    keys: KeyRing,
    settings: Settings,
    user_id: UUID,
    session_id: UUID,
    org_id: UUID,
    ip: str | None,
) -> AccessToken:
    """Work in another organisation: the session remembers it, a new token carries it."""
    async with pool.acquire() as conn, conn.transaction():
        context = usable_context(await urepo.membership(conn, user_id, org_id), org_id)
        await srepo.set_session_org(conn, session_id, org_id)
        await srepo.audit(
            conn, "context.chosen", org_id=org_id, user_id=user_id, actor_id=user_id, ip=ip
        )
    return issue(keys, settings, user_id, session_id, context)


async def list_sessions(pool: asyncpg.Pool, user_id: UUID) -> list[Session]:
    async with pool.acquire() as conn:
        return await srepo.active_sessions(conn, user_id)


async def end_session_by_refresh_token(pool: asyncpg.Pool, token: str, ip: str | None) -> None:
    """Logout without an access token: the refresh token (any of the session's) names it."""
    async with pool.acquire() as conn, conn.transaction():
        found = await srepo.session_of_refresh_token(conn, token)
        if found is None:
            raise InvalidRefreshToken()
        session_id, user_id = found
        if await srepo.revoke_session(conn, session_id, user_id, "logout"):
            await srepo.audit(
                conn,
                "session.logout",
                user_id=user_id,
                actor_id=user_id,
                ip=ip,
                details={"session_id": str(session_id)},
            )


async def end_session(
    pool: asyncpg.Pool, user_id: UUID, session_id: UUID, why: str, ip: str | None
) -> None:
    """Logout (own session) or revoke one of the user's other sessions."""
    async with pool.acquire() as conn, conn.transaction():
        if not await srepo.revoke_session(conn, session_id, user_id, why):
            raise SessionNotFound()
        await srepo.audit(
            conn,
            f"session.{why}",
            user_id=user_id,
            actor_id=user_id,
            ip=ip,
            details={"session_id": str(session_id)},
        )
