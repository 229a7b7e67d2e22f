"""The Latarnia status service (`GET /status`, `GET /messages`) and its admin switch."""

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from .simulator import Simulator, get_sim

router = APIRouter(tags=["Latarnia (status KSeF)"])
admin = APIRouter(prefix="/admin", tags=["Simulator admin"])
Sim = Annotated[Simulator, Depends(get_sim)]


class StatusRequest(BaseModel):
    status: Literal["AVAILABLE", "MAINTENANCE", "FAILURE", "TOTAL_FAILURE"]
    text: str = Field(default="", max_length=2000)
    durationSeconds: float | None = Field(default=None, gt=0)


@router.get("/status")
async def status(sim: Sim) -> dict[str, Any]:
    """KSeF's status (`AVAILABLE|MAINTENANCE|FAILURE|TOTAL_FAILURE`) and its messages."""
    now = sim.clock.now()
    return sim.lighthouse.status(now, sim.faults.active(now))


@router.get("/messages")
async def messages(sim: Sim) -> list[dict[str, Any]]:
    """Every message published so far (announcements and their ends), newest last."""
    now = sim.clock.now()
    sim.lighthouse.status(now, sim.faults.active(now))  # closes an announcement that ran out
    return sim.lighthouse.published


@admin.put("/status")
async def announce(body: StatusRequest, sim: Sim) -> dict[str, Any]:
    """Announce a status (a FAILURE: the emergency mode); AVAILABLE ends the announcement.

    Only the status service changes: pair it with a fault for the API itself to fail."""
    now = sim.clock.now()
    end = now + timedelta(seconds=body.durationSeconds) if body.durationSeconds else None
    sim.lighthouse.announce(body.status, now, end, body.text)
    return sim.lighthouse.status(now, sim.faults.active(now))


@admin.delete("/status", status_code=204)
async def clear(sim: Sim) -> Response:
    """End the announced status (the faults still count)."""
    sim.lighthouse.clear(sim.clock.now())
    return Response(status_code=204)
