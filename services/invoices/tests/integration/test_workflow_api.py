"""Workflow and bulk actions over HTTP: categories, approval, booking, exclusion, inquiries."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import httpx
import pytest
from invoice_fixtures import Tenants, ingest
from invoice_samples import fetched, make_xml

from contracts.ksef_gateway import Direction


@pytest.fixture
async def two(pool: asyncpg.Pool, tenants: Tenants) -> list[UUID]:
    return [
        await ingest(pool, fetched(tenants.company, tenants.company_nip, make_xml(number=f"Z/{n}")))
        for n in (1, 2)
    ]


async def category(api: httpx.AsyncClient, tenants: Tenants, name: str = "Paliwo") -> str:
    response = await api.post(
        "/categories", json={"name": name, "colour": "#1e88e5"}, headers=tenants.office_admin()
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_the_office_defines_categories_and_the_client_assigns_them_in_bulk(
    api: httpx.AsyncClient, tenants: Tenants, two: list[UUID], pool: asyncpg.Pool
) -> None:
    cat = await category(api, tenants)
    listed = (await api.get("/categories", headers=tenants.client())).json()
    assert [c["name"] for c in listed] == ["Paliwo"]
    body = {"ids": [str(i) for i in two], "category_id": cat}
    assert (
        await api.post("/invoices/actions/category", json=body, headers=tenants.client())
    ).status_code == 204
    names = await pool.fetch("SELECT category_name FROM invoices WHERE id = ANY($1)", two)
    assert {r["category_name"] for r in names} == {"Paliwo"}
    await api.put(
        f"/categories/{cat}",
        json={"name": "Paliwo i gaz", "colour": "#000000"},
        headers=tenants.office_admin(),
    )
    listed_inv = (
        await api.get("/invoices", params={"category_id": cat}, headers=tenants.client())
    ).json()
    assert {i["category_name"] for i in listed_inv["items"]} == {"Paliwo i gaz"}
    history = (await api.get(f"/invoices/{two[0]}", headers=tenants.office_admin())).json()[
        "history"
    ]
    assert history[0]["action"] == "category"
    assert history[0]["user_id"]
    uncategorised = (
        await api.get("/invoices", params={"uncategorised": True}, headers=tenants.client())
    ).json()
    assert uncategorised["items"] == []


async def test_only_office_managers_define_categories_and_others_cannot_use_them(
    api: httpx.AsyncClient, tenants: Tenants, two: list[UUID]
) -> None:
    assert (
        await api.post(
            "/categories", json={"name": "X", "colour": "#000000"}, headers=tenants.client()
        )
    ).status_code == 403
    theirs = (
        await api.post(
            "/categories",
            json={"name": "Obca", "colour": "#000000"},
            headers=tenants.other_office_admin(),
        )
    ).json()["id"]
    response = await api.post(
        "/invoices/actions/category",
        json={"ids": [str(two[0])], "category_id": theirs},
        headers=tenants.client(),
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "category_not_found"


async def test_client_approves_and_the_office_books_with_events_and_history(
    api: httpx.AsyncClient, tenants: Tenants, two: list[UUID], pool: asyncpg.Pool
) -> None:
    ids = [str(i) for i in two]
    early = await api.post(
        "/invoices/actions/book", json={"ids": ids}, headers=tenants.office_admin()
    )
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "not_approved"
    assert (
        await api.post(
            "/invoices/actions/approve", json={"ids": ids}, headers=tenants.office_admin()
        )
    ).status_code == 403
    approved = await api.post(
        "/invoices/actions/approve", json={"ids": ids, "note": "OK"}, headers=tenants.client()
    )
    assert approved.status_code == 204
    events = await pool.fetch("SELECT payload FROM outbox WHERE topic = 'invoice.approved'")
    assert sorted(e["payload"]["data"]["invoice_id"] for e in events) == sorted(ids)
    booked = await api.post(
        "/invoices/actions/book",
        json={"ids": ids, "decree": "402-01"},
        headers=tenants.office_admin(),
    )
    assert booked.status_code == 204
    assert (
        await api.post("/invoices/actions/book", json={"ids": ids}, headers=tenants.client())
    ).status_code == 403
    rows = (
        await api.get("/invoices", params={"booking": "booked"}, headers=tenants.client())
    ).json()["items"]
    assert len(rows) == 2
    history = (await api.get(f"/invoices/{two[0]}", headers=tenants.client())).json()["history"]
    assert [h["action"] for h in history] == ["approved", "booked"]


async def test_exclusion_needs_a_reason_and_blocks_booking(
    api: httpx.AsyncClient, tenants: Tenants, two: list[UUID]
) -> None:
    ids = [str(two[0])]
    assert (
        await api.post(
            "/invoices/actions/exclude", json={"ids": ids, "reason": ""}, headers=tenants.client()
        )
    ).status_code == 422
    assert (
        await api.post(
            "/invoices/actions/exclude",
            json={"ids": ids, "reason": "Prywatne"},
            headers=tenants.client(),
        )
    ).status_code == 204
    await api.post("/invoices/actions/approve", json={"ids": ids}, headers=tenants.client())
    refused = await api.post(
        "/invoices/actions/book", json={"ids": ids}, headers=tenants.office_admin()
    )
    assert refused.json()["error"]["code"] == "excluded_from_booking"
    assert (
        await api.post("/invoices/actions/include", json={"ids": ids}, headers=tenants.client())
    ).status_code == 204
    detail = (await api.get(f"/invoices/{two[0]}", headers=tenants.client())).json()
    assert detail["booking"] == "unbooked"


async def test_description_and_inquiry(
    api: httpx.AsyncClient, tenants: Tenants, two: list[UUID], pool: asyncpg.Pool
) -> None:
    put = await api.put(
        f"/invoices/{two[0]}/description",
        json={"description": "Zakup paliwa"},
        headers=tenants.client(),
    )
    assert put.status_code == 204
    body = {
        "ids": [str(i) for i in two],
        "subject": "Czego dotyczą?",
        "body": "Prosimy o wyjaśnienie.",
    }
    response = await api.post("/invoices/actions/inquiry", json=body, headers=tenants.client())
    assert response.status_code == 202
    [event] = await pool.fetch("SELECT key, payload FROM outbox WHERE topic = 'inquiry.requested'")
    data = event["payload"]["data"]
    assert data["office_id"] == str(tenants.office)
    assert {i["invoice_id"] for i in data["invoices"]} == {str(i) for i in two}
    assert event["key"] == str(tenants.company)


async def test_a_client_can_hide_unapproved_purchases_from_the_office(
    api: httpx.AsyncClient, tenants: Tenants, two: list[UUID], pool: asyncpg.Pool
) -> None:
    await ingest(
        pool,
        fetched(
            tenants.company, tenants.company_nip, make_xml(number="S/9"), direction=Direction.sales
        ),
    )
    url = f"/companies/{tenants.company}/settings"
    assert (
        await api.put(
            url, json={"office_sees_unapproved": False}, headers=tenants.client(role="employee")
        )
    ).status_code == 403
    assert (
        await api.put(
            url, json={"office_sees_unapproved": False}, headers=tenants.client(role="owner")
        )
    ).status_code == 200
    seen = (
        await api.get(
            "/invoices", params={"company_id": str(tenants.company)}, headers=tenants.office_admin()
        )
    ).json()
    assert [i["invoice_number"] for i in seen["items"]] == ["S/9"]
    assert (await api.get(url, headers=tenants.other_office_admin())).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/invoices/actions/category", {"category_id": None}),
        ("post", "/invoices/actions/exclude", {"reason": "x"}),
        ("post", "/invoices/actions/include", {}),
        ("post", "/invoices/actions/inquiry", {"subject": "x"}),
        ("post", "/invoices/export", {"format": "csv"}),
    ],
)
async def test_no_bulk_action_reaches_another_tenants_invoice(
    api: httpx.AsyncClient,
    tenants: Tenants,
    two: list[UUID],
    method: str,
    path: str,
    body: dict[str, object],
    pool: asyncpg.Pool,
) -> None:
    for headers in (tenants.other_office_admin(), tenants.client(tenants.other_company)):
        response = await api.request(
            method, path, json={"ids": [str(two[0])], **body}, headers=headers
        )
        assert response.status_code == 404, response.text
    assert await pool.fetchval("SELECT count(*) FROM invoice_history") == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
