"""Simulator-only admin endpoints (not part of KSeF): seeded companies, clock, keys."""

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from . import seed
from .clock import iso
from .faults import Fault
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/admin", tags=["Simulator admin"])
Sim = Annotated[Simulator, Depends(get_sim)]


class Advance(BaseModel):
    seconds: float = Field(gt=0)


class FaultRequest(BaseModel):
    mode: Literal["unavailable", "slow"]
    latencySeconds: float = Field(default=0.0, ge=0, le=120)
    durationSeconds: float | None = Field(default=None, gt=0)


@router.get("/companies")
async def seeded_companies(sim: Sim) -> list[dict[str, str]]:
    """NIPs and names of the seeded companies (log in with a self-signed cert for any)."""
    firms = seed.companies(sim.settings.seed, sim.settings.seed_companies)
    return [{"nip": c.nip, "name": c.name} for c in firms]


@router.post("/clock/advance")
async def advance_clock(body: Advance, sim: Sim) -> dict[str, Any]:
    """Move simulated time forward (token expiry, HWM, rate-limit windows)."""
    sim.clock.advance(body.seconds)
    return {"now": iso(sim.clock.now())}


@router.post("/keys/{usage}/rotate")
async def rotate_key(usage: str, sim: Sim) -> dict[str, str]:
    """Publish a new key for `usage`; the old one stays valid until withdrawn."""
    key = sim.keys.rotate(usage, sim.clock.now())
    return {"publicKeyId": key.public_key_id}


@router.post("/faults")
async def set_fault(body: FaultRequest, sim: Sim) -> dict[str, Any]:
    """Start a fault on /v2: `unavailable` (503 + Retry-After) or `slow` (added latency).

    `durationSeconds` is simulated time (so `/admin/clock/advance` ends it); omit it to keep the
    fault until `DELETE /admin/faults`.
    """
    until = (
        sim.clock.now() + timedelta(seconds=body.durationSeconds) if body.durationSeconds else None
    )
    latency = body.latencySeconds or (1.0 if body.mode == "slow" else 0.0)
    sim.faults.fault = Fault(body.mode, latency, until)
    return sim.faults.fault.to_json()


@router.get("/faults")
async def get_fault(sim: Sim) -> dict[str, Any]:
    """The active fault, or `{"mode": "none"}`."""
    fault = sim.faults.current(sim.clock.now())
    return fault.to_json() if fault else {"mode": "none"}


@router.delete("/faults", status_code=204)
async def clear_fault(sim: Sim) -> Response:
    """End any injected fault."""
    sim.faults.fault = None
    return Response(status_code=204)
