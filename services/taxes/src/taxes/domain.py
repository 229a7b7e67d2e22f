"""Tax and fee items, their status on a given day and the monthly tiles; no I/O here.

Money is integer grosze everywhere; text amounts are parsed with Decimal, never float.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from uuid import UUID

from chassis.errors import ApiError, Conflict, InvalidInput, NotFound
from contracts.taxes import TaxKind

TAX_KINDS = (TaxKind.vat, TaxKind.pit, TaxKind.cit)
MAX_GROSZE = 10**13  # 100 bn PLN: far above any real item, far below bigint
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# OKR of the tax title: year + R | P01-02 | K01-04 | M01-12 | D decade+month | J day+month
TAX_PERIOD_RE = re.compile(
    r"^\d{2}(R|P0[12]|K0[1-4]|M(0[1-9]|1[0-2])|D0[1-3](0[1-9]|1[0-2])"
    r"|J(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2]))$"
)


class Transfer(StrEnum):
    tax = "tax"  # to the tax micro-account, structured /TI/ title
    ordinary = "ordinary"  # ZUS (an ordinary transfer since 2018), PPK, other fees
    split_payment = "split"  # split payment (MPP) of an invoice: /VAT/ /IDC/ /INV/ title


class ItemStatus(StrEnum):
    pending = "pending"
    partially_paid = "partially_paid"
    overdue = "overdue"
    paid = "paid"


class TileStatus(StrEnum):
    empty = "empty"
    pending = "pending"
    overdue = "overdue"
    paid = "paid"


@dataclass(frozen=True)
class SplitPayment:
    vat_grosze: int
    nip: str
    invoice: str


@dataclass(frozen=True)
class Item:
    id: UUID
    company_id: UUID
    kind: TaxKind
    period: date
    amount_grosze: int
    paid_grosze: int
    due_date: date
    account: str
    recipient: str
    title: str
    transfer: Transfer
    form_symbol: str | None = None
    tax_period: str | None = None
    liability_id: str | None = None
    split: SplitPayment | None = None

    @property
    def outstanding_grosze(self) -> int:
        return self.amount_grosze - self.paid_grosze

    def status(self, today: date) -> ItemStatus:
        """Paid in full; overdue once the due date has passed; else partially paid or pending."""
        if self.paid_grosze >= self.amount_grosze:
            return ItemStatus.paid
        if self.due_date < today:
            return ItemStatus.overdue
        return ItemStatus.partially_paid if self.paid_grosze else ItemStatus.pending


@dataclass(frozen=True)
class Payment:
    id: UUID
    item_id: UUID
    paid_on: date
    amount_grosze: int


@dataclass(frozen=True)
class Tile:
    period: date
    status: TileStatus
    label: str
    color: str
    items: int
    overdue: int
    total_grosze: int
    paid_grosze: int

    @property
    def progress_percent(self) -> int:
        """Whole percent paid, rounded down so 100 means everything is paid."""
        return self.paid_grosze * 100 // self.total_grosze if self.total_grosze else 0


def overdue_label(n: int) -> str:
    """`N zaległa/zaległe/zaległych` with the Polish plural of the number."""
    if n == 1:
        return "1 zaległa"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} zaległe"
    return f"{n} zaległych"


def tile(period: date, items: Sequence[Item], today: date) -> Tile:
    """The month's tile: red with overdue items, green when all paid, yellow otherwise."""
    total = sum(i.amount_grosze for i in items)
    paid = sum(i.paid_grosze for i in items)
    overdue = sum(1 for i in items if i.status(today) is ItemStatus.overdue)
    if not items:
        status, label, color = TileStatus.empty, "brak pozycji", "grey"
    elif overdue:
        status, label, color = TileStatus.overdue, overdue_label(overdue), "red"
    elif paid >= total:
        status, label, color = TileStatus.paid, "opłacone", "green"
    else:
        status, label, color = TileStatus.pending, "oczekuje", "yellow"
    return Tile(period, status, label, color, len(items), overdue, total, paid)


# --- periods and money ---------------------------------------------------------------------


def parse_period(text: str) -> date:
    match = PERIOD_RE.match(text.strip())
    if not match or not 2000 <= int(match[1]) <= 2100:
        raise InvalidPeriod(details={"period": text})
    return date(int(match[1]), int(match[2]), 1)


