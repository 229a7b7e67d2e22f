"""The data both visualisations print, in Polish, from the stored row and the parsed model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoices.fa3.model import Invoice, Party
from invoices.fa3.parser import KINDS
from invoices.render.qr import invoice_link

DIRECTIONS = {"sales": "sprzedaż", "purchase": "zakup", "other": "inne (podmiot trzeci)"}
APPROVALS = {
    "not_required": "nie wymaga",
    "pending": "czeka na akceptację",
    "approved": "zaakceptowana",
    "rejected": "odrzucona",
}
BOOKINGS = {"unbooked": "niezaksięgowana", "booked": "zaksięgowana", "excluded": "wyłączona"}


def pl_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    whole, _, cents = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents}"


def pl_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def party_lines(party: Party) -> list[str]:
    lines = [party.name or ""]
    if party.nip:
        lines.append(f"NIP: {party.nip}")
    elif party.eu_vat:
        lines.append(f"VAT UE: {party.eu_code or ''}{party.eu_vat}")
    elif party.foreign_id:
        lines.append(f"Identyfikator: {party.foreign_id}")
    lines += party.address
    if party.email:
        lines.append(f"e-mail: {party.email}")
    if party.phone:
        lines.append(f"tel.: {party.phone}")
    return [line for line in lines if line]


@dataclass(frozen=True)
class Stamp:
    booked_by: str
    booked_at: str
    decree: str
    description: str


@dataclass(frozen=True)
class View:
    row: dict[str, Any]
    invoice: Invoice
    qr1_link: str
    qr1_caption: str
    qr2_link: str | None = None
    stamp: Stamp | None = None
    title: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", KINDS.get(self.invoice.kind, "Faktura"))


def build_view(
    row: dict[str, Any],
    invoice: Invoice,
    xml: bytes,
    qr_base_url: str,
    *,
    with_stamp: bool,
    qr2_link: str | None = None,
) -> View:
    ksef_number = row.get("ksef_number")
    stamp = None
    if with_stamp:
        stamp = Stamp(
            # the user's name when auth told us (users read model), else the id
            booked_by=str(row.get("booked_by_name") or row.get("booked_by") or "—"),
            booked_at=pl_date(row.get("booked_at")) or "—",
            decree=row.get("booking_decree") or row.get("category_name") or "—",
            description=row.get("description") or "",
        )
    return View(
        row=row,
        invoice=invoice,
        qr1_link=invoice_link(qr_base_url, invoice.seller.nip or "", invoice.issue_date, xml),
        qr1_caption=ksef_number or "OFFLINE",
        qr2_link=qr2_link,
        stamp=stamp,
    )
