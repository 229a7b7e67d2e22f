"""What other services' events become here: inquiry threads, tax reminders, requested e-mails.

Each function runs inside the inbox transaction of the event that caused it.
"""

from __future__ import annotations

from uuid import UUID

from chassis.db import Conn
from chassis.tenancy import get_org
from contracts.auth import NotificationRequested
from contracts.invoices import InquiryRequested
from contracts.ksef_gateway import InvoiceSendFailed
from contracts.taxes import DueStage, TaxItemDue
from messaging import members, outgoing
from messaging import repository as repo
from messaging.domain import InvoiceRef, NewEmail, derived_id
from messaging.posting import Links, post


async def requested_email(conn: Conn, d: NotificationRequested) -> str:
    status = await outgoing.queue(
        conn,
        NewEmail(
            notification_id=d.notification_id,
            template=d.template,
            category=d.category,
            to_email=d.to_email,
            to_name=d.to_name,
            params=dict(d.params),
            user_id=d.user_id,
            org_id=d.org_id,
        ),
    )
    return f"e-mail {d.notification_id} ({d.template}) {status}"


def inquiry_body(d: InquiryRequested) -> str:
    """The first message: the user's words, then the invoices it is about."""
    lines = [d.body.strip()] if d.body.strip() else []
    lines.append("Pytanie dotyczy faktur:" if len(d.invoices) > 1 else "Pytanie dotyczy faktury:")
    for i in d.invoices:
        label = i.invoice_number or i.ksef_number or str(i.invoice_id)
        ksef = f"KSeF {i.ksef_number}" if i.ksef_number and i.invoice_number else None
        extra = ", ".join(x for x in (i.counterparty, ksef) if x)
        lines.append(f"- {label}" + (f" ({extra})" if extra else ""))
    return "\n".join(lines)


async def open_inquiry(conn: Conn, d: InquiryRequested, links: Links) -> str:
    """A thread to the office about the selected invoices, opened by the asking user."""
    if (existing := await repo.thread_by_inquiry(conn, d.inquiry_id)) is not None:
        return f"inquiry {d.inquiry_id} already in thread {existing}"
    company = await get_org(conn, d.company_id)
    office_id = d.office_id or (company.office_id if company else None)
    thread = await repo.insert_thread(
        conn,
        company_id=d.company_id,
        office_id=office_id,
        subject=d.subject,
        created_by=d.requested_by,
        invoices=[
            InvoiceRef(i.invoice_id, i.ksef_number, i.invoice_number, i.counterparty)
            for i in d.invoices
        ],
        inquiry_id=d.inquiry_id,
    )
    # Office staff may ask on a client's behalf; the message is then the office's.
    by_office = office_id is not None and await members.is_member(conn, d.requested_by, office_id)
    await post(
        conn,
        thread,
        author_user_id=d.requested_by,
        author_org_id=office_id if by_office else d.company_id,
        author_side="office" if by_office else "company",
        body=inquiry_body(d),
        links=links,
        message_id=derived_id("inquiry", d.inquiry_id),
    )
    return f"inquiry {d.inquiry_id} opened thread {thread.id}"


async def email_company(
    conn: Conn,
    company_id: UUID,
    *,
    cause: object,
    template: str,
    category: str,
    params: dict[str, str],
) -> tuple[int, int]:
    """One e-mail per person of the company (per their settings); returns (queued, people)."""
    company = await get_org(conn, company_id)
    people = await members.company_people(conn, company_id)
    queued = 0
    for person in people:
        status = await outgoing.queue(
            conn,
            NewEmail(
                notification_id=derived_id(template, cause, person.user_id),
                template=template,
                category=category,
                to_email=person.email,
                to_name=person.full_name,
                params={"company_name": company.name if company else "", **params},
                user_id=person.user_id,
                org_id=company_id,
            ),
        )
        queued += status == "pending"
    return queued, len(people)


# The gateway hands an unsent invoice back with this code while KSeF is unavailable.
KSEF_UNAVAILABLE = "ksef_unavailable"


async def invoice_send_failed(
    conn: Conn, d: InvoiceSendFailed, links: Links, *, event_id: UUID
) -> str:
    """Tell the company's people that KSeF refused an invoice they issued (once per event:
    a second refusal of the same invoice after a correction is news again)."""
    if d.errors and d.errors[0].code == KSEF_UNAVAILABLE:
        # Not a refusal: KSeF was down and invoices issues the invoice offline by itself.
        return f"invoice {d.invoice_id} handed back during a KSeF outage: nothing to tell"
    queued, people = await email_company(
        conn,
        d.company_id,
        cause=event_id,
        template="invoice_send_failed",
        category="invoices",
        params={
            "link": links.invoice(d.invoice_id),
            "message": d.message,
            "retryable": "yes" if d.retryable else "",
        },
    )
    return f"invoice {d.invoice_id} refused: {queued} of {people} e-mailed"


def polish_amount(grosze: int) -> str:
    """1234567 -> '12 345,67 zł' (a non-breaking space groups thousands, as Polish prints)."""
    zloty, rest = divmod(grosze, 100)
    return f"{zloty:,}".replace(",", "\u00a0") + f",{rest:02d} zł"


async def tax_item_due(conn: Conn, d: TaxItemDue, links: Links) -> str:
    """Tell the company's people that a tax or fee is due soon or overdue (per settings)."""
    queued, people = await email_company(
        conn,
        d.company_id,
        cause=f"{d.item_id}:{d.stage.value}",
        template="tax_due",
        category="tax_due",
        params={
            "link": links.taxes(d.company_id),
            "title": d.title,
            "amount": polish_amount(d.outstanding_grosze or d.amount_grosze),
            "due_date": d.due_date.strftime("%d.%m.%Y"),
            "stage": "overdue" if d.stage is DueStage.overdue else "upcoming",
            "account": d.account,
        },
    )
    return f"tax item {d.item_id} {d.stage.value}: {queued} of {people} e-mailed"
