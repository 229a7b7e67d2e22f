"""Session listings: GET /sessions and a session's invoices (all, or only the failed ones)."""

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request

from . import sessions
from .api_sessions import READ, WRITE, invoice_json
from .clock import iso
from .domain import OnlineSession, SessionInvoice
from .errors import KsefError
from .security import Principal, access
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/sessions", tags=["Status wysyłki i UPO"])
Sim = Annotated[Simulator, Depends(get_sim)]
PageSize = Annotated[int, Query(ge=10, le=1000)]
Continuation = Annotated[str | None, Header(alias="x-continuation-token")]
# Introspection and EnforcementOperations see every session of the context (spec, GET /sessions).
SEE_ALL = {"Introspection", "EnforcementOperations"}
CommonStatus = Literal["InProgress", "Succeeded", "Failed", "Cancelled"]


def common_status(code: int) -> str:
    if code in (100, 150, 170):
        return "InProgress"
    if code == 200:
        return "Succeeded"
    return "Cancelled" if code == 440 else "Failed"


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token.encode()).decode()
        kind, _, value = raw.partition(":")
        if kind != "offset" or not value.isdigit():
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise KsefError(21418, "Przekazany token kontynuacji ma nieprawidłowy format.") from None


def _next_token(offset: int, size: int, total: int) -> str | None:
    end = offset + size
    return base64.urlsafe_b64encode(f"offset:{end}".encode()).decode() if end < total else None


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _between(value: datetime | None, lo: datetime | None, hi: datetime | None) -> bool:
    if lo is None and hi is None:
        return True
    if value is None:
        return False
    lo, hi = _utc(lo), _utc(hi)
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _listing_item(s: OnlineSession) -> dict[str, Any]:
    return {
        "referenceNumber": s.reference_number,
        "status": s.status.to_json(),
        "dateCreated": iso(s.created),
        "dateUpdated": iso(s.updated),
        "validUntil": iso(s.valid_until),
        "totalInvoiceCount": len(s.invoices),
        "successfulInvoiceCount": sum(1 for i in s.invoices if i.status.code == 200),
        "failedInvoiceCount": sum(1 for i in s.invoices if i.status.code >= 400),
    }


@router.get("")
async def list_sessions(
    sim: Sim,
    caller: Annotated[Principal, Depends(access("sessionList", *READ))],
    sessionType: Literal["Online", "Batch"],
    pageSize: PageSize = 10,
    referenceNumber: str | None = None,
    dateCreatedFrom: datetime | None = None,
    dateCreatedTo: datetime | None = None,
    dateClosedFrom: datetime | None = None,
    dateClosedTo: datetime | None = None,
    dateModifiedFrom: datetime | None = None,
    dateModifiedTo: datetime | None = None,
    statuses: Annotated[list[CommonStatus] | None, Query()] = None,
    continuation: Continuation = None,
) -> dict[str, Any]:
    """Sessions of the context, newest first; InvoiceWrite alone sees only its own."""
    offset = _offset(continuation)
    listed = await sim.store.list_sessions(caller.context.value)
    for s in listed:
        await sessions.settle(sim, s)  # batch packages whose processing time has passed
    found = [
        s
        for s in listed
        if s.kind == sessionType
        and (referenceNumber is None or s.reference_number == referenceNumber)
        and (caller.permissions & SEE_ALL or s.subject == caller.subject)
        and _between(s.created, dateCreatedFrom, dateCreatedTo)
        and _between(s.closed, dateClosedFrom, dateClosedTo)
        and _between(s.updated, dateModifiedFrom, dateModifiedTo)
        and (not statuses or common_status(s.status.code) in statuses)
    ]
    found.sort(key=lambda s: (s.created, s.reference_number), reverse=True)
    page = found[offset : offset + pageSize]
    return {
        "continuationToken": _next_token(offset, pageSize, len(found)),
        "sessions": [_listing_item(s) for s in page],
    }


async def _invoices_page(
    request: Request,
    sim: Sim,
    caller: Principal,
    ref: str,
    page_size: int,
    token: str | None,
    keep: Callable[[SessionInvoice], bool],
) -> dict[str, Any]:
    offset = _offset(token)
    session = await sessions.own_session(sim, caller, ref)
    found = [i for i in session.invoices if keep(i)]
    page = found[offset : offset + page_size]
    return {
        "continuationToken": _next_token(offset, page_size, len(found)),
        "invoices": [invoice_json(sim, request, ref, item) for item in page],
    }


Lister = Annotated[Principal, Depends(access("sessionInvoiceList", *WRITE, "Introspection"))]


@router.get("/{referenceNumber}/invoices")
async def session_invoices(
    referenceNumber: str,
    request: Request,
    sim: Sim,
    caller: Lister,
    pageSize: PageSize = 10,
    continuation: Continuation = None,
) -> dict[str, Any]:
    """Every invoice of the session with its status, in sending order."""
    return await _invoices_page(
        request, sim, caller, referenceNumber, pageSize, continuation, lambda _: True
    )


@router.get("/{referenceNumber}/invoices/failed")
async def failed_invoices(
    referenceNumber: str,
    request: Request,
    sim: Sim,
    caller: Lister,
    pageSize: PageSize = 10,
    continuation: Continuation = None,
) -> dict[str, Any]:
    """Only the invoices of the session that were rejected."""
    return await _invoices_page(
        request,
        sim,
        caller,
        referenceNumber,
        pageSize,
        continuation,
        lambda i: i.status.code >= 400,
    )
