"""Invoice workflow vocabulary, search folding and the errors users see (Polish)."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.tokens import Principal


class Approval(StrEnum):
    not_required = "not_required"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Booking(StrEnum):
    unbooked = "unbooked"
    booked = "booked"
    excluded = "excluded"


class Status(StrEnum):
    parsed = "parsed"
    failed = "failed"


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"
    message = "Nie znaleziono faktury."


class CategoryNotFound(NotFound):
    code = "category_not_found"
    message = "Nie znaleziono kategorii."


class CategoryExists(Conflict):
    code = "category_exists"
    message = "Kategoria o tej nazwie już istnieje."


class NoOffice(Conflict):
    code = "company_without_office"
    message = "Firma nie ma biura rachunkowego; kategorie definiuje biuro."


class NotApproved(Conflict):
    code = "not_approved"
    message = "Faktura zakupowa czeka na akceptację klienta; nie można jej zaksięgować."


class Excluded(Conflict):
    code = "excluded_from_booking"
    message = "Faktura jest wyłączona z księgowania."


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"
    message = "Nieprawidłowy znacznik strony; zacznij listę od początku."


class TooManyInvoices(InvalidInput):
    code = "too_many_invoices"
    message = "Zaznaczono zbyt wiele faktur naraz."


OFFICE_MANAGERS = ("admin", "manager")


def require_office(principal: Principal) -> None:
    """Booking and office settings belong to the office's staff."""
    if not principal.is_office:
        raise Forbidden("Tę operację wykonuje biuro rachunkowe.", code="office_only")


def require_client(principal: Principal) -> None:
    """Approval is the client's decision, not the office's."""
    if principal.is_office:
        raise Forbidden("Fakturę akceptuje klient.", code="client_only")


def require_office_manager(principal: Principal) -> None:
    if not principal.is_office or principal.role not in OFFICE_MANAGERS:
        raise Forbidden("Kategorie definiuje administrator lub kierownik biura.", code="forbidden")


_FOLD = str.maketrans("łŁđĐøØßæÆœŒ", "lLdDoOsaAoO")
_NIP_LIKE = re.compile(r"^[\d\s-]{10,16}$")


class _FoldedChars(dict[int, str]):
    """str.translate table filled on first sight of a character: its NFKD decomposition
    without combining marks. Per character equals per string (canonical reordering only moves
    the marks that go), and the lookups run in C, a third of the per-string generator's cost
    on the intake's search texts. Bounded: hostile text cannot grow it past _FOLD_CACHE."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_FOLD))
        out = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(self) < _FOLD_CACHE:
            self[code] = out
        return out


_FOLD_CACHE = 20_000
_FOLDED = _FoldedChars()


def fold(value: str) -> str:
    """Lower-case with Polish (and other Latin) diacritics removed: 'Łódź' -> 'lodz'."""
    return " ".join(value.translate(_FOLDED).lower().split())


def fold_query(value: str) -> str:
    """A search string as stored: NIPs typed with dashes or spaces match their digits."""
    if _NIP_LIKE.match(value.strip()):
        return re.sub(r"\D", "", value)
    return fold(value)
