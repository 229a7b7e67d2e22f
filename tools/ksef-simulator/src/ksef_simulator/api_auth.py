"""Routes of the authentication flow and of the active-session list (/auth/*)."""

import base64
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field

from . import auth_service
from .clock import iso
from .domain import AuthOperation, Ident
from .errors import Gone, KsefError, Unauthorized
from .security import Principal, access, bearer, client_ip, public_limit, session_token_limit
from .simulator import Simulator, get_sim
from .xades import verify_auth_request

router = APIRouter(prefix="/auth", tags=["Uzyskiwanie dostępu"])
Sim = Annotated[Simulator, Depends(get_sim)]
NOT_FOUND = 21304
STATUS_RETENTION = timedelta(days=7)


class ContextIdentifier(BaseModel):
    type: str = Field(pattern="^(Nip|InternalId|NipVatUe|PeppolId)$")
    value: str


class TokenAuthRequest(BaseModel):
    challenge: str = Field(min_length=36, max_length=36)
    contextIdentifier: ContextIdentifier
    encryptedToken: str
    publicKeyId: str | None = Field(default=None, min_length=44, max_length=44)
    authorizationPolicy: dict[str, Any] | None = None


async def _operation(sim: Simulator, ref: str) -> AuthOperation:
    op = await sim.store.get_auth(ref)
    if op is None:
        raise KsefError(
            NOT_FOUND,
            "Brak uwierzytelnienia.",
            f"Operacja uwierzytelniania o numerze referencyjnym {ref} nie została znaleziona.",
        )
    return op


async def _by_token(sim: Simulator, request: Request, token_type: str) -> AuthOperation:
    claims = sim.tokens.decode(bearer(request), token_type)
    return await _operation(sim, claims["operation-reference-number"])


def _init_response(sim: Simulator, op: AuthOperation) -> dict[str, Any]:
    return {
        "referenceNumber": op.reference_number,
        "authenticationToken": auth_service.operation_token(sim, op),
    }


@router.post("/challenge", dependencies=[Depends(public_limit)])
async def challenge(request: Request, sim: Sim) -> dict[str, Any]:
    """Issue an authentication challenge valid for 10 minutes."""
    ch = await auth_service.new_challenge(sim, client_ip(request))
    return {
        "challenge": ch.value,
        "timestamp": iso(ch.issued_at),
        "timestampMs": int(ch.issued_at.timestamp() * 1000),
        "clientIp": ch.client_ip,
    }


@router.post("/ksef-token", status_code=202, dependencies=[Depends(public_limit)])
async def ksef_token(body: TokenAuthRequest, sim: Sim) -> dict[str, Any]:
    """Start authentication with a KSeF token encrypted as `token|timestampMs`."""
    context = Ident(body.contextIdentifier.type, body.contextIdentifier.value)
    op = await auth_service.start_token_auth(
        sim, body.challenge, context, body.encryptedToken, body.publicKeyId
    )
    return _init_response(sim, op)


@router.post("/xades-signature", status_code=202, dependencies=[Depends(public_limit)])
async def xades_signature(
    request: Request, sim: Sim, verifyCertificateChain: bool = False
) -> dict[str, Any]:
    """Start authentication with a XAdES-signed AuthTokenRequest document."""
    raw = await request.body()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise KsefError(21217, "Nieprawidłowe kodowanie znaków.")
    signed = verify_auth_request(raw)
    op = await auth_service.start_xades_auth(sim, signed, raw)
    return _init_response(sim, op)


@router.post("/token/redeem", dependencies=[Depends(public_limit)])
async def redeem(request: Request, sim: Sim) -> dict[str, Any]:
    """Exchange a finished authentication for access and refresh tokens (once)."""
    op = await _by_token(sim, request, "OperationToken")
    return await auth_service.redeem(sim, op)


@router.post("/token/refresh", dependencies=[Depends(public_limit)])
async def refresh(request: Request, sim: Sim) -> dict[str, Any]:
    """Issue a new access token from a refresh token."""
    op = await _by_token(sim, request, "RefreshToken")
    return await auth_service.refresh(sim, op)


@router.get("/sessions")
async def list_sessions(
    sim: Sim,
    principal: Annotated[Principal, Depends(access("other"))],
    pageSize: Annotated[int, Query(ge=10, le=100)] = 10,
    continuation: Annotated[str | None, Header(alias="x-continuation-token")] = None,
) -> dict[str, Any]:
    """List active authentication sessions of the current context, newest first."""
    ops = [
        op
        for op in await sim.store.list_auth(principal.context.value)
        if op.redeemed and not op.revoked
    ]
    ops.sort(key=lambda op: op.started, reverse=True)
    start = decode_continuation(continuation)
    page = ops[start : start + pageSize]
    items = [
        {
            **auth_service.status_json(op),
            "referenceNumber": op.reference_number,
            "isCurrent": op.reference_number == principal.auth_ref,
        }
        for op in page
    ]
    more = start + pageSize < len(ops)
    token = base64.b64encode(str(start + pageSize).encode()).decode() if more else None
    return {"continuationToken": token, "items": items}


def decode_continuation(token: str | None) -> int:
    """The offset in a `x-continuation-token` (Base64 of the number); 21418 when malformed."""
    if not token:
        return 0
    try:
        offset = int(base64.b64decode(token, validate=True).decode())
    except ValueError:
        offset = -1  # binascii.Error and UnicodeDecodeError are ValueErrors too
    if offset < 0:
        raise KsefError(21418, "Przekazany token kontynuacji ma nieprawidłowy format.")
    return offset


@router.delete(
    "/sessions/current", status_code=204, dependencies=[Depends(session_token_limit("other"))]
)
async def revoke_current(request: Request, sim: Sim) -> Response:
    """Revoke the session of the access or refresh token used for this call."""
    token = bearer(request)
    try:
        claims = sim.tokens.decode(token, "ContextToken")
    except Unauthorized:
        claims = sim.tokens.decode(token, "RefreshToken")
    op = await _operation(sim, claims["operation-reference-number"])
    await auth_service.revoke(sim, op)
    return Response(status_code=204)


@router.delete("/sessions/{referenceNumber}", status_code=204)
async def revoke_session(
    referenceNumber: str, sim: Sim, principal: Annotated[Principal, Depends(access("other"))]
) -> Response:
    """Revoke one authentication session of the current context."""
    op = await _operation(sim, referenceNumber)
    if op.context != principal.context:
        raise KsefError(NOT_FOUND, "Brak uwierzytelnienia.")
    await auth_service.revoke(sim, op)
    return Response(status_code=204)


@router.get("/{referenceNumber}", dependencies=[Depends(public_limit)])
async def auth_status(referenceNumber: str, request: Request, sim: Sim) -> dict[str, Any]:
    """Status of an authentication operation (authenticated with its operation token)."""
    op = await _by_token(sim, request, "OperationToken")
    if op.reference_number != referenceNumber:
        raise Unauthorized("Token nie dotyczy tej operacji uwierzytelniania.")
    if sim.clock.now() - op.started > STATUS_RETENTION:
        raise Gone()
    return auth_service.status_json(op)
