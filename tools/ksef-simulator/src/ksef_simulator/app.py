"""FastAPI application factory: the KSeF 2.0 API under /v2, a small admin API beside it."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from . import (
    api_admin,
    api_auth,
    api_batch,
    api_certificates,
    api_exports,
    api_faults,
    api_invoices,
    api_lighthouse,
    api_limits,
    api_misc,
    api_permission_grants,
    api_permission_queries,
    api_permissions,
    api_session_queries,
    api_sessions,
    api_testdata,
    api_tokens,
    seeding,
)
from .clock import Clock
from .config import Settings
from .errors import install_error_handlers
from .faults import FaultMiddleware
from .simulator import Simulator

log = logging.getLogger("ksef_simulator")


async def seed_store(sim: Simulator) -> int:
    """Load the deterministic companies and invoices chosen by the settings."""
    return (await seeding.load_from_settings(sim)).invoices


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    count = await seed_store(app.state.sim)
    log.info("seeded %d invoices", count)
    yield


# The KSeF API under /v2, by module. Invoice retrieval first: routes are matched in order, and
# these carry the bulk of traffic.
V2_MODULES = (
    api_invoices,
    api_exports,
    api_auth,
    api_certificates,
    api_misc,
    api_limits,
    api_tokens,
    api_permissions,
    api_permission_grants,
    api_permission_queries,
    api_batch,
    # Before api_sessions: `/sessions/{ref}/invoices/failed` must win over `.../{invoiceRef}`.
    api_session_queries,
    api_sessions,
    api_testdata,
)


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    sim = Simulator.create(settings, clock)
    app = FastAPI(title="KSeF 2.0 simulator", version="2.6.0", lifespan=lifespan)
    app.state.sim = sim
    install_error_handlers(app)
    v2 = APIRouter(prefix="/v2")
    for module in V2_MODULES:
        v2.include_router(module.router)
    app.include_router(v2)
    app.include_router(api_admin.router)
    app.include_router(api_faults.router)
    app.include_router(api_lighthouse.router)
    app.include_router(api_lighthouse.admin)
    app.include_router(api_sessions.storage)
    app.include_router(api_exports.storage)
    app.include_router(api_batch.storage)

    app.add_middleware(FaultMiddleware, sim=sim)

    @app.get("/health", tags=["Simulator admin"])
    async def health() -> dict[str, str]:
        """Cheap liveness probe for the local stack (not part of KSeF)."""
        return {"status": "ok"}

    return app
