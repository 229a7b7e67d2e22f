"""The invoice form as the API takes it, and its validation with a Polish message per field.

Pydantic checks types and lengths; `translate` turns its errors into Polish. Rules that span
fields (a currency needs an exchange rate, an exempt line needs a legal basis, ...) live in
`check_form`, which collects every problem at once so the user fixes them in one go.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from chassis.errors import InvalidInput
from invoices.issuing.domain import RATES, InvoiceInvalid, Kind

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
RateCode = Literal[
    "23", "22", "8", "7", "5", "4", "3", "0 KR", "0 WDT", "0 EX", "zw", "oo", "np I", "np II"
]  # fmt: skip
PAYMENT_METHODS = {
    "cash": "1",
    "card": "2",
    "voucher": "3",
    "cheque": "4",
    "credit": "5",
    "transfer": "6",
    "mobile": "7",
}


M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Strict):
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "PL"
    line1: LongText
    line2: LongText | None = None


class Buyer(Strict):
    nip: str | None = Field(default=None, description="Polish NIP (10 digits).")
    eu_vat: str | None = Field(default=None, description="EU VAT number with its country prefix.")
    foreign_id: Text | None = Field(default=None, description="Tax id outside the EU.")
    name: LongText
    address: Address | None = None
    email: Annotated[str, StringConstraints(pattern=r"^.+@.+$", max_length=255)] | None = None


class LineIn(Strict):
    name: LongText
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = "szt."
    quantity: Decimal = Field(gt=0, max_digits=22, decimal_places=6)
    unit_net_price: Decimal = Field(ge=0, max_digits=22, decimal_places=8)
    discount: Decimal = Field(default=Decimal(0), ge=0, max_digits=18, decimal_places=2)
    vat_rate: RateCode
    gtu: Annotated[str, StringConstraints(pattern=r"^GTU_(0[1-9]|1[0-3])$")] | None = None
    annex15: bool = Field(default=False, description="Goods/services of Annex 15 (MPP).")


class PaymentIn(Strict):
    due_date: date | None = None
    method: Literal["cash", "card", "voucher", "cheque", "credit", "transfer", "mobile"] = (
        "transfer"
    )
    bank_account: str | None = None
    bank_name: Text | None = None
    paid: bool = False
    paid_on: date | None = None


class CorrectionIn(Strict):
    corrected_invoice_id: UUID
    reason: Text
    type: Literal[1, 2, 3] = Field(
        default=1, description="1: in the original's period, 2: in the correction's, 3: other."
    )


class AdvanceIn(Strict):
    amount: Decimal = Field(gt=0, max_digits=18, decimal_places=2, description="Gross received.")
    received_on: date | None = None


class SettlementIn(Strict):
    advance_invoice_ids: list[UUID] = Field(min_length=1, max_length=100)


class InvoiceForm(Strict):
    """A draft of a sales invoice; the seller is always the company itself."""

    kind: Kind = Kind.VAT
    series_id: UUID | None = None
    number: Text | None = Field(default=None, description="Own number instead of a series.")
    issue_date: date
    sale_date: date | None = None
    issue_place: Text | None = None
    seller_address: Address | None = Field(
        default=None, description="Defaults to the company's address."
    )
    buyer: Buyer
    lines: list[LineIn] = Field(min_length=1, max_length=10000)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "PLN"
    exchange_rate: Decimal | None = Field(default=None, gt=0, max_digits=22, decimal_places=6)
    payment: PaymentIn | None = None
    split_payment: bool = False
    exemption_basis: Text | None = Field(default=None, description="Legal basis of `zw` lines.")
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=3500)] | None = None
    correction: CorrectionIn | None = None
    advance: AdvanceIn | None = None
    settlement: SettlementIn | None = None


# --- Polish messages --------------------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "missing": "To pole jest wymagane.",
    "extra_forbidden": "Nieznane pole.",
    "string_too_short": "To pole nie może być puste.",
    "string_too_long": "Tekst jest za długi (najwyżej {max_length} znaków).",
    "string_pattern_mismatch": "Nieprawidłowy format.",
    "string_type": "Podaj tekst.",
    "decimal_parsing": "Podaj liczbę, np. 12.50.",
    "decimal_type": "Podaj liczbę, np. 12.50.",
    "decimal_max_places": "Za dużo miejsc po przecinku (najwyżej {decimal_places}).",
    "decimal_max_digits": "Liczba jest za duża.",
    "decimal_whole_digits": "Liczba jest za duża.",
    "greater_than": "Wartość musi być większa od {gt}.",
    "greater_than_equal": "Wartość nie może być ujemna.",
    "date_from_datetime_parsing": "Podaj datę w formacie RRRR-MM-DD.",
    "date_parsing": "Podaj datę w formacie RRRR-MM-DD.",
    "date_type": "Podaj datę w formacie RRRR-MM-DD.",
    "literal_error": "Niedozwolona wartość; dozwolone: {expected}.",
    "json_invalid": "Treść żądania nie jest poprawnym JSON-em.",
    "enum": "Niedozwolona wartość; dozwolone: {expected}.",
    "uuid_parsing": "Nieprawidłowy identyfikator.",
    "uuid_type": "Nieprawidłowy identyfikator.",
    "bool_parsing": "Podaj true albo false.",
    "bool_type": "Podaj true albo false.",
    "too_short": "Podaj co najmniej {min_length} element(y).",
    "too_long": "Najwyżej {max_length} elementów.",
    "list_type": "Podaj listę.",
    "model_type": "Podaj obiekt.",
    "model_attributes_type": "Podaj obiekt.",
    "dict_type": "Podaj obiekt.",
}


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def translate(error: ValidationError) -> list[dict[str, str]]:
    problems = []
    for e in error.errors():
        template = _MESSAGES.get(e["type"], "Nieprawidłowa wartość.")
        ctx: dict[str, Any] = {k: str(v) for k, v in (e.get("ctx") or {}).items()}
        try:
            message = template.format(**ctx)
        except (KeyError, IndexError):
            message = template
        problems.append({"field": _field(e["loc"]), "message": message})
    return problems


def parse_body(model: type[M], body: Any) -> M:
    """Any request body, with the same Polish messages as the invoice form."""
    try:
        return model.model_validate(body if body is not None else {})
    except ValidationError as error:
        raise InvalidInput(details=translate(error)) from error


def parse_form(body: Any) -> InvoiceForm:
    """The form, or InvoiceInvalid listing every problem in Polish."""
    try:
        return InvoiceForm.model_validate(body)
    except ValidationError as error:
        raise InvoiceInvalid(details=translate(error)) from error


# --- identifiers ------------------------------------------------------------------------------


def valid_nip(nip: str) -> bool:
    if not re.fullmatch(r"[1-9]\d{9}", nip):
        return False
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    check = sum(w * int(d) for w, d in zip(weights, nip, strict=False)) % 11
    return check == int(nip[9])


def normalise_account(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def valid_account(value: str) -> bool:
    """A Polish NRB (26 digits, optionally PL-prefixed) or any IBAN, by the mod-97 check."""
    account = normalise_account(value)
    if re.fullmatch(r"\d{26}", account):
        account = "PL" + account
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", account):
        return False
    rearranged = account[4:] + account[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def check_form(form: InvoiceForm) -> None:
    """Rules between fields; raises InvoiceInvalid with every problem found."""
    problems: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    _check_buyer(form.buyer, bad)
    if form.currency != "PLN" and form.exchange_rate is None:
        bad("exchange_rate", f"Podaj kurs {form.currency}/PLN (dla waluty innej niż PLN).")
    if form.currency == "PLN" and form.exchange_rate not in (None, Decimal(1)):
        bad("exchange_rate", "Kurs podaje się tylko dla faktur w walucie obcej.")
    if form.sale_date and form.sale_date > form.issue_date.replace(year=form.issue_date.year + 1):
        bad("sale_date", "Data sprzedaży jest zbyt odległa od daty wystawienia.")
    if any(line.vat_rate == "zw" for line in form.lines) and not form.exemption_basis:
        bad("exemption_basis", "Podaj podstawę zwolnienia z VAT (np. art. 43 ust. 1 pkt 37).")
    for i, line in enumerate(form.lines):
        if line.discount > line.quantity * line.unit_net_price:
            bad(f"lines.{i}.discount", "Rabat nie może przekraczać wartości pozycji.")
        if not line.unit:
            bad(f"lines.{i}.unit", "Podaj jednostkę miary (np. szt., godz., usł.).")
    if form.payment and form.payment.bank_account and not valid_account(form.payment.bank_account):
        bad("payment.bank_account", "Nieprawidłowy numer rachunku (sprawdź cyfry kontrolne).")
    if form.payment and form.payment.paid and not form.payment.paid_on:
        bad("payment.paid_on", "Podaj datę zapłaty.")
    if form.payment and form.payment.due_date and form.payment.due_date < form.issue_date:
        bad("payment.due_date", "Termin płatności nie może być wcześniejszy niż data wystawienia.")
    _check_kind(form, bad)
    if problems:
        raise InvoiceInvalid(details=problems)


def _check_buyer(buyer: Buyer, bad: Any) -> None:
    ids = [x for x in (buyer.nip, buyer.eu_vat, buyer.foreign_id) if x]
    if len(ids) > 1:
        bad("buyer", "Podaj tylko jeden identyfikator nabywcy: NIP, VAT UE albo zagraniczny.")
    if buyer.nip is not None and not valid_nip(buyer.nip):
        bad("buyer.nip", "Nieprawidłowy NIP (10 cyfr z poprawną cyfrą kontrolną).")
    if buyer.eu_vat is not None and not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,12}", buyer.eu_vat):
        bad("buyer.eu_vat", "Numer VAT UE zaczyna się od kodu kraju, np. DE123456789.")
    if buyer.eu_vat and buyer.eu_vat.startswith("PL"):
        bad("buyer.eu_vat", "Dla polskiego nabywcy podaj NIP.")


def _check_kind(form: InvoiceForm, bad: Any) -> None:
    extras = {
        "correction": (Kind.KOR, Kind.KOR_ZAL, Kind.KOR_ROZ),
        "advance": (Kind.ZAL, Kind.KOR_ZAL),
        "settlement": (Kind.ROZ,),
    }
    for field, kinds in extras.items():
        given = getattr(form, field) is not None
        if given and form.kind not in kinds:
            names = ", ".join(k.value for k in kinds)
            bad(field, f"To pole dotyczy tylko faktur rodzaju {names}.")
        if not given and form.kind in kinds:
            bad(field, _REQUIRED_FOR_KIND[(form.kind, field)])
    if form.kind in (Kind.ZAL, Kind.KOR_ZAL) and form.advance:
        order = sum(
            (ln.quantity * ln.unit_net_price - ln.discount for ln in form.lines), Decimal(0)
        )
        ceiling = order * (1 + max(_percent(ln.vat_rate) for ln in form.lines) / 100)
        if form.advance.amount > ceiling:
            bad("advance.amount", "Zaliczka nie może przekraczać wartości zamówienia brutto.")


_REQUIRED_FOR_KIND = {
    (Kind.KOR, "correction"): "Wskaż fakturę korygowaną i przyczynę korekty.",
    (Kind.KOR_ZAL, "correction"): "Wskaż korygowaną fakturę zaliczkową i przyczynę korekty.",
    (Kind.KOR_ROZ, "correction"): "Wskaż korygowaną fakturę rozliczeniową i przyczynę korekty.",
    (Kind.ZAL, "advance"): "Podaj kwotę otrzymanej zaliczki.",
    (Kind.KOR_ZAL, "advance"): "Podaj kwotę zaliczki po korekcie.",
    (Kind.ROZ, "settlement"): "Wskaż faktury zaliczkowe, które rozlicza ta faktura.",
}


def _percent(code: str) -> Decimal:
    return RATES[code].percent or Decimal(0)
