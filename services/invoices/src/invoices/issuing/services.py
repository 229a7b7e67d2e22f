"""Issuing use cases: one transaction each; the send request leaves through the outbox.

Sending is all-or-nothing: the number is taken, the XML is built and checked against the
XSD, the row is updated and the event queued in one transaction, so a request that fails any
check leaves no number used, no half-updated invoice and no event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID, uuid4

import asyncpg

from chassis.db import Conn
from chassis.tenancy import Company, require_company
from chassis.tokens import Principal
from invoices.issuing import offline, sending
from invoices.issuing import repository as repo
from invoices.issuing.domain import (
    CORRECTS,
    EDITABLE,
    SENDABLE,
    DuplicateNumber,
    InvoiceInvalid,
    Kind,
    NotEditable,
    NotSendable,
    OfflineMode,
    Status,
    format_number,
    period_of,
    require_issuer,
)
from invoices.issuing.fa3_builder import (
    AdvanceRef,
    CorrectedRef,
    Document,
    Seller,
    build,
    schema_errors,
    totals,
)
from invoices.issuing.forms import Address, InvoiceForm, check_form, parse_form
from invoices.issuing.money import Totals

SendMode = Literal["online", "offline24"]


def _invalid(field: str, message: str) -> InvoiceInvalid:
    return InvoiceInvalid(details=[{"field": field, "message": message}])


async def _issuer_company(conn: Conn, principal: Principal, company_id: UUID) -> Company:
    company = await require_company(conn, principal, company_id)
    require_issuer(principal, await repo.office_may_issue(conn, company_id))
    return company


def _seller(company: Company, form: InvoiceForm) -> Seller:
    address = form.seller_address
    if address is None and company.address:
        address = Address(line1=company.address[:512])
    if address is None:
        raise _invalid("seller_address", "Podaj adres sprzedawcy (firma nie ma adresu w systemie).")
    return Seller(nip=company.nip, name=company.name, address=address)


_CORRECTABLE = {
    Kind.VAT: "Korygować można tylko przyjętą w KSeF fakturę VAT tej firmy.",
    Kind.ZAL: "Fakturą KOR_ZAL koryguje się tylko przyjętą w KSeF fakturę zaliczkową tej firmy.",
    Kind.ROZ: "Fakturą KOR_ROZ koryguje się tylko przyjętą w KSeF fakturę rozliczeniową tej firmy.",
}


async def _references(
    conn: Conn, company_id: UUID, form: InvoiceForm
) -> tuple[CorrectedRef | None, list[AdvanceRef]]:
    """The invoice a KOR corrects and the advances a ROZ settles: this company's, in KSeF."""
    corrected = None
    if form.correction is not None:
        rows = await repo.of_company(conn, company_id, [form.correction.corrected_invoice_id])
        wanted = CORRECTS.get(form.kind, Kind.VAT)
        if not rows or rows[0]["status"] != Status.accepted or rows[0]["kind"] != wanted:
            raise _invalid("correction.corrected_invoice_id", _CORRECTABLE[wanted])
        row = rows[0]
        original = InvoiceForm.model_validate(row["form"])
        advance = original.advance.amount if original.advance else None
        corrected = CorrectedRef(
            row["number"], row["issue_date"], row["ksef_number"], original.lines, advance
        )
    advances = []
    if form.settlement is not None:
        ids = form.settlement.advance_invoice_ids
        rows = await repo.of_company(conn, company_id, ids)
        good = [r for r in rows if r["kind"] == Kind.ZAL and r["status"] == Status.accepted]
        if len(good) != len(set(ids)):
            raise _invalid(
                "settlement.advance_invoice_ids",
                "Rozliczać można tylko przyjęte w KSeF faktury zaliczkowe tej firmy.",
            )
        advances = [
            AdvanceRef(r["number"], r["ksef_number"], Totals.from_json(r["totals"])) for r in good
        ]
    return corrected, advances


async def _draft_values(conn: Conn, company: Company, body: Any) -> dict[str, Any]:
    form = parse_form(body)
    check_form(form)
    seller = _seller(company, form)
    corrected, advances = await _references(conn, company.org_id, form)
    doc = Document(form, form.number or "-", seller, datetime.now(UTC), corrected, advances)
    amounts = totals(doc)
    if form.kind == Kind.ROZ and amounts.gross < 0:
        raise _invalid("settlement", "Zaliczki przekraczają wartość zamówienia.")
    return {
        "kind": form.kind.value,
        "number": form.number,
        "series_id": form.series_id,
        "issue_date": form.issue_date,
        "buyer_nip": form.buyer.nip,
        "buyer_name": form.buyer.name,
        "currency": form.currency,
        "net": amounts.net,
        "vat": amounts.vat,
        "gross": amounts.gross,
        "totals": amounts.to_json(),
        "form": form.model_dump(mode="json", exclude_none=True),
        "corrected_id": form.correction.corrected_invoice_id if form.correction else None,
    }


def _duplicate(error: asyncpg.UniqueViolationError) -> DuplicateNumber:
    return DuplicateNumber(details={"constraint": error.constraint_name})


