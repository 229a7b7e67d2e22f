"""Tiles, the year filter, month details and payments, on a fixed "today" at month/year ends."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

Headers = dict[str, str]


async def _tiles(api: httpx.AsyncClient, h: Headers, company: Any, year: int) -> dict[str, Any]:
    response = await api.get(f"/companies/{company}/months", params={"year": year}, headers=h)
    assert response.status_code == 200, response.text
    return {t["period"]: t for t in response.json()}


async def test_december_items_due_in_january_turn_overdue_on_the_first_day_after(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any, clock: Any
) -> None:
    await create(period="2026-12", due_date="2027-01-26", amount_grosze=10000)
    await create(kind="zus", period="2026-12", due_date="2027-01-15", amount_grosze=5000)
    clock.today = date(2027, 1, 15)
    december = (await _tiles(api, company_headers, tenants.company, 2026))["2026-12"]
    assert (december["status"], december["label"], december["color"]) == (
        "pending",
        "oczekuje",
        "yellow",
    )
    clock.today = date(2027, 1, 16)
    december = (await _tiles(api, company_headers, tenants.company, 2026))["2026-12"]
    assert (december["status"], december["label"], december["color"]) == (
        "overdue",
        "1 zaległa",
        "red",
    )
    assert (december["items"], december["total_grosze"], december["paid_grosze"]) == (2, 15000, 0)
    january = (await _tiles(api, company_headers, tenants.company, 2027))["2027-01"]
    assert (january["status"], january["items"]) == ("empty", 0)


async def test_year_filter_lists_years_with_items_and_the_current_year(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any, clock: Any
) -> None:
    await create(period="2025-12", due_date="2026-01-26")
    clock.today = date(2027, 1, 2)
    response = await api.get(f"/companies/{tenants.company}/years", headers=company_headers)
    assert response.json() == {"years": [2025, 2027]}
    tiles = await _tiles(api, company_headers, tenants.company, 2025)
    assert list(tiles) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert tiles["2025-12"]["status"] == "overdue"


async def test_month_details_show_each_items_status_and_payments(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any, clock: Any
) -> None:
    paid = await create(amount_grosze=10000, due_date="2026-11-25")
    part = await create(kind="pit", amount_grosze=8000, due_date="2026-11-20")
    late = await create(kind="zus", amount_grosze=3000, due_date="2026-11-05")
    pending = await create(kind="cit", amount_grosze=1000, due_date="2026-11-30")
    base = f"/companies/{tenants.company}/items"
    full = await api.post(
        f"{base}/{paid['id']}/payments", json={"paid_on": "2026-11-09"}, headers=company_headers
    )
    assert full.status_code == 201, full.text
    assert (full.json()["status"], full.json()["payments"][0]["amount_grosze"]) == ("paid", 10000)
    half = await api.post(
        f"{base}/{part['id']}/payments", json={"amount_grosze": 2500}, headers=company_headers
    )
    assert (half.json()["status"], half.json()["outstanding_grosze"]) == ("partially_paid", 5500)
    response = await api.get(
        f"/companies/{tenants.company}/months/2026-10", headers=company_headers
    )
    assert response.status_code == 200, response.text
    month = response.json()
    statuses = {i["id"]: i["status"] for i in month["items"]}
    assert statuses == {
        paid["id"]: "paid",
        part["id"]: "partially_paid",
        late["id"]: "overdue",
        pending["id"]: "pending",
    }
    tile = month["tile"]
    assert (tile["label"], tile["total_grosze"], tile["paid_grosze"]) == ("1 zaległa", 22000, 12500)
    assert (tile["outstanding_grosze"], tile["progress_percent"]) == (9500, 56)


async def test_paying_everything_turns_the_tile_green(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any
) -> None:
    item = await create(amount_grosze=10000)
    url = f"/companies/{tenants.company}/items/{item['id']}/payments"
    await api.post(url, json={"amount_grosze": 4000}, headers=company_headers)
    await api.post(url, json={}, headers=company_headers)
    tile = (await _tiles(api, company_headers, tenants.company, 2026))["2026-10"]
    assert (tile["status"], tile["label"], tile["color"], tile["progress_percent"]) == (
        "paid",
        "opłacone",
        "green",
        100,
    )
    again = await api.post(url, json={}, headers=company_headers)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "item_already_paid")


async def test_bad_payments_are_refused(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any
) -> None:
    item = await create(amount_grosze=10000)
    url = f"/companies/{tenants.company}/items/{item['id']}/payments"
    over = await api.post(url, json={"amount_grosze": 10001}, headers=company_headers)
    assert (over.status_code, over.json()["error"]["code"]) == (409, "overpayment")
    negative = await api.post(url, json={"amount_grosze": -5}, headers=company_headers)
    assert (negative.status_code, negative.json()["error"]["code"]) == (422, "invalid_input")
    future = await api.post(url, json={"paid_on": "2026-11-11"}, headers=company_headers)
    assert (future.status_code, future.json()["error"]["code"]) == (422, "payment_in_future")
    bad_period = await api.get(
        f"/companies/{tenants.company}/months/2026-13", headers=company_headers
    )
    assert (bad_period.status_code, bad_period.json()["error"]["code"]) == (422, "invalid_period")
