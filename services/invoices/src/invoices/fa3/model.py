"""The normalised invoice: what the list, the details, the exports and the PDF read.

Amounts are Decimals in the invoice currency as written in the XML; `vat_pln` is the VAT
converted to PLN where the invoice says so (P_14_xW), which is what Polish registers need.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Party(Frozen):
    role: str  # seller | buyer | third | authorised
    nip: str | None = None
    eu_code: str | None = None
    eu_vat: str | None = None
    foreign_id: str | None = None
    foreign_country: str | None = None
    name: str | None = None
    country: str | None = None
    address: list[str] = []
    email: str | None = None
    phone: str | None = None
    third_role: str | None = None  # Podmiot3 Rola code (1..11) or a description
    third_role_label: str | None = None
    share: Decimal | None = None
    customer_number: str | None = None

    @property
    def tax_id(self) -> str:
        if self.nip:
            return self.nip
        if self.eu_vat:
            return f"{self.eu_code or ''}{self.eu_vat}"
        return self.foreign_id or ""


class RateTotal(Frozen):
    code: str  # 23 | 8 | 5 | 4 | oss | 0 | 0wdt | 0exp | zw | np | np100 | oo | marza
    label: str
    net: Decimal
    vat: Decimal = Decimal(0)
    vat_pln: Decimal | None = None


class Line(Frozen):
    no: int
    name: str = ""
    unit: str | None = None
    quantity: Decimal | None = None
    unit_net: Decimal | None = None
    unit_gross: Decimal | None = None
    discount: Decimal | None = None
    net: Decimal | None = None
    gross: Decimal | None = None
    vat_amount: Decimal | None = None
    rate: str | None = None
    gtu: str | None = None
    procedure: str | None = None
    index: str | None = None
    pkwiu: str | None = None
    cn: str | None = None
    before_correction: bool = False


class DueDate(Frozen):
    on: date | None = None
    description: str | None = None


class BankAccount(Frozen):
    number: str
    swift: str | None = None
    bank_name: str | None = None
    description: str | None = None
    factor: bool = False


class Payment(Frozen):
    form: str | None = None
    form_label: str | None = None
    other_description: str | None = None
    paid: bool = False
    paid_date: date | None = None
    partial_payments: list[tuple[Decimal, date | None]] = []
    due: list[DueDate] = []
    accounts: list[BankAccount] = []
    link: str | None = None


class CorrectedInvoice(Frozen):
    number: str | None = None
    issue_date: date | None = None
    ksef_number: str | None = None


class Field(Frozen):
    """One leaf of the XML, for rendering every field the invoice carries."""

    path: str
    label: str
    value: str
    depth: int


class Invoice(Frozen):
    kind: str
    number: str
    issue_date: date
    issue_place: str | None = None
    sale_date: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    currency: str = "PLN"
    exchange_rate: Decimal | None = None
    seller: Party
    buyer: Party
    third_parties: list[Party] = []
    authorised: Party | None = None
    rates: list[RateTotal] = []
    net: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    lines: list[Line] = []
    payment: Payment | None = None
    split_payment: bool = False
    self_billing: bool = False
    reverse_charge: bool = False
    cash_accounting: bool = False
    margin: bool = False
    correction_reason: str | None = None
    correction_type: str | None = None
    corrected: list[CorrectedInvoice] = []
    advance_invoices: list[CorrectedInvoice] = []
    footer: list[str] = []
    created_at: str | None = None
    system_info: str | None = None
    fields: list[Field] = []

    @property
    def effective_sale_date(self) -> date:
        """P_6, else the end of the period (OkresFa), else the issue date (P_6 omitted = P_1)."""
        return self.sale_date or self.period_to or self.issue_date
