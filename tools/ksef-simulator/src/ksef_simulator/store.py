"""State behind a small async interface; `MemoryStore` is the single-process implementation.

Every method is async and works on whole records so a PostgreSQL store (one table per record
type, the query in `InvoiceQuery` translated to SQL) can replace the in-memory one.
"""

from typing import Protocol

from .domain import (
    AuthOperation,
    CertificateEnrollment,
    Challenge,
    EntityGrant,
    Invoice,
    InvoiceExport,
    KsefCertificate,
    KsefToken,
    OnlineSession,
    PermissionGrant,
    PermissionOperation,
)
from .invoice_index import InvoiceIndex, Page
from .invoice_query import InvoiceQuery


class Store(Protocol):
    async def add_challenge(self, challenge: Challenge) -> None: ...
    async def take_challenge(self, value: str) -> Challenge | None: ...
    async def save_auth(self, op: AuthOperation) -> None: ...
    async def get_auth(self, reference_number: str) -> AuthOperation | None: ...
    async def list_auth(self, context_value: str) -> list[AuthOperation]: ...
    async def save_token(self, token: KsefToken) -> None: ...
    async def get_token(self, reference_number: str) -> KsefToken | None: ...
    async def list_tokens(self, context_value: str) -> list[KsefToken]: ...
    async def save_grant(self, grant: EntityGrant) -> None: ...
    async def delete_grant(self, grant_id: str) -> EntityGrant | None: ...
    async def list_grants(
        self, context_value: str | None = None, subject_nip: str | None = None
    ) -> list[EntityGrant]: ...
    async def save_permission_grant(self, grant: PermissionGrant) -> None: ...
    async def delete_permission_grant(self, grant_id: str) -> PermissionGrant | None: ...
    async def list_permission_grants(
        self, context_value: str | None = None, subject_value: str | None = None
    ) -> list[PermissionGrant]: ...
    async def save_permission_operation(self, op: PermissionOperation) -> None: ...
    async def get_permission_operation(self, ref: str) -> PermissionOperation | None: ...
    async def add_invoice(self, invoice: Invoice) -> None: ...
    async def get_invoice(self, ksef_number: str) -> Invoice | None: ...
    async def find_duplicate(self, seller_nip: str, kind: str, number: str) -> Invoice | None: ...
    async def query_invoices(self, query: InvoiceQuery, limit: int) -> list[Invoice]: ...
    async def query_page(self, query: InvoiceQuery, offset: int, size: int, cap: int) -> Page:
        """Rows [offset, offset + size) of the ordered matches and the match count (≤ cap)."""
        ...

    async def save_session(self, session: OnlineSession) -> None: ...
    async def get_session(self, reference_number: str) -> OnlineSession | None: ...
    async def list_sessions(self, context_value: str) -> list[OnlineSession]: ...
    async def save_export(self, export: InvoiceExport) -> None: ...
    async def get_export(self, reference_number: str) -> InvoiceExport | None: ...
    async def list_exports(self, context_value: str) -> list[InvoiceExport]: ...
    async def save_certificate(self, cert: KsefCertificate) -> None: ...
    async def get_certificate(self, serial_number: str) -> KsefCertificate | None: ...
    async def list_certificates(self) -> list[KsefCertificate]: ...
    async def save_enrollment(self, enrollment: CertificateEnrollment) -> None: ...
    async def get_enrollment(self, reference_number: str) -> CertificateEnrollment | None: ...
    async def list_enrollments(self) -> list[CertificateEnrollment]: ...


