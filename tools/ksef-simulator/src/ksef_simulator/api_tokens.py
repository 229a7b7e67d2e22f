"""KSeF tokens: generate, list, inspect and revoke (/tokens)."""

import base64
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel, Field

from .api_auth import decode_continuation
from .clock import iso
from .domain import KsefToken
from .errors import Forbidden, KsefError
from .ids import reference_number
from .security import Principal, access
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/tokens", tags=["Tokeny KSeF"])
Sim = Annotated[Simulator, Depends(get_sim)]
Caller = Annotated[Principal, Depends(access("other"))]
TokenPermission = Literal[
    "InvoiceRead",
    "InvoiceWrite",
    "CredentialsRead",
    "CredentialsManage",
    "SubunitManage",
    "EnforcementOperations",
    "Introspection",
]


class GenerateTokenRequest(BaseModel):
    permissions: list[TokenPermission] = Field(min_length=1)
    description: str = Field(min_length=5, max_length=256)


def _json(token: KsefToken) -> dict[str, Any]:
    return {
        "referenceNumber": token.reference_number,
        "authorIdentifier": token.author.to_json(),
        "contextIdentifier": token.context.to_json(),
        "description": token.description,
        "requestedPermissions": token.permissions,
        "dateCreated": iso(token.created),
        "lastUseDate": iso(token.last_use) if token.last_use else None,
        "status": token.status,
        "statusDetails": [],
    }


@router.post("", status_code=202)
async def generate(body: GenerateTokenRequest, sim: Sim, caller: Caller) -> dict[str, str]:
    """Generate a KSeF token bound to the current context; the secret is shown once."""
    if caller.context.type not in ("Nip", "InternalId"):
        raise KsefError(
            26002,
            "Nie można wygenerować tokena dla obecnego typu kontekstu.",
            f"Bieżący typ kontekstu: {caller.context.type}. Dozwolone: Nip, InternalId.",
        )
    missing = sorted(set(body.permissions) - caller.permissions)
    if missing:
        raise KsefError(
            26001,
            "Nie można nadać tokenowi uprawnień których nie posiadasz.",
            f"Brakujące uprawnienia: {', '.join(missing)}.",
        )
    now = sim.clock.now()
    ref = reference_number("TK", now)
    kind = "nip" if caller.context.type == "Nip" else "internalId"
    secret = f"{ref}|{kind}-{caller.context.value}|{secrets.token_hex(32)}"
    token = KsefToken(
        ref, secret, caller.subject, caller.context, body.description, list(body.permissions), now
    )
    await sim.store.save_token(token)
    return {"referenceNumber": ref, "token": secret}


async def _visible_token(sim: Simulator, caller: Principal, ref: str) -> KsefToken:
    token = await sim.store.get_token(ref)
    if token is None or token.context != caller.context:
        raise KsefError(21405, "Błąd walidacji danych wejściowych.", f"Token {ref} nie istnieje.")
    if caller.permissions & {"CredentialsManage", "CredentialsRead"}:
        return token
    auth = await sim.store.get_auth(caller.auth_ref)
    # Without credential rights a token may only see itself, others only their own tokens.
    if (auth and auth.ksef_token_ref == ref) or token.author == caller.subject:
        return token
    raise Forbidden("insufficient-resource-access", "Brak dostępu do wskazanego zasobu.")


@router.get("")
async def list_tokens(
    sim: Sim,
    caller: Caller,
    status: Annotated[list[str] | None, Query()] = None,
    description: Annotated[str | None, Query(min_length=3)] = None,
    authorIdentifier: Annotated[str | None, Query(min_length=3)] = None,
    authorIdentifierType: str | None = None,
    pageSize: Annotated[int, Query(ge=10, le=100)] = 10,
    continuation: Annotated[str | None, Header(alias="x-continuation-token")] = None,
) -> dict[str, Any]:
    """List tokens of the current context, newest first."""
    tokens = [
        t
        for t in await sim.store.list_tokens(caller.context.value)
        if (not status or t.status in status)
        and (description is None or description.lower() in t.description.lower())
        and (authorIdentifier is None or authorIdentifier in t.author.value)
        and (authorIdentifierType is None or t.author.type == authorIdentifierType)
    ]
    tokens.sort(key=lambda t: t.created, reverse=True)
    start = decode_continuation(continuation)
    page = tokens[start : start + pageSize]
    more = start + pageSize < len(tokens)
    next_token = base64.b64encode(str(start + pageSize).encode()).decode() if more else None
    return {"continuationToken": next_token, "tokens": [_json(t) for t in page]}


@router.get("/{referenceNumber}")
async def get_token(referenceNumber: str, sim: Sim, caller: Caller) -> dict[str, Any]:
    """Status of one token."""
    return _json(await _visible_token(sim, caller, referenceNumber))


@router.delete("/{referenceNumber}", status_code=204)
async def revoke_token(referenceNumber: str, sim: Sim, caller: Caller) -> Response:
    """Revoke a token: later logins, redeems and refreshes with it fail."""
    token = await _visible_token(sim, caller, referenceNumber)
    token.status = "Revoked"
    await sim.store.save_token(token)
    return Response(status_code=204)
