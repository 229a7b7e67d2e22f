"""JWTs for operation, access and refresh tokens, timed by the simulator clock."""

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt

from .clock import Clock
from .domain import Ident
from .errors import Unauthorized

ISSUER = "ksef-api-sim"


class TokenIssuer:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._verified: dict[str, dict[str, Any]] = {}

    def issue(
        self, token_type: str, claims: dict[str, Any], ttl: timedelta
    ) -> tuple[str, datetime]:
        return self.issue_until(token_type, claims, self._clock.now() + ttl)

    def issue_until(
        self, token_type: str, claims: dict[str, Any], expires: datetime
    ) -> tuple[str, datetime]:
        now = self._clock.now()
        payload = {
            "token-type": token_type,
            **claims,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "iss": ISSUER,
            "aud": ISSUER,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(payload, self._secret, algorithm="HS256"), expires

    def decode(self, token: str, token_type: str) -> dict[str, Any]:
        # Verified claims are cached per token: checking the HMAC on every request costs more
        # than the rest of a metadata query. Expiry is still checked on every call.
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= 10_000:
                self._verified.clear()
            self._verified[token] = claims
        if claims.get("token-type") != token_type:
            raise Unauthorized("Nieprawidłowy typ tokena.")
        if claims["exp"] < self._clock.now().timestamp():
            raise Unauthorized("Token wygasł.")
        return claims

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            # Expiry is checked against the simulated clock, not wall time.
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                audience=ISSUER,
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("Nieprawidłowy token.") from exc
        return claims


def context_claims(ref: str, context: Ident, subject: Ident, method: str) -> dict[str, Any]:
    return {
        "operation-reference-number": ref,
        "context-identifier-type": context.type,
        "context-identifier-value": context.value,
        "authentication-method": method,
        "subject-details": json.dumps(
            {"SubjectIdentifier": {"Type": subject.type, "Value": subject.value}}
        ),
    }
