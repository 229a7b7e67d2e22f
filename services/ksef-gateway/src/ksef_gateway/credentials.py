"""Use cases of a company's way into KSeF: token, certificate, signed XML, office, removal.

Each method is verified by logging into the company's context before anything is stored, so a
bad credential is a clear 4xx and nothing half-written. Secrets go only into the vault.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from chassis.db import Conn
from chassis.tenancy import Company, require_company
from chassis.tokens import Principal
from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway import errors, events, sessions, vault, xades
from ksef_gateway import repository as repo
from ksef_gateway import sync_repository as srepo
from ksef_gateway.domain import TOKEN_SUNSET_NOTICE, Checkpoint, CompanyAuth, token_valid_until
from ksef_gateway.gateway import Gateway
from ksef_gateway.ksef_client import KsefError, KsefUnavailable, RateLimited, Tokens

CONFIGURERS = ("owner", "admin", "manager")
KSEF_TOKEN = re.compile(r"^[\w\-|.]{20,512}$")


async def company_for(
    gw: Gateway, principal: Principal, company_id: UUID, *, configure: bool
) -> Company:
    if configure:
        principal.require_role(*CONFIGURERS)
    async with gw.pool.acquire() as conn:
        return await require_company(conn, principal, company_id)


async def _verified(gw: Gateway, auth: CompanyAuth) -> Tokens:
    """Log in once with the new credential: KSeF's refusal becomes a Polish 4xx."""
    try:
        return await sessions.login(gw, auth)
    except sessions.LoginFailed as failed:
        raise errors.KsefRejected(failed.message, details={"ksef_code": failed.code}) from failed
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    except KsefError as error:
        raise errors.KsefRejected(details={"ksef_code": error.code}) from error


async def replace_auth(
    gw: Gateway, conn: Conn, new: CompanyAuth, sync_from: datetime | None
) -> None:
    """Store `new` in place of the old authorisation (and its secrets), start syncing, publish."""
    old = await repo.get_auth(conn, new.company_id, lock=True)
    await repo.save_auth(conn, new)
    if old is not None and old.secret_id not in (None, new.secret_id):
        await vault.delete(conn, old.secret_id)
    now = gw.clock.now()
    start = sync_from or now - timedelta(days=gw.settings.sync_backfill_days)
    await srepo.ensure_checkpoints(conn, new.company_id, start, now)
    await events.authorization_changed(conn, new)


async def _activate(
    gw: Gateway,
    company: Company,
    auth: CompanyAuth,
    tokens: Tokens,
    secret: bytes | None,
    sync_from: datetime | None,
) -> CompanyAuth:
    async with gw.pool.acquire() as conn, conn.transaction():
        secret_id = await vault.put(conn, gw.vault, secret) if secret is not None else None
        active = auth.with_status(
            AuthStatus.active, auth.message, secret_id=secret_id, checked_at=gw.clock.now()
        )
        await replace_auth(gw, conn, active, sync_from)
    await sessions.store_tokens(gw, company.org_id, tokens)
    return active


async def use_token(
    gw: Gateway, principal: Principal, company_id: UUID, token: str, sync_from: datetime | None
) -> CompanyAuth:
    """A KSeF token generated in the company's context (works until 31 Dec 2026)."""
    company = await company_for(gw, principal, company_id, configure=True)
    if not KSEF_TOKEN.match(token.strip()):
        raise errors.InvalidKsefToken()
    tokens = await _login_with_token(gw, company, token.strip())
    auth = CompanyAuth(
        company.org_id,
        company.nip,
        AuthMethod.token,
        AuthStatus.active,
        valid_until=token_valid_until(gw.clock.now()),
        message=TOKEN_SUNSET_NOTICE,
    )
    return await _activate(gw, company, auth, tokens, token.strip().encode(), sync_from)


async def _login_with_token(gw: Gateway, company: Company, token: str) -> Tokens:
    try:
        ref, op = await gw.ksef.auth_with_token(company.nip, token)
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    except KsefError as error:
        raise errors.KsefRejected(details={"ksef_code": error.code}) from error
    try:
        return await sessions.finish_login(gw, ref, op)
    except sessions.LoginFailed as failed:
        raise errors.KsefRejected(failed.message, details={"ksef_code": failed.code}) from failed


