import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

# The helpers beside this file (ksef_client, spec) are imported as top-level modules.
sys.path.insert(0, str(Path(__file__).parent))

from ksef_client import KsefClient  # noqa: E402

from ksef_simulator.app import create_app, seed_store  # noqa: E402
from ksef_simulator.clock import Clock
from ksef_simulator.config import Settings
from ksef_simulator.simulator import Simulator


@pytest.fixture
def settings() -> Settings:
    return Settings(seed_companies=0, seed_invoices=0)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(settings: Settings, clock: Clock) -> FastAPI:
    return create_app(settings, clock)


@pytest.fixture
def sim(app: FastAPI) -> Simulator:
    simulator: Simulator = app.state.sim
    return simulator


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ksef.test") as client:
        yield client


@pytest.fixture
def client(http: httpx.AsyncClient) -> KsefClient:
    return KsefClient(http)


@pytest.fixture
async def seeded(sim: Simulator) -> Simulator:
    """The simulator with its deterministic seed loaded (3 companies x 20 invoices)."""
    sim.settings.seed_companies, sim.settings.seed_invoices = 3, 20
    await seed_store(sim)
    return sim