class MemoryStore:
    """Dictionaries plus per-NIP indexes so metadata queries do not scan everything."""

    def __init__(self) -> None:
        self.challenges: dict[str, Challenge] = {}
        self.auth: dict[str, AuthOperation] = {}
        self.tokens: dict[str, KsefToken] = {}
        self.grants: dict[str, EntityGrant] = {}
        self.permission_ops: dict[str, PermissionOperation] = {}
        self.permission_grants: dict[str, PermissionGrant] = {}
        self.invoices = InvoiceIndex()
        self.sessions: dict[str, OnlineSession] = {}
        self.exports: dict[str, InvoiceExport] = {}
        self.certificates: dict[str, KsefCertificate] = {}
        self.enrollments: dict[str, CertificateEnrollment] = {}

    async def add_challenge(self, challenge: Challenge) -> None:
        self.challenges[challenge.value] = challenge

    async def take_challenge(self, value: str) -> Challenge | None:
        # A challenge is single use: taking it removes it.
        return self.challenges.pop(value, None)

    async def save_auth(self, op: AuthOperation) -> None:
        self.auth[op.reference_number] = op

    async def get_auth(self, reference_number: str) -> AuthOperation | None:
        return self.auth.get(reference_number)

    async def list_auth(self, context_value: str) -> list[AuthOperation]:
        return [a for a in self.auth.values() if a.context.value == context_value]

    async def save_token(self, token: KsefToken) -> None:
        self.tokens[token.reference_number] = token

    async def get_token(self, reference_number: str) -> KsefToken | None:
        return self.tokens.get(reference_number)

    async def list_tokens(self, context_value: str) -> list[KsefToken]:
        return [t for t in self.tokens.values() if t.context.value == context_value]

    async def save_grant(self, grant: EntityGrant) -> None:
        self.grants[grant.id] = grant

    async def delete_grant(self, grant_id: str) -> EntityGrant | None:
        return self.grants.pop(grant_id, None)

    async def list_grants(
        self, context_value: str | None = None, subject_nip: str | None = None
    ) -> list[EntityGrant]:
        return [
            g
            for g in self.grants.values()
            if (context_value is None or g.context.value == context_value)
            and (subject_nip is None or g.subject_nip == subject_nip)
        ]

    async def save_permission_grant(self, grant: PermissionGrant) -> None:
        self.permission_grants[grant.id] = grant

    async def delete_permission_grant(self, grant_id: str) -> PermissionGrant | None:
        return self.permission_grants.pop(grant_id, None)

    async def list_permission_grants(
        self, context_value: str | None = None, subject_value: str | None = None
    ) -> list[PermissionGrant]:
        return [
            g
            for g in self.permission_grants.values()
            if (context_value is None or g.context.value == context_value)
            and (subject_value is None or g.subject.value == subject_value)
        ]

    async def save_permission_operation(self, op: PermissionOperation) -> None:
        self.permission_ops[op.reference_number] = op

    async def get_permission_operation(self, ref: str) -> PermissionOperation | None:
        return self.permission_ops.get(ref)

    async def add_invoice(self, invoice: Invoice) -> None:
        self.invoices.add(invoice)

    async def get_invoice(self, ksef_number: str) -> Invoice | None:
        return self.invoices.by_number.get(ksef_number)

    async def find_duplicate(self, seller_nip: str, kind: str, number: str) -> Invoice | None:
        return self.invoices.duplicates.get((seller_nip, kind, number))

    async def query_invoices(self, query: InvoiceQuery, limit: int) -> list[Invoice]:
        return self.invoices.query_page(query, 0, limit, limit).rows

    async def query_page(self, query: InvoiceQuery, offset: int, size: int, cap: int) -> Page:
        return self.invoices.query_page(query, offset, size, cap)

    async def save_session(self, session: OnlineSession) -> None:
        self.sessions[session.reference_number] = session

    async def get_session(self, reference_number: str) -> OnlineSession | None:
        return self.sessions.get(reference_number)

    async def list_sessions(self, context_value: str) -> list[OnlineSession]:
        return [s for s in self.sessions.values() if s.context.value == context_value]

    async def save_export(self, export: InvoiceExport) -> None:
        self.exports[export.reference_number] = export

    async def get_export(self, reference_number: str) -> InvoiceExport | None:
        return self.exports.get(reference_number)

    async def list_exports(self, context_value: str) -> list[InvoiceExport]:
        return [e for e in self.exports.values() if e.context.value == context_value]

    async def save_certificate(self, cert: KsefCertificate) -> None:
        self.certificates[cert.serial_number] = cert

    async def get_certificate(self, serial_number: str) -> KsefCertificate | None:
        return self.certificates.get(serial_number)

    async def list_certificates(self) -> list[KsefCertificate]:
        return list(self.certificates.values())

    async def save_enrollment(self, enrollment: CertificateEnrollment) -> None:
        self.enrollments[enrollment.reference_number] = enrollment

    async def get_enrollment(self, reference_number: str) -> CertificateEnrollment | None:
        return self.enrollments.get(reference_number)

    async def list_enrollments(self) -> list[CertificateEnrollment]:
        return list(self.enrollments.values())
