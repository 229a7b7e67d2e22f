"""Every endpoint of every service, called by one office and its client against another's data.

Two offices are set up the production way (auth's bootstrap and `POST /clients`, whose org.*
events reach every service's tenancy read model through Kafka). Office B then creates one object
of every kind: a received invoice, a category, an issuing draft, a tax item, a thread, a file, a
member, an invitation. Office A's admin and A's client company then call every operation of
every service's OpenAPI document (read from the running services, so a new endpoint is swept
without touching this test), with every identifier pointing at B's objects and bodies built from
the operation's schema so that they pass validation. Each call must:
- never fail with 5xx;
- when its path names B's object, be refused with 401/403/404 (not a 422: the request must reach
  the tenancy check);
- otherwise, if it succeeds, not reveal any of B's identifiers or names.
Afterwards B's objects, read with B's own token, are exactly as before.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from chassis.testing import random_nip
from contracts import new_envelope
from contracts.ksef_gateway import Direction, InvoiceFetched
from tests.e2e.openapi_sweep import Operation, operations
from tests.e2e.stack import Stack

PASSWORD = "Tenancy-Sweep-Haslo-2026"
SERVICES = ("auth", "ksef-gateway", "invoices", "taxes", "messaging", "files")
TENANT_DBS = ("ksef_gateway", "invoices", "taxes", "messaging", "files")
# Operations that carry no tenant data or would end the sweeping session itself.
SKIP = {
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/token/refresh"),
    ("GET", "/activation"),
    ("POST", "/activation"),
    ("POST", "/password-reset"),
    ("POST", "/password-reset/confirm"),
    ("GET", "/.well-known/jwks.json"),
    ("GET", "/threads/stream"),  # server-sent events: never ends; its auth is tested in messaging
}
REFUSED = {401, 403, 404}


@dataclass
class Office:
    id: UUID
    company: UUID
    admin: str  # access token from a real login
    owner: str  # the client company's owner

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin if who == 'office' else self.owner}"}


async def _office(stack: Stack, http: httpx.AsyncClient, label: str) -> Office:
    email = f"sweep-{label}-{secrets.token_hex(4)}@example.com"
    os.environ["AUTH_BOOTSTRAP_PASSWORD"] = PASSWORD
    args = ["--office-nip", random_nip(), "--office-name", f"Biuro {label}", "--email", email]
    stack.python("auth", "-m", "auth.bootstrap", "create-admin", *args, "--full-name", "Admin")
    login = (await http.post("/api/auth/login", json={"email": email, "password": PASSWORD})).json()
    office = UUID(login["contexts"][0]["org"]["id"])
    body = {"email": email, "password": PASSWORD, "org_id": str(office)}
    admin = (await http.post("/api/auth/login", json=body)).json()["access_token"]
    client = {"clients": [{"nip": random_nip(), "name": f"Klient {label} Tajny"}]}
    added = await http.post(
        "/api/auth/clients", json=client, headers={"Authorization": f"Bearer {admin}"}
    )
    assert added.status_code < 300, added.text
    company = UUID(added.json()[0]["company"]["id"])
    owner = stack.token(company, uuid4(), org_kind="company", role="owner")
    return Office(office, company, admin, owner)


async def _wait_for_tenancy(stack: Stack, companies: list[UUID]) -> None:
    for db in TENANT_DBS:
        conn = await asyncpg.connect(stack.database_url(db))
        try:
            async with asyncio.timeout(90):
                query = (
                    "SELECT count(*) FROM tenancy_orgs"
                    " WHERE org_id = ANY($1) AND office_id IS NOT NULL"
                )
                while await conn.fetchval(query, companies) < len(companies):
                    await asyncio.sleep(0.3)
        finally:
            await conn.close()


def _invoice_xml(seller_nip: str, buyer_nip: str) -> str:
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2].parent / "shared" / "ksef" / "samples" / "fa3"
    text = (samples / "ksef-client-java__invoice-template_v3.xml").read_text()
    text = text.replace("#nip#", seller_nip).replace("3861610227", buyer_nip)
    return text.replace("#invoicing_date#", "2026-11-02").replace("#invoice_number#", "77")


async def _received_invoice(stack: Stack, company: UUID) -> UUID:
    nip = await _company_nip(stack, company)
    xml = _invoice_xml("5265877635", nip)
    number = f"5265877635-20261102-{secrets.token_hex(6).upper()}-AF"
    data = InvoiceFetched(
        company_id=company,
        company_nip=nip,
        direction=Direction.purchase,
        ksef_number=number,
        invoice_hash="aGFzaA==",
        permanent_storage_date="2026-11-02T10:00:00+00:00",
        xml=xml,
        xml_size=len(xml.encode()),
    )
    event = new_envelope("invoice.fetched", 1, data, producer="ksef-gateway", org_id=company)
    producer = AIOKafkaProducer(bootstrap_servers=stack.env["KAFKA_BOOTSTRAP_SERVERS"], acks="all")
    await producer.start()
    try:
        payload = event.model_dump_json().encode()
        await producer.send_and_wait("invoice.fetched", payload, key=str(company).encode())
    finally:
        await producer.stop()
    conn = await asyncpg.connect(stack.database_url("invoices"))
    try:
        async with asyncio.timeout(90):
            query = "SELECT id FROM invoices WHERE company_id = $1 AND ksef_number = $2"
            while (invoice := await conn.fetchval(query, company, number)) is None:
                await asyncio.sleep(0.3)
    finally:
        await conn.close()
    return UUID(str(invoice))


async def _company_nip(stack: Stack, company: UUID) -> str:
    conn = await asyncpg.connect(stack.database_url("invoices"))
    try:
        return str(await conn.fetchval("SELECT nip FROM tenancy_orgs WHERE org_id = $1", company))
    finally:
        await conn.close()


async def _created(http: httpx.AsyncClient, method: str, url: str, **kw: Any) -> Any:
    response = await http.request(method, url, **kw)
    assert response.status_code < 300, f"{method} {url}: {response.text}"
    return response.json()


async def _victim_objects(stack: Stack, http: httpx.AsyncClient, b: Office) -> dict[str, Any]:
    """One object of every kind, owned by office B or its client."""
    company, office = b.as_("company"), b.as_("office")
    invoice = await _received_invoice(stack, b.company)
    category = await _created(
        http,
        "POST",
        "/api/invoices/categories",
        json={"name": "Tajne B", "colour": "#abcdef"},
        headers=office,
    )
    draft = await _created(
        http,
        "POST",
        f"/api/invoices/issuing/companies/{b.company}/invoices",
        headers=company,
        json={
            "number": "FV/B/1",
            "issue_date": "2026-11-02",
            "seller_address": {"line1": "ul. Tajna 1, 00-001 Warszawa"},
            "buyer": {"nip": "5265877635", "name": "Nabywca B"},
            "lines": [
                {"name": "Usługa B", "quantity": "1", "unit_net_price": "10.00", "vat_rate": "23"}
            ],
        },
    )
    item = await _created(
        http,
        "POST",
        f"/api/taxes/companies/{b.company}/items",
        headers=office,
        json={"kind": "vat", "period": "2026-10", "amount_grosze": 12345, "due_date": "2026-11-25"},
    )
    thread = await _created(
        http,
        "POST",
        "/api/messaging/threads",
        headers=office,
        json={"subject": "Sprawa B", "body": "Treść B", "company_id": str(b.company)},
    )
    file = await _created(
        http,
        "POST",
        f"/api/files/companies/{b.company}/files",
        headers=company,
        files={"file": ("b.pdf", b"%PDF-1.4\n% B\n%%EOF\n", "application/pdf")},
    )
    member = await _created(
        http,
        "POST",
        "/api/auth/members",
        headers=office,
        json={
            "email": f"b-{secrets.token_hex(4)}@example.com",
            "full_name": "Pracownik B",
            "role": "employee",
        },
    )
    invitation = await _created(
        http,
        "POST",
        "/api/auth/invitations",
        headers=office,
        json={"email": f"bi-{secrets.token_hex(4)}@example.com", "role": "employee"},
    )
    sessions = await _created(http, "GET", "/api/auth/sessions", headers=office)
    return {
        "company_id": str(b.company),
        "org_id": str(b.id),
        "office_id": str(b.id),
        "invoice_id": str(invoice),
        "ids": [str(invoice)],
        "invoice_ids": [str(invoice)],
        "draft_id": _first_id(draft, "id"),
        "category_id": _first_id(category, "id"),
        "item_id": _first_id(item, "id"),
        "thread_id": _first_id(thread, "id", nest="thread"),
        "file_id": _first_id(file, "id"),
        "user_id": _first_id(member, "user_id", "id", nest="user"),
        "invitation_id": _first_id(invitation, "id"),
        "session_id": _first_id(
            sessions[0] if isinstance(sessions, list) else sessions["items"][0], "id"
        ),
    }


def _first_id(record: dict[str, Any], *names: str, nest: str | None = None) -> str:
    if nest and isinstance(record.get(nest), dict):
        record = record[nest]
    for name in names:
        if record.get(name):
            return str(record[name])
    raise AssertionError(f"none of {names} in {record}")


def _snapshot_urls(b: Office, ids: dict[str, Any]) -> list[tuple[str, str]]:
    """What B reads of its own objects, before and after the sweep (who, url)."""
    c = ids["company_id"]
    return [
        ("office", f"/api/invoices/invoices/{ids['invoice_id']}"),
        ("office", "/api/invoices/categories"),
        ("office", f"/api/invoices/companies/{c}/settings"),
        ("company", f"/api/invoices/issuing/invoices/{ids['draft_id']}"),
        ("office", f"/api/taxes/companies/{c}/items/{ids['item_id']}"),
        ("office", f"/api/messaging/threads/{ids['thread_id']}/messages"),
        ("company", f"/api/files/companies/{c}/files"),
        ("office", "/api/auth/members"),
        ("office", "/api/auth/invitations"),
        ("office", f"/api/auth/organisations/{ids['org_id']}"),
        ("office", f"/api/ksef-gateway/companies/{c}/ksef"),
    ]


async def _snapshot(http: httpx.AsyncClient, b: Office, ids: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for who, url in _snapshot_urls(b, ids):
        response = await http.get(url, headers=b.as_(who))
        assert response.status_code == 200, f"{url}: {response.text}"
        result[url] = response.json()
    return result


def _markers(b: Office, ids: dict[str, Any]) -> set[str]:
    values = {v for k, v in ids.items() if isinstance(v, str) and k != "session_id"}
    return values | {"Klient B Tajny", "Tajne B", "Sprawa B", "Treść B", "Pracownik B"}


async def _call(http: httpx.AsyncClient, op: Operation, headers: dict[str, str]) -> httpx.Response:
    url = f"/api/{op.service}{op.url}"
    return await http.request(
        op.method,
        url,
        params=op.params,
        json=op.json,
        files=op.files,
        content=op.content,
        headers={**headers, **op.headers},
    )


@pytest.fixture(scope="module")
async def offices() -> AsyncIterator[tuple[Stack, Office, Office, dict[str, Any]]]:
    stack = Stack.load()
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=60) as http:
        a, b = await _office(stack, http, "A"), await _office(stack, http, "B")
        await _wait_for_tenancy(stack, [a.company, b.company])
        yield stack, a, b, await _victim_objects(stack, http, b)


async def test_no_endpoint_lets_one_office_reach_another_offices_data(
    offices: tuple[Stack, Office, Office, dict[str, Any]],
) -> None:
    stack, a, b, ids = offices
    problems: list[str] = []
    swept = 0
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=60) as http:
        before = await _snapshot(http, b, ids)
        markers = _markers(b, ids)
        for service in SERVICES:
            spec = (await http.get(f"/api/{service}/openapi.json")).json()
            for op in operations(service, spec, ids, SKIP):
                for who in ("office", "company"):
                    response = await _call(http, op, a.as_(who))
                    swept += 1
                    where = (
                        f"{who} A: {op.method} /api/{service}{op.path} -> {response.status_code}"
                    )
                    if response.status_code >= 500:
                        problems.append(f"{where} (server error)")
                    elif op.targets_victim and response.status_code not in REFUSED:
                        problems.append(f"{where}: {response.text[:200]}")
                    elif response.status_code < 300 and any(m in response.text for m in markers):
                        problems.append(f"{where} reveals B's data")
        after = await _snapshot(http, b, ids)
    assert problems == [], "\n".join(problems)
    assert after == before
    # Every service was reached with both kinds of caller.
    assert swept >= 2 * 100
