"""Simulator-only admin endpoints (not part of KSeF): clock, seeded data, arrivals, keys."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from . import seed, seeding
from .clock import iso
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/admin", tags=["Simulator admin"])
Sim = Annotated[Simulator, Depends(get_sim)]


class Advance(BaseModel):
    seconds: float = Field(gt=0)


class Speed(BaseModel):
    speed: float = Field(ge=0, le=100_000)


class SeedRequest(BaseModel):
    seed: int = Field(ge=0)
    companies: int = Field(ge=1, le=10_000)
    invoicesPerCompany: int = Field(ge=0, le=100_000)
    days: float = Field(default=60.0, gt=0, le=3650)


class ArrivalsRequest(BaseModel):
    perCompanyPerHour: float = Field(ge=0, le=100_000)
    seed: int | None = None
    companies: int | None = Field(default=None, ge=1, le=10_000)


@router.get("/companies")
async def seeded_companies(sim: Sim) -> list[dict[str, str]]:
    """NIPs and names of the seeded companies (log in with a self-signed cert for any)."""
    firms = seed.companies(sim.settings.seed, sim.settings.seed_companies)
    return [{"nip": c.nip, "name": c.name} for c in firms]


def _clock(sim: Simulator) -> dict[str, Any]:
    return {"now": iso(sim.clock.now()), "speed": sim.clock.speed}


@router.get("/clock")
async def get_clock(sim: Sim) -> dict[str, Any]:
    """Simulated now and the speed-up factor."""
    return _clock(sim)


@router.put("/clock/speed")
async def set_speed(body: Speed, sim: Sim) -> dict[str, Any]:
    """Run simulated time `speed` times faster than wall time (0 freezes it)."""
    sim.clock.set_speed(body.speed)
    return _clock(sim)


@router.post("/clock/advance")
async def advance_clock(body: Advance, sim: Sim) -> dict[str, Any]:
    """Move simulated time forward (token expiry, HWM, rate-limit windows, arrivals)."""
    sim.clock.advance(body.seconds)
    return _clock(sim)


@router.post("/seed")
async def load_seed(body: SeedRequest, sim: Sim) -> dict[str, object]:
    """Add `companies` × `invoicesPerCompany` deterministic invoices over the last `days` days."""
    try:
        report = await seeding.load(
            sim, body.seed, body.companies, body.invoicesPerCompany, body.days
        )
    except seeding.AlreadySeeded as exc:
        raise HTTPException(409, "Te dane są już załadowane (ten sam seed i liczba firm).") from exc
    return report.to_json()


@router.put("/arrivals")
async def set_arrivals(body: ArrivalsRequest, sim: Sim) -> dict[str, object]:
    """New invoices per company per simulated hour from now on (0 stops them).

    The companies are those of `seed`/`companies` (default: the startup seed).
    """
    seed_value = sim.settings.seed if body.seed is None else body.seed
    count = body.companies or sim.settings.seed_companies
    firms = seed.companies(seed_value, count)
    sim.arrivals.configure(seed_value, firms, body.perCompanyPerHour, sim.clock.now())
    return sim.arrivals.to_json()


@router.get("/arrivals")
async def get_arrivals(sim: Sim) -> dict[str, object]:
    """The arrival stream's settings and how many invoices it has added."""
    return sim.arrivals.to_json()


@router.post("/keys/{usage}/rotate")
async def rotate_key(usage: str, sim: Sim) -> dict[str, str]:
    """Publish a new key for `usage`; the old one stays valid until withdrawn."""
    key = sim.keys.rotate(usage, sim.clock.now())
    return {"publicKeyId": key.public_key_id}
