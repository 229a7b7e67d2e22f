"""Who is calling auth: its own tokens, checked against the key ring and the live session.

Other services trust a token until it expires; auth also checks that the token's session was
not ended, so logging out or revoking a session takes effect here at once.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, cast
from uuid import UUID

import asyncpg
import jwt
from fastapi import Depends, Request

from auth.config import Settings
from auth.errors import ContextRequired, SessionEnded
from auth.keys import KeyRing
from chassis.errors import Unauthenticated
from chassis.runtime import get_pool
from chassis.tokens import Principal

Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


@dataclass(frozen=True)
class Account:
    """A signed-in user; `context` is set when the token carries an organisation."""

    user_id: UUID
    session_id: UUID | None
    context: Principal | None


def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.runtime.settings)


def load_keyring(settings: Settings) -> KeyRing:
    return KeyRing.load(
        settings.auth_signing_key_file,
        settings.auth_previous_key_files,
        kid=settings.auth_signing_key_id,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
    )


def get_keyring(request: Request) -> KeyRing:
    # Read once per process: key files change only with a restart (rotation is a deploy).
    ring: KeyRing | None = getattr(request.app.state, "auth_keyring", None)
    if ring is None:
        ring = request.app.state.auth_keyring = load_keyring(get_settings(request))
    return ring


AppSettings = Annotated[Settings, Depends(get_settings)]
Keys = Annotated[KeyRing, Depends(get_keyring)]


def _claims(request: Request, keys: KeyRing) -> dict[str, object]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated()
    try:
        return keys.decode(token)
    except (jwt.PyJWTError, ValueError) as error:
        raise Unauthenticated() from error


async def current_account(request: Request, keys: Keys, pool: Pool) -> Account:
    claims = _claims(request, keys)
    try:
        user_id = UUID(str(claims["sub"]))
        session_id = UUID(str(claims["sid"])) if "sid" in claims else None
        context = None
        if "org" in claims:
            context = Principal(
                user_id=user_id,
                org_id=UUID(str(claims["org"])),
                org_kind=str(claims["org_kind"]),
                role=str(claims["role"]),
                all_clients=claims.get("clients", "all") == "all",
            )
    except (KeyError, ValueError) as error:
        raise Unauthenticated() from error
    if session_id is None:
        # Signed with our key but by an operator tool, not at a login (demo data, e2e tests):
        # good for the context it names, never for the account endpoints.
        if context is None:
            raise Unauthenticated()
        return Account(user_id=user_id, session_id=None, context=context)
    alive = await pool.fetchval(
        "SELECT true FROM sessions WHERE id = $1 AND user_id = $2"
        " AND revoked_at IS NULL AND expires_at > now()",
        session_id,
        user_id,
    )
    if not alive:
        raise SessionEnded()
    return Account(user_id=user_id, session_id=session_id, context=context)


CurrentAccount = Annotated[Account, Depends(current_account)]


@dataclass(frozen=True)
class SignedIn:
    """A user with a live session: what the account endpoints need."""

    user_id: UUID
    session_id: UUID


async def signed_in(account: CurrentAccount) -> SignedIn:
    if account.session_id is None:
        raise Unauthenticated()
    return SignedIn(account.user_id, account.session_id)


CurrentUser = Annotated[SignedIn, Depends(signed_in)]


async def current_principal(account: CurrentAccount) -> Principal:
    if account.context is None:
        raise ContextRequired()
    return account.context


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def client_address(request: Request, trusted: list[str]) -> str | None:
    """The caller's IP; X-Forwarded-For counts only when the hop that sent it is trusted."""
    peer = request.client.host if request.client else None
    nets = [ipaddress.ip_network(n, strict=False) for n in trusted]

    def is_trusted(addr: str | None) -> bool:
        try:
            return addr is not None and any(ipaddress.ip_address(addr) in n for n in nets)
        except ValueError:
            return False

    if not is_trusted(peer):
        return _valid_ip(peer)
    # Walk the chain from the nearest hop back; the first untrusted address is the client.
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return _valid_ip(hop)
    return _valid_ip(request.headers.get("x-real-ip") or (hops[0] if hops else peer))


def _valid_ip(addr: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(addr)) if addr else None
    except ValueError:
        return None


def caller_address(request: Request, settings: AppSettings) -> str | None:
    return client_address(request, settings.trusted_proxies)


CallerAddress = Annotated[str | None, Depends(caller_address)]
