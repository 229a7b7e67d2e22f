from datetime import datetime, timedelta

import httpx
from ksef_client import KsefClient, self_signed
from spec import assert_response

from ksef_simulator import seed
from ksef_simulator.clock import iso
from ksef_simulator.simulator import Simulator

QUERY = "/v2/invoices/query/metadata"


async def test_health_is_cheap_and_outside_v2(http: httpx.AsyncClient) -> None:
    resp = await http.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}


async def test_clock_speed_scales_simulated_time_and_can_freeze_it(
    http: httpx.AsyncClient,
) -> None:
    frozen = await http.put("/admin/clock/speed", json={"speed": 0})
    assert frozen.json()["speed"] == 0
    now = (await http.get("/admin/clock")).json()["now"]
    assert (await http.get("/admin/clock")).json()["now"] == now  # frozen: only advance moves it
    moved = await http.post("/admin/clock/advance", json={"seconds": 3600})
    later = datetime.fromisoformat(moved.json()["now"]) - datetime.fromisoformat(now)
    assert later == timedelta(hours=1)
    fast = await http.put("/admin/clock/speed", json={"speed": 60})
    assert fast.json()["speed"] == 60
    assert (await http.put("/admin/clock/speed", json={"speed": -1})).status_code == 400


async def test_admin_seed_loads_companies_once(http: httpx.AsyncClient, sim: Simulator) -> None:
    body = {"seed": 42, "companies": 4, "invoicesPerCompany": 25, "days": 30}
    loaded = await http.post("/admin/seed", json=body)
    assert loaded.status_code == 200
    assert (loaded.json()["companies"], loaded.json()["invoices"]) == (4, 100)
    assert (await http.post("/admin/seed", json=body)).status_code == 409
    bad = await http.post("/admin/seed", json={**body, "companies": 0})
    assert bad.status_code == 400
    seller = seed.companies(42, 4)[0]
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=seller.nip), seller.nip)
    since = iso(sim.clock.now() - timedelta(days=31))
    filters = {"subjectType": "Subject1", "dateRange": {"dateType": "Invoicing", "from": since}}
    resp = await http.post(QUERY, params={"pageSize": 100}, json=filters, headers=client.auth())
    assert_response(resp, "/invoices/query/metadata", "post")
    assert len(resp.json()["invoices"]) == 25


async def test_arrivals_add_invoices_as_simulated_hours_pass(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    await http.post("/admin/seed", json={"seed": 9, "companies": 5, "invoicesPerCompany": 0})
    await http.put("/admin/clock/speed", json={"speed": 0})
    started = await http.put(
        "/admin/arrivals", json={"perCompanyPerHour": 6, "seed": 9, "companies": 5}
    )
    assert started.json() == {"perCompanyPerHour": 6, "companies": 5, "generated": 0}
    since = iso(sim.clock.now())
    await http.post("/admin/clock/advance", json={"seconds": 10 * 3600})
    seller = seed.companies(9, 5)[1]
    client = KsefClient(http)  # after the jump: a token lives 15 simulated minutes
    await client.login_xades(self_signed(nip=seller.nip), seller.nip)
    date_range = {"dateType": "PermanentStorage", "from": since}
    filters = {"subjectType": "Subject1", "dateRange": date_range}
    resp = await http.post(QUERY, params={"pageSize": 250}, json=filters, headers=client.auth())
    assert_response(resp, "/invoices/query/metadata", "post")
    rows = resp.json()["invoices"]
    generated = (await http.get("/admin/arrivals")).json()["generated"]
    # 5 companies x 6/h x 10 h = 300 expected in total; one company's share is about 60.
    assert 200 <= generated <= 400
    assert 20 <= len(rows) <= 120
    assert all(r["seller"]["nip"] == seller.nip for r in rows)
    stopped = await http.put("/admin/arrivals", json={"perCompanyPerHour": 0})
    assert stopped.json()["perCompanyPerHour"] == 0
