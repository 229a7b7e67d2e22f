"""Limits: `/rate-limits`, `/limits/*` and their TEST-only overrides `/testdata/limits/*` and
`/testdata/rate-limits*` (all in the "other" group, with a context token).

Overrides are per context (session and rate limits) or per authenticated subject (certificate
limits), as the spec's summaries say ("dla bieżącego kontekstu" / "podmiotu").
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field, StrictInt

from .ratelimit import GROUPS, LIMITS
from .security import Principal, access
from .simulator import Simulator, get_sim
from .testdata import SessionLimits
from .wire import INT32_MAX

router = APIRouter(tags=["Limity i ograniczenia"])
Sim = Annotated[Simulator, Depends(get_sim)]
Caller = Annotated[Principal, Depends(access("other"))]


class SessionLimitsIn(BaseModel):
    # Strict: like KSeF's JSON reader, a string or a float is not an integer here.
    maxInvoiceSizeInMB: StrictInt = Field(ge=0, le=5)
    maxInvoiceWithAttachmentSizeInMB: StrictInt = Field(ge=0, le=10)
    maxInvoices: StrictInt = Field(ge=0, le=100_000)

    def limits(self) -> SessionLimits:
        return SessionLimits(
            self.maxInvoiceSizeInMB, self.maxInvoiceWithAttachmentSizeInMB, self.maxInvoices
        )


class SetSessionLimitsRequest(BaseModel):
    onlineSession: SessionLimitsIn
    batchSession: SessionLimitsIn


class EnrollmentLimitIn(BaseModel):
    maxEnrollments: StrictInt | None = Field(default=None, ge=0, le=INT32_MAX)


class CertificateLimitIn(BaseModel):
    maxCertificates: StrictInt | None = Field(default=None, ge=0, le=INT32_MAX)


class SetSubjectLimitsRequest(BaseModel):
    subjectIdentifierType: Literal["Nip", "Pesel", "Fingerprint"] | None = None
    enrollment: EnrollmentLimitIn | None = None
    certificate: CertificateLimitIn | None = None


class RateLimitValues(BaseModel):
    # A window with no room at all would lock the context out; KSeF's own values are all >= 5.
    perSecond: StrictInt = Field(ge=1, le=INT32_MAX)
    perMinute: StrictInt = Field(ge=1, le=INT32_MAX)
    perHour: StrictInt = Field(ge=1, le=INT32_MAX)


class ApiRateLimits(BaseModel):
    """Every group is required, as in ApiRateLimitsOverride."""

    onlineSession: RateLimitValues
    batchSession: RateLimitValues
    invoiceSend: RateLimitValues
    invoiceStatus: RateLimitValues
    sessionList: RateLimitValues
    sessionInvoiceList: RateLimitValues
    sessionMisc: RateLimitValues
    invoiceMetadata: RateLimitValues
    invoiceExport: RateLimitValues
    invoiceExportStatus: RateLimitValues
    invoiceDownload: RateLimitValues
    other: RateLimitValues


class SetRateLimitsRequest(BaseModel):
    rateLimits: ApiRateLimits


def _ok() -> Response:
    return Response(status_code=200)


@router.get("/rate-limits")
async def rate_limits(sim: Sim, caller: Caller) -> dict[str, dict[str, int]]:
    """Effective rate limits of the current context by group."""
    return sim.limiter.to_json(caller.context.value)


@router.get("/limits/context")
async def context_limits(sim: Sim, caller: Caller) -> dict[str, Any]:
    """Session limits of the current context."""
    context = caller.context.value
    return {
        "onlineSession": sim.testdata.session_limits(context, "Online").to_json(),
        "batchSession": sim.testdata.session_limits(context, "Batch").to_json(),
    }


@router.get("/limits/subject")
async def subject_limits(sim: Sim, caller: Caller) -> dict[str, Any]:
    """Certificate limits of the authenticated identity (NIP 300/100, PESEL or fingerprint 12/6)."""
    enrollments, certificates = sim.testdata.certificate_limits(caller.subject)
    return {
        "enrollment": {"maxEnrollments": enrollments},
        "certificate": {"maxCertificates": certificates},
    }


@router.post("/testdata/limits/context/session")
async def set_session_limits(body: SetSessionLimitsRequest, sim: Sim, caller: Caller) -> Response:
    """Change the session limits of the current context (TEST only)."""
    sim.testdata.limits[caller.context.value] = {
        "Online": body.onlineSession.limits(),
        "Batch": body.batchSession.limits(),
    }
    return _ok()


@router.delete("/testdata/limits/context/session")
async def reset_session_limits(sim: Sim, caller: Caller) -> Response:
    """Restore the default session limits of the current context."""
    sim.testdata.limits.pop(caller.context.value, None)
    return _ok()


@router.post("/testdata/limits/subject/certificate")
async def set_certificate_limits(
    body: SetSubjectLimitsRequest, sim: Sim, caller: Caller
) -> Response:
    """Change the certificate limits of the current subject (TEST only)."""
    old_enrollments, old_certificates = sim.testdata.subject_limits.get(
        caller.subject, (None, None)
    )
    enrollments = body.enrollment.maxEnrollments if body.enrollment else old_enrollments
    certificates = body.certificate.maxCertificates if body.certificate else old_certificates
    sim.testdata.subject_limits[caller.subject] = (enrollments, certificates)
    return _ok()


@router.delete("/testdata/limits/subject/certificate")
async def reset_certificate_limits(sim: Sim, caller: Caller) -> Response:
    """Restore the default certificate limits of the current subject."""
    sim.testdata.subject_limits.pop(caller.subject, None)
    return _ok()


@router.post("/testdata/rate-limits")
async def set_rate_limits(body: SetRateLimitsRequest, sim: Sim, caller: Caller) -> Response:
    """Change the rate limits of the current context (TEST only)."""
    values = {g: getattr(body.rateLimits, g) for g in GROUPS}
    limits = {g: (v.perSecond, v.perMinute, v.perHour) for g, v in values.items()}
    sim.limiter.set_overrides(caller.context.value, limits)
    return _ok()


@router.post("/testdata/rate-limits/production")
async def production_rate_limits(sim: Sim, caller: Caller) -> Response:
    """Set the production profile for the current context (TEST equals PRD since 2.5.0)."""
    sim.limiter.set_overrides(caller.context.value, {g: LIMITS[g] for g in GROUPS})
    return _ok()


@router.delete("/testdata/rate-limits")
async def reset_rate_limits(sim: Sim, caller: Caller) -> Response:
    """Restore the default rate limits of the current context."""
    sim.limiter.reset(caller.context.value)
    return _ok()
