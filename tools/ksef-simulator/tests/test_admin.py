import httpx


async def test_health_is_cheap_and_outside_v2(http: httpx.AsyncClient) -> None:
    resp = await http.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}
