import time

import httpx


async def test_health_is_cheap_and_outside_v2(http: httpx.AsyncClient) -> None:
    resp = await http.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}


async def test_outage_window_answers_503_until_it_ends(http: httpx.AsyncClient) -> None:
    set_fault = await http.post(
        "/admin/faults", json={"mode": "unavailable", "durationSeconds": 120}
    )
    assert set_fault.status_code == 200
    assert (await http.get("/admin/faults")).json()["mode"] == "unavailable"
    down = await http.post("/v2/auth/challenge")
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(down.headers["Retry-After"]) <= 120
    assert (await http.get("/health")).status_code == 200  # the stack still sees it alive
    await http.post("/admin/clock/advance", json={"seconds": 121})
    assert (await http.post("/v2/auth/challenge")).status_code == 200
    assert (await http.get("/admin/faults")).json() == {"mode": "none"}


async def test_open_ended_outage_and_slow_mode_until_cleared(http: httpx.AsyncClient) -> None:
    await http.post("/admin/faults", json={"mode": "unavailable"})
    assert (await http.get("/v2/security/public-key-certificates")).status_code == 503
    assert (await http.delete("/admin/faults")).status_code == 204
    assert (await http.get("/v2/security/public-key-certificates")).status_code == 200
    await http.post("/admin/faults", json={"mode": "slow", "latencySeconds": 0.2})
    started = time.monotonic()
    resp = await http.post("/v2/auth/challenge")
    assert resp.status_code == 200
    assert time.monotonic() - started >= 0.2
    await http.delete("/admin/faults")
    bad = await http.post("/admin/faults", json={"mode": "broken"})
    assert bad.status_code in (400, 422)
