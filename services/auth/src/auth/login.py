"""Logging in: throttling, password, second factor; then a new session."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pyotp

from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.accounts import normalise_email
from auth.config import Settings
from auth.domain import User
from auth.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidSecondFactor,
    SecondFactorRequired,
    TooManyAttempts,
)
from auth.passwords import verify_password_async
from auth.sessions import usable_context
from chassis.db import Conn


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    totp_code: str | None = None
    recovery_code: str | None = None
    org_id: UUID | None = None


@dataclass(frozen=True)
class Client:
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class NewSession:
    user: User
    session_id: UUID
    refresh_token: str
    org_id: UUID | None
    expires_at: datetime


async def _check_throttle(conn: Conn, settings: Settings, email: str, ip: str | None) -> None:
    window = settings.login_window_minutes
    if (
        ip
        and await srepo.address_failures(conn, ip, window)
        >= settings.login_max_failures_per_address
    ):
        raise TooManyAttempts(details={"retry_after_seconds": window * 60})
    failures = await srepo.account_failures(conn, email, window)
    limit = settings.login_max_failures_per_account
    if len(failures) >= limit:
        until = failures[limit - 1] + timedelta(minutes=window)
        wait = max(1, int((until - datetime.now(UTC)).total_seconds()))
        raise AccountLocked(details={"retry_after_seconds": wait})


async def _fail(
    pool: asyncpg.Pool, email: str, user: User | None, client: Client, reason: str
) -> None:
    """Record a failure in its own committed transaction: it must survive the error raised."""
    async with pool.acquire() as conn, conn.transaction():
        await srepo.record_attempt(conn, email, client.ip, False)
        await srepo.audit(
            conn,
            "login.failed",
            user_id=user.id if user else None,
            ip=client.ip,
            details={"email": email, "reason": reason},
        )


def totp_ok(secret: str | None, code: str) -> bool:
    # One step either side tolerates a phone clock a little off.
    return bool(secret) and pyotp.TOTP(secret or "").verify(code.strip(), valid_window=1)


async def _second_factor(pool: asyncpg.Pool, user: User, creds: Credentials) -> bool:
    if creds.totp_code:
        return await asyncio.to_thread(totp_ok, user.totp_secret, creds.totp_code)
    if creds.recovery_code:
        code = creds.recovery_code.strip().lower()
        async with pool.acquire() as conn:
            return await srepo.use_recovery_code(conn, user.id, code)
    raise SecondFactorRequired()


async def login(
    pool: asyncpg.Pool, settings: Settings, creds: Credentials, client: Client
) -> NewSession:
    """Check the credentials under throttling; open a session (optionally in a context)."""
    email = normalise_email(creds.email)
    async with pool.acquire() as conn:
        await _check_throttle(conn, settings, email, client.ip)
        user = await urepo.find_user(conn, email)
    password_ok = await verify_password_async(user.password_hash if user else None, creds.password)
    if user is None or user.status != "active" or not password_ok:
        await _fail(pool, email, user, client, "password")
        raise InvalidCredentials()
    if user.totp_enabled and not await _second_factor(pool, user, creds):
        await _fail(pool, email, user, client, "second_factor")
        raise InvalidSecondFactor()
    session_id, refresh_token = uuid4(), secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=settings.refresh_token_days)
    async with pool.acquire() as conn, conn.transaction():
        if creds.org_id:
            usable_context(await urepo.membership(conn, user.id, creds.org_id), creds.org_id)
        await srepo.insert_session(conn, session_id, user.id, client.user_agent, client.ip, expires)
        await srepo.set_session_org(conn, session_id, creds.org_id)
        await srepo.insert_refresh_token(conn, refresh_token, session_id)
        await srepo.record_attempt(conn, email, client.ip, True)
        await srepo.audit(
            conn, "login", user_id=user.id, actor_id=user.id, ip=client.ip, org_id=creds.org_id
        )
    return NewSession(user, session_id, refresh_token, creds.org_id, expires)
