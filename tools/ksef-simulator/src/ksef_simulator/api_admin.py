"""Simulator-only admin endpoints (not part of KSeF): seeded companies, clock, keys."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from . import seed
from .clock import iso
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/admin", tags=["Simulator admin"])
Sim = Annotated[Simulator, Depends(get_sim)]


class Advance(BaseModel):
    seconds: float = Field(gt=0)


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
