"""HTTP API of the gateway: a company's KSeF authorisation and sync, and the office's view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Request, Response, status

from chassis.errors import InvalidInput
from chassis.tenancy import accessible_companies
from chassis.tokens import CurrentPrincipal
from ksef_gateway import availability_monitor, credentials, office
from ksef_gateway import repository as repo
from ksef_gateway import sync_repository as srepo
from ksef_gateway.api_models import (
    AuthorizationPublic,
    AvailabilityPublic,
    CertificateIn,
    CompanyKsefPublic,
    EnrollIn,
    OfficeCredentialIn,
    OfficeCredentialPublic,
    SyncRequested,
    SyncStart,
    SyncStatus,
    TokenIn,
)
from ksef_gateway.config import Settings
from ksef_gateway.gateway import Gateway

XML_LIMIT = 1024 * 1024


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Builds the gateway once the chassis opened the pool (the loops run in the worker)."""
    runtime = app.state.runtime
    settings = runtime.settings
    assert isinstance(settings, Settings)
    gw = Gateway.build(runtime.pool, settings)
    app.state.gateway = gw
    try:
        yield
    finally:
        await gw.aclose()


router = APIRouter(tags=["ksef"], lifespan=lifespan)


def get_gateway(request: Request) -> Gateway:
    gw: Gateway = request.app.state.gateway
    return gw


Gw = Annotated[Gateway, Depends(get_gateway)]


async def _company_view(
    gw: Gateway, principal: CurrentPrincipal, company_id: UUID
) -> CompanyKsefPublic:
    company, auth, checkpoints = await credentials.status(gw.pool, principal, company_id)
    return CompanyKsefPublic(
        company_id=company.org_id,
        nip=company.nip,
        name=company.name,
        authorization=AuthorizationPublic.of(auth) if auth else None,
        sync=[SyncStatus.of(c) for c in checkpoints],
    )


@router.get("/ksef/availability")
async def ksef_availability(principal: CurrentPrincipal, gw: Gw) -> AvailabilityPublic:
    """Is KSeF available now; when not, the offline mode invoices are issued in (any user)."""
    async with gw.pool.acquire() as conn:
        row = await availability_monitor.current(conn)
    if row is None:  # the worker has not looked yet
        now = gw.clock.now()
        return AvailabilityPublic(
            status="available", source="observed", since=now, message="KSeF działa."
        )
    return AvailabilityPublic(**dict(row))


@router.get("/companies/{company_id}/ksef")
async def company_status(
    company_id: UUID, principal: CurrentPrincipal, gw: Gw
) -> CompanyKsefPublic:
    """The company's KSeF authorisation (method, status, validity) and sync progress."""
    return await _company_view(gw, principal, company_id)


@router.put("/companies/{company_id}/ksef/token")
async def use_token(
    company_id: UUID, body: TokenIn, principal: CurrentPrincipal, gw: Gw
) -> CompanyKsefPublic:
    """Authorise with a KSeF token (KSeF ends token logins on 31 Dec 2026)."""
    await credentials.use_token(gw, principal, company_id, body.token, body.start())
    return await _company_view(gw, principal, company_id)


@router.put("/companies/{company_id}/ksef/certificate")
async def use_certificate(
    company_id: UUID, body: CertificateIn, principal: CurrentPrincipal, gw: Gw
) -> CompanyKsefPublic:
    """Authorise with the company's certificate and private key (the gateway signs XAdES)."""
    await credentials.use_certificate(
        gw,
        principal,
        company_id,
        body.certificate_pem.encode(),
        body.private_key_pem.encode(),
        body.password,
        body.start(),
    )
    return await _company_view(gw, principal, company_id)


@router.post("/companies/{company_id}/ksef/auth-request")
async def auth_request(company_id: UUID, principal: CurrentPrincipal, gw: Gw) -> Response:
    """The unsigned AuthTokenRequest XML to sign with an external tool (valid 10 minutes)."""
    xml = await credentials.auth_request(gw, principal, company_id)
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": 'attachment; filename="AuthTokenRequest.xml"'},
    )


