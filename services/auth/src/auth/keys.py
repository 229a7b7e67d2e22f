"""The signing key ring: sign access tokens, publish every key as JWKS, verify by `kid`.

Rotation: generate a new key, make it AUTH_SIGNING_KEY_FILE and list the old one in
AUTH_PREVIOUS_KEY_FILES; the old key stays published (so other services keep verifying tokens
it signed) until its last token expired, then it is dropped from the list.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chassis.tokens import ALGORITHM, sign_access_token

# Tokens without an organisation context: only auth's own account endpoints accept them,
# because every other service requires the `rachmistrz` audience and an `org` claim.
ACCOUNT_AUDIENCE = "rachmistrz-account"


def _b64(value: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(32, "big")).rstrip(b"=").decode()


def _public_key(pem: bytes) -> ec.EllipticCurvePublicKey:
    try:
        key: Any = serialization.load_pem_private_key(pem, password=None)
        key = key.public_key()
    except (ValueError, TypeError):
        key = serialization.load_pem_public_key(pem)
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("an access-token key must be EC P-256")
    return key


def jwk(key: ec.EllipticCurvePublicKey, kid: str | None = None) -> dict[str, str]:
    numbers = key.public_numbers()
    fields = {"crv": "P-256", "kty": "EC", "x": _b64(numbers.x), "y": _b64(numbers.y)}
    # RFC 7638 thumbprint: SHA-256 of the required members, sorted, without spaces.
    digest = hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).digest()
    thumbprint = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return {**fields, "kid": kid or thumbprint, "use": "sig", "alg": ALGORITHM}


@dataclass(frozen=True)
class KeyRing:
    private_pem: bytes
    kid: str
    public_keys: dict[str, ec.EllipticCurvePublicKey]
    issuer: str
    audience: str

    @classmethod
    def load(
        cls,
        signing_key_file: Path,
        previous: list[Path],
        *,
        kid: str | None = None,
        issuer: str = "rachmistrz-auth",
        audience: str = "rachmistrz",
    ) -> KeyRing:
        private_pem = signing_key_file.read_bytes()
        current = _public_key(private_pem)
        current_kid = jwk(current, kid)["kid"]
        keys = {current_kid: current}
        for path in previous:
            old = _public_key(path.read_bytes())
            keys.setdefault(jwk(old)["kid"], old)
        return cls(private_pem, current_kid, keys, issuer, audience)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [jwk(key, kid) for kid, key in self.public_keys.items()]}

    def sign(
        self,
        *,
        user_id: UUID,
        session_id: UUID,
        ttl: timedelta,
        org: tuple[UUID, str, str, bool] | None,
    ) -> str:
        """An access token in one organisation context, or an account token when org is None."""
        extra = {"sid": str(session_id)}
        if org is None:
            now = datetime.now(UTC)
            claims: dict[str, Any] = {
                "sub": str(user_id),
                "iss": self.issuer,
                "aud": ACCOUNT_AUDIENCE,
            }
            claims |= {"iat": now, "exp": now + ttl, **extra}
            return jwt.encode(claims, self.private_pem, ALGORITHM, headers={"kid": self.kid})
        org_id, org_kind, role, all_clients = org
        return sign_access_token(
            self.private_pem,
            user_id=user_id,
            org_id=org_id,
            org_kind=org_kind,
            role=role,
            ttl=ttl,
            key_id=self.kid,
            all_clients=all_clients,
            issuer=self.issuer,
            audience=self.audience,
            extra_claims=extra,
        )

    def decode(self, token: str) -> dict[str, Any]:
        """Claims of a token this ring signed (context or account); raises jwt.PyJWTError."""
        kid = jwt.get_unverified_header(token).get("kid") or self.kid
        key = self.public_keys.get(kid)
        if key is None:
            raise jwt.InvalidKeyError("unknown kid")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=[self.audience, ACCOUNT_AUDIENCE],
            issuer=self.issuer,
            options={"require": ["exp", "sub", "iat"]},
        )
        return claims
