"""Request and response bodies of the taxes API. Every amount is integer grosze."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from contracts.taxes import TaxKind
from taxes import accounts
from taxes.domain import MAX_GROSZE, Item, Payment, SplitPayment, Tile, format_period, parse_period
from taxes.items import ItemInput

_REQUIRED = ("kind", "period", "amount_grosze", "due_date")
PERIOD = Field(examples=["2026-10"], description="The month the item belongs to (RRRR-MM).")


class SplitPaymentIn(BaseModel):
    vat_grosze: int = Field(gt=0, lt=MAX_GROSZE, description="VAT amount of the invoice.")
    nip: str = Field(min_length=10, max_length=10, examples=["5261040828"])
    invoice: str = Field(min_length=1, max_length=35, examples=["FV/12/2026"])


class ItemFields(BaseModel):
    account: str | None = Field(
        default=None,
        max_length=40,
        description="NRB; default: the tax micro-account (VAT/PIT/CIT) or ZUS account (ZUS).",
    )
    recipient: str | None = Field(default=None, max_length=140)
    title: str | None = Field(
        default=None,
        max_length=140,
        description="Ignored for taxes (structured /TI/ title); free text after /TXT/ for MPP.",
    )
    form_symbol: str | None = Field(default=None, max_length=10, examples=["VAT-7", "PIT-4R"])
    tax_period: str | None = Field(default=None, max_length=7, examples=["26M10", "26K03"])
    liability_id: str | None = Field(default=None, max_length=20)
    split_payment: SplitPaymentIn | None = None


class ItemCreate(ItemFields):
    kind: TaxKind
    period: str = PERIOD
    amount_grosze: int = Field(gt=0, lt=MAX_GROSZE, examples=[123456])
    due_date: date

    def to_input(self) -> ItemInput:
        fields = _input_fields(self.model_dump(exclude={"split_payment"}))
        return ItemInput(**fields, split=_split(self.split_payment))


class ItemUpdate(ItemFields):
    kind: TaxKind | None = None
    period: str | None = Field(default=None, examples=["2026-10"])
    amount_grosze: int | None = Field(default=None, gt=0, lt=MAX_GROSZE)
    due_date: date | None = None

    def changes(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True, exclude={"split_payment"})
        changes = _input_fields(given)
        if "split_payment" in self.model_fields_set:
            changes["split"] = _split(self.split_payment)
        return changes


def _input_fields(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("period") is not None:
        values["period"] = parse_period(values["period"])
    # An explicit null resets an optional field to its default; the four required ones stay.
    return {k: v for k, v in values.items() if v is not None or k not in _REQUIRED}


def _split(split: SplitPaymentIn | None) -> SplitPayment | None:
    return SplitPayment(split.vat_grosze, split.nip, split.invoice) if split else None


class PaymentPublic(BaseModel):
    id: UUID
    paid_on: date
    amount_grosze: int

    @classmethod
    def of(cls, p: Payment) -> PaymentPublic:
        return cls(id=p.id, paid_on=p.paid_on, amount_grosze=p.amount_grosze)


class ItemPublic(BaseModel):
    id: UUID
    company_id: UUID
    kind: TaxKind
    period: str
    amount_grosze: int
    paid_grosze: int
    outstanding_grosze: int
    due_date: date
    status: str = Field(description="pending | partially_paid | overdue | paid")
    account: str
    account_display: str
    recipient: str
    title: str
    transfer: str = Field(description="tax | ordinary | split")
    form_symbol: str | None
    tax_period: str | None
    liability_id: str | None
    split_payment: SplitPaymentIn | None
    payments: list[PaymentPublic]

    @classmethod
    def of(cls, item: Item, today: date, payments: list[Payment] | None = None) -> ItemPublic:
        s = item.split
        return cls(
            id=item.id,
            company_id=item.company_id,
            kind=item.kind,
            period=format_period(item.period),
            amount_grosze=item.amount_grosze,
            paid_grosze=item.paid_grosze,
            outstanding_grosze=item.outstanding_grosze,
            due_date=item.due_date,
            status=item.status(today).value,
            account=item.account,
            account_display=accounts.group(item.account),
            recipient=item.recipient,
            title=item.title,
            transfer=item.transfer.value,
            form_symbol=item.form_symbol,
            tax_period=item.tax_period,
            liability_id=item.liability_id,
            split_payment=SplitPaymentIn(vat_grosze=s.vat_grosze, nip=s.nip, invoice=s.invoice)
            if s
            else None,
            payments=[PaymentPublic.of(p) for p in payments or []],
        )


class TilePublic(BaseModel):
    period: str
    status: str = Field(description="empty | pending | overdue | paid")
    label: str = Field(examples=["oczekuje", "2 zaległe", "opłacone"])
    color: str = Field(examples=["yellow", "red", "green", "grey"])
    items: int
    overdue: int
    total_grosze: int
    paid_grosze: int
    outstanding_grosze: int
    progress_percent: int

    @classmethod
    def of(cls, t: Tile) -> TilePublic:
        return cls(
            period=format_period(t.period),
            status=t.status.value,
            label=t.label,
            color=t.color,
            items=t.items,
            overdue=t.overdue,
            total_grosze=t.total_grosze,
            paid_grosze=t.paid_grosze,
            outstanding_grosze=t.total_grosze - t.paid_grosze,
            progress_percent=t.progress_percent,
        )


class MonthPublic(BaseModel):
    tile: TilePublic
    items: list[ItemPublic]


class YearsPublic(BaseModel):
    years: list[int]


class PaymentCreate(BaseModel):
    paid_on: date | None = Field(default=None, description="Default: today.")
    amount_grosze: int | None = Field(
        default=None, gt=0, lt=MAX_GROSZE, description="Default: everything still owed."
    )


class ElixirExport(BaseModel):
    item_ids: list[UUID] = Field(min_length=1, max_length=500)
    from_account: str = Field(min_length=26, max_length=40, description="The payer's own NRB.")
    execution_date: date | None = Field(
        default=None, description="Default: each item's due date, or today once it has passed."
    )


class ImportResult(BaseModel):
    created: int
    items: list[ItemPublic]