@router.put("/companies/{company_id}/ksef/signed-request")
async def use_signed_request(
    company_id: UUID, request: Request, principal: CurrentPrincipal, gw: Gw
) -> CompanyKsefPublic:
    """Log in with the AuthTokenRequest the user signed (body: the signed XML)."""
    body = await request.body()
    if not body or len(body) > XML_LIMIT:
        raise InvalidInput("Prześlij podpisany plik XML (do 1 MB).", code="xml_missing")
    await credentials.use_signed_xml(gw, principal, company_id, body, None)
    return await _company_view(gw, principal, company_id)


@router.put("/companies/{company_id}/ksef/office")
async def use_office(
    company_id: UUID, body: SyncStart, principal: CurrentPrincipal, gw: Gw
) -> CompanyKsefPublic:
    """Read the client's invoices with the office's central authorisation."""
    await office.use_office(gw, principal, company_id, body.start())
    return await _company_view(gw, principal, company_id)


@router.delete("/companies/{company_id}/ksef", status_code=status.HTTP_204_NO_CONTENT)
async def remove(company_id: UUID, principal: CurrentPrincipal, gw: Gw) -> Response:
    """Remove the company's KSeF authorisation and its secrets; syncing stops."""
    await credentials.remove(gw, principal, company_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/companies/{company_id}/ksef/sync", status_code=status.HTTP_202_ACCEPTED)
async def sync_now(company_id: UUID, principal: CurrentPrincipal, gw: Gw) -> SyncRequested:
    """Sync now: ahead of the schedule, still within KSeF's limits (the worker is woken)."""
    return SyncRequested(queued=await credentials.sync_now(gw, principal, company_id))


# --- the office --------------------------------------------------------------------------


@router.put("/office/credential")
async def register_office_credential(
    body: OfficeCredentialIn, principal: CurrentPrincipal, gw: Gw
) -> OfficeCredentialPublic:
    """Register or replace the office's certificate for central authorisation."""
    stored = await office.register(
        gw, principal, body.certificate_pem.encode(), body.private_key_pem.encode(), body.password
    )
    return OfficeCredentialPublic.of(stored)


@router.get("/office/credential")
async def office_credential(principal: CurrentPrincipal, gw: Gw) -> OfficeCredentialPublic:
    """The office credential's kind, subject and validity (never the key)."""
    return OfficeCredentialPublic.of(await office.credential(gw, principal))


@router.delete("/office/credential", status_code=status.HTTP_204_NO_CONTENT)
async def remove_office_credential(principal: CurrentPrincipal, gw: Gw) -> Response:
    """Remove the office credential and its key."""
    await office.remove(gw, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/office/credential/enroll")
async def enroll_office_certificate(
    body: EnrollIn, principal: CurrentPrincipal, gw: Gw
) -> OfficeCredentialPublic:
    """Obtain a KSeF Authentication certificate for the office (CSR) and switch to it."""
    return OfficeCredentialPublic.of(await office.enroll(gw, principal, body.certificate_name))


@router.get("/office/clients")
async def office_clients(principal: CurrentPrincipal, gw: Gw) -> list[CompanyKsefPublic]:
    """The office's clients with their KSeF authorisation and sync status."""
    office._require_office(principal, manage=False)
    async with gw.pool.acquire() as conn:
        companies = await accessible_companies(conn, principal)
        ids = [c.org_id for c in companies]
        auths = await repo.auths_of(conn, ids)
        checkpoints = await srepo.checkpoints_of(conn, ids)
    return [
        CompanyKsefPublic(
            company_id=c.org_id,
            nip=c.nip,
            name=c.name,
            authorization=AuthorizationPublic.of(auths[c.org_id]) if c.org_id in auths else None,
            sync=[SyncStatus.of(cp) for cp in checkpoints if cp.company_id == c.org_id],
        )
        for c in companies
    ]


@router.post("/office/clients/verify")
async def verify_clients(principal: CurrentPrincipal, gw: Gw) -> list[AuthorizationPublic]:
    """Check again which clients granted the office InvoiceRead (all office-method clients)."""
    return [AuthorizationPublic.of(a) for a in await office.verify(gw, principal, None)]


@router.post("/office/clients/{company_id}/verify")
async def verify_client(company_id: UUID, principal: CurrentPrincipal, gw: Gw) -> CompanyKsefPublic:
    """Check again what one client granted the office."""
    await office.verify(gw, principal, company_id)
    return await _company_view(gw, principal, company_id)
