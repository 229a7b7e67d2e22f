"""Every service, and the KSeF simulator, answers through the nginx API gateway."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.stack import Stack

SERVICES = ["auth", "ksef-gateway", "invoices", "taxes", "messaging", "files"]


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack.load()


@pytest.mark.parametrize("service", SERVICES)
async def test_service_is_ready_behind_the_gateway(stack: Stack, service: str) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as client:
        ready = await client.get(f"/api/{service}/health/ready")
        docs = await client.get(f"/api/{service}/openapi.json")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ok"}
    # Served under its gateway prefix, so the interactive docs call the right URLs.
    assert docs.json()["servers"] == [{"url": f"/api/{service}"}]


async def test_unknown_path_gets_a_machine_readable_404(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as client:
        response = await client.get("/api/taxes/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_ksef_simulator_is_reachable_through_the_gateway(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as client:
        response = await client.get("/ksef/v2/security/public-key-certificates")
    assert response.status_code == 200
    usages = {u for cert in response.json() for u in cert["usage"]}
    assert usages == {"KsefTokenEncryption", "SymmetricKeyEncryption"}
