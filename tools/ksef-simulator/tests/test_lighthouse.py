import httpx


async def test_status_is_available_without_faults_or_announcements(http: httpx.AsyncClient) -> None:
    assert (await http.get("/status")).json() == {"status": "AVAILABLE", "messages": []}
    assert (await http.get("/messages")).json() == []


async def test_an_outage_fault_shows_as_maintenance_until_it_ends(http: httpx.AsyncClient) -> None:
    await http.post("/admin/faults", json={"mode": "unavailable", "durationSeconds": 60})
    body = (await http.get("/status")).json()
    assert body["status"] == "MAINTENANCE"
    [message] = body["messages"]
    assert message["category"] == "MAINTENANCE"
    assert message["type"] == "MAINTENANCE_ANNOUNCEMENT"
    assert message["end"] is not None
    await http.post("/admin/clock/advance", json={"seconds": 61})
    assert (await http.get("/status")).json()["status"] == "AVAILABLE"


async def test_a_fault_of_one_context_is_not_an_outage(http: httpx.AsyncClient) -> None:
    await http.post("/admin/faults", json={"mode": "unavailable", "contexts": ["5265877635"]})
    assert (await http.get("/status")).json()["status"] == "AVAILABLE"


async def test_an_announced_failure_wins_and_its_end_is_published(
    http: httpx.AsyncClient,
) -> None:
    await http.post("/admin/faults", json={"mode": "unavailable"})
    set_status = await http.put("/admin/status", json={"status": "FAILURE", "text": "Awaria"})
    assert set_status.status_code == 200
    body = (await http.get("/status")).json()
    assert body["status"] == "FAILURE"
    assert body["messages"][0]["type"] == "FAILURE_START"
    assert body["messages"][0]["text"] == "Awaria"
    assert (await http.delete("/admin/status")).status_code == 204
    assert (await http.get("/status")).json()["status"] == "MAINTENANCE"  # the fault remains
    kinds = [m["type"] for m in (await http.get("/messages")).json()]
    assert kinds == ["FAILURE_START", "FAILURE_END"]


async def test_an_announcement_with_a_duration_runs_out(http: httpx.AsyncClient) -> None:
    await http.put("/admin/status", json={"status": "TOTAL_FAILURE", "durationSeconds": 30})
    assert (await http.get("/status")).json()["status"] == "TOTAL_FAILURE"
    await http.post("/admin/clock/advance", json={"seconds": 31})
    assert (await http.get("/status")).json()["status"] == "AVAILABLE"


async def test_unknown_status_is_refused(http: httpx.AsyncClient) -> None:
    assert (await http.put("/admin/status", json={"status": "BROKEN"})).status_code == 400
