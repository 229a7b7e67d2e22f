"""Every endpoint: another organisation cannot read or change a company's items, and roles
without the right (company people for office-only actions) are refused."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory, seed_assignment

OWN = "61109010140000071219812874"
ITEM = {"kind": "vat", "period": "2026-10", "amount_grosze": 100, "due_date": "2026-11-25"}

# (method, path under /companies/{company}, body); {item} is an existing item of the company.
ENDPOINTS = [
    ("GET", "/years", None),
    ("GET", "/months?year=2026", None),
    ("GET", "/months/2026-10", None),
    ("POST", "/months/2026-11/copy-previous", None),
    ("POST", "/items", ITEM),
    ("GET", "/items/{item}", None),
    ("PATCH", "/items/{item}", {"amount_grosze": 5}),
    ("DELETE", "/items/{item}", None),
    ("POST", "/items/{item}/payments", {}),
    ("POST", "/transfers/elixir", {"item_ids": ["{item}"], "from_account": OWN}),
]
OFFICE_ONLY = {"/months/2026-11/copy-previous", "/items", "PATCH", "DELETE"}


def _request(path: str, body: Any, company: Any, item: str) -> tuple[str, Any]:
    url = f"/companies/{company}" + path.replace("{item}", item)
    if isinstance(body, dict) and "item_ids" in body:
        body = body | {"item_ids": [item]}
    return url, body


async def _state(pool: asyncpg.Pool) -> list[Any]:
    rows = await pool.fetch("SELECT id, amount_grosze, paid_grosze FROM tax_items ORDER BY id")
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize(
    ("who", "kind", "role"),
    [("other_office", "office", "admin"), ("other_company", "company", "owner")],
)
async def test_another_organisation_gets_not_found_and_changes_nothing(
    api: httpx.AsyncClient,
    tokens: TokenFactory,
    tenants: Any,
    create: Any,
    pool: asyncpg.Pool,
    method: str,
    path: str,
    body: Any,
    who: str,
    kind: str,
    role: str,
) -> None:
    item = await create()
    before = await _state(pool)
    headers = tokens.headers(getattr(tenants, who), org_kind=kind, role=role)
    url, body = _request(path, body, tenants.company, item["id"])
    response = await api.request(method, url, json=body, headers=headers)
    writes_only_office = path in OFFICE_ONLY or method in OFFICE_ONLY
    expected = 403 if kind == "company" and writes_only_office else 404
    assert response.status_code == expected, response.text
    assert await _state(pool) == before


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] != "GET"])
async def test_company_people_cannot_do_office_work_but_may_pay_and_export(
    api: httpx.AsyncClient,
    company_headers: dict[str, str],
    tenants: Any,
    create: Any,
    method: str,
    path: str,
    body: Any,
) -> None:
    item = await create()
    url, body = _request(path, body, tenants.company, item["id"])
    response = await api.request(method, url, json=body, headers=company_headers)
    if path in OFFICE_ONLY or method in OFFICE_ONLY:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    else:
        assert response.status_code in (200, 201), response.text


async def test_office_employee_sees_only_assigned_clients(
    api: httpx.AsyncClient, tokens: TokenFactory, tenants: Any, create: Any, pool: asyncpg.Pool
) -> None:
    await create()
    user = uuid4()
    headers = tokens.headers(
        tenants.office, org_kind="office", role="employee", user_id=user, all_clients=False
    )
    url = f"/companies/{tenants.company}/months/2026-10"
    assert (await api.get(url, headers=headers)).status_code == 404
    async with pool.acquire() as raw:
        conn: Any = raw  # seed_* is typed for a plain Connection
        await seed_assignment(conn, tenants.office, user, tenants.company)
    assert (await api.get(url, headers=headers)).status_code == 200
    entered = await api.post(f"/companies/{tenants.company}/items", json=ITEM, headers=headers)
    assert entered.status_code == 201


async def test_unknown_roles_and_missing_tokens_are_refused(
    api: httpx.AsyncClient, tokens: TokenFactory, tenants: Any
) -> None:
    url = f"/companies/{tenants.company}/years"
    assert (await api.get(url)).json()["error"]["code"] == "unauthenticated"
    odd = tokens.headers(tenants.company, org_kind="company", role="service")
    assert (await api.get(url, headers=odd)).status_code == 403


async def test_import_cannot_reach_another_offices_client(
    api: httpx.AsyncClient, tokens: TokenFactory, tenants: Any, pool: asyncpg.Pool
) -> None:
    headers = tokens.headers(tenants.other_office, org_kind="office", role="admin")
    text = "nip;kind;period;amount;due_date\n5261040828;vat;2026-10;1;2026-11-25\n"
    response = await api.post("/items/import", content=text, headers=headers)
    assert response.json()["error"]["details"][0]["code"] == "company_not_found"
    company = tokens.headers(tenants.company, org_kind="company", role="owner")
    assert (await api.post("/items/import", content=text, headers=company)).status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM tax_items") == 0
