"""A suspended or removed membership is refused by the API before its token expires."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from fastapi import APIRouter

from chassis import tenancy
from chassis.cli import build_app
from chassis.runtime import ServiceDefinition
from chassis.settings import ServiceSettings
from chassis.testing import TokenFactory
from chassis.tokens import CurrentPrincipal
from contracts import new_envelope
from contracts.auth import MembershipChanged, OrgKind

router = APIRouter()


@router.get("/whoami")
async def whoami(principal: CurrentPrincipal) -> dict[str, str]:
    return {"user": str(principal.user_id)}


DEFINITION = ServiceDefinition(
    name="probe",
    settings_cls=ServiceSettings,
    migrations=Path(__file__).parent / "no-migrations",
    routers=lambda: [router],
)


@pytest.fixture
def service_migrations() -> None:
    return None


async def membership(pool: asyncpg.Pool, user: UUID, org: UUID, **change: Any) -> None:
    data = MembershipChanged(
        user_id=user, org_id=org, org_kind=OrgKind.office, email="a@example.com", **change
    )
    handler = {r.topic: r.handlers[1] for r in tenancy.routes()}["user.membership.changed"]
    async with pool.acquire() as conn, conn.transaction():
        await handler(conn, new_envelope("user.membership.changed", 1, data, producer="auth"))


@pytest.fixture
async def api(dsn: str, public_key_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = ServiceSettings(
        database_url=dsn,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=public_key_file,
        revocation_refresh_seconds=0.05,
    )
    app = build_app(DEFINITION, settings, api=True, worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            yield client


async def status_soon(api: httpx.AsyncClient, headers: dict[str, str], expected: int) -> int:
    """The API rereads the list every 50 ms here; wait until it has (or give up)."""
    async with asyncio.timeout(10):
        while (status := (await api.get("/whoami", headers=headers)).status_code) != expected:
            await asyncio.sleep(0.02)
    return status


async def test_suspension_and_removal_end_access_and_a_new_grant_restores_it(
    api: httpx.AsyncClient, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    user, office, other = uuid4(), uuid4(), uuid4()
    headers = tokens.headers(office, user_id=user, org_kind="office", role="employee")
    elsewhere = tokens.headers(other, user_id=user, org_kind="office", role="admin")
    assert (await api.get("/whoami", headers=headers)).status_code == 200

    await membership(pool, user, office, role="employee", suspended=True)
    assert await status_soon(api, headers, 401) == 401
    refused = (await api.get("/whoami", headers=headers)).json()
    assert refused["error"]["code"] == "membership_revoked"
    # Only that organisation: the same person's other membership still works.
    assert (await api.get("/whoami", headers=elsewhere)).status_code == 200

    await membership(pool, user, office, role="employee", suspended=False)
    assert await status_soon(api, headers, 200) == 200

    await membership(pool, user, office, role=None)
    assert await status_soon(api, headers, 401) == 401
