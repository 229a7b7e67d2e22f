"""Access tokens: signed by `auth` with an asymmetric key, verified locally by every service.

A token carries exactly one context (organisation) and the user's role in it; every query a
service runs is filtered by that context. Keys come from the auth service's JWKS in a
deployment, or from a PEM file (the local stack's generated test keys, and tests).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import jwt
from fastapi import Depends, Request

from chassis.errors import Forbidden, Unauthenticated
from chassis.revocation import MembershipRevoked

ALGORITHM = "ES256"


@dataclass(frozen=True)
class Principal:
    user_id: UUID
    org_id: UUID
    org_kind: str  # "office" | "company"
    role: str  # admin | manager | employee | owner | client | service
    # Office users only: False when limited to the client companies assigned to them.
    all_clients: bool = True

    @property
    def is_office(self) -> bool:
        return self.org_kind == "office"

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden()


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        public_key_pem: bytes | None = None,
        jwks_url: str | None = None,
    ) -> None:
        if (public_key_pem is None) == (jwks_url is None):
            raise ValueError("give exactly one of public_key_pem and jwks_url")
        self._issuer = issuer
        self._audience = audience
        self._key = public_key_pem
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None

    @classmethod
    def from_settings(cls, settings: Any) -> TokenVerifier:
        key_file: Path | None = settings.auth_public_key_file
        return cls(
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            public_key_pem=key_file.read_bytes() if key_file else None,
            jwks_url=None if key_file else settings.auth_jwks_url,
        )

    async def verify(self, token: str) -> Principal:
        try:
            key: Any = self._key
            if self._jwks is not None:
                # PyJWKClient fetches over blocking HTTP (cached after the first call).
                key = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "org", "role", "org_kind"]},
            )
            return Principal(
                user_id=UUID(claims["sub"]),
                org_id=UUID(claims["org"]),
                org_kind=claims["org_kind"],
                role=claims["role"],
                all_clients=claims.get("clients", "all") == "all",
            )
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise Unauthenticated() from error


def sign_access_token(
    private_key_pem: bytes,
    *,
    user_id: UUID,
    org_id: UUID,
    org_kind: str,
    role: str,
    issuer: str = "rachmistrz-auth",
    audience: str = "rachmistrz",
    ttl: timedelta = timedelta(minutes=10),
    key_id: str | None = None,
    all_clients: bool = True,
    extra_claims: dict[str, Any] | None = None,
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "org": str(org_id),
        "org_kind": org_kind,
        "role": role,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl,
        "clients": "all" if all_clients else "assigned",
        **(extra_claims or {}),
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(claims, private_key_pem, algorithm=ALGORITHM, headers=headers)


async def current_principal(request: Request) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated()
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(token)
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None and revocations.is_revoked(principal.user_id, principal.org_id):
        raise MembershipRevoked()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
