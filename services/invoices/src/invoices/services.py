"""Workflow use cases on invoices: one transaction each, events through the outbox.

Bulk actions are all-or-nothing: an id the caller may not see fails the whole request with
404, so nothing is half-applied and ids of other tenants cannot be probed one by one.
"""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID, uuid4

import asyncpg

from chassis import outbox
from chassis.db import Conn
from chassis.tenancy import get_org, require_company
from chassis.tokens import Principal
from contracts.envelope import new_envelope
from contracts.invoices import InquiryInvoice, InquiryRequested, InvoiceApproved
from invoices import repository as repo
from invoices.domain import (
    Approval,
    Booking,
    CategoryNotFound,
    Excluded,
    NoOffice,
    NotApproved,
    require_client,
    require_office,
    require_office_manager,
)

PRODUCER = "invoices"


async def office_of(conn: Conn, principal: Principal, company_id: UUID | None = None) -> UUID:
    """The office whose categories apply: the caller's office, or the company's office."""
    if principal.is_office:
        return principal.org_id
    org = await get_org(conn, company_id or principal.org_id)
    if org is None or org.office_id is None:
        raise NoOffice()
    return org.office_id


async def assign_category(
    pool: asyncpg.Pool, principal: Principal, ids: list[UUID], category_id: UUID | None
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        rows = await repo.visible(conn, principal, ids, lock=True)
        name = ""
        if category_id is not None:
            office = await office_of(conn, principal, rows[0]["company_id"])
            found = await repo.category(conn, office, category_id)
            offices = {
                o.office_id for o in [await get_org(conn, r["company_id"]) for r in rows] if o
            }
            if found is None or offices != {office}:
                raise CategoryNotFound()
            name = found["name"]
        await repo.update(conn, ids, "category_id = $2, category_name = $3", category_id, name)
        await repo.record(
            conn, principal, ids, "category", {"category_id": str(category_id), "name": name}
        )


async def describe(pool: asyncpg.Pool, principal: Principal, invoice_id: UUID, text: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await repo.visible(conn, principal, [invoice_id], lock=True)
        await repo.update(conn, [invoice_id], "description = $2", text)
        await repo.record(conn, principal, [invoice_id], "description", {"text": text})


async def exclude(
    pool: asyncpg.Pool, principal: Principal, ids: list[UUID], reason: str | None
) -> None:
    """Exclude from booking with a reason, or (reason None) include again."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await repo.visible(conn, principal, ids, lock=True)
        if reason is None:
            back = [r["id"] for r in rows if r["booking"] == Booking.excluded]
            await repo.update(conn, back, "booking = 'unbooked', exclude_reason = NULL")
            await repo.record(conn, principal, back, "included", {})
            return
        await repo.update(conn, ids, "booking = 'excluded', exclude_reason = $2", reason)
        await repo.record(conn, principal, ids, "excluded", {"reason": reason})


async def approve(
    pool: asyncpg.Pool, principal: Principal, ids: list[UUID], approved: bool, note: str | None
) -> None:
    """The client's approval or rejection; each invoice emits invoice.approved."""
    require_client(principal)
    status = Approval.approved if approved else Approval.rejected
    async with pool.acquire() as conn, conn.transaction():
        rows = await repo.visible(conn, principal, ids, lock=True)
        await repo.update(
            conn,
            ids,
            "approval = $2, approval_note = $3, approved_by = $4, approved_at = now()",
            status.value,
            note,
            principal.user_id,
        )
        await repo.record(conn, principal, ids, status.value, {"note": note})
        for row in rows:
            event = InvoiceApproved(
                company_id=row["company_id"],
                invoice_id=row["id"],
                ksef_number=row["ksef_number"],
                approved=approved,
                note=note,
                by_user_id=principal.user_id,
            )
            envelope = new_envelope(
                "invoice.approved", 1, event, producer=PRODUCER, org_id=row["company_id"]
            )
            await outbox.add(conn, envelope, key=str(row["company_id"]))


async def book(
    pool: asyncpg.Pool, principal: Principal, ids: list[UUID], booked: bool, decree: str | None
) -> None:
    """The office marks invoices booked (with an optional account decree), or unbooks them."""
    require_office(principal)
    async with pool.acquire() as conn, conn.transaction():
        rows = await repo.visible(conn, principal, ids, lock=True)
        if booked:
            for row in rows:
                if row["booking"] == Booking.excluded:
                    raise Excluded(details={"invoice_id": str(row["id"])})
                if row["direction"] == "purchase" and row["approval"] != Approval.approved:
                    raise NotApproved(details={"invoice_id": str(row["id"])})
            await repo.update(
                conn,
                ids,
                "booking = 'booked', booked_by = $2, booked_at = now(), booking_decree = $3",
                principal.user_id,
                decree,
            )
        else:
            await repo.update(conn, ids, "booking = 'unbooked', booked_by = NULL, booked_at = NULL")
        await repo.record(
            conn, principal, ids, "booked" if booked else "unbooked", {"decree": decree}
        )


async def request_inquiry(
    pool: asyncpg.Pool, principal: Principal, ids: list[UUID], subject: str, body: str
) -> list[UUID]:
    """One inquiry.requested per company of the selected invoices; returns the inquiry ids."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await repo.visible(conn, principal, ids)
        by_company: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
        for row in rows:
            by_company[row["company_id"]].append(row)
        inquiries = []
        for company_id, invoices in by_company.items():
            org = await get_org(conn, company_id)
            event = InquiryRequested(
                inquiry_id=uuid4(),
                company_id=company_id,
                office_id=org.office_id if org else None,
                requested_by=principal.user_id,
                subject=subject,
                body=body,
                invoices=[
                    InquiryInvoice(
                        invoice_id=r["id"],
                        ksef_number=r["ksef_number"],
                        invoice_number=r["invoice_number"] or None,
                        counterparty=r["counterparty_name"] or None,
                    )
                    for r in invoices
                ],
            )
            envelope = new_envelope(
                "inquiry.requested", 1, event, producer=PRODUCER, org_id=company_id
            )
            await outbox.add(conn, envelope, key=str(company_id))
            await repo.record(
                conn,
                principal,
                [r["id"] for r in invoices],
                "inquiry",
                {"inquiry_id": str(event.inquiry_id), "subject": subject},
            )
            inquiries.append(event.inquiry_id)
        return inquiries


# --- categories and settings -----------------------------------------------------------------


async def save_category(
    pool: asyncpg.Pool, principal: Principal, category_id: UUID | None, name: str, colour: str
) -> UUID:
    require_office_manager(principal)
    async with pool.acquire() as conn, conn.transaction():
        if (
            category_id is not None
            and await repo.category(conn, principal.org_id, category_id) is None
        ):
            raise CategoryNotFound()
        category_id = category_id or uuid4()
        await repo.save_category(conn, category_id, principal.org_id, name, colour)
        return category_id


async def delete_category(pool: asyncpg.Pool, principal: Principal, category_id: UUID) -> None:
    require_office_manager(principal)
    async with pool.acquire() as conn, conn.transaction():
        if await repo.category(conn, principal.org_id, category_id) is None:
            raise CategoryNotFound()
        await repo.delete_category(conn, category_id)


async def set_settings(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, office_sees_unapproved: bool
) -> None:
    """The client (owner/admin) or the office's managers decide what the office sees."""
    allowed = ("admin", "manager") if principal.is_office else ("owner", "admin")
    principal.require_role(*allowed)
    async with pool.acquire() as conn, conn.transaction():
        await require_company(conn, principal, company_id)
        await repo.set_office_sees_unapproved(
            conn, company_id, office_sees_unapproved, principal.user_id
        )