async def use_certificate(
    gw: Gateway,
    principal: Principal,
    company_id: UUID,
    certificate: bytes,
    key: bytes,
    password: str | None,
    sync_from: datetime | None,
) -> CompanyAuth:
    """The company's own certificate and key; the gateway signs each login itself."""
    company = await company_for(gw, principal, company_id, configure=True)
    credential = xades.load_credential(certificate, key, password, gw.clock.now())
    try:
        ref, op = await sessions.login_with_signature(gw, company.nip, credential)
        tokens = await sessions.finish_login(gw, ref, op)
    except sessions.LoginFailed as failed:
        raise errors.KsefRejected(failed.message, details={"ksef_code": failed.code}) from failed
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    auth = CompanyAuth(
        company.org_id,
        company.nip,
        AuthMethod.certificate,
        AuthStatus.active,
        valid_until=credential.valid_until,
        certificate_pem=credential.certificate_pem,
    )
    return await _activate(gw, company, auth, tokens, credential.key_pem(), sync_from)


async def auth_request(gw: Gateway, principal: Principal, company_id: UUID) -> bytes:
    """The unsigned AuthTokenRequest to sign outside (valid 10 minutes, KSeF's challenge)."""
    company = await company_for(gw, principal, company_id, configure=True)
    try:
        challenge = (await gw.ksef.challenge())["challenge"]
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    async with gw.pool.acquire() as conn, conn.transaction():
        current = await repo.get_auth(conn, company.org_id, lock=True)
        if current is None:
            current = CompanyAuth(
                company.org_id,
                company.nip,
                AuthMethod.none,
                AuthStatus.failed,
                message="Oczekiwanie na podpisany plik AuthTokenRequest.",
            )
        await repo.save_auth(
            conn, CompanyAuth(**{**current.__dict__, "pending_challenge": challenge})
        )
    return xades.auth_request_xml(challenge, company.nip)


async def use_signed_xml(
    gw: Gateway, principal: Principal, company_id: UUID, signed: bytes, sync_from: datetime | None
) -> CompanyAuth:
    """Log in with the request the user signed; works until the refresh token expires."""
    company = await company_for(gw, principal, company_id, configure=True)
    async with gw.pool.acquire() as conn:
        current = await repo.get_auth(conn, company.org_id)
    if current is None or current.pending_challenge is None:
        raise errors.NoPendingRequest()
    xades.check_signed_request(signed, current.pending_challenge, company.nip)
    try:
        ref, op = await gw.ksef.auth_with_xades(signed)
        tokens = await sessions.finish_login(gw, ref, op)
    except sessions.LoginFailed as failed:
        raise errors.KsefRejected(failed.message, details={"ksef_code": failed.code}) from failed
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    except KsefError as error:
        raise errors.KsefRejected(details={"ksef_code": error.code}) from error
    auth = CompanyAuth(
        company.org_id,
        company.nip,
        AuthMethod.signed_xml,
        AuthStatus.active,
        valid_until=tokens.refresh_until,
        message="Logowanie podpisanym plikiem trzeba powtórzyć przed upływem ważności sesji.",
    )
    return await _activate(gw, company, auth, tokens, None, sync_from)


async def remove(gw: Gateway, principal: Principal, company_id: UUID) -> None:
    """Forget the company's way into KSeF and its secrets; syncing stops (checkpoints stay)."""
    company = await company_for(gw, principal, company_id, configure=True)
    async with gw.pool.acquire() as conn, conn.transaction():
        current = await repo.get_auth(conn, company.org_id, lock=True)
        if current is None:
            raise errors.AuthorizationNotConfigured()
        await repo.delete_auth(conn, company.org_id)
        await vault.delete(
            conn, current.secret_id, *await repo.delete_session(conn, company.org_id)
        )
        await srepo.disable(conn, company.org_id)
        await events.authorization_changed(
            conn, current.with_status(AuthStatus.removed, secret_id=None, certificate_pem=None)
        )


async def status(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID
) -> tuple[Company, CompanyAuth | None, list[Checkpoint]]:
    async with pool.acquire() as conn:
        company = await require_company(conn, principal, company_id)
        auth = await repo.get_auth(conn, company_id)
        checkpoints = await srepo.checkpoints_of(conn, [company_id])
    return company, auth, checkpoints


async def sync_now(gw: Gateway, principal: Principal, company_id: UUID) -> int:
    company = await company_for(gw, principal, company_id, configure=False)
    async with gw.pool.acquire() as conn:
        if await repo.get_auth(conn, company.org_id) is None:
            raise errors.AuthorizationNotConfigured()
        return await srepo.request_now(conn, company.org_id, gw.clock.now())
