"""Events of other services, applied once: inquiries open threads, taxes due send e-mails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
from faststream.kafka import KafkaBroker, TestKafkaBroker

from chassis.testing import TokenFactory, seed_org
from contracts.auth import MembershipChanged, OrgCreated, OrgKind
from contracts.invoices import InquiryInvoice, InquiryRequested
from contracts.ksef_gateway import InvoiceSendFailed, SendError
from contracts.taxes import DueStage, TaxItemDue, TaxKind

Events = Callable[..., bytes]


async def _orgs(pool: asyncpg.Pool) -> tuple[UUID, UUID]:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office, name="Sklep Ola")
    return office, company


def _inquiry(company: UUID, requested_by: UUID, inquiry_id: UUID | None = None) -> InquiryRequested:
    return InquiryRequested(
        inquiry_id=inquiry_id or uuid4(),
        company_id=company,
        requested_by=requested_by,
        subject="Pytanie o 3 faktury",
        body="Czy te faktury są zaksięgowane?",
        invoices=[
            InquiryInvoice(
                invoice_id=uuid4(),
                invoice_number=f"FV/{n}/2026",
                ksef_number=f"5261040828-20261001-00000{n}-AB",
                counterparty="Hurtownia Zbyszko",
            )
            for n in (1, 2, 3)
        ],
    )


async def test_an_inquiry_opens_one_thread_to_the_office_about_its_invoices(
    broker: KafkaBroker,
    events: Events,
    pool: asyncpg.Pool,
    people: Any,
    api: httpx.AsyncClient,
    tokens: TokenFactory,
) -> None:
    office, company = await _orgs(pool)
    staff, staff_email = await people.add(office, kind="office", role="manager")
    client, _ = await people.add(company, kind="company", role="client", full_name="Ola Nowak")
    inquiry = _inquiry(company, client)
    async with TestKafkaBroker(broker) as br:
        await br.publish(events("inquiry.requested", inquiry), topic="inquiry.requested")
        # The same inquiry again in another event (a producer's retry): still one thread.
        await br.publish(events("inquiry.requested", inquiry), topic="inquiry.requested")

    headers = tokens.headers(office, org_kind="office", role="manager", user_id=staff)
    [listed] = (await api.get("/threads", headers=headers)).json()["items"]
    assert (listed["thread"]["subject"], listed["unread"]) == ("Pytanie o 3 faktury", 1)
    thread = (await api.get(f"/threads/{listed['thread']['id']}", headers=headers)).json()
    assert sorted(i["invoice_number"] for i in thread["invoices"]) == [
        "FV/1/2026",
        "FV/2/2026",
        "FV/3/2026",
    ]
    assert (
        thread["invoices"][0]["href"]
        == f"/api/invoices/invoices/{thread['invoices'][0]['invoice_id']}"
    )
    [message] = (await api.get(f"/threads/{thread['id']}/messages", headers=headers)).json()[
        "items"
    ]
    assert (message["author_side"], message["author_name"]) == ("company", "Ola Nowak")
    assert message["body"].startswith("Czy te faktury są zaksięgowane?\nPytanie dotyczy faktur:")
    assert "- FV/2/2026 (Hurtownia Zbyszko, KSeF 5261040828-20261001-000002-AB)" in message["body"]
    [email] = await pool.fetch("SELECT to_email, template FROM emails")
    assert (email["to_email"], email["template"]) == (staff_email, "new_message")


async def test_tax_due_emails_the_company_people_who_want_it(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool, people: Any
) -> None:
    office, company = await _orgs(pool)
    wants, wants_email = await people.add(company, kind="company", role="owner")
    refuses, _ = await people.add(company, kind="company", role="employee")
    await people.add(office, kind="office", role="admin")
    await pool.execute(
        "INSERT INTO notification_settings (user_id, disabled) VALUES ($1, $2)",
        refuses,
        ["tax_due"],
    )
    due = TaxItemDue(
        item_id=uuid4(),
        company_id=company,
        kind=TaxKind.vat,
        period="2026-10",
        amount_grosze=123456789,
        outstanding_grosze=123456789,
        due_date=date(2026, 11, 25),
        stage=DueStage.upcoming,
        title="VAT za październik 2026",
        account="12105000997603123456789123",
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(events("tax.item.due", due), topic="tax.item.due")
    rows = await pool.fetch("SELECT user_id, to_email, status, subject, body_text FROM emails")
    by_user = {r["user_id"]: r for r in rows}
    assert set(by_user) == {wants, refuses}
    assert by_user[refuses]["status"] == "skipped"
    mail = by_user[wants]
    assert (mail["to_email"], mail["status"]) == (wants_email, "pending")
    assert (
        mail["subject"] == "Zbliża się termin: VAT za październik 2026 – 1\u00a0234\u00a0567,89 zł"
    )
    assert "Termin: 25.11.2026" in mail["body_text"]
    assert "Sklep Ola" in mail["body_text"]


async def test_memberships_follow_auth_events(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool
) -> None:
    user, org = uuid4(), uuid4()

    def change(role: str | None, email: str) -> bytes:
        data = MembershipChanged(
            user_id=user, org_id=org, org_kind=OrgKind.company, email=email, role=role
        )
        return events("user.membership.changed", data)

    async with TestKafkaBroker(broker) as br:
        await br.publish(change("employee", "A@Example.com"), topic="user.membership.changed")
        await br.publish(change("admin", "a@example.com"), topic="user.membership.changed")
        rows = await pool.fetch("SELECT email, role FROM members")
        assert [tuple(r) for r in rows] == [("a@example.com", "admin")]
        await br.publish(change(None, "a@example.com"), topic="user.membership.changed")
    assert await pool.fetchval("SELECT count(*) FROM members") == 0


async def test_an_inquiry_that_overtakes_its_company_event_joins_the_office_later(
    broker: KafkaBroker,
    events: Events,
    pool: asyncpg.Pool,
    people: Any,
    api: httpx.AsyncClient,
    tokens: TokenFactory,
) -> None:
    office, company = uuid4(), uuid4()
    client, client_email = await people.add(company, kind="company", role="client")
    company_created = OrgCreated(
        org_id=company, kind=OrgKind.company, nip="5261040828", name="Firma", office_id=office
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(
            events("inquiry.requested", _inquiry(company, client)), topic="inquiry.requested"
        )
        assert await pool.fetchval("SELECT office_id FROM threads") is None
        await br.publish(events("org.created", company_created), topic="org.created")
    headers = tokens.headers(office, org_kind="office", role="admin")
    [listed] = (await api.get("/threads", headers=headers)).json()["items"]
    reply = await api.post(
        f"/threads/{listed['thread']['id']}/messages",
        json={"body": "Już sprawdzam."},
        headers=headers,
    )
    assert reply.status_code == 201
    assert await pool.fetchval("SELECT office_id FROM threads") == office
    assert await pool.fetchval("SELECT to_email FROM emails") == client_email


async def test_an_invoice_ksef_refused_is_emailed_to_the_company_people(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool, people: Any
) -> None:
    _, company = await _orgs(pool)
    _, owner_email = await people.add(company, kind="company", role="owner")
    invoice = uuid4()
    failed = InvoiceSendFailed(
        company_id=company,
        invoice_id=invoice,
        errors=[SendError(code=450, description="Błąd weryfikacji semantyki dokumentu")],
        message="Faktura ma błędny NIP nabywcy.",
        retryable=True,
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(events("invoice.send.failed", failed), topic="invoice.send.failed")
    [row] = await pool.fetch("SELECT to_email, category, subject, body_text FROM emails")
    assert (row["to_email"], row["category"]) == (owner_email, "invoices")
    assert row["subject"] == "KSeF nie przyjął faktury firmy Sklep Ola"
    assert "Faktura ma błędny NIP nabywcy." in row["body_text"]
    assert f"https://rachmistrz.example/faktury/{invoice}" in row["body_text"]


async def test_an_invoice_handed_back_during_a_ksef_outage_is_not_reported_as_refused(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool, people: Any
) -> None:
    _, company = await _orgs(pool)
    await people.add(company, kind="company", role="owner")
    handed_back = InvoiceSendFailed(
        company_id=company,
        invoice_id=uuid4(),
        errors=[SendError(code="ksef_unavailable", description="KSeF is unavailable.")],
        message="KSeF jest niedostępny.",
        retryable=True,
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(events("invoice.send.failed", handed_back), topic="invoice.send.failed")
    assert await pool.fetchval("SELECT count(*) FROM emails") == 0
    # The event was handled (recorded once in the inbox), not dropped or dead-lettered.
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 1
