"""FastAPI application factory: the KSeF 2.0 API under /v2, a small admin API beside it."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response

from . import (
    api_admin,
    api_auth,
    api_certificates,
    api_exports,
    api_invoices,
    api_misc,
    api_permissions,
    api_sessions,
    api_tokens,
    seed,
)
from .clock import Clock
from .config import Settings
from .errors import install_error_handlers, unavailable
from .simulator import Simulator

log = logging.getLogger("ksef_simulator")


async def seed_store(sim: Simulator) -> int:
    """Load the deterministic companies and invoices chosen by the settings."""
    s = sim.settings
    invoices = seed.generate(s.seed, s.seed_companies, s.seed_invoices, sim.clock.now())
    for invoice in invoices:
        await sim.store.add_invoice(invoice)
    return len(invoices)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    count = await seed_store(app.state.sim)
    log.info("seeded %d invoices", count)
    yield


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    sim = Simulator.create(settings, clock)
    app = FastAPI(title="KSeF 2.0 simulator", version="2.6.0", lifespan=lifespan)
    app.state.sim = sim
    install_error_handlers(app)
    v2 = APIRouter(prefix="/v2")
    for module in (
        api_auth,
        api_certificates,
        api_misc,
        api_tokens,
        api_permissions,
        api_invoices,
        api_exports,
        api_sessions,
    ):
        v2.include_router(module.router)
    app.include_router(v2)
    app.include_router(api_admin.router)
    app.include_router(api_sessions.storage)
    app.include_router(api_exports.storage)

    @app.middleware("http")
    async def inject_faults(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Admin-injected faults apply to the KSeF API (/v2) only, never to admin or health."""
        if request.url.path.startswith("/v2"):
            now = sim.clock.now()
            fault = sim.faults.current(now)
            if fault is not None and fault.mode == "unavailable":
                return unavailable(request, sim.faults.retry_after(fault, now))
            if fault is not None and fault.latency_seconds > 0:
                await asyncio.sleep(fault.latency_seconds)
        return await call_next(request)

    @app.get("/health", tags=["Simulator admin"])
    async def health() -> dict[str, str]:
        """Cheap liveness probe for the local stack (not part of KSeF)."""
        return {"status": "ok"}

    return app
