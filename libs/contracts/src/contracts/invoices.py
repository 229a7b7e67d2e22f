"""Events produced by `invoices`: sending requests, approvals, inquiries."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from contracts.envelope import EventData
from contracts.registry import EventSpec, register


class InvoiceSendRequested(EventData):
    """A user asked to send an issued invoice to KSeF; the gateway sends it in a session of
    the company's context (or the office's, when `on_behalf_office_id` is set)."""

    company_id: UUID
    company_nip: str = Field(pattern=r"^\d{10}$")
    invoice_id: UUID
    xml: str = Field(description="FA(3) XML, valid against the XSD.")
    invoice_hash: str = Field(description="SHA-256 of `xml` (UTF-8), base64.")
    offline: bool = Field(default=False, description="Issued offline; send when KSeF answers.")
    offline_deadline: str | None = Field(default=None, description="ISO date it must reach KSeF.")
    offline_fallback: bool = Field(
        default=False,
        description="The issuer can issue it offline (has an Offline certificate): when KSeF is"
        " unavailable the gateway hands an online invoice back (`invoice.send.failed`, code"
        " `ksef_unavailable`) instead of holding it until KSeF answers.",
    )
    requested_by: UUID
    on_behalf_office_id: UUID | None = None


class InvoiceApproved(EventData):
    """A client approved (or rejected) a purchase invoice for booking by the office."""

    company_id: UUID
    invoice_id: UUID
    ksef_number: str | None = None
    approved: bool = True
    note: str | None = Field(default=None, max_length=2000)
    by_user_id: UUID


class InquiryInvoice(EventData):
    invoice_id: UUID
    ksef_number: str | None = None
    invoice_number: str | None = None
    counterparty: str | None = None


class InquiryRequested(EventData):
    """A user asked about some invoices; messaging opens a thread to the office about them."""

    inquiry_id: UUID
    company_id: UUID
    office_id: UUID | None = None
    requested_by: UUID
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=10000)
    invoices: list[InquiryInvoice] = Field(min_length=1)


INVOICE_SEND_REQUESTED = register(
    EventSpec("invoice.send.requested", 1, InvoiceSendRequested, InvoiceSendRequested.__doc__ or "")
)
INVOICE_APPROVED = register(
    EventSpec("invoice.approved", 1, InvoiceApproved, InvoiceApproved.__doc__ or "")
)
INQUIRY_REQUESTED = register(
    EventSpec("inquiry.requested", 1, InquiryRequested, InquiryRequested.__doc__ or "")
)