async def create_draft(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, body: Any
) -> UUID:
    invoice_id = uuid4()
    async with pool.acquire() as conn, conn.transaction():
        company = await _issuer_company(conn, principal, company_id)
        values = await _draft_values(conn, company, body)
        values |= {
            "id": invoice_id,
            "company_id": company_id,
            "status": Status.draft.value,
            "created_by": principal.user_id,
        }
        try:
            await repo.insert(conn, values)
        except asyncpg.UniqueViolationError as error:
            raise _duplicate(error) from error
    return invoice_id


async def update_draft(
    pool: asyncpg.Pool, principal: Principal, invoice_id: UUID, body: Any
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.get(conn, principal, invoice_id, lock=True)
        company = await _issuer_company(conn, principal, row["company_id"])
        if row["stored_status"] not in EDITABLE:
            raise NotEditable()
        values = await _draft_values(conn, company, body)
        if row["stored_status"] == Status.rejected and row["number"]:
            values["number"] = values["number"] or row["number"]  # a taken number stays
        try:
            await repo.update(conn, invoice_id, values)
        except asyncpg.UniqueViolationError as error:
            raise _duplicate(error) from error


async def delete_draft(pool: asyncpg.Pool, principal: Principal, invoice_id: UUID) -> None:
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.get(conn, principal, invoice_id, lock=True)
        await _issuer_company(conn, principal, row["company_id"])
        if row["stored_status"] != Status.draft:
            raise NotEditable("Usunąć można tylko szkic; wysłana faktura zostaje w KSeF.")
        await repo.delete(conn, invoice_id)


async def _number(conn: Conn, company: Company, form: InvoiceForm, row: Any) -> tuple[str, Any]:
    if row["number"]:
        return row["number"], row["series_id"]
    series = await repo.series_for(conn, company.org_id, form.kind, form.series_id)
    n = await repo.next_number(conn, series["id"], period_of(series["reset"], form.issue_date))
    return format_number(series["pattern"], n, form.issue_date), series["id"]


async def send(
    pool: asyncpg.Pool,
    principal: Principal,
    invoice_id: UUID,
    mode: SendMode,
    signing: offline.Signing,
    today: date,
) -> None:
    """Number, build, validate and queue the invoice for KSeF: online, offline24, or offline
    in the outage's mode when KSeF is unavailable and the company can issue offline."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.get(conn, principal, invoice_id, lock=True)
        company = await _issuer_company(conn, principal, row["company_id"])
        if row["stored_status"] not in SENDABLE:
            raise NotSendable()
        form = InvoiceForm.model_validate(row["form"])
        if form.issue_date > today:
            raise _invalid("issue_date", "Data wystawienia nie może być późniejsza niż dziś.")
        corrected, advances = await _references(conn, company.org_id, form)
        number, series_id = await _number(conn, company, form, row)
        doc = Document(form, number, _seller(company, form), datetime.now(UTC), corrected, advances)
        xml = build(doc)
        problems = schema_errors(xml)
        if problems:
            raise InvoiceInvalid(details=[{"field": "fa3", "message": p} for p in problems[:10]])
        values = await _offline_values(conn, company, form, xml, mode, signing)
        has_certificate = await repo.offline_certificate(conn, company.org_id) is not None
        office_id = principal.org_id if principal.is_office else None
        envelope = await sending.queue_send(
            conn, company, invoice_id, xml, offline_values=values, fallback=has_certificate,
            requested_by=principal.user_id, office_id=office_id,
        )  # fmt: skip
        values |= {
            "status": (Status.offline if values["offline"] else Status.sending).value,
            "number": number,
            "series_id": series_id,
            "xml": xml,
            "invoice_hash": envelope.data.invoice_hash,
            "send_event_id": envelope.event_id,
            "on_behalf_office_id": office_id,
            "sent_at": datetime.now(UTC),
            "error_message": None,
            "errors": None,
            "retryable": None,
        }
        try:
            await repo.update(conn, invoice_id, values)
        except asyncpg.UniqueViolationError as error:
            raise _duplicate(error) from error
        await repo.remember_buyer(
            conn, company.org_id, form.buyer.model_dump(mode="json", exclude_none=True)
        )


async def _offline_values(
    conn: Conn,
    company: Company,
    form: InvoiceForm,
    xml: bytes,
    mode: SendMode,
    signing: offline.Signing,
) -> dict[str, Any]:
    if mode == "offline24":
        return await sending.offline_values(
            conn, company, xml, OfflineMode.offline24, signing, form.issue_date
        )
    ksef = await sending.availability(conn)
    if ksef is None or ksef["status"] == "available" or ksef["mode"] is None:
        return dict(sending.ONLINE)
    if await repo.offline_certificate(conn, company.org_id) is None:
        return dict(sending.ONLINE)  # cannot go offline: it waits in the queue for KSeF
    return await sending.offline_values(
        conn, company, xml, OfflineMode(ksef["mode"]), signing, form.issue_date
    )
