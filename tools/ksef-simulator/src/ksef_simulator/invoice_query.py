"""Invoice filter semantics (InvoiceQueryFilters of the spec) as a pure data object."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from .domain import Invoice

FORM_TYPES = {"FA": "FA", "PEF": "PEF", "FA_RR": "FA_RR"}


@dataclass
class InvoiceQuery:
    subject_type: str
    context_value: str
    date_type: str  # Issue | Invoicing | PermanentStorage
    date_from: datetime
    date_to: datetime
    visible_at: datetime  # only records already visible at this instant are returned
    descending: bool = False
    ksef_number: str | None = None
    invoice_number: str | None = None
    amount_type: str | None = None
    amount_from: float | None = None
    amount_to: float | None = None
    seller_nip: str | None = None
    buyer_type: str | None = None
    buyer_value: str | None = None
    currency_codes: list[str] = field(default_factory=list)
    invoicing_mode: str | None = None
    is_self_invoicing: bool | None = None
    form_type: str | None = None
    invoice_types: list[str] = field(default_factory=list)
    has_attachment: bool | None = None

    def has_only_dates(self) -> bool:
        """True when no filter beyond role, date range and visibility is set (the fast path)."""
        return (
            self.ksef_number is None
            and self.invoice_number is None
            and self.amount_type is None
            and self.seller_nip is None
            and self.buyer_type is None
            and self.buyer_value is None
            and not self.currency_codes
            and self.invoicing_mode is None
            and self.is_self_invoicing is None
            and self.form_type is None
            and not self.invoice_types
            and self.has_attachment is None
        )


def date_of(inv: Invoice, date_type: str) -> datetime:
    if date_type == "PermanentStorage":
        return inv.permanent_storage_date
    if date_type == "Invoicing":
        return inv.invoicing_date
    return _midnight(inv.issue_date, inv.invoicing_date.tzinfo)


@functools.lru_cache(maxsize=4096)
def _midnight(day: date, tz: tzinfo | None) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz)


def plays_role(inv: Invoice, subject_type: str, nip: str) -> bool:
    if subject_type == "Subject1":
        return inv.seller_nip == nip
    if subject_type == "Subject2":
        return inv.buyer.type == "Nip" and inv.buyer.value == nip
    if subject_type == "Subject3":
        return any(t["identifier"].get("value") == nip for t in inv.third_subjects)
    return inv.authorized_subject is not None and inv.authorized_subject["nip"] == nip


def _amount(inv: Invoice, kind: str) -> float:
    return {"Brutto": inv.gross_amount, "Netto": inv.net_amount}.get(kind, inv.vat_amount)


def _matches_amount(inv: Invoice, q: InvoiceQuery) -> bool:
    if q.amount_type is None:
        return True
    value = _amount(inv, q.amount_type)
    return not (
        (q.amount_from is not None and value < q.amount_from)
        or (q.amount_to is not None and value > q.amount_to)
    )


def matches_filters(inv: Invoice, q: InvoiceQuery) -> bool:
    checks = [
        q.ksef_number is None or inv.ksef_number == q.ksef_number,
        q.invoice_number is None or inv.invoice_number == q.invoice_number,
        q.seller_nip is None or inv.seller_nip == q.seller_nip,
        q.buyer_type is None or inv.buyer.type == q.buyer_type,
        q.buyer_value is None or inv.buyer.value == q.buyer_value,
        not q.currency_codes or inv.currency in q.currency_codes,
        q.invoicing_mode is None or inv.invoicing_mode == q.invoicing_mode,
        q.is_self_invoicing is None or inv.is_self_invoicing == q.is_self_invoicing,
        q.form_type is None or inv.form_code["value"] == q.form_type,
        not q.invoice_types or inv.invoice_type in q.invoice_types,
        q.has_attachment is None or inv.has_attachment == q.has_attachment,
    ]
    return all(checks) and _matches_amount(inv, q)


def matches(inv: Invoice, q: InvoiceQuery) -> bool:
    if inv.visible_at > q.visible_at or not plays_role(inv, q.subject_type, q.context_value):
        return False
    when = date_of(inv, q.date_type)
    return q.date_from <= when <= q.date_to and matches_filters(inv, q)


def sort_key(q: InvoiceQuery) -> Callable[[Invoice], tuple[datetime, str]]:
    def key(inv: Invoice) -> tuple[datetime, str]:
        return (date_of(inv, q.date_type), inv.ksef_number)

    return key
