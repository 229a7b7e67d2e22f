"""State of the TEST-environment helpers (`/testdata/*`), read by the rest of the simulator.

`attachments_allowed(nip)`, `is_blocked(context)`, `person(pesel)`, `zaw_fa_rights`,
`session_limits(context, kind)` and `certificate_limits(subject)` are the questions session
processing, authentication and certificate enrollment ask. Rate-limit overrides live in the
rate limiter.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .domain import Ident


@dataclass
class TestSubject:
    nip: str
    kind: str  # EnforcementAuthority | VatGroup | JST
    subunits: list[str]
    description: str
    created: datetime


@dataclass
class Person:
    nip: str
    pesel: str
    is_bailiff: bool
    is_deceased: bool
    description: str


@dataclass(frozen=True)
class SessionLimits:
    max_invoice_size_mb: int = 1
    max_invoice_with_attachment_size_mb: int = 3
    max_invoices: int = 10_000

    @property
    def max_bytes(self) -> int:
        return self.max_invoice_size_mb * 1_000_000  # KSeF's MB is 1,000,000 bytes (notes §7)

    @property
    def max_bytes_with_attachment(self) -> int:
        return self.max_invoice_with_attachment_size_mb * 1_000_000

    def to_json(self) -> dict[str, int]:
        return {
            "maxInvoiceSizeInMB": self.max_invoice_size_mb,
            "maxInvoiceWithAttachmentSizeInMB": self.max_invoice_with_attachment_size_mb,
            "maxInvoices": self.max_invoices,
        }


# (enrollment requests, active certificates) per identifier type (notes §3.2).
CERTIFICATE_LIMITS = {"Nip": (300, 100), "Pesel": (12, 6), "Fingerprint": (12, 6)}


@dataclass
class TestData:
    subjects: dict[str, TestSubject] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)  # by NIP
    # (context NIP, authorized identifier) -> rights granted through "ZAW-FA"
    zaw_fa: dict[tuple[str, Ident], set[str]] = field(default_factory=dict)
    attachments: set[str] = field(default_factory=set)
    blocked: set[Ident] = field(default_factory=set)
    # context NIP -> {"Online"|"Batch": limits} set through /testdata/limits/context/session
    limits: dict[str, dict[str, SessionLimits]] = field(default_factory=dict)
    # subject -> (max enrollments, max certificates); None keeps the default
    subject_limits: dict[Ident, tuple[int | None, int | None]] = field(default_factory=dict)

    def grant(self, context_nip: str, who: Ident, rights: set[str]) -> None:
        self.zaw_fa.setdefault((context_nip, who), set()).update(rights)

    def revoke(self, context_nip: str, who: Ident) -> None:
        self.zaw_fa.pop((context_nip, who), None)

    def zaw_fa_rights(self, context_nip: str, who: Ident) -> set[str]:
        return set(self.zaw_fa.get((context_nip, who), set()))

    def attachments_allowed(self, nip: str) -> bool:
        return nip in self.attachments

    def is_blocked(self, context: Ident) -> bool:
        return context in self.blocked

    def person_owner(self, pesel: str) -> list[str]:
        """NIPs whose owner is the person with `pesel`."""
        return [p.nip for p in self.persons.values() if p.pesel == pesel]

    def person(self, pesel: str) -> Person | None:
        return next((p for p in self.persons.values() if p.pesel == pesel), None)

    def session_limits(self, context_nip: str, kind: str) -> SessionLimits:
        return self.limits.get(context_nip, {}).get(kind, SessionLimits())

    def certificate_limits(self, subject: Ident) -> tuple[int, int]:
        enrollments, certificates = CERTIFICATE_LIMITS.get(subject.type, (12, 6))
        custom_enrollments, custom_certificates = self.subject_limits.get(subject, (None, None))
        return (
            enrollments if custom_enrollments is None else custom_enrollments,
            certificates if custom_certificates is None else custom_certificates,
        )
