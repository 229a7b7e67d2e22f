"""Events produced by `ksef-gateway`: invoices fetched from and sent to KSeF, authorisations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.envelope import EventData
from contracts.registry import EventSpec, register

# Kafka's default message limit is 1 MiB; larger invoices travel as a claim check.
INLINE_XML_LIMIT = 512 * 1024


class Direction(StrEnum):
    sales = "sales"  # KSeF Subject1: the company is the seller
    purchase = "purchase"  # Subject2: the company is the buyer
    other = "other"  # Subject3 / SubjectAuthorized: third party, authorised subject


class InvoiceFetched(EventData):
    """An invoice of a company was downloaded from KSeF (once per company and direction).

    Exactly one of `xml` (inline) and `xml_ref` (claim check: an object in the gateway's MinIO
    bucket, readable by `invoices`) is set."""

    company_id: UUID
    company_nip: str = Field(pattern=r"^\d{10}$")
    direction: Direction
    ksef_number: str = Field(examples=["5265877635-20250826-0100001AF629-AF"])
    invoice_hash: str = Field(description="SHA-256 of the XML, base64, as KSeF reports it.")
    invoice_number: str | None = Field(default=None, description="The seller's number.")
    issue_date: date | None = None
    invoicing_date: datetime | None = Field(default=None, description="Accepted by KSeF.")
    acquisition_date: datetime | None = None
    permanent_storage_date: datetime = Field(description="KSeF PermanentStorage date (HWM).")
    metadata: dict[str, object] = Field(
        default_factory=dict, description="The invoice's KSeF metadata record, as received."
    )
    xml: str | None = Field(default=None, description="FA(3) XML, when under the inline limit.")
    xml_ref: str | None = Field(default=None, description="s3://bucket/key of the XML.")
    xml_size: int = Field(ge=0)


class InvoiceSent(EventData):
    """An invoice issued in Rachmistrz was accepted by KSeF."""

    company_id: UUID
    invoice_id: UUID = Field(description="The invoice's id in `invoices`.")
    ksef_number: str
    reference_number: str = Field(description="KSeF's reference of the invoice in its session.")
    session_reference: str
    invoice_hash: str
    acquisition_date: datetime | None = None
    permanent_storage_date: datetime | None = None
    upo_xml: str | None = Field(default=None, description="The UPO document, when fetched.")
    offline: bool = False


class SendError(EventData):
    code: int | str
    description: str
    details: list[str] = Field(default_factory=list)


class InvoiceSendFailed(EventData):
    """KSeF refused an issued invoice, or it could not be sent for good."""

    company_id: UUID
    invoice_id: UUID
    errors: list[SendError]
    message: str = Field(description="Explanation for the user, in Polish.")
    retryable: bool = Field(default=False, description="True: the user may send it again.")


class AuthMethod(StrEnum):
    token = "token"
    signed_xml = "signed_xml"
    certificate = "certificate"
    office = "office"  # the office's central authorisation
    none = "none"


class AuthStatus(StrEnum):
    active = "active"
    expired = "expired"
    revoked = "revoked"
    no_permission = "no_permission"
    failed = "failed"
    removed = "removed"


class KsefAuthorizationChanged(EventData):
    """A company's way into KSeF changed: configured, verified, expired, revoked, removed."""

    company_id: UUID
    company_nip: str = Field(pattern=r"^\d{10}$")
    method: AuthMethod
    status: AuthStatus
    valid_until: datetime | None = None
    permissions: list[str] = Field(default_factory=list, examples=[["InvoiceRead"]])
    message: str | None = Field(default=None, description="Polish explanation for the user.")


class KsefSyncCompleted(EventData):
    """One sync round of one company and subject type finished (successfully or not)."""

    company_id: UUID
    direction: Direction
    started_at: datetime
    finished_at: datetime
    high_water_mark: datetime | None = Field(description="The checkpoint after the round.")
    fetched: int = Field(ge=0, description="Invoices published in this round.")
    error: str | None = Field(default=None, description="Error code when the round failed.")


class KsefStatus(StrEnum):
    available = "available"
    unavailable = "unavailable"


class OfflineMode(StrEnum):
    """How invoices are issued while KSeF is unavailable (KSEF-NOTES §10)."""

    offline = "offline"  # KSeF unavailable (art. 106nh): next business day after it ends
    awaryjny = "awaryjny"  # announced failure (art. 106nf): 7 business days after it ends
    total = "total"  # total failure: no obligation to send, no QR codes


class KsefAvailabilityChanged(EventData):
    """KSeF became unavailable or available again, as the gateway sees it: the Latarnia status
    service combined with the outcome of its own requests. Keyed by the constant `ksef`."""

    status: KsefStatus
    mode: OfflineMode | None = Field(
        default=None, description="While unavailable: the offline mode invoices fall under."
    )
    since: datetime = Field(description="When this status began (for `available`: the end).")
    until: datetime | None = Field(default=None, description="Announced end, when known.")
    message: str = Field(description="Explanation for the user, in Polish.")
    source: str = Field(
        description="`latarnia` (announced by the status service) or `observed` (KSeF failed"
        " to answer the gateway's requests).",
        examples=["latarnia"],
    )


INVOICE_FETCHED = register(
    EventSpec("invoice.fetched", 1, InvoiceFetched, InvoiceFetched.__doc__ or "")
)
INVOICE_SENT = register(EventSpec("invoice.sent", 1, InvoiceSent, InvoiceSent.__doc__ or ""))
INVOICE_SEND_FAILED = register(
    EventSpec("invoice.send.failed", 1, InvoiceSendFailed, InvoiceSendFailed.__doc__ or "")
)
AUTHORIZATION_CHANGED = register(
    EventSpec(
        "ksef.authorization.changed",
        1,
        KsefAuthorizationChanged,
        KsefAuthorizationChanged.__doc__ or "",
    )
)
SYNC_COMPLETED = register(
    EventSpec("ksef.sync.completed", 1, KsefSyncCompleted, KsefSyncCompleted.__doc__ or "")
)
AVAILABILITY_CHANGED = register(
    EventSpec(
        "ksef.availability.changed",
        1,
        KsefAvailabilityChanged,
        KsefAvailabilityChanged.__doc__ or "",
    )
)
