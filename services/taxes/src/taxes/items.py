"""Turning what the office typed into a complete item: defaults, checks, transfer titles.

Taxes (VAT, PIT, CIT) go to the company's tax micro-account with the structured /TI/ title;
ZUS to the payer's contribution account; PPK and other fees need an account and a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from chassis.errors import InvalidInput
from chassis.tenancy import Company
from contracts.taxes import TaxKind
from taxes import accounts
from taxes.domain import (
    TAX_KINDS,
    TAX_PERIOD_RE,
    AccountRequired,
    InvalidAccount,
    InvalidCompanyNip,
    InvalidSplitPayment,
    InvalidTaxPeriod,
    Item,
    NotZusAccount,
    RecipientRequired,
    SplitPayment,
    TitleRequired,
    Transfer,
    add_months,
    default_tax_period,
)
from taxes.transfers import split_title, tax_title

DEFAULT_FORM = {TaxKind.vat: "VAT-7", TaxKind.pit: "PIT-5", TaxKind.cit: "CIT-8"}
DEFAULT_RECIPIENT = {
    TaxKind.vat: "Urząd Skarbowy",
    TaxKind.pit: "Urząd Skarbowy",
    TaxKind.cit: "Urząd Skarbowy",
    TaxKind.zus: "Zakład Ubezpieczeń Społecznych",
}
FORM_RE = re.compile(r"^[A-Z0-9-]{1,10}$")


class InvalidFormSymbol(InvalidInput):
    code = "invalid_form_symbol"
    message = "Symbol formularza to do 10 wielkich liter, cyfr lub myślników (np. VAT-7, PIT-4R)."


class InvalidLiabilityId(InvalidInput):
    code = "invalid_liability_id"
    message = "Identyfikacja zobowiązania w tytule podatkowym może mieć najwyżej 20 znaków."


class TitleTooLong(InvalidInput):
    code = "title_too_long"
    message = "Tytuł przelewu może mieć najwyżej 140 znaków (4 linie po 35)."


class DueBeforePeriod(InvalidInput):
    code = "due_before_period"
    message = "Termin płatności nie może przypadać przed początkiem okresu, którego dotyczy."


@dataclass(frozen=True)
class ItemInput:
    """An item as entered: everything optional has a default or a clear error."""

    kind: TaxKind
    period: date
    amount_grosze: int
    due_date: date
    account: str | None = None
    recipient: str | None = None
    title: str | None = None
    form_symbol: str | None = None
    tax_period: str | None = None
    liability_id: str | None = None
    split: SplitPayment | None = None


def _text(value: str | None) -> str | None:
    cleaned = " ".join(value.split()) if value else ""
    return cleaned or None


def _account(company: Company, inp: ItemInput) -> str:
    if inp.account:
        account = accounts.normalise_account(inp.account)
        if not accounts.is_valid_nrb(account):
            raise InvalidAccount(details={"account": inp.account})
        if inp.kind is TaxKind.zus and not accounts.is_zus_account(account):
            raise NotZusAccount(details={"account": inp.account})
        return account
    if inp.kind not in TAX_KINDS and inp.kind is not TaxKind.zus:
        raise AccountRequired(details={"account": None})
    if not accounts.is_valid_nip(company.nip):
        raise InvalidCompanyNip(details={"nip": company.nip})
    if inp.kind is TaxKind.zus:
        return accounts.zus_contribution_account(company.nip)
    return accounts.tax_micro_account(company.nip)


def _tax_fields(company: Company, inp: ItemInput) -> tuple[str, str, str | None]:
    form = (_text(inp.form_symbol) or DEFAULT_FORM[inp.kind]).upper()
    if not FORM_RE.match(form):
        raise InvalidFormSymbol(details={"form_symbol": inp.form_symbol})
    period = (_text(inp.tax_period) or default_tax_period(inp.period)).upper()
    if not TAX_PERIOD_RE.match(period):
        raise InvalidTaxPeriod(details={"tax_period": inp.tax_period})
    liability = _text(inp.liability_id)
    if liability and len(liability) > 20:
        raise InvalidLiabilityId(details={"liability_id": inp.liability_id})
    return form, period, liability


def _split(inp: ItemInput) -> SplitPayment:
    assert inp.split is not None
    s = inp.split
    invoice = _text(s.invoice) or ""
    if (
        not 0 < s.vat_grosze <= inp.amount_grosze
        or not accounts.is_valid_nip(s.nip)
        or not 0 < len(invoice) <= 35
    ):
        raise InvalidSplitPayment(
            details={"vat_grosze": s.vat_grosze, "nip": s.nip, "invoice": s.invoice}
        )
    return SplitPayment(s.vat_grosze, s.nip, invoice)


def default_title(kind: TaxKind, period: date) -> str | None:
    month = f"{period.month:02d}/{period.year}"
    return {TaxKind.zus: f"Składki ZUS za {month}", TaxKind.ppk: f"Wpłaty PPK za {month}"}.get(kind)


def build_item(company: Company, inp: ItemInput, item_id: UUID, paid_grosze: int = 0) -> Item:
    """The complete item, or the first problem as a 422 with a code and a Polish message."""
    if inp.due_date < inp.period:
        raise DueBeforePeriod(details={"due_date": inp.due_date.isoformat()})
    account = _account(company, inp)
    recipient = _text(inp.recipient) or DEFAULT_RECIPIENT.get(inp.kind)
    if not recipient:
        raise RecipientRequired()
    form = tax_period = liability = None
    split = None
    if inp.split is not None:
        transfer, split = Transfer.split_payment, _split(inp)
        title = split_title(split.vat_grosze, split.nip, split.invoice, _text(inp.title))
    elif inp.kind in TAX_KINDS:
        transfer = Transfer.tax
        form, tax_period, liability = _tax_fields(company, inp)
        title = tax_title(company.nip, tax_period, form, liability)
    else:
        transfer = Transfer.ordinary
        title = _text(inp.title) or default_title(inp.kind, inp.period) or ""
        if not title:
            raise TitleRequired()
    if len(title) > 140:
        raise TitleTooLong(details={"title": title})
    return Item(
        id=item_id,
        company_id=company.org_id,
        kind=inp.kind,
        period=inp.period,
        amount_grosze=inp.amount_grosze,
        paid_grosze=paid_grosze,
        due_date=inp.due_date,
        account=account,
        recipient=recipient[:140],
        title=title,
        transfer=transfer,
        form_symbol=form,
        tax_period=tax_period,
        liability_id=liability,
        split=split,
    )


def as_input(item: Item) -> ItemInput:
    """What the office would type to get `item` again (for edits and copies)."""
    title = None if item.transfer is Transfer.tax else item.title
    if item.split is not None:
        title = item.title.split("/TXT/", 1)[1] if "/TXT/" in item.title else None
    return ItemInput(
        kind=item.kind,
        period=item.period,
        amount_grosze=item.amount_grosze,
        due_date=item.due_date,
        account=item.account,
        recipient=item.recipient,
        title=title,
        form_symbol=item.form_symbol,
        tax_period=item.tax_period,
        liability_id=item.liability_id,
        split=item.split,
    )


def copied_input(item: Item, months: int) -> ItemInput:
    """The item moved `months` later: defaults that followed the period follow it again."""
    inp = as_input(item)
    period = add_months(item.period, months)
    tax_period = inp.tax_period
    if tax_period == default_tax_period(item.period):
        tax_period = None
    title = inp.title
    if title == default_title(item.kind, item.period):
        title = None
    return replace(
        inp,
        period=period,
        due_date=add_months(item.due_date, months),
        tax_period=tax_period,
        title=title,
        liability_id=None,
        split=None,
    )
