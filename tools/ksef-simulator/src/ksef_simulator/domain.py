"""Domain records of the simulated KSeF; plain data, no I/O."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Ident:
    """A typed identifier: contexts (Nip, InternalId, ...) and subjects (Nip, Pesel, ...)."""

    type: str
    value: str

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "value": self.value}


@dataclass
class Status:
    code: int
    description: str
    details: list[str] | None = None
    extensions: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "description": self.description}
        if self.details:
            body["details"] = self.details
        if self.extensions:
            body["extensions"] = self.extensions
        return body


@dataclass
class Challenge:
    value: str
    issued_at: datetime
    client_ip: str


@dataclass
class AuthOperation:
    reference_number: str
    started: datetime
    method: str  # deprecated AuthenticationMethod enum value
    category: str  # AuthenticationMethodCategory
    subject: Ident
    context: Ident
    status: Status
    permissions: frozenset[str] = frozenset()
    ksef_token_ref: str | None = None
    document_hash: str = ""
    redeemed: bool = False
    revoked: bool = False
    refresh_valid_until: datetime | None = None
    last_refresh: datetime | None = None
    # DN attributes (dotted OID, value) of the certificate that signed a XAdES login.
    certificate_subject: list[tuple[str, str]] | None = None


@dataclass
class KsefToken:
    reference_number: str
    secret: str
    author: Ident
    context: Ident
    description: str
    permissions: list[str]
    created: datetime
    status: str = "Active"
    last_use: datetime | None = None


@dataclass
class EntityGrant:
    id: str
    context: Ident  # the granting entity (the client)
    subject_nip: str  # the entity receiving the right (e.g. the office)
    permission: str  # InvoiceRead | InvoiceWrite
    can_delegate: bool
    description: str
    full_name: str
    start_date: datetime


@dataclass
class PermissionOperation:
    reference_number: str
    created: datetime
    status: Status


@dataclass
class Invoice:
    ksef_number: str
    invoice_number: str
    invoice_type: str
    issue_date: date
    invoicing_date: datetime
    acquisition_date: datetime
    permanent_storage_date: datetime
    # When the record becomes visible to queries; may be later than its storage date,
    # which is what makes the (HWM, now] range unstable as on the real system.
    visible_at: datetime
    seller_nip: str
    seller_name: str | None
    buyer: Ident  # type Nip | VatUe | Other | None
    buyer_name: str | None
    net_amount: float
    gross_amount: float
    vat_amount: float
    currency: str
    invoicing_mode: str
    form_code: dict[str, str]
    is_self_invoicing: bool
    has_attachment: bool
    invoice_hash: str
    xml: bytes
    third_subjects: list[dict[str, Any]] = field(default_factory=list)
    authorized_subject: dict[str, Any] | None = None
    hash_of_corrected_invoice: str | None = None
    session_ref: str | None = None
    invoice_ref: str | None = None


@dataclass
class SessionInvoice:
    reference_number: str
    ordinal_number: int
    invoice_hash: str
    invoicing_date: datetime
    status: Status
    invoicing_mode: str = "Online"
    invoice_number: str | None = None
    ksef_number: str | None = None
    acquisition_date: datetime | None = None
    permanent_storage_date: datetime | None = None
    upo_xml: bytes | None = None


@dataclass
class OnlineSession:
    reference_number: str
    context: Ident
    auth_reference: str
    form_code: dict[str, str]
    key: bytes
    iv: bytes
    created: datetime
    updated: datetime
    valid_until: datetime
    status: Status
    invoices: list[SessionInvoice] = field(default_factory=list)
    upo_xml: bytes | None = None
    upo_reference: str | None = None


@dataclass
class ExportPart:
    ordinal_number: int
    part_name: str
    part_size: int
    part_hash: str
    encrypted: bytes


@dataclass
class InvoiceExport:
    reference_number: str
    context: Ident
    created: datetime
    # Processing takes simulated time: the status is 100 until `ready_at`, then `result`.
    ready_at: datetime
    result: Status
    package: dict[str, Any] | None = None  # InvoicePackage fields except `parts`
    parts: list[ExportPart] = field(default_factory=list)
    package_expires: datetime | None = None


@dataclass
class KsefCertificate:
    serial_number: str  # 16 uppercase hex digits
    name: str
    type: str  # Authentication | Offline
    owner: Ident  # the authenticated identity that enrolled it (Nip, Pesel, Fingerprint)
    common_name: str
    der: bytes
    spki_hash: str
    request_date: datetime
    valid_from: datetime
    valid_to: datetime
    revoked: bool = False
    revocation_reason: str | None = None


@dataclass
class CertificateEnrollment:
    reference_number: str
    owner: Ident
    request_date: datetime
    status: Status
    serial_number: str | None = None
