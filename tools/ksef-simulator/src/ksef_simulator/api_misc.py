"""Public keys and the Peppol provider list (public endpoints)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from .security import public_limit
from .simulator import Simulator, get_sim
from .wire import INT32_MAX

router = APIRouter()
Sim = Annotated[Simulator, Depends(get_sim)]


@router.get("/security/public-key-certificates", dependencies=[Depends(public_limit)])
async def public_key_certificates(sim: Sim) -> list[dict[str, object]]:
    """MF-style public keys for KSeF-token and symmetric-key encryption."""
    return sim.keys.to_json(sim.clock.now())


@router.get("/peppol/query", dependencies=[Depends(public_limit)])
async def peppol_providers(
    pageOffset: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
    pageSize: Annotated[int, Query(ge=10, le=100)] = 10,
) -> dict[str, Any]:
    """Registered Peppol service providers: the simulator has none."""
    return {"peppolProviders": [], "hasMore": False}
