"""The invoice list over HTTP: each filter, search, sort, keyset paging, counts, tenancy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg
import httpx
import pytest
from invoice_fixtures import Tenants, ingest
from invoice_samples import fetched, make_xml

from contracts.ksef_gateway import Direction


@pytest.fixture
async def seeded(pool: asyncpg.Pool, tenants: Tenants) -> dict[str, UUID]:
    """Five invoices of the company, one of another client, one of another office's client."""
    me = (tenants.company_nip, "Błaszczak - Lenart")
    specs = {
        "lodz": {
            "seller": ("5265877635", "Hurtownia Łódź"),
            "buyer": me,
            "number": "A/1",
            "issue_date": date(2025, 7, 1),
            "line": "Gęsi pióra",
        },
        "krakow": {
            "seller": ("7010002137", "Kraków Sp. z o.o."),
            "buyer": me,
            "number": "B/2",
            "issue_date": date(2025, 7, 10),
        },
        "sale": {
            "seller": me,
            "buyer": ("5213870271", "Odbiorca SA"),
            "number": "S/3",
            "issue_date": date(2025, 7, 20),
        },
        "june": {
            "seller": ("5265877635", "Hurtownia Łódź"),
            "buyer": me,
            "number": "C/4",
            "issue_date": date(2025, 6, 5),
        },
        "kor": {
            "seller": ("5265877635", "Hurtownia Łódź"),
            "buyer": me,
            "number": "K/5",
            "issue_date": date(2025, 7, 12),
            "kind": "KOR",
        },
    }
    ids = {}
    for n, (key, spec) in enumerate(specs.items()):
        direction = Direction.sales if key == "sale" else Direction.purchase
        stored = datetime(2025, 7, 1 + n, tzinfo=UTC)
        event = fetched(
            tenants.company,
            tenants.company_nip,
            make_xml(**spec),
            direction=direction,
            stored_at=stored,
        )
        ids[key] = await ingest(pool, event)
    ids["other_client"] = await ingest(
        pool, fetched(tenants.other_company, "7010002137", make_xml(number="O/1"))
    )
    ids["stranger"] = await ingest(
        pool, fetched(tenants.stranger, "7010002137", make_xml(number="X/1"))
    )
    ids["failed"] = await ingest(pool, fetched(tenants.company, tenants.company_nip, b"<zepsuta"))
    return ids


async def numbers(api: httpx.AsyncClient, headers: dict[str, str], **params: object) -> list[str]:
    response = await api.get("/invoices", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [i["invoice_number"] for i in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "KOR"}, ["K/5"]),
        ({"direction": "sales"}, ["S/3"]),
        ({"date_from": "2025-07-01", "date_to": "2025-07-10"}, ["B/2", "A/1"]),
        (
            {"date_field": "ksef", "date_from": "2025-07-04", "date_to": "2025-07-05"},
            ["C/4", "K/5"],
        ),
        (
            {"date_field": "sale", "date_from": "2025-07-11", "date_to": "2025-07-11"},
            ["S/3", "K/5", "B/2", "A/1", "C/4"],
        ),
        ({"approval": "not_required"}, ["S/3"]),
        ({"status": "failed"}, ["FV/meta"]),
        ({"q": "lodz", "sort": "invoice_number", "order": "asc"}, ["A/1", "C/4", "K/5"]),
        ({"q": "GĘSI"}, ["A/1"]),
        ({"q": "701-000-21-37"}, ["B/2"]),
        ({"q": "krakow sp"}, ["B/2"]),
    ],
)
async def test_each_filter_and_search(
    api: httpx.AsyncClient,
    tenants: Tenants,
    seeded: dict[str, UUID],
    params: dict[str, str],
    expected: list[str],
) -> None:
    got = await numbers(api, tenants.client(), **params)
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize(
    ("sort", "asc"),
    [
        ("issue_date", ["C/4", "A/1", "B/2", "K/5", "S/3"]),
        ("gross", None),
        ("invoice_number", ["A/1", "B/2", "C/4", "K/5", "S/3"]),
        ("ksef_date", ["A/1", "B/2", "S/3", "C/4", "K/5"]),
        ("counterparty_name", None),
        ("category", None),
        ("approval", None),
    ],
)
async def test_sorts_both_ways_and_pages_by_keyset(
    api: httpx.AsyncClient,
    tenants: Tenants,
    seeded: dict[str, UUID],
    sort: str,
    asc: list[str] | None,
) -> None:
    params = {"sort": sort, "status": "parsed"}
    up = await numbers(api, tenants.client(), order="asc", **params)
    down = await numbers(api, tenants.client(), order="desc", **params)
    assert down == list(reversed(up)) or sort not in ("issue_date", "invoice_number", "ksef_date")
    if asc:
        assert up == asc
    paged: list[str] = []
    after = None
    while True:
        query = {"order": "asc", "limit": 2, **params} | ({"after": after} if after else {})
        body = (await api.get("/invoices", params=query, headers=tenants.client())).json()
        paged += [i["invoice_number"] for i in body["items"]]
        after = body["next_cursor"]
        if after is None:
            break
    assert paged == up


