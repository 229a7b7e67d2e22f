"""The list's query paths: every sort pages exactly by keyset, the date and search probes and
their fallbacks, the office copied onto invoices from org.* events, capped counts (also from
the office's index) and the count's tenancy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from invoice_fixtures import Tenants, ingest
from invoice_samples import fetched, make_xml

from chassis import tenancy
from chassis.inbox import process_once
from chassis.kafka import Route
from chassis.tokens import Principal
from contracts.auth import ClientLinked, ClientUnlinked
from contracts.envelope import new_envelope
from invoices import consumers, listing
from invoices.listing import SORTS, Filters, count_invoices, list_invoices


@pytest.fixture
async def many(pool: asyncpg.Pool, tenants: Tenants) -> list[UUID]:
    """Twelve invoices of the company: issue dates a day apart, KSeF dates in reverse order,
    amounts and names that repeat, so ties are broken by id."""
    ids = []
    for n in range(12):
        xml = make_xml(
            seller=("5265877635", f"Dostawca {'ABC'[n % 3]}"),
            buyer=(tenants.company_nip, "Błaszczak - Lenart"),
            number=f"N/{n:02}",
            issue_date=date(2025, 3, 1) + timedelta(days=n),
            line=f"towar {n % 4}",
        )
        stored = datetime(2025, 5, 1, tzinfo=UTC) - timedelta(days=n)
        event = fetched(tenants.company, tenants.company_nip, xml, stored_at=stored)
        ids.append(await ingest(pool, event))
    return ids


async def walk(api: httpx.AsyncClient, headers: dict[str, str], **params: object) -> list[str]:
    """Every page, two rows at a time."""
    out: list[str] = []
    after = None
    for _ in range(50):
        query = {"limit": 2, **params} | ({"after": after} if after else {})
        response = await api.get("/invoices", params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        out += [i["id"] for i in body["items"]]
        if (after := body["next_cursor"]) is None:
            return out
    raise AssertionError(f"paging does not end: {out}")


@pytest.mark.parametrize("sort", sorted(SORTS))
async def test_every_sort_pages_in_both_directions_without_gaps_or_repeats(
    api: httpx.AsyncClient, tenants: Tenants, many: list[UUID], sort: str
) -> None:
    up = await walk(api, tenants.client(), sort=sort, order="asc")
    down = await walk(api, tenants.office_admin(), sort=sort, order="desc")
    assert sorted(up) == sorted(str(i) for i in many)
    assert down == list(reversed(up))


async def test_a_date_filter_against_a_date_sort_falls_back_to_the_range(
    pool: asyncpg.Pool,
    api: httpx.AsyncClient,
    tenants: Tenants,
    many: list[UUID],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue dates grow while KSeF dates shrink: the newest KSeF dates are the oldest invoices,
    # so a probe of two index entries finds no issue date in the range and the range is read.
    monkeypatch.setattr(listing, "PROBE_ROWS", 2)
    params = {"date_from": "2025-03-09", "date_to": "2025-03-12", "sort": "ksef_date"}
    got = await walk(api, tenants.client(), order="desc", **params)
    assert got == [str(i) for i in many[8:12]]
    assert await walk(api, tenants.client(), order="asc", **params) == list(reversed(got))
    by_ksef_day = {"date_field": "ksef", "date_from": "2025-04-29", "date_to": "2025-04-30"}
    assert await walk(api, tenants.client(), sort="issue_date", **by_ksef_day) == [
        str(many[2]),
        str(many[1]),
    ]


@pytest.mark.parametrize("probe_rows", [2, 500])
async def test_a_search_pages_the_same_from_the_probe_and_from_the_trigram_index(
    api: httpx.AsyncClient,
    tenants: Tenants,
    many: list[UUID],
    monkeypatch: pytest.MonkeyPatch,
    probe_rows: int,
) -> None:
    # 500: the walk reads all twelve, fewer than it may, so its hits are the answer;
    # 2: the walk is cut short without a page of hits, so the trigram index answers.
    monkeypatch.setattr(listing, "PROBE_ROWS", probe_rows)
    expected = [str(many[n]) for n in (9, 5, 1)]  # lines "towar 1", newest issue date first
    for headers in (tenants.client(), tenants.office_admin()):
        got = await walk(api, headers, q="TOWAR 1", sort="issue_date", order="desc")
        assert got == expected
        up = await walk(api, headers, q="towar 1", sort="gross", order="asc")
        assert sorted(up) == sorted(expected)
        assert await walk(api, headers, q="towar 1", sort="gross", order="desc") == up[::-1]
    nothing = await walk(api, tenants.office_admin(), q="nie ma takiego")
    assert nothing == []


async def test_the_office_follows_the_company_from_link_to_unlink(
    pool: asyncpg.Pool, api: httpx.AsyncClient, tenants: Tenants, many: list[UUID]
) -> None:
    # as the worker subscribes them: the read model first, then the copy onto invoices
    own = [
        Route("org.client.unlinked", {1: consumers.on_client_unlinked}),
        Route("org.client.linked", {1: consumers.on_client_linked}),
    ]
    handlers = {r.topic: r.handlers[1] for r in tenancy.routes(own)}
    gone = ClientUnlinked(office_id=tenants.office, company_id=tenants.company)
    envelope = new_envelope("org.client.unlinked", 1, gone, producer="auth")
    await process_once(pool, "invoices", envelope, handlers["org.client.unlinked"])
    assert await walk(api, tenants.office_admin()) == []
    assert await pool.fetchval(
        "SELECT count(*) FROM invoices WHERE company_id = $1 AND office_id IS NULL",
        tenants.company,
    ) == len(many)
    back = ClientLinked(office_id=tenants.other_office, company_id=tenants.company)
    envelope = new_envelope("org.client.linked", 1, back, producer="auth")
    await process_once(pool, "invoices", envelope, handlers["org.client.linked"])
    assert len(await walk(api, tenants.other_office_admin())) == len(many)
    assert await walk(api, tenants.office_admin()) == []


async def test_an_invoice_of_a_linked_company_arrives_with_its_office(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    invoice = await ingest(pool, fetched(tenants.other_company, "7010002137", make_xml()))
    office = await pool.fetchval("SELECT office_id FROM invoices WHERE id = $1", invoice)
    assert office == tenants.office


async def test_counts_stop_at_the_cap(
    pool: asyncpg.Pool, tenants: Tenants, many: list[UUID]
) -> None:
    principal = Principal(uuid4(), tenants.company, "company", "client")
    async with pool.acquire() as conn:
        assert await count_invoices(conn, principal, Filters(), cap=5) == (5, True)
        assert await count_invoices(conn, principal, Filters(), cap=12) == (12, False)
        page = await list_invoices(conn, principal, Filters(), limit=3, with_total=True)
    assert (page.total, page.total_capped, len(page.items)) == (12, False, 3)


async def test_an_office_count_of_workflow_filters_reads_the_office_index(
    pool: asyncpg.Pool, tenants: Tenants, many: list[UUID]
) -> None:
    office = Principal(uuid4(), tenants.office, "office", "admin")
    pending = Filters(approval=("pending",), booking=("unbooked",), direction="purchase")
    async with pool.acquire() as conn:
        assert await count_invoices(conn, office, pending) == (12, False)
        assert await count_invoices(conn, office, pending, cap=5) == (5, True)
        approved = Filters(approval=("approved",))
        assert await count_invoices(conn, office, approved) == (0, False)
        march = Filters(date_from=date(2025, 3, 5), date_to=date(2025, 3, 7))
        assert await count_invoices(conn, office, march) == (3, False)
        await conn.execute(
            "INSERT INTO company_settings (company_id, office_sees_unapproved) VALUES ($1, false)",
            tenants.company,
        )
        # the client hides its unapproved purchases from the office: the count follows
        assert await count_invoices(conn, office, pending) == (0, False)


async def test_the_count_keeps_to_the_callers_context(
    api: httpx.AsyncClient, tenants: Tenants, many: list[UUID]
) -> None:
    for headers in (tenants.client(tenants.other_company), tenants.other_office_admin()):
        response = await api.get("/invoices/count", headers=headers)
        assert response.json() == {"count": 0, "capped": False}
        scoped = await api.get(
            "/invoices/count", params={"company_id": str(tenants.company)}, headers=headers
        )
        assert scoped.json() == {"count": 0, "capped": False}
    assert (await api.get("/invoices/count")).status_code == 401
    bad = await api.get(
        "/invoices/count", params={"date_from": "wczoraj"}, headers=tenants.client()
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_input"
