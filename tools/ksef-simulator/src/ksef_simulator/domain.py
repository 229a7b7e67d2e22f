"""Domain records of the simulated KSeF; plain data, no I/O."""

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol


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
class PermissionGrant:
    """Person, indirect, subunit, EU-entity and authorization grants (entity grants: above)."""

    id: str
    kind: str  # Person | Indirect | Subunit | EuEntityAdmin | EuEntity | Authorization
    context: Ident  # the context the grant was made in (the granting entity)
    subject: Ident  # who receives it: Nip | Pesel | Fingerprint | PeppolId
    permission: str
    description: str
    author: Ident
    start_date: datetime
    # Indirect: the client (Nip | InternalId) or AllPartners; Subunit/EU admin: that context.
    target: Ident | None = None
    can_delegate: bool = False
    details: dict[str, Any] = field(default_factory=dict)  # subjectDetails, names, as sent


@dataclass
class PermissionOperation:
    reference_number: str
    created: datetime
    status: Status


class XmlSource(Protocol):
    """Invoice XML produced on demand (seeded invoices keep a recipe, not the bytes)."""

    def render(self) -> bytes: ...


# slots: a million seeded invoices must fit in memory (`benchmarks/ksef_simulator.py`).
@dataclass(slots=True, eq=False)
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
    # The stored document: the bytes a client sent, or a recipe rendered on each read.
    content: "bytes | XmlSource"
    content_hash: str | None = None  # SHA-256 (Base64) of the XML, computed once
    third_subjects: list[dict[str, Any]] = field(default_factory=list)
    authorized_subject: dict[str, Any] | None = None
    hash_of_corrected_invoice: str | None = None
    session_ref: str | None = None
    invoice_ref: str | None = None

    @property
    def xml(self) -> bytes:
        content = self.content
        return content if isinstance(content, bytes) else content.render()

    @property
    def invoice_hash(self) -> str:
        if self.content_hash is None:
            digest = hashlib.sha256(self.xml).digest()
            self.content_hash = base64.b64encode(digest).decode()
        return self.content_hash


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
    invoice_file_name: str | None = None  # batch sessions: the file's name in the archive


@dataclass
class BatchUpload:
    """What `POST /sessions/batch` declared, and the encrypted parts uploaded so far."""

    file_size: int
    file_hash: str
    compression: str  # Zip | TarGz
    # ordinal -> (encrypted size, encrypted SHA-256 Base64), as declared by the client
    declared: dict[int, tuple[int, str]]
    upload_deadline: datetime
    uploaded: dict[int, bytes] = field(default_factory=dict)
    # Set at close: the package is processed once the simulated clock reaches it (status 150).
    process_at: datetime | None = None


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
    kind: str = "Online"  # Online | Batch (one record type for both kinds of session)
    subject: Ident | None = None  # who opened it: InvoiceWrite callers list only their own
    closed: datetime | None = None
    offline_mode: bool = False
    batch: BatchUpload | None = None


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
