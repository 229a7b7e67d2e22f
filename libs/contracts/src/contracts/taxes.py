"""Events produced by `taxes`: items entered by the office, items coming due."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.envelope import EventData
from contracts.registry import EventSpec, register


class TaxKind(StrEnum):
    vat = "vat"
    pit = "pit"
    cit = "cit"
    zus = "zus"
    ppk = "ppk"
    other = "other"


class TaxItemCreated(EventData):
    """The office entered a tax or fee a company has to pay."""

    item_id: UUID
    company_id: UUID
    kind: TaxKind
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-10"])
    amount_grosze: int = Field(gt=0, description="Amount in grosze (1/100 PLN).")
    due_date: date
    title: str = Field(max_length=140)


class DueStage(StrEnum):
    upcoming = "upcoming"
    overdue = "overdue"


class TaxItemDue(EventData):
    """An item is due in a few days (`upcoming`) or became overdue; published once per stage."""

    item_id: UUID
    company_id: UUID
    kind: TaxKind
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount_grosze: int = Field(gt=0)
    outstanding_grosze: int = Field(ge=0)
    due_date: date
    stage: DueStage
    title: str = Field(max_length=140)
    account: str = Field(description="NRB the money goes to.")


TAX_ITEM_CREATED = register(
    EventSpec("tax.item.created", 1, TaxItemCreated, TaxItemCreated.__doc__ or "")
)
TAX_ITEM_DUE = register(EventSpec("tax.item.due", 1, TaxItemDue, TaxItemDue.__doc__ or ""))
