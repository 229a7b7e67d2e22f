"""Messaging's entities, rules and errors; no I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid5

from chassis.errors import ApiError, Conflict, Forbidden, InvalidInput, NotFound
from chassis.tokens import Principal

# E-mail categories a user may switch off, with the Polish label a settings page shows.
# "account" (activation, invitation, password reset) is not among them: it is always sent.
CATEGORIES: dict[str, str] = {
    "new_message": "Nowe wiadomości w wątkach",
    "tax_due": "Zbliżające się i przekroczone terminy podatków i opłat",
    "invoices": "Powiadomienia o fakturach",
}
ACCOUNT_CATEGORY = "account"

# Every human role of either kind of context may read and write its threads.
THREAD_ROLES = ("admin", "manager", "employee", "owner", "client")
OFFICE_MANAGERS = ("admin", "manager")

# uuid5 namespace for ids derived from other ids (e-mails per message and recipient), so a
# retried use case produces the same ids and the e-mail table's key stops duplicates.
ID_NAMESPACE = UUID("6f0c2d5e-8a55-4c0e-9a53-2b1a63c1d0a1")


def derived_id(*parts: object) -> UUID:
    return uuid5(ID_NAMESPACE, ":".join(str(p) for p in parts))


class InvalidEmailRequest(ValueError):
    """A notification that can never be rendered (unknown template, missing params)."""


class ThreadNotFound(NotFound):
    code = "thread_not_found"
    message = "Nie znaleziono wątku."


class CompanyHasNoOffice(Conflict):
    code = "company_has_no_office"
    message = "Firma nie jest obsługiwana przez biuro rachunkowe, więc nie ma do kogo napisać."


class CompanyRequired(InvalidInput):
    code = "company_required"
    message = "Wskaż firmę, z którą chcesz rozpocząć rozmowę."


class UnknownCategory(InvalidInput):
    code = "unknown_category"
    message = "Nieznana kategoria powiadomień."


class AttachmentNotFound(InvalidInput):
    code = "attachment_not_found"
    message = "Nie można dołączyć pliku: nie istnieje, został usunięty albo należy do innej firmy."


class AttachmentRefused(InvalidInput):
    code = "attachment_refused"
    message = "Serwis plików nie pozwolił dołączyć tych plików."


class FilesUnavailable(ApiError):
    status_code = 503
    code = "files_unavailable"
    message = "Nie udało się teraz sprawdzić załączników. Spróbuj ponownie za chwilę."


class RoleNotAllowed(Forbidden):
    code = "role_not_allowed"
    message = "Twoja rola nie pozwala korzystać z wiadomości."


def require_thread_role(principal: Principal) -> None:
    if principal.role not in THREAD_ROLES:
        raise RoleNotAllowed()


def side_of(principal: Principal) -> str:
    return "office" if principal.is_office else "company"


@dataclass(frozen=True)
class Attachment:
    file_id: UUID
    name: str


@dataclass(frozen=True)
class Message:
    id: UUID
    thread_id: UUID
    seq: int
    author_user_id: UUID | None
    author_name: str | None
    author_side: str
    body: str
    created_at: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class InvoiceRef:
    invoice_id: UUID
    ksef_number: str | None = None
    invoice_number: str | None = None
    counterparty: str | None = None


@dataclass(frozen=True)
class Thread:
    id: UUID
    company_id: UUID
    office_id: UUID | None
    subject: str
    created_by: UUID | None
    created_at: datetime
    last_seq: int
    invoices: tuple[InvoiceRef, ...] = ()


@dataclass(frozen=True)
class ThreadSummary:
    thread: Thread
    company_name: str | None
    unread: int
    last_message: Message | None


@dataclass(frozen=True)
class Recipient:
    user_id: UUID
    email: str
    full_name: str | None


@dataclass(frozen=True)
class NewEmail:
    notification_id: UUID
    template: str
    category: str
    to_email: str
    to_name: str | None
    params: dict[str, str]
    user_id: UUID | None = None
    org_id: UUID | None = None


@dataclass(frozen=True)
class PostedMessage:
    """What a use case that posted a message hands back (and what live updates carry)."""

    thread: Thread
    message: Message
    emails: list[NewEmail] = field(default_factory=list)


def excerpt(body: str, limit: int = 200) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
