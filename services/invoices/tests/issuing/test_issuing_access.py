"""Who may issue, read and configure: tenancy per endpoint; offline issuing with QR code II."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from conftest import Orgs
from issuing_data import form_body
from issuing_events import offline_certificate

from chassis.testing import seed_assignment


async def draft_id(api: httpx.AsyncClient, orgs: Orgs, **changes: Any) -> str:
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices",
        json=form_body(**changes),
        headers=orgs.company_user(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def invoice_calls(invoice_id: str) -> list[tuple[str, str, Any]]:
    url = f"/issuing/invoices/{invoice_id}"
    return [
        ("GET", url, None),
        ("PUT", url, form_body()),
        ("DELETE", url, None),
        ("POST", f"{url}/send", None),
        ("GET", f"{url}/xml", None),
        ("GET", f"{url}/pdf", None),
        ("GET", f"{url}/upo", None),
    ]


def company_calls(company: Any) -> list[tuple[str, str, Any]]:
    base = f"/issuing/companies/{company}"
    cert, key = offline_certificate()
    return [
        ("POST", f"{base}/invoices", form_body()),
        ("GET", f"{base}/counterparties?q=386", None),
        ("GET", f"{base}/settings", None),
        ("PUT", f"{base}/settings", {"office_may_issue": True}),
        ("POST", f"{base}/series", {"name": "S", "pattern": "S/{n}"}),
        ("PUT", f"{base}/offline-certificate", {"certificate": cert, "private_key": key}),
    ]


async def test_other_tenants_see_nothing(api: httpx.AsyncClient, orgs: Orgs) -> None:
    invoice = await draft_id(api, orgs)
    outsiders = [
        orgs.other_office_user(),
        orgs.company_user(company=orgs.other_company),
        orgs.office_user("employee", all_clients=False),  # not assigned to the company
    ]
    for headers in outsiders:
        for method, url, body in invoice_calls(invoice) + company_calls(orgs.company):
            r = await api.request(method, url, json=body, headers=headers)
            assert r.status_code == 404, (method, url, r.text)
        listed = await api.get("/issuing/invoices", headers=headers)
        assert listed.json()["items"] == []
        assert (await api.get("/issuing/queue", headers=headers)).json()["items"] == []


async def test_unknown_invoice_is_not_found(api: httpx.AsyncClient, orgs: Orgs) -> None:
    r = await api.get(f"/issuing/invoices/{uuid4()}", headers=orgs.company_user())
    assert (r.status_code, r.json()["error"]["code"]) == (404, "issued_invoice_not_found")
    r = await api.get("/issuing/invoices", headers={})
    assert r.status_code == 401


async def test_client_role_reads_but_does_not_issue(api: httpx.AsyncClient, orgs: Orgs) -> None:
    invoice = await draft_id(api, orgs)
    client = orgs.company_user("client")
    assert (await api.get(f"/issuing/invoices/{invoice}", headers=client)).status_code == 200
    for method, url, body in invoice_calls(invoice)[1:4] + company_calls(orgs.company)[:1]:
        r = await api.request(method, url, json=body, headers=client)
        assert r.status_code == 403, (method, url, r.text)


async def test_office_issues_only_when_the_company_allowed_it(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    url = f"/issuing/companies/{orgs.company}/invoices"
    office = orgs.office_user("employee")
    r = await api.post(url, json=form_body(), headers=office)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "office_may_not_issue")
    settings = f"/issuing/companies/{orgs.company}/settings"
    refused = await api.put(settings, json={"office_may_issue": True}, headers=office)
    assert refused.status_code == 403  # only the company decides
    for role in ("employee", "client"):
        r = await api.put(
            settings, json={"office_may_issue": True}, headers=orgs.company_user(role)
        )
        assert r.status_code == 403
    r = await api.put(settings, json={"office_may_issue": True}, headers=orgs.company_user())
    assert r.json()["office_may_issue"] is True
    created = await api.post(url, json=form_body(), headers=office)
    assert created.status_code == 201
    sent = await api.post(f"/issuing/invoices/{created.json()['id']}/send", headers=office)
    assert sent.json()["on_behalf_office_id"] == str(orgs.office)
    payload = await pool.fetchval("SELECT payload FROM outbox")
    assert payload["data"]["on_behalf_office_id"] == str(orgs.office)


async def test_assigned_office_employee_may_issue(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    await api.put(
        f"/issuing/companies/{orgs.company}/settings",
        json={"office_may_issue": True},
        headers=orgs.company_user("admin"),
    )
    user = uuid4()
    async with pool.acquire() as conn:
        await seed_assignment(conn, orgs.office, user, orgs.company)
    headers = orgs.office_user("employee", all_clients=False, user_id=user)
    r = await api.post(
        f"/issuing/companies/{orgs.company}/invoices", json=form_body(), headers=headers
    )
    assert r.status_code == 201


async def test_offline24_needs_the_certificate_and_queues_with_deadline(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    today = date.today().isoformat()
    invoice = await draft_id(api, orgs, issue_date=today, sale_date=today, payment=None)
    send = f"/issuing/invoices/{invoice}/send"
    r = await api.post(send, json={"mode": "offline24"}, headers=orgs.company_user())
    assert (r.status_code, r.json()["error"]["code"]) == (409, "offline_certificate_missing")
    cert_url = f"/issuing/companies/{orgs.company}/offline-certificate"
    bad = await api.put(
        cert_url, json={"certificate": "abc", "private_key": "x"}, headers=orgs.company_user()
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_certificate")
    cert, key = offline_certificate()
    r = await api.put(
        cert_url, json={"certificate": cert, "private_key": key}, headers=orgs.company_user()
    )
    assert r.status_code == 200
    assert len(r.json()["serial"]) == 16
    r = await api.post(send, json={"mode": "offline24"}, headers=orgs.company_user())
    assert r.status_code == 202, r.text
    assert (r.json()["status"], r.json()["offline"], r.json()["offline_qr"]) == (
        "offline", True, True
    )  # fmt: skip
    assert r.json()["offline_deadline"] > today
    data = (await pool.fetchval("SELECT payload FROM outbox"))["data"]
    assert (data["offline"], data["offline_deadline"]) == (True, r.json()["offline_deadline"])
    [queued] = (await api.get("/issuing/queue", headers=orgs.office_user())).json()["items"]
    assert (queued["id"], queued["overdue"]) == (invoice, False)
    pdf = await api.get(f"/issuing/invoices/{invoice}/pdf", headers=orgs.company_user())
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    stored_key = await pool.fetchval("SELECT private_key FROM issuing_offline_certificates")
    assert stored_key.startswith(b"AESGCM1")  # sealed at rest
    link = await pool.fetchval("SELECT qr2_link FROM issued_invoices")
    assert "/certificate/Nip/5265877635/5265877635/" in link


async def test_issue_date_in_the_future_is_refused_without_using_a_number(
    api: httpx.AsyncClient, orgs: Orgs, pool: asyncpg.Pool
) -> None:
    invoice = await draft_id(
        api, orgs, issue_date="2049-01-02", sale_date="2049-01-02", payment=None
    )
    r = await api.post(f"/issuing/invoices/{invoice}/send", headers=orgs.company_user())
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "issue_date"
    assert await pool.fetchval("SELECT count(*) FROM issuing_counters") == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_counterparty_lookup_finds_buyers_invoiced_before(
    api: httpx.AsyncClient, orgs: Orgs
) -> None:
    invoice = await draft_id(api, orgs)
    await api.post(f"/issuing/invoices/{invoice}/send", headers=orgs.company_user())
    r = await api.get(
        f"/issuing/companies/{orgs.company}/counterparties?q=3861", headers=orgs.company_user()
    )
    [found] = r.json()["items"]
    assert (found["nip"], found["source"]) == ("3861610227", "issued")
    assert found["buyer"]["address"]["line1"] == "ul. Polna 1"


@pytest.mark.parametrize("reset", ["yearly", "never"])
async def test_own_series_numbers_invoices(api: httpx.AsyncClient, orgs: Orgs, reset: str) -> None:
    r = await api.post(
        f"/issuing/companies/{orgs.company}/series",
        json={"name": "Sklep", "pattern": "SK/{yyyy}/{n}", "reset": reset},
        headers=orgs.company_user(),
    )
    assert r.status_code == 201
    invoice = await draft_id(api, orgs, series_id=r.json()["id"])
    sent = await api.post(f"/issuing/invoices/{invoice}/send", headers=orgs.company_user())
    assert sent.json()["number"] == "SK/2026/1"
    bad = await api.post(
        f"/issuing/companies/{orgs.company}/series",
        json={"name": "Zła", "pattern": "brak"},
        headers=orgs.company_user(),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [
        {"field": "pattern", "message": "Nieprawidłowy format."}
    ]
    mode = await api.post(
        f"/issuing/invoices/{invoice}/send", json={"mode": "x"}, headers=orgs.company_user()
    )
    assert mode.status_code == 422
    assert mode.json()["error"]["details"][0]["message"].startswith("Niedozwolona wartość")
