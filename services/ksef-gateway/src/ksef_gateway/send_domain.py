"""Sending invoices: queue items, which credential serves them, and what KSeF's answers mean.

No I/O here. KSeF's invoice status codes are from KSEF-NOTES §5 (online session, step 3).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from lxml import etree  # type: ignore[import-untyped]

from ksef_gateway.xades import safe_parser

# Statuses of an invoice in a session that are still being decided.
PROCESSING = (100, 150)
ACCEPTED = 200
DUPLICATE = 440
# Session errors after which the invoice goes again into a fresh session.
SESSION_GONE = (21173, 21180)
UPO_NS = "http://upo.schematy.mf.gov.pl/KSeF/v4-3"

STATUS_MESSAGES: dict[int, str] = {
    405: "KSeF anulował przetwarzanie faktury z powodu błędu sesji. Wyślij ją ponownie.",
    410: "Brak uprawnienia do wystawiania faktur w tym kontekście KSeF (zakres uprawnień).",
    415: "Faktury z załącznikiem nie można wysłać w sesji interaktywnej.",
    430: "Faktura nie przeszła weryfikacji pliku w KSeF (niezgodna ze schematem FA(3)).",
    435: "KSeF nie odszyfrował faktury. Wyślij ją ponownie.",
    440: "Faktura o tym numerze już istnieje w KSeF (duplikat: NIP sprzedawcy, rodzaj i numer).",
    450: "KSeF odrzucił fakturę z powodu błędu treści (np. data wystawienia w przyszłości).",
    500: "Nieznany błąd KSeF przy przetwarzaniu faktury. Wyślij ją ponownie.",
    550: "KSeF anulował przetwarzanie faktury. Wyślij ją ponownie.",
}
# Worth sending again unchanged (the fault was KSeF's, not the invoice's).
RETRYABLE = {405, 435, 500, 550}


def status_message(code: int) -> str:
    return STATUS_MESSAGES.get(code, f"KSeF odrzucił fakturę (kod {code}).")


@dataclass(frozen=True)
class SendItem:
    invoice_id: UUID
    company_id: UUID
    company_nip: str
    on_behalf_office_id: UUID | None
    context_key: str
    xml: str
    invoice_hash: str
    offline: bool
    offline_fallback: bool
    state: str
    attempts: int
    session_ref: str | None
    invoice_ref: str | None
    requested_at: datetime


def context_key(company_id: UUID, office_id: UUID | None) -> str:
    """The company's own credential, or the office's credential in the company's context."""
    return f"office:{office_id}:{company_id}" if office_id else f"company:{company_id}"


def parse_context_key(key: str) -> tuple[UUID, UUID | None]:
    """(company_id, office_id or None) of a context key."""
    parts = key.split(":")
    if parts[0] == "office":
        return UUID(parts[2]), UUID(parts[1])
    return UUID(parts[1]), None


def office_session_key(company_id: UUID, office_id: UUID) -> UUID:
    """Where the office's tokens in a client's context are cached when the client itself logs
    in another way (ksef_sessions holds one session per key)."""
    return uuid.uuid5(company_id, f"office-send:{office_id}")


def backoff(attempts: int, base: float, cap: float = 600.0) -> timedelta:
    """Wait before the next attempt after `attempts` transient failures."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def session_usable(valid_until: datetime, count: int, now: datetime) -> bool:
    """A session takes more invoices while it has an hour left and room (10 000 per session)."""
    return valid_until - now > timedelta(hours=1) and count < 10_000


class SendRefused(Exception):
    """The invoice cannot be sent as asked (no credential, no right); the user must act."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def upo_document(upo: str, ksef_number: str, invoice_hash: str) -> str | None:
    """When the UPO acknowledges this very document (number and hash), its acquisition date."""
    root = etree.fromstring(upo.encode("utf-8"), safe_parser())
    for doc in root.iter(f"{{{UPO_NS}}}Dokument"):
        if (
            doc.findtext(f"{{{UPO_NS}}}NumerKSeFDokumentu") == ksef_number
            and doc.findtext(f"{{{UPO_NS}}}SkrotDokumentu") == invoice_hash
        ):
            acquired: str | None = doc.findtext(f"{{{UPO_NS}}}DataNadaniaNumeruKSeF")
            return acquired
    return None
