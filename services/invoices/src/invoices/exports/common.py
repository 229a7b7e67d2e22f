"""What every export reads: the list row, the parsed model and the original XML."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from invoices.fa3.model import Invoice


@dataclass(frozen=True)
class ExportItem:
    row: dict[str, Any]
    invoice: Invoice | None  # None: stored as failed, only the raw XML is there
    xml: bytes
    upo: str | None

    @property
    def id(self) -> UUID:
        invoice_id: UUID = self.row["id"]
        return invoice_id

    @property
    def ksef_number(self) -> str:
        return str(self.row["ksef_number"])

    @property
    def is_purchase(self) -> bool:
        return bool(self.row["direction"] != "sales")


@dataclass(frozen=True)
class Company:
    id: UUID
    nip: str
    name: str
    address: str | None


def money(value: Decimal | None, places: int = 2) -> str:
    quantum = Decimal(1).scaleb(-places)
    return str((value or Decimal(0)).quantize(quantum, rounding=ROUND_HALF_UP))


def safe_name(value: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in value)
