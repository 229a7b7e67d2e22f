"""Public keys and limits endpoints."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from .security import Principal, access, public_limit
from .simulator import Simulator, get_sim

router = APIRouter()
Sim = Annotated[Simulator, Depends(get_sim)]


@router.get("/security/public-key-certificates", dependencies=[Depends(public_limit)])
async def public_key_certificates(sim: Sim) -> list[dict[str, object]]:
    """MF-style public keys for KSeF-token and symmetric-key encryption."""
    return sim.keys.to_json(sim.clock.now())


@router.get("/rate-limits")
async def rate_limits(
    sim: Sim, _: Annotated[Principal, Depends(access("other"))]
) -> dict[str, dict[str, int]]:
    """Effective rate limits by group."""
    return sim.limiter.to_json()


@router.get("/limits/context")
async def context_limits(_: Annotated[Principal, Depends(access("other"))]) -> dict[str, Any]:
    """Session limits of the current context."""
    limits = {
        "maxInvoiceSizeInMB": 1,
        "maxInvoiceWithAttachmentSizeInMB": 3,
        "maxInvoices": 10000,
    }
    return {"onlineSession": limits, "batchSession": limits}


@router.get("/limits/subject")
async def subject_limits(
    caller: Annotated[Principal, Depends(access("other"))],
) -> dict[str, Any]:
    """Certificate limits of the authenticated identity (NIP 300/100, PESEL or fingerprint 12/6)."""
    enrollments, certificates = (300, 100) if caller.subject.type == "Nip" else (12, 6)
    return {
        "enrollment": {"maxEnrollments": enrollments},
        "certificate": {"maxCertificates": certificates},
    }
