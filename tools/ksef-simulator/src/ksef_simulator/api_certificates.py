"""KSeF certificates (/certificates/*)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from . import certificates
from .clock import iso
from .domain import AuthOperation
from .errors import Unauthorized
from .retrieval import aware
from .security import Principal, access
from .simulator import Simulator, get_sim
from .wire import INT32_MAX, JsonDateTime

router = APIRouter(prefix="/certificates", tags=["Certyfikaty"])
Sim = Annotated[Simulator, Depends(get_sim)]
Caller = Annotated[Principal, Depends(access("other"))]
SERIAL = r"^[0-9A-F]{16}$"
CertType = Literal["Authentication", "Offline"]


class EnrollCertificateRequest(BaseModel):
    certificateName: str = Field(
        min_length=5, max_length=100, pattern=r"^[a-zA-Z0-9_\- ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]+$"
    )
    certificateType: CertType
    csr: str
    validFrom: JsonDateTime | None = None


class RetrieveCertificatesRequest(BaseModel):
    certificateSerialNumbers: list[Annotated[str, Field(pattern=SERIAL)]] = Field(
        min_length=1, max_length=10
    )


class RevokeCertificateRequest(BaseModel):
    revocationReason: Literal["Unspecified", "Superseded", "KeyCompromise"] | None = None


class QueryCertificatesRequest(BaseModel):
    certificateSerialNumber: str | None = Field(default=None, pattern=SERIAL)
    name: str | None = None
    type: CertType | None = None
    status: Literal["Active", "Blocked", "Revoked", "Expired"] | None = None
    expiresAfter: JsonDateTime | None = None


async def _auth(sim: Simulator, caller: Principal) -> AuthOperation:
    op = await sim.store.get_auth(caller.auth_ref)
    if op is None:
        raise Unauthorized()
    return op


@router.get("/limits")
async def limits(sim: Sim, caller: Caller) -> dict[str, Any]:
    """Enrollment and active-certificate limits of the authenticated identity."""
    return await certificates.limits(sim, caller.subject)


@router.get("/enrollments/data")
async def enrollment_data(sim: Sim, caller: Caller) -> dict[str, str]:
    """The DN attributes the CSR must carry (from the certificate used to log in)."""
    return certificates.enrollment_data(await _auth(sim, caller))


@router.post("/enrollments", status_code=202)
async def enroll(body: EnrollCertificateRequest, sim: Sim, caller: Caller) -> dict[str, str]:
    """Submit a PKCS#10 CSR; the certificate is issued at once by the simulator's CA."""
    request = body.model_dump()
    if body.validFrom is not None:
        request["validFrom"] = aware(body.validFrom)
    op = await _auth(sim, caller)
    enrollment = await certificates.enroll(sim, op, caller.subject, request)
    return {
        "referenceNumber": enrollment.reference_number,
        "timestamp": iso(enrollment.request_date),
    }


@router.get("/enrollments/{referenceNumber}")
async def enrollment_status(referenceNumber: str, sim: Sim, caller: Caller) -> dict[str, Any]:
    """Status of an enrollment, with the serial number once issued (kept 30 days)."""
    enrollment = await certificates.own_enrollment(sim, caller.subject, referenceNumber)
    return {
        "requestDate": iso(enrollment.request_date),
        "status": enrollment.status.to_json(),
        "certificateSerialNumber": enrollment.serial_number,
    }


@router.post("/retrieve")
async def retrieve(body: RetrieveCertificatesRequest, sim: Sim, caller: Caller) -> dict[str, Any]:
    """The caller's certificates with the given serial numbers, DER in Base64."""
    found = []
    for serial in body.certificateSerialNumbers:
        cert = await sim.store.get_certificate(serial)
        if cert is not None and cert.owner == caller.subject:
            found.append(
                {
                    "certificate": certificates.b64(cert.der),
                    "certificateName": cert.name,
                    "certificateSerialNumber": cert.serial_number,
                    "certificateType": cert.type,
                }
            )
    return {"certificates": found}


@router.post("/{certificateSerialNumber}/revoke", status_code=204)
async def revoke(
    certificateSerialNumber: str,
    sim: Sim,
    caller: Caller,
    body: RevokeCertificateRequest | None = None,
) -> Response:
    """Revoke one of the caller's certificates; it can no longer log in."""
    reason = body.revocationReason if body else None
    await certificates.revoke(sim, caller.subject, certificateSerialNumber, reason)
    return Response(status_code=204)


@router.post("/query")
async def query(
    sim: Sim,
    caller: Caller,
    body: QueryCertificatesRequest | None = None,
    pageSize: Annotated[int, Query(ge=10, le=50)] = 10,
    pageOffset: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
) -> dict[str, Any]:
    """The caller's certificates, newest request first."""
    f = body or QueryCertificatesRequest()
    rows = []
    for cert in await certificates.owned(sim, caller.subject):
        status = certificates.status_of(sim, cert)
        if (
            (f.certificateSerialNumber and cert.serial_number != f.certificateSerialNumber)
            or (f.name and f.name.lower() not in cert.name.lower())
            or (f.type and cert.type != f.type)
            or (f.status and status != f.status)
            or (f.expiresAfter and cert.valid_to <= aware(f.expiresAfter))
        ):
            continue
        rows.append((cert, status))
    rows.sort(key=lambda r: r[0].request_date, reverse=True)
    page = rows[pageOffset * pageSize : (pageOffset + 1) * pageSize]
    items = [
        {
            "certificateSerialNumber": c.serial_number,
            "name": c.name,
            "type": c.type,
            "commonName": c.common_name,
            "status": status,
            "subjectIdentifier": c.owner.to_json(),
            "validFrom": iso(c.valid_from),
            "validTo": iso(c.valid_to),
            "lastUseDate": None,
            "requestDate": iso(c.request_date),
        }
        for c, status in page
    ]
    return {"certificates": items, "hasMore": len(rows) > (pageOffset + 1) * pageSize}
