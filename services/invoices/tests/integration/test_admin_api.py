"""Categories and the dashboard keep to the caller's context; the dashboard's figures; the
booking stamp names the user from auth's user events."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from invoice_fixtures import Tenants, ingest
from invoice_samples import fetched, make_xml

from chassis.inbox import process_once
from contracts.auth import MembershipChanged, OrgKind, UserCreated
from contracts.envelope import new_envelope
from contracts.ksef_gateway import Direction
from invoices import consumers


@pytest.fixture
async def month(pool: asyncpg.Pool, tenants: Tenants) -> list[UUID]:
    """July 2025: two purchases and a sale of the company, one purchase of the other client."""
    me = (tenants.company_nip, "Błaszczak - Lenart")
    return [
        await ingest(pool, fetched(tenants.company, tenants.company_nip, make_xml(number="Z/1"))),
        await ingest(pool, fetched(tenants.company, tenants.company_nip, make_xml(number="Z/2"))),
        await ingest(
            pool,
            fetched(
                tenants.company,
                tenants.company_nip,
                make_xml(seller=me, buyer=("5213870271", "Odbiorca SA"), number="S/1"),
                direction=Direction.sales,
            ),
        ),
        await ingest(pool, fetched(tenants.other_company, "7010002137", make_xml(number="O/1"))),
    ]


async def test_the_dashboard_sums_the_month_and_what_awaits_work(
    api: httpx.AsyncClient, tenants: Tenants, month: list[UUID]
) -> None:
    response = await api.get("/dashboard", params={"month": "2025-07-20"}, headers=tenants.client())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["month"] == "2025-07"
    by_direction = {r["direction"]: r for r in body["this_month"]}
    assert (by_direction["purchase"]["count"], by_direction["sales"]["count"]) == (2, 1)
    assert by_direction["purchase"]["gross"] == "26204.86"
    assert (body["awaiting_approval"], body["unbooked"], body["total"]) == (2, 3, 3)
    office = (
        await api.get("/dashboard", params={"month": "2025-07-01"}, headers=tenants.office_admin())
    ).json()
    assert office["total"] == 4
    june = (
        await api.get("/dashboard", params={"month": "2025-06-01"}, headers=tenants.client())
    ).json()
    assert june["this_month"] == []


async def test_the_dashboard_keeps_to_the_callers_context(
    api: httpx.AsyncClient, tenants: Tenants, month: list[UUID]
) -> None:
    other = (await api.get("/dashboard", headers=tenants.other_office_admin())).json()
    assert other["total"] == 0
    for headers in (tenants.client(tenants.other_company), tenants.other_office_admin()):
        response = await api.get(
            "/dashboard", params={"company_id": str(tenants.company)}, headers=headers
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "company_not_found"
    assert (await api.get("/dashboard")).status_code == 401
    bad = await api.get("/dashboard", params={"month": "lipiec"}, headers=tenants.client())
    assert bad.status_code == 422


async def test_categories_are_read_only_within_the_callers_office(
    api: httpx.AsyncClient, tenants: Tenants
) -> None:
    created = await api.post(
        "/categories", json={"name": "Paliwo", "colour": "#1e88e5"}, headers=tenants.office_admin()
    )
    assert created.status_code == 201
    mine = await api.get("/categories", headers=tenants.client())
    assert [c["name"] for c in mine.json()] == ["Paliwo"]
    assert (await api.get("/categories", headers=tenants.other_office_admin())).json() == []
    for headers in (tenants.client(tenants.other_company), tenants.other_office_admin()):
        response = await api.get(
            "/categories", params={"company_id": str(tenants.company)}, headers=headers
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "company_not_found"
    category_id = created.json()["id"]
    for method in ("put", "delete"):
        response = await api.request(
            method,
            f"/categories/{category_id}",
            json={"name": "Przejęta", "colour": "#000000"} if method == "put" else None,
            headers=tenants.other_office_admin(),
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "category_not_found"
    employee = tenants.tokens.headers(tenants.office, org_kind="office", role="employee")
    assert (await api.delete(f"/categories/{category_id}", headers=employee)).status_code == 403
    assert (await api.get("/categories")).status_code == 401


async def test_the_booking_stamp_names_the_user_once_auth_told_us(
    api: httpx.AsyncClient, tenants: Tenants, month: list[UUID], pool: asyncpg.Pool
) -> None:
    invoice, booker = str(month[0]), uuid4()
    await api.post("/invoices/actions/approve", json={"ids": [invoice]}, headers=tenants.client())
    office = tenants.tokens.headers(
        tenants.office, org_kind="office", role="employee", user_id=booker
    )
    assert (
        await api.post("/invoices/actions/book", json={"ids": [invoice]}, headers=office)
    ).status_code == 204

    async def stamp() -> str:
        page = await api.get(f"/invoices/{invoice}/html", params={"stamp": True}, headers=office)
        return page.text

    assert f"przez: {booker}" in await stamp()
    created = UserCreated(user_id=booker, email="anna@biuro.pl", full_name=None)
    envelope = new_envelope("user.created", 1, created, producer="auth")
    await process_once(pool, "invoices", envelope, consumers.on_user_created)
    assert "przez: anna@biuro.pl" in await stamp()
    joined = MembershipChanged(
        user_id=booker,
        org_id=tenants.office,
        org_kind=OrgKind.office,
        email="anna@biuro.pl",
        full_name="Anna Nowak",
        role="employee",
    )
    envelope = new_envelope("user.membership.changed", 1, joined, producer="auth")
    await process_once(pool, "invoices", envelope, consumers.on_membership_changed)
    assert "przez: Anna Nowak" in await stamp()
    pdf = await api.get(f"/invoices/{invoice}/pdf", params={"stamp": True}, headers=office)
    assert pdf.content.startswith(b"%PDF")