async def test_counts_only_when_asked_and_on_the_first_page(
    api: httpx.AsyncClient, tenants: Tenants, seeded: dict[str, UUID]
) -> None:
    plain = (await api.get("/invoices", params={"limit": 2}, headers=tenants.client())).json()
    assert plain["total"] is None
    first = (
        await api.get("/invoices", params={"limit": 2, "count": True}, headers=tenants.client())
    ).json()
    assert (first["total"], first["total_capped"], len(first["items"])) == (6, False, 2)
    query = {"limit": 2, "count": True, "after": first["next_cursor"]}
    later = (await api.get("/invoices", params=query, headers=tenants.client())).json()
    assert later["total"] is None
    counted = await api.get("/invoices/count", params={"q": "lodz"}, headers=tenants.client())
    assert counted.json() == {"count": 3, "capped": False}


async def test_the_office_sees_all_its_clients_and_filters_one(
    api: httpx.AsyncClient, tenants: Tenants, seeded: dict[str, UUID]
) -> None:
    everything = await numbers(api, tenants.office_admin(), limit=100)
    assert "O/1" in everything
    assert "X/1" not in everything
    only = await numbers(api, tenants.office_admin(), company_id=str(tenants.other_company))
    assert only == ["O/1"]


async def test_tenancy_of_the_list_and_details(
    api: httpx.AsyncClient, tenants: Tenants, seeded: dict[str, UUID]
) -> None:
    assert await numbers(api, tenants.client(tenants.other_company)) == ["O/1"]
    assert "A/1" not in await numbers(api, tenants.other_office_admin())
    for headers in (tenants.client(tenants.other_company), tenants.other_office_admin()):
        response = await api.get(f"/invoices/{seeded['lodz']}", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "invoice_not_found"
        assert (
            await api.get(f"/invoices/{seeded['lodz']}/xml", headers=headers)
        ).status_code == 404
    assert (await api.get("/invoices")).status_code == 401


async def test_an_office_user_limited_to_assigned_clients(
    api: httpx.AsyncClient, tenants: Tenants, seeded: dict[str, UUID], pool: asyncpg.Pool
) -> None:
    from chassis.testing import seed_assignment

    user = UUID(int=7)
    async with pool.acquire() as conn:
        await seed_assignment(conn, tenants.office, user, tenants.other_company)
    headers = tenants.tokens.headers(
        tenants.office, org_kind="office", role="employee", user_id=user, all_clients=False
    )
    assert await numbers(api, headers) == ["O/1"]


async def test_details_carry_every_field_and_the_history(
    api: httpx.AsyncClient, tenants: Tenants, seeded: dict[str, UUID]
) -> None:
    body = (await api.get(f"/invoices/{seeded['kor']}", headers=tenants.client())).json()
    assert body["doc"]["corrected"][0]["number"] == "FV/0/2025"
    assert any(f["path"] == "P_15" and f["value"] == "13102.43" for f in body["fields"])
    assert body["history"] == []


async def test_bad_list_input_gets_a_code(api: httpx.AsyncClient, tenants: Tenants) -> None:
    for params in ({"sort": "password"}, {"after": "not-a-cursor"}, {"limit": 0}):
        response = await api.get("/invoices", params=params, headers=tenants.client())
        assert response.status_code == 422
        assert response.json()["error"]["code"] in ("invalid_input", "invalid_cursor")
