"""Simulator-only fault injection endpoints (not part of KSeF); see `faults.py`."""

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field

from .faults import Fault
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/admin", tags=["Simulator admin"])
Sim = Annotated[Simulator, Depends(get_sim)]
Mode = Literal["unavailable", "slow", "errors", "timeout", "throttle", "forbidden", "expiredTokens"]


class FaultRequest(BaseModel):
    mode: Mode
    latencySeconds: float = Field(default=0.0, ge=0, le=3600)
    durationSeconds: float | None = Field(default=None, gt=0)
    rate: float = Field(default=1.0, gt=0, le=1)
    status: Literal[500, 502, 503, 504] = 500
    retryAfter: int = Field(default=60, ge=1, le=3600)
    pathPrefix: str = Field(default="/v2", pattern=r"^/v2")
    contexts: list[str] = Field(default_factory=list, max_length=1000)


class RevokeRequest(BaseModel):
    contextNip: str = Field(pattern=r"^\d{10}$")
    subjectNip: str | None = Field(default=None, pattern=r"^\d{10}$")


@router.post("/faults")
async def add_fault(body: FaultRequest, sim: Sim) -> dict[str, Any]:
    """Start a fault on /v2 (several may run at once); times are simulated seconds.

    `unavailable` 503 + Retry-After; `slow` adds `latencySeconds`; `timeout` waits
    `latencySeconds` (default 120) then answers 504; `errors` answers `status` for a `rate` share;
    `throttle` forces 429 with `retryAfter`; `forbidden` answers 403 (rights revoked);
    `expiredTokens` answers 401 to every bearer token. `durationSeconds` ends it (omit to keep
    it until deleted); `pathPrefix` and `contexts` (token context NIPs) narrow it.
    """
    now = sim.clock.now()
    latency = body.latencySeconds or {"slow": 1.0, "timeout": 120.0}.get(body.mode, 0.0)
    fault = Fault(
        mode=body.mode,
        latency_seconds=latency,
        until=now + timedelta(seconds=body.durationSeconds) if body.durationSeconds else None,
        rate=body.rate,
        status=body.status,
        retry_after=body.retryAfter,
        path_prefix=body.pathPrefix,
        contexts=frozenset(body.contexts),
        started=now,
    )
    return sim.faults.add(fault).to_json()


@router.get("/faults")
async def list_faults(sim: Sim) -> dict[str, Any]:
    """The active faults (`{"faults": []}` when none)."""
    return {"faults": [f.to_json() for f in sim.faults.active(sim.clock.now())]}


@router.delete("/faults", status_code=204)
async def clear_faults(sim: Sim) -> Response:
    """End every injected fault."""
    sim.faults.clear()
    return Response(status_code=204)


@router.delete("/faults/{fault_id}", status_code=204)
async def clear_fault(fault_id: str, sim: Sim) -> Response:
    """End one fault."""
    if not sim.faults.remove(fault_id):
        raise HTTPException(404, "Nie ma takiej awarii.")
    return Response(status_code=204)


@router.post("/permissions/revoke")
async def revoke_permissions(body: RevokeRequest, sim: Sim) -> dict[str, int]:
    """Withdraw the entity grants `contextNip` gave (to `subjectNip`, or to everyone).

    As when a client withdraws an office's rights outside the API (ZAW-FA, e-Urząd Skarbowy): the
    next login in that context ends with status 415, and refresh grants no invoice rights.
    """
    grants = await sim.store.list_grants(body.contextNip, body.subjectNip)
    for grant in grants:
        await sim.store.delete_grant(grant.id)
    return {"revoked": len(grants)}
