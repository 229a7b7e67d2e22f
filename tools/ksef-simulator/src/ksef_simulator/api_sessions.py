"""Online sessions, session/invoice status and UPO downloads (/sessions/*)."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from . import sessions
from .clock import iso
from .domain import OnlineSession, SessionInvoice
from .errors import KsefError
from .invoices import sha256_b64
from .security import Principal, access
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/sessions", tags=["Wysyłka interaktywna"])
storage = APIRouter(prefix="/storage", tags=["Pre-signed downloads"])
Sim = Annotated[Simulator, Depends(get_sim)]
WRITE = ("InvoiceWrite", "PefInvoiceWrite", "EnforcementOperations")
READ = (*WRITE, "Introspection")
LINK_TTL = timedelta(hours=1)
B64_HASH = Field(min_length=44, max_length=44)


class FormCode(BaseModel):
    systemCode: str
    schemaVersion: str
    value: str


class EncryptionInfo(BaseModel):
    encryptedSymmetricKey: str
    initializationVector: str
    publicKeyId: str | None = Field(default=None, min_length=44, max_length=44)


class OpenOnlineSessionRequest(BaseModel):
    formCode: FormCode
    encryption: EncryptionInfo


class SendInvoiceRequest(BaseModel):
    invoiceHash: str = B64_HASH
    invoiceSize: int = Field(ge=1)
    encryptedInvoiceHash: str = B64_HASH
    encryptedInvoiceSize: int = Field(ge=1)
    encryptedInvoiceContent: str
    offlineMode: bool = False
    hashOfCorrectedInvoice: str | None = Field(default=None, min_length=44, max_length=44)


def _xml(content: bytes) -> Response:
    return Response(content, media_type="application/xml",
                    headers={"x-ms-meta-hash": sha256_b64(content)})  # fmt: skip


def _upo_link(sim: Simulator, request: Request, session: str, item: str) -> tuple[str, str]:
    """A pre-signed URL on the host the client called; fetched without a bearer token."""
    claims = {"session": session, "item": item}
    token, until = sim.tokens.issue("UpoLink", claims, LINK_TTL)
    return f"{request.base_url}storage/upo?sig={token}", iso(until)


@router.post("/online", status_code=201)
async def open_online(
    body: OpenOnlineSessionRequest,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("onlineSession", *WRITE))],
) -> dict[str, str]:
    """Open an online session with an AES-256 key wrapped by RSA-OAEP."""
    session = await sessions.open_session(
        sim, caller, body.formCode.model_dump(), body.encryption.model_dump()
    )
    return {"referenceNumber": session.reference_number, "validUntil": iso(session.valid_until)}


@router.post("/online/{referenceNumber}/invoices", status_code=202)
async def send_invoice(
    referenceNumber: str,
    body: SendInvoiceRequest,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("invoiceSend", *WRITE))],
) -> dict[str, str]:
    """Send one encrypted invoice; its processing result is in the invoice status."""
    session = await sessions.own_session(sim, caller, referenceNumber)
    item = await sessions.send_invoice(sim, session, body.model_dump())
    return {"referenceNumber": item.reference_number}


@router.post("/online/{referenceNumber}/close", status_code=204)
async def close_online(
    referenceNumber: str,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("onlineSession", *WRITE))],
) -> Response:
    """Close the session and generate its collective UPO."""
    await sessions.close_session(sim, await sessions.own_session(sim, caller, referenceNumber))
    return Response(status_code=204)


@router.get("/{referenceNumber}")
async def session_status(
    referenceNumber: str,
    request: Request,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("sessionMisc", *READ))],
) -> dict[str, Any]:
    """Session status with invoice counters and, once processed, UPO pages."""
    s = await sessions.own_session(sim, caller, referenceNumber)
    ok = sum(1 for i in s.invoices if i.status.code == 200)
    body: dict[str, Any] = {
        "status": s.status.to_json(),
        "dateCreated": iso(s.created),
        "dateUpdated": iso(s.updated),
        "validUntil": iso(s.valid_until),
        "invoiceCount": len(s.invoices),
        "successfulInvoiceCount": ok,
        "failedInvoiceCount": sum(1 for i in s.invoices if i.status.code >= 400),
    }
    if s.upo_reference:
        url, until = _upo_link(sim, request, s.reference_number, "")
        page = {"referenceNumber": s.upo_reference, "downloadUrl": url,
                "downloadUrlExpirationDate": until}  # fmt: skip
        body["upo"] = {"pages": [page]}
    return body


def _item(session: OnlineSession, invoice_ref: str) -> SessionInvoice:
    for item in session.invoices:
        if invoice_ref in (item.reference_number, item.ksef_number):
            return item
    raise KsefError(
        21405,
        "Błąd walidacji danych wejściowych.",
        f"Faktura {invoice_ref} nie została znaleziona w sesji.",
    )


def invoice_json(
    sim: Simulator, request: Request, session_ref: str, item: SessionInvoice
) -> dict[str, Any]:
    """`SessionInvoiceStatusResponse` of one invoice, with a fresh pre-signed UPO link."""
    body: dict[str, Any] = {
        "ordinalNumber": item.ordinal_number,
        "invoiceNumber": item.invoice_number,
        "ksefNumber": item.ksef_number,
        "referenceNumber": item.reference_number,
        "invoiceHash": item.invoice_hash,
        "invoiceFileName": item.invoice_file_name,
        "invoicingDate": iso(item.invoicing_date),
        "acquisitionDate": iso(item.acquisition_date) if item.acquisition_date else None,
        "invoicingMode": item.invoicing_mode,
        "status": item.status.to_json(),
    }
    stored = item.permanent_storage_date
    if stored is not None and stored <= sim.clock.now():
        body["permanentStorageDate"] = iso(stored)
    if item.upo_xml is not None:
        url, until = _upo_link(sim, request, session_ref, item.reference_number)
        body["upoDownloadUrl"], body["upoDownloadUrlExpirationDate"] = url, until
    return body


@router.get("/{referenceNumber}/invoices/{invoiceReferenceNumber}")
async def invoice_status(
    referenceNumber: str,
    invoiceReferenceNumber: str,
    request: Request,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("invoiceStatus", *READ))],
) -> dict[str, Any]:
    """Processing status of one invoice of the session."""
    session = await sessions.own_session(sim, caller, referenceNumber)
    return invoice_json(sim, request, referenceNumber, _item(session, invoiceReferenceNumber))


@router.get("/{referenceNumber}/invoices/{invoiceReferenceNumber}/upo")
async def invoice_upo(
    referenceNumber: str,
    invoiceReferenceNumber: str,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("sessionMisc", *READ))],
) -> Response:
    """UPO of one accepted invoice."""
    item = _item(await sessions.own_session(sim, caller, referenceNumber), invoiceReferenceNumber)
    if item.upo_xml is None:
        raise KsefError(21178, "Nie znaleziono UPO dla podanych kryteriów.")
    return _xml(item.upo_xml)


@router.get("/{referenceNumber}/invoices/ksef/{ksefNumber}/upo")
async def invoice_upo_by_ksef_number(
    referenceNumber: str,
    ksefNumber: str,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("sessionMisc", *READ))],
) -> Response:
    """UPO of one accepted invoice, addressed by its KSeF number."""
    return await invoice_upo(referenceNumber, ksefNumber, sim, caller)


@router.get("/{referenceNumber}/upo/{upoReferenceNumber}")
async def session_upo(
    referenceNumber: str,
    upoReferenceNumber: str,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("sessionMisc", *READ))],
) -> Response:
    """Collective UPO of a processed session."""
    session = await sessions.own_session(sim, caller, referenceNumber)
    if session.upo_xml is None or session.upo_reference != upoReferenceNumber:
        raise KsefError(21178, "Nie znaleziono UPO dla podanych kryteriów.")
    return _xml(session.upo_xml)


@storage.get("/upo")
async def presigned_upo(sig: str, sim: Sim) -> Response:
    """Pre-signed UPO download: the signature in the URL is the only credential."""
    claims = sim.tokens.decode(sig, "UpoLink")
    session = await sim.store.get_session(claims["session"])
    if session is None:
        raise KsefError(21173, "Brak sesji o wskazanym numerze referencyjnym.")
    if not claims["item"]:
        return _xml(session.upo_xml or b"")
    item = _item(session, claims["item"])
    return _xml(item.upo_xml or b"")
