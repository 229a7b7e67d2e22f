"""The gateway's API on a fresh database of the test stack, talking to the running simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest

from chassis.cli import build_app
from chassis.testing import (
    seed_org,
    stack_env,
)
from ksef_gateway.config import Settings
from ksef_gateway.gateway import Gateway
from ksef_gateway.main import DEFINITION
from ksef_gateway.scheduler import Scheduler
from ksef_gateway.send_loop import SendLoop
from ksef_gateway.testing import SimCompany, ksef_nip


@pytest.fixture(scope="module")
def sim_url() -> str:
    return stack_env("KSEF_SIMULATOR_URL")


@pytest.fixture
def service_migrations() -> Path | None:
    return DEFINITION.migrations


def settings_for(dsn: str, sim_url: str, key_file: Path, **extra: object) -> Settings:
    return Settings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=key_file,
        ksef_base_url=f"{sim_url}/v2",
        secrets_master_key="k" * 40,
        minio_endpoint=stack_env("MINIO_ENDPOINT"),
        minio_access_key=stack_env("MINIO_ACCESS_KEY"),
        minio_secret_key=stack_env("MINIO_SECRET_KEY"),
        ksef_bucket="rachmistrz-ksef-test",
        **extra,  # type: ignore[arg-type]
    )


class Api:
    """The API app in-process, plus the worker's loops driven by hand (tick, drain)."""

    def __init__(self, client: httpx.AsyncClient, app: object) -> None:
        self.client = client
        self.app = app
        self.scheduler = Scheduler(self.gateway)
        self.sender = SendLoop(self.gateway)

    @property
    def gateway(self) -> Gateway:
        return self.app.state.gateway  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def settings_extra() -> dict[str, object]:
    return {}


@pytest.fixture
async def api(
    dsn: str, sim_url: str, public_key_file: Path, settings_extra: dict[str, object]
) -> AsyncIterator[Api]:
    settings = settings_for(dsn, sim_url, public_key_file, **settings_extra)
    app = build_app(DEFINITION, settings, api=True, worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw", timeout=60) as c:
            yield Api(c, app)


@pytest.fixture
async def sim(sim_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as http:
        yield http


@pytest.fixture
async def office(pool: asyncpg.Pool) -> tuple[UUID, str]:
    nip = ksef_nip()
    async with pool.acquire() as conn:
        return await seed_org(conn, kind="office", nip=nip), nip


async def client_company(pool: asyncpg.Pool, office_id: UUID | None) -> tuple[UUID, str]:
    nip = ksef_nip()
    async with pool.acquire() as conn:
        return await seed_org(conn, kind="company", office_id=office_id, nip=nip), nip


async def owner(sim: httpx.AsyncClient, sim_url: str, nip: str) -> SimCompany:
    return await SimCompany(sim, sim_url, nip).login()


async def advance_simulator(sim: httpx.AsyncClient, sim_url: str, seconds: float) -> None:
    """Let the simulator's HWM pass what was just sent (its lag is 60 simulated seconds)."""
    resp = await sim.post(f"{sim_url}/admin/clock/advance", json={"seconds": seconds})
    resp.raise_for_status()
