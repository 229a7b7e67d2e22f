"""The gateway's domain: ways into KSeF, their states, and sync vocabulary. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from contracts.ksef_gateway import AuthMethod, AuthStatus, Direction

WARSAW = ZoneInfo("Europe/Warsaw")
# KSeF stops accepting KSeF-token logins at the end of 2026 (MF's announcement).
TOKEN_SUNSET = datetime(2027, 1, 1, tzinfo=WARSAW)
TOKEN_SUNSET_NOTICE = (
    "Uwaga: KSeF kończy obsługę logowania tokenem KSeF 31 grudnia 2026 r. Aby synchronizacja"
    " działała dalej, skonfiguruj certyfikat KSeF (lub autoryzację centralną biura)."
)
SUBJECTS: dict[str, Direction] = {"Subject1": Direction.sales, "Subject2": Direction.purchase}
# KSeF accepts a dateRange of at most 3 months; 89 days is under 3 months in any calendar.
MAX_WINDOW = timedelta(days=89)

MESSAGES = {
    AuthStatus.active: "Połączenie z KSeF działa.",
    AuthStatus.no_permission: (
        "Firma nie nadała biuru uprawnienia do odczytu faktur (InvoiceRead) w KSeF."
        " Poproś klienta o nadanie uprawnienia i sprawdź ponownie."
    ),
    AuthStatus.expired: "Dane logowania do KSeF wygasły. Skonfiguruj autoryzację ponownie.",
    AuthStatus.revoked: "Dane logowania do KSeF zostały unieważnione. Skonfiguruj je ponownie.",
    AuthStatus.failed: "Logowanie do KSeF nie powiodło się.",
    AuthStatus.removed: "Autoryzację KSeF usunięto.",
}


@dataclass(frozen=True)
class CompanyAuth:
    company_id: UUID
    company_nip: str
    method: AuthMethod
    status: AuthStatus
    valid_until: datetime | None = None
    permissions: list[str] = field(default_factory=list)
    message: str | None = None
    certificate_pem: str | None = None
    secret_id: UUID | None = None
    pending_challenge: str | None = None
    checked_at: datetime | None = None

    def with_status(
        self, status: AuthStatus, message: str | None = None, **changes: object
    ) -> CompanyAuth:
        return replace(self, status=status, message=message or MESSAGES.get(status), **changes)  # type: ignore[arg-type]

    @property
    def can_relogin(self) -> bool:
        """Whether the gateway can log in again without the user (not a one-off signed XML)."""
        return self.method in (AuthMethod.token, AuthMethod.certificate, AuthMethod.office)


@dataclass(frozen=True)
class OfficeCredential:
    office_id: UUID
    office_nip: str
    kind: str  # certificate | ksef_certificate
    certificate_pem: str
    key_secret: UUID
    subject: str
    valid_from: datetime
    valid_until: datetime
    status: str
    message: str | None = None


@dataclass(frozen=True)
class Checkpoint:
    company_id: UUID
    subject_type: str
    checkpoint: datetime
    next_due_at: datetime
    priority: bool = False
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_error: str | None = None
    fetched_total: int = 0
    enabled: bool = True

    @property
    def direction(self) -> Direction:
        return SUBJECTS[self.subject_type]


def token_valid_until(now: datetime) -> datetime:
    return TOKEN_SUNSET.astimezone(UTC) if now < TOKEN_SUNSET else now


def window_end(checkpoint: datetime, now: datetime) -> datetime | None:
    """The closed end of a backfill window, or None for the open-ended (last) window."""
    if now - checkpoint > MAX_WINDOW:
        return checkpoint + MAX_WINDOW
    return None


def next_checkpoint(
    current: datetime,
    *,
    truncated: bool,
    last_date: datetime | None,
    hwm: datetime | None,
    window_to: datetime | None,
) -> datetime:
    """KSEF-NOTES §6.5 step 4: where the next window starts (adjacent, never going back)."""
    if truncated and last_date is not None:
        candidate = last_date
    elif hwm is not None:
        # A closed backfill window is complete up to its end even if HWM is reported higher.
        candidate = min(hwm, window_to) if window_to is not None else hwm
    else:
        candidate = window_to if window_to is not None else current
    return max(candidate, current)
