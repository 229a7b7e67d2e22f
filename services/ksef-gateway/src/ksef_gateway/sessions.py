"""Logging into a company's KSeF context and keeping its access token fresh.

Access tokens live ~15 minutes, refresh tokens up to 7 days (KSEF-NOTES §2.1). A token is
refreshed `token_refresh_margin_seconds` before it expires; when the refresh fails the gateway
logs in again with the company's credential (token, certificate, or the office's certificate).
A one-off signed XML cannot be replayed, so its expiry ends that authorisation.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway import repository as repo
from ksef_gateway import vault, xades
from ksef_gateway.domain import CompanyAuth
from ksef_gateway.gateway import Gateway
from ksef_gateway.ksef_client import (
    ForbiddenByKsef,
    KsefError,
    KsefUnavailable,
    RateLimited,
    Tokens,
    Unauthorized,
)


class LoginFailed(Exception):
    """KSeF refused the login; `status` is what the authorisation becomes."""

    def __init__(self, status: AuthStatus, message: str, code: int | str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def _failure(code: int, description: str, details: list[str]) -> LoginFailed:
    text = " ".join([description, *details]).strip()
    if code == 415:
        return LoginFailed(
            AuthStatus.no_permission,
            "Brak uprawnień w KSeF dla tej firmy (np. klient nie nadał biuru InvoiceRead).",
            code,
        )
    if code in (425, 450) or (code == 460 and "odwoł" in text.lower()):
        return LoginFailed(
            AuthStatus.revoked, f"KSeF odrzucił dane logowania jako unieważnione: {text}", code
        )
    if code == 460 and "nieważn" in text.lower():
        return LoginFailed(AuthStatus.expired, f"Certyfikat jest nieważny: {text}", code)
    return LoginFailed(AuthStatus.failed, f"KSeF odrzucił logowanie ({code}): {text}", code)


async def finish_login(gw: Gateway, reference: str, operation_token: str) -> Tokens:
    """Poll the authentication status until it is decided, then redeem the tokens."""
    for _ in range(120):
        body = await gw.ksef.auth_status(reference, operation_token)
        status = body["status"]
        if status["code"] == 200:
            return await gw.ksef.redeem(operation_token)
        if status["code"] != 100:
            raise _failure(
                status["code"], status.get("description", ""), status.get("details") or []
            )
        await gw.clock.sleep(1.0)
    raise KsefUnavailable(0, 100, "authentication still in progress")


async def signing_credential(gw: Gateway, auth: CompanyAuth) -> xades.Credential:
    async with gw.pool.acquire() as conn:
        if auth.method is AuthMethod.office:
            # The office itself (its own context) or the office serving the company.
            office_id = await conn.fetchval(
                "SELECT CASE WHEN kind = 'office' THEN org_id ELSE office_id END"
                " FROM tenancy_orgs WHERE org_id = $1",
                auth.company_id,
            )
            cred = await repo.get_office_credential(conn, office_id) if office_id else None
            if cred is None:
                raise LoginFailed(AuthStatus.failed, "Biuro nie ma zarejestrowanego certyfikatu.")
            cert_pem, secret = cred.certificate_pem, cred.key_secret
        else:
            assert auth.certificate_pem is not None
            assert auth.secret_id is not None
            cert_pem, secret = auth.certificate_pem, auth.secret_id
        key_pem = await vault.get(conn, gw.vault, secret)
    return xades.Credential(
        xades.load_certificate(cert_pem.encode()), xades.load_private_key(key_pem, None)
    )


async def login(gw: Gateway, auth: CompanyAuth) -> Tokens:
    """A new KSeF session in the company's context with its configured credential."""
    if auth.method is AuthMethod.token:
        assert auth.secret_id is not None
        async with gw.pool.acquire() as conn:
            token = (await vault.get(conn, gw.vault, auth.secret_id)).decode()
        ref, op = await gw.ksef.auth_with_token(auth.company_nip, token)
    elif auth.method in (AuthMethod.certificate, AuthMethod.office):
        credential = await signing_credential(gw, auth)
        ref, op = await login_with_signature(gw, auth.company_nip, credential)
    else:
        raise LoginFailed(
            AuthStatus.expired,
            "Sesja KSeF z podpisanego pliku wygasła. Pobierz plik, podpisz go i prześlij ponownie.",
        )
    try:
        return await finish_login(gw, ref, op)
    except (LoginFailed, KsefUnavailable, RateLimited, Unauthorized, ForbiddenByKsef):
        # Transport trouble (an expired operation token, an outage) says nothing about the
        # credential: the login is tried again later, the authorisation keeps its status.
        raise
    except KsefError as error:
        raise _failure(int(error.status), error.description, []) from error


