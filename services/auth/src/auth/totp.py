"""Optional second factor: TOTP (RFC 6238, pyotp) with single-use recovery codes."""

from __future__ import annotations

import asyncio
import io
import secrets
from dataclasses import dataclass
from uuid import UUID

import asyncpg
import pyotp
import segno

from auth import sessions_repo as srepo
from auth import users_repo as urepo
from auth.config import Settings
from auth.errors import InvalidSecondFactor, TotpAlreadyEnabled, TotpNotSetUp, WrongPassword
from auth.login import totp_ok
from auth.passwords import verify_password_async

RECOVERY_CODES = 10


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    otpauth_uri: str
    qr_svg: str


async def start_setup(pool: asyncpg.Pool, settings: Settings, user_id: UUID) -> TotpSetup:
    """A new secret, not yet enforced until a code from it is confirmed."""
    async with pool.acquire() as conn, conn.transaction():
        user = await urepo.get_user(conn, user_id, lock=True)
        assert user is not None
        if user.totp_enabled:
            raise TotpAlreadyEnabled()
        secret = pyotp.random_base32()
        await urepo.set_totp(conn, user_id, secret, False)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings.totp_issuer)
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", scale=4)
    return TotpSetup(secret, uri, svg.getvalue().decode())


def _new_codes() -> list[str]:
    return [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]


async def confirm(pool: asyncpg.Pool, user_id: UUID, code: str, ip: str | None) -> list[str]:
    """Enforce the factor once a code proves the authenticator app has it; return codes."""
    async with pool.acquire() as conn, conn.transaction():
        user = await urepo.get_user(conn, user_id, lock=True)
        assert user is not None
        if user.totp_enabled:
            raise TotpAlreadyEnabled()
        if not user.totp_secret:
            raise TotpNotSetUp()
        if not await asyncio.to_thread(totp_ok, user.totp_secret, code):
            raise InvalidSecondFactor()
        codes = _new_codes()
        await urepo.set_totp(conn, user_id, user.totp_secret, True)
        await srepo.replace_recovery_codes(conn, user_id, codes)
        await srepo.audit(conn, "totp.enabled", user_id=user_id, actor_id=user_id, ip=ip)
    return codes


async def disable(
    pool: asyncpg.Pool, user_id: UUID, password: str, code: str, ip: str | None
) -> None:
    """Switch the factor off: needs the password and a current code (or a recovery code)."""
    async with pool.acquire() as conn:
        user = await urepo.get_user(conn, user_id)
    assert user is not None
    if not user.totp_enabled:
        raise TotpNotSetUp()
    if not await verify_password_async(user.password_hash, password):
        raise WrongPassword()
    async with pool.acquire() as conn, conn.transaction():
        ok = await asyncio.to_thread(totp_ok, user.totp_secret, code) or (
            await srepo.use_recovery_code(conn, user_id, code.strip().lower())
        )
        if not ok:
            raise InvalidSecondFactor()
        await urepo.set_totp(conn, user_id, None, False)
        await srepo.replace_recovery_codes(conn, user_id, [])
        await srepo.audit(conn, "totp.disabled", user_id=user_id, actor_id=user_id, ip=ip)
