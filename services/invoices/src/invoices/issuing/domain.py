"""Issuing sales invoices: statuses, VAT rates, who may issue, deadlines and the errors users see.

No I/O here. Amounts are Decimals rounded to grosze with ROUND_HALF_UP, as Polish invoices are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.tokens import Principal

GROSZ = Decimal("0.01")
ISSUER_COMPANY_ROLES = ("owner", "admin", "employee")
ISSUER_OFFICE_ROLES = ("admin", "manager", "employee")
SETTINGS_COMPANY_ROLES = ("owner", "admin")


def grosze(value: Decimal) -> Decimal:
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


class Status(StrEnum):
    draft = "draft"
    queued = "queued"  # the send request waits in our outbox
    sending = "sending"  # handed to the gateway, no answer yet
    offline = "offline"  # issued offline, waiting to reach KSeF before its deadline
    accepted = "accepted"
    rejected = "rejected"


EDITABLE = (Status.draft, Status.rejected)
SENDABLE = (Status.draft, Status.rejected)


class Kind(StrEnum):
    VAT = "VAT"
    KOR = "KOR"
    ZAL = "ZAL"
    ROZ = "ROZ"
    KOR_ZAL = "KOR_ZAL"
    KOR_ROZ = "KOR_ROZ"


# Each correction kind and the kind of invoice it corrects.
CORRECTS = {Kind.KOR: Kind.VAT, Kind.KOR_ZAL: Kind.ZAL, Kind.KOR_ROZ: Kind.ROZ}
# Kinds whose order is in Zamowienie (advance amounts), not in FaWiersz.
ADVANCE_KINDS = (Kind.ZAL, Kind.KOR_ZAL)

KIND_LABELS = {
    Kind.VAT: "Faktura VAT",
    Kind.KOR: "Faktura korygująca",
    Kind.ZAL: "Faktura zaliczkowa",
    Kind.ROZ: "Faktura rozliczeniowa",
    Kind.KOR_ZAL: "Faktura korygująca fakturę zaliczkową",
    Kind.KOR_ROZ: "Faktura korygująca fakturę rozliczeniową",
}


@dataclass(frozen=True)
class Rate:
    """A value of FaWiersz/P_12 and the Fa totals it is summed into."""

    code: str
    percent: Decimal | None  # None: no VAT is charged (0 %, exempt, reverse charge, outside PL)
    net_field: str
    vat_field: str | None
    label: str


RATES: dict[str, Rate] = {
    r.code: r
    for r in (
        Rate("23", Decimal(23), "P_13_1", "P_14_1", "23%"),
        Rate("22", Decimal(22), "P_13_1", "P_14_1", "22%"),
        Rate("8", Decimal(8), "P_13_2", "P_14_2", "8%"),
        Rate("7", Decimal(7), "P_13_2", "P_14_2", "7%"),
        Rate("5", Decimal(5), "P_13_3", "P_14_3", "5%"),
        Rate("4", Decimal(4), "P_13_4", "P_14_4", "4%"),
        Rate("3", Decimal(3), "P_13_4", "P_14_4", "3%"),
        Rate("0 KR", None, "P_13_6_1", None, "0% (kraj)"),
        Rate("0 WDT", None, "P_13_6_2", None, "0% (WDT)"),
        Rate("0 EX", None, "P_13_6_3", None, "0% (eksport)"),
        Rate("zw", None, "P_13_7", None, "zwolnione"),
        Rate("np I", None, "P_13_8", None, "niepodlegające (poza krajem)"),
        Rate("np II", None, "P_13_9", None, "niepodlegające (art. 100 ust. 1 pkt 4)"),
        Rate("oo", None, "P_13_10", None, "odwrotne obciążenie"),
    )
}
# The order the Fa totals appear in the XSD sequence.
NET_FIELDS = (
    "P_13_1", "P_13_2", "P_13_3", "P_13_4", "P_13_6_1", "P_13_6_2", "P_13_6_3",
    "P_13_7", "P_13_8", "P_13_9", "P_13_10",
)  # fmt: skip
SPLIT_PAYMENT_THRESHOLD_PLN = Decimal(15000)


# --- errors -----------------------------------------------------------------------------------


class IssuedInvoiceNotFound(NotFound):
    code = "issued_invoice_not_found"
    message = "Nie znaleziono wystawionej faktury."


class NotEditable(Conflict):
    code = "invoice_not_editable"
    message = "Fakturę można zmieniać tylko jako szkic albo po odrzuceniu przez KSeF."


class NotSendable(Conflict):
    code = "invoice_already_sent"
    message = "Ta faktura została już wysłana do KSeF albo czeka w kolejce."


class DuplicateNumber(Conflict):
    code = "duplicate_invoice_number"
    message = "Faktura tego rodzaju o tym numerze już istnieje; KSeF odrzuciłby duplikat."


class SeriesNotFound(NotFound):
    code = "series_not_found"
    message = "Nie znaleziono serii numeracji."


class NoOfflineCertificate(Conflict):
    code = "offline_certificate_missing"
    message = (
        "Firma nie ma certyfikatu KSeF typu Offline; bez niego nie można wystawić faktury"
        " offline (kod QR II)."
    )


class NoUpo(NotFound):
    code = "upo_not_available"
    message = "UPO jest dostępne dopiero po przyjęciu faktury przez KSeF."


class InvalidCertificate(InvalidInput):
    code = "invalid_certificate"
    message = "Certyfikat lub klucz prywatny jest nieprawidłowy."


class InvoiceInvalid(InvalidInput):
    """Field-by-field problems with a Polish message each."""

    code = "invoice_invalid"
    message = "Faktura zawiera błędy; popraw wskazane pola."


class OfficeMayNotIssue(Forbidden):
    code = "office_may_not_issue"
    message = (
        "Firma nie upoważniła biura do wystawiania faktur w jej imieniu (uprawnienie InvoiceWrite)."
    )


def require_issuer(principal: Principal, office_may_issue: bool) -> None:
    """Company owner/admin/employee; office staff only when the company allowed it."""
    if principal.is_office:
        principal.require_role(*ISSUER_OFFICE_ROLES)
        if not office_may_issue:
            raise OfficeMayNotIssue()
        return
    principal.require_role(*ISSUER_COMPANY_ROLES)


def require_settings_manager(principal: Principal) -> None:
    """Issuing settings (office permission, series, certificate) belong to the company."""
    if principal.is_office:
        raise Forbidden("Ustawienia wystawiania faktur zmienia właściciel lub administrator firmy.")
    principal.require_role(*SETTINGS_COMPANY_ROLES)


# --- deadlines --------------------------------------------------------------------------------


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> set[date]:
    easter = _easter(year)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    if year >= 2025:  # Christmas Eve is a public holiday from 2025
        fixed.append((12, 24))
    days = {date(year, m, d) for m, d in fixed}
    return days | {easter, easter + timedelta(days=1), easter + timedelta(days=60)}


def is_business_day(day: date) -> bool:
    # Saturdays count as days off for tax deadlines (Ordynacja podatkowa art. 12 § 5).
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_business_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(after: date, days: int) -> date:
    day = after
    for _ in range(days):
        day = next_business_day(day)
    return day


def offline_deadline(issue_date: date) -> date:
    """offline24 (art. 106nda): the invoice must reach KSeF by the next business day after
    its issue date."""
    return next_business_day(issue_date)


class OfflineMode(StrEnum):
    offline24 = "offline24"  # the issuer's choice (art. 106nda)
    offline = "offline"  # KSeF unavailable (art. 106nh)
    awaryjny = "awaryjny"  # announced KSeF failure (art. 106nf)
    total = "total"  # total failure announced in the media: no obligation to send


MODE_LABELS = {
    OfflineMode.offline24: "offline24 (wybór wystawcy)",
    OfflineMode.offline: "offline (niedostępność KSeF)",
    OfflineMode.awaryjny: "tryb awaryjny (awaria KSeF)",
    OfflineMode.total: "awaria całkowita KSeF",
}


def outage_deadline(mode: OfflineMode, ended: date | None) -> date | None:
    """When an invoice issued during an outage must reach KSeF (KSEF-NOTES §10): the next
    business day after the unavailability ends, 7 business days after a failure ends; unknown
    (None) while it lasts, and never for a total failure."""
    if ended is None or mode is OfflineMode.total:
        return None
    if mode is OfflineMode.awaryjny:
        return add_business_days(ended, 7)
    return next_business_day(ended)


def moved_by_failure(mode: OfflineMode) -> bool:
    """A failure announced while offline24/offline invoices wait gives them its deadline."""
    return mode in (OfflineMode.offline24, OfflineMode.offline)


def deadline_label(mode: str | None, deadline: date | None) -> str | None:
    """The deadline as the queue shows it, in Polish."""
    if mode is None:
        return None
    if deadline is not None:
        return f"do {deadline:%d.%m.%Y}"
    if mode == OfflineMode.total:
        return "brak obowiązku wysyłki (awaria całkowita KSeF)"
    if mode == OfflineMode.awaryjny:
        return "nieznany: 7 dni roboczych od zakończenia awarii KSeF"
    return "nieznany: następny dzień roboczy po zakończeniu niedostępności KSeF"


# --- numbering --------------------------------------------------------------------------------

RESETS = ("yearly", "monthly", "never")
DEFAULT_PATTERNS = {
    Kind.VAT: "FV/{n}/{mm}/{yyyy}",
    Kind.KOR: "KOR/{n}/{mm}/{yyyy}",
    Kind.ZAL: "ZAL/{n}/{mm}/{yyyy}",
    Kind.ROZ: "ROZ/{n}/{mm}/{yyyy}",
    Kind.KOR_ZAL: "KOR/ZAL/{n}/{mm}/{yyyy}",
    Kind.KOR_ROZ: "KOR/ROZ/{n}/{mm}/{yyyy}",
}


def period_of(reset: str, issue_date: date) -> str:
    if reset == "monthly":
        return f"{issue_date:%Y-%m}"
    if reset == "yearly":
        return f"{issue_date:%Y}"
    return "all"


def format_number(pattern: str, n: int, issue_date: date) -> str:
    return (
        pattern.replace("{n}", str(n))
        .replace("{yyyy}", f"{issue_date:%Y}")
        .replace("{mm}", f"{issue_date:%m}")
    )
