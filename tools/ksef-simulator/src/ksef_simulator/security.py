"""Request guards: bearer tokens, per-(context, IP) rate limits and required permissions."""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from .domain import Ident
from .errors import Forbidden, Unauthorized
from .simulator import sim_of


@dataclass(frozen=True)
class Principal:
    auth_ref: str
    context: Ident
    subject: Ident
    method: str
    permissions: frozenset[str]

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Principal":
        subject = json.loads(claims["subject-details"])["SubjectIdentifier"]
        return cls(
            auth_ref=claims["operation-reference-number"],
            context=Ident(claims["context-identifier-type"], claims["context-identifier-value"]),
            subject=Ident(subject["Type"], subject["Value"]),
            method=claims["authentication-method"],
            permissions=frozenset(claims.get("permissions", [])),
        )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token.strip()


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


def _limit_key(group: str, request: Request) -> str:
    # Every endpoint of the "other" group has its own counter (notes §7); so do the public ones
    # (the docs give 60 req/s per IP for each, not one budget for the whole login flow).
    if group in ("other", "public"):
        return f"{group}:{request.method}:{_route_path(request)}"
    return group


def access(group: str, *required: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: a valid access token, within the rate limit, with any of `required`."""

    async def guard(request: Request) -> Principal:
        sim = sim_of(request)
        principal = Principal.from_claims(sim.tokens.decode(bearer(request), "ContextToken"))
        key = (principal.context.value, client_ip(request), _limit_key(group, request))
        sim.limiter.check(group, key, principal.context.value)
        if required and not principal.permissions & set(required):
            raise Forbidden(
                "missing-permissions",
                "Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście.",
                {
                    "requiredAnyOfPermissions": list(required),
                    "presentPermissions": sorted(principal.permissions),
                },
            )
        return principal

    return guard


def session_token_limit(group: str) -> Callable[[Request], Awaitable[None]]:
    """Dependency for endpoints that take an access *or* refresh token: `group`'s limits per
    (context, client IP). The endpoint decodes the token itself."""

    async def guard(request: Request) -> None:
        sim = sim_of(request)
        token = bearer(request)
        try:
            claims = sim.tokens.decode(token, "ContextToken")
            context = str(claims["context-identifier-value"])
        except Unauthorized:
            op_ref = sim.tokens.decode(token, "RefreshToken")["operation-reference-number"]
            op = await sim.store.get_auth(op_ref)
            context = op.context.value if op else ""
        key = (context, client_ip(request), _limit_key(group, request))
        sim.limiter.check(group, key, context)

    return guard


def ip_limit(group: str) -> Callable[[Request], Awaitable[None]]:
    """Dependency for endpoints without a context token: `group`'s limits per client IP."""

    async def guard(request: Request) -> None:
        sim_of(request).limiter.check(group, (client_ip(request), _limit_key(group, request)))

    return guard


# Unauthenticated and auth-flow endpoints: 60 req/s per client IP.
public_limit = ip_limit("public")
