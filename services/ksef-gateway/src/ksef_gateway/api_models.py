"""Request and response shapes of the gateway's HTTP API (never carrying a secret back)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import UUID

from pydantic import BaseModel, Field

from ksef_gateway.domain import Checkpoint, CompanyAuth, OfficeCredential

PEM_LIMIT = 64 * 1024


class SyncStart(BaseModel):
    sync_from: date | None = Field(
        default=None, description="Fetch invoices stored in KSeF since this day (backfill)."
    )

    def start(self) -> datetime | None:
        return datetime.combine(self.sync_from, time(), UTC) if self.sync_from else None


class TokenIn(SyncStart):
    token: str = Field(min_length=20, max_length=512, description="KSeF token (secret).")


class CertificateIn(SyncStart):
    certificate_pem: str = Field(min_length=1, max_length=PEM_LIMIT, description="PEM or CRT.")
    private_key_pem: str = Field(min_length=1, max_length=PEM_LIMIT)
    password: str | None = Field(default=None, max_length=1024)


class OfficeCredentialIn(BaseModel):
    certificate_pem: str = Field(min_length=1, max_length=PEM_LIMIT)
    private_key_pem: str = Field(min_length=1, max_length=PEM_LIMIT)
    password: str | None = Field(default=None, max_length=1024)


class EnrollIn(BaseModel):
    certificate_name: str = Field(
        default="Rachmistrz biuro",
        min_length=5,
        max_length=100,
        pattern=r"^[a-zA-Z0-9_\- ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]+$",
    )


class SyncStatus(BaseModel):
    direction: str
    checkpoint: datetime
    next_due_at: datetime
    last_finished_at: datetime | None
    last_error: str | None
    fetched_total: int
    enabled: bool

    @classmethod
    def of(cls, cp: Checkpoint) -> SyncStatus:
        return cls(
            direction=cp.direction.value,
            checkpoint=cp.checkpoint,
            next_due_at=cp.next_due_at,
            last_finished_at=cp.last_finished_at,
            last_error=cp.last_error,
            fetched_total=cp.fetched_total,
            enabled=cp.enabled,
        )


class AuthorizationPublic(BaseModel):
    method: str
    status: str
    valid_until: datetime | None
    permissions: list[str]
    message: str | None
    checked_at: datetime | None
    awaiting_signed_xml: bool

    @classmethod
    def of(cls, a: CompanyAuth) -> AuthorizationPublic:
        return cls(
            method=a.method.value,
            status=a.status.value,
            valid_until=a.valid_until,
            permissions=a.permissions,
            message=a.message,
            checked_at=a.checked_at,
            awaiting_signed_xml=a.pending_challenge is not None,
        )


class CompanyKsefPublic(BaseModel):
    company_id: UUID
    nip: str
    name: str
    authorization: AuthorizationPublic | None
    sync: list[SyncStatus]


class OfficeCredentialPublic(BaseModel):
    kind: str
    subject: str
    valid_from: datetime
    valid_until: datetime
    status: str

    @classmethod
    def of(cls, c: OfficeCredential) -> OfficeCredentialPublic:
        return cls(
            kind=c.kind,
            subject=c.subject,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            status=c.status,
        )


class SyncRequested(BaseModel):
    queued: int = Field(description="Subject types queued ahead of the schedule.")


class AvailabilityPublic(BaseModel):
    """KSeF's availability as the gateway last saw it (Latarnia + its own requests)."""

    status: str = Field(examples=["available", "unavailable"])
    mode: str | None = Field(default=None, examples=["offline", "awaryjny", "total"])
    source: str = Field(examples=["latarnia", "observed"])
    since: datetime
    until: datetime | None = None
    message: str
    checked_at: datetime | None = None