async def login_with_signature(
    gw: Gateway, nip: str, credential: xades.Credential
) -> tuple[str, str]:
    challenge = (await gw.ksef.challenge())["challenge"]
    signed = await asyncio.to_thread(xades.sign, xades.auth_request_xml(challenge, nip), credential)
    try:
        return await gw.ksef.auth_with_xades(signed)
    except (KsefUnavailable, RateLimited, Unauthorized, ForbiddenByKsef):
        raise
    except KsefError as error:
        raise LoginFailed(
            AuthStatus.failed,
            f"KSeF odrzucił podpis ({error.code}): {error.description}",
            error.code,
        ) from error


async def store_tokens(gw: Gateway, company_id: UUID, tokens: Tokens) -> None:
    async with gw.pool.acquire() as conn, conn.transaction():
        old = await repo.delete_session(conn, company_id)
        access = await vault.put(conn, gw.vault, tokens.access.encode())
        refresh = (
            await vault.put(conn, gw.vault, tokens.refresh.encode()) if tokens.refresh else None
        )
        await repo.save_session(
            conn, company_id, access, tokens.access_until, refresh, tokens.refresh_until
        )
        await vault.delete(conn, *old)


_locks: dict[UUID, asyncio.Lock] = {}


async def access_token(gw: Gateway, auth: CompanyAuth, key: UUID | None = None) -> str:
    """A valid access token for the company's context: cached, refreshed, or a new login.

    `key` names the cached session when the same context is entered with another credential
    (the office sending for a client that reads with its own token); default: the company."""
    key = key or auth.company_id
    lock = _locks.setdefault(key, asyncio.Lock())
    async with lock:
        return await _access_token(gw, auth, key)


async def _access_token(gw: Gateway, auth: CompanyAuth, key: UUID) -> str:
    margin = timedelta(seconds=gw.settings.token_refresh_margin_seconds)
    now = gw.clock.now()
    async with gw.pool.acquire() as conn:
        session = await repo.get_session(conn, key)
        if session and session["access_until"] > now + margin:
            return (await vault.get(conn, gw.vault, session["access_secret"])).decode()
        refresh = (
            (await vault.get(conn, gw.vault, session["refresh_secret"])).decode()
            if session and session["refresh_secret"] and session["refresh_until"] > now
            else None
        )
    if refresh is not None:
        try:
            token, until = await gw.ksef.refresh(refresh)
        except (KsefUnavailable, RateLimited):
            raise
        except KsefError:
            pass  # 21301 and friends: the refresh token is dead, log in again below.
        else:
            await store_tokens(
                gw,
                key,
                Tokens(token, until, refresh, session["refresh_until"]),  # type: ignore[index]
            )
            return token
    tokens = await login(gw, auth)
    await store_tokens(gw, key, tokens)
    return tokens.access


async def forget(gw: Gateway, company_id: UUID) -> None:
    """Drop the company's session (after a 401, or when its authorisation is removed)."""
    async with gw.pool.acquire() as conn, conn.transaction():
        await vault.delete(conn, *await repo.delete_session(conn, company_id))