def format_period(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def default_tax_period(period: date) -> str:
    """OKR of a monthly settlement: `26M10` for 2026-10."""
    return f"{period.year % 100:02d}M{period.month:02d}"


def parse_grosze(text: str) -> int:
    """`1234,56` or `1 234.56` PLN as grosze; more than two decimals or a sign is refused."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise InvalidAmount(details={"amount": text}) from error
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2 or value <= 0:
        raise InvalidAmount(details={"amount": text})
    grosze = int(value * 100)
    if grosze >= MAX_GROSZE:
        raise InvalidAmount(details={"amount": text})
    return grosze


def format_pln(grosze: int) -> str:
    """`1234,56`: the decimal comma form Polish bank titles use."""
    return f"{grosze // 100},{grosze % 100:02d}"


# --- errors users see ----------------------------------------------------------------------


class InvalidPeriod(InvalidInput):
    code = "invalid_period"
    message = "Okres musi mieć postać RRRR-MM z miesiącem od 01 do 12."


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    message = "Kwota musi być dodatnia, w złotych z najwyżej dwoma miejscami po przecinku."


class InvalidAccount(InvalidInput):
    code = "invalid_account"
    message = "Numer rachunku jest nieprawidłowy (26 cyfr z poprawną sumą kontrolną)."


class NotZusAccount(InvalidInput):
    code = "not_zus_account"
    message = "Składki ZUS opłaca się na rachunek składkowy ZUS (cyfry 3–10: 60000002)."


class AccountRequired(InvalidInput):
    code = "account_required"
    message = "Podaj numer rachunku odbiorcy – dla tego rodzaju płatności nie ma domyślnego."


class RecipientRequired(InvalidInput):
    code = "recipient_required"
    message = "Podaj nazwę odbiorcy przelewu."


class TitleRequired(InvalidInput):
    code = "title_required"
    message = "Podaj tytuł przelewu."


class InvalidTaxPeriod(InvalidInput):
    code = "invalid_tax_period"
    message = "Okres w tytule podatkowym ma postać np. 26M10, 26K03, 26R."


class InvalidSplitPayment(InvalidInput):
    code = "invalid_split_payment"
    message = "Podzielona płatność wymaga kwoty VAT (nie większej niż kwota), NIP i numeru faktury."


class InvalidCompanyNip(InvalidInput):
    code = "invalid_company_nip"
    message = "NIP firmy jest nieprawidłowy, więc nie da się wyliczyć jej rachunku."


class ItemNotFound(NotFound):
    code = "item_not_found"
    message = "Nie znaleziono pozycji."


class AmountBelowPaid(Conflict):
    code = "amount_below_paid"
    message = "Kwota nie może być mniejsza niż to, co już zapłacono."


class ItemHasPayments(Conflict):
    code = "item_has_payments"
    message = "Pozycji z zarejestrowanymi wpłatami nie można usunąć."


class Overpayment(Conflict):
    code = "overpayment"
    message = "Wpłata przekracza kwotę pozostałą do zapłaty."


class PaymentInFuture(InvalidInput):
    code = "payment_in_future"
    message = "Data zapłaty nie może być w przyszłości."


class MonthNotEmpty(Conflict):
    code = "month_not_empty"
    message = "Ten miesiąc ma już pozycje; kopiowanie z poprzedniego miesiąca nie jest możliwe."


class NothingToCopy(NotFound):
    code = "nothing_to_copy"
    message = "Poprzedni miesiąc nie ma pozycji do skopiowania."


class ItemAlreadyPaid(Conflict):
    code = "item_already_paid"
    message = "Pozycja jest już w całości opłacona."


class InvalidCsv(InvalidInput):
    code = "invalid_csv"
    message = "Plik CSV zawiera błędy; nic nie zostało zapisane. Popraw wskazane wiersze."


class ExecutionDateInPast(InvalidInput):
    code = "execution_date_in_past"
    message = "Data wykonania przelewu nie może być w przeszłości."


def raise_for(errors: list[dict[str, object]], error: type[ApiError]) -> None:
    if errors:
        raise error(details=errors)
