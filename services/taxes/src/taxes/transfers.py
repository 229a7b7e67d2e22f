"""Transfer titles and the Elixir-O file Polish corporate banking imports.

Elixir-O (KIR's domestic message, as bank import formats publish it): one record per line,
comma-separated, text fields in double quotes, 4x35-character text split by `|`, amount in
grosze, dates YYYYMMDD, Windows-1250, CRLF after every record. Fields:
 1 `110` credit transfer   2 execution date   3 amount   4 ordering bank sort code   5 `0`
 6 ordering account   7 beneficiary account   8 ordering name|address   9 beneficiary name
10 `0`   11 beneficiary bank sort code   12 details (title)   13, 14 empty
15 classification: `51` ordinary, `71` tax payment, `53` split payment   16 client reference.

Tax title: `/TI/N<NIP>/OKR/<period>/SFP/<form>/TXT/<liability>`; split payment (ZBP
recommendation): `/VAT/<VAT 0,00>/IDC/<supplier NIP>/INV/<invoice>/TXT/<free text>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from taxes.accounts import sort_code
from taxes.domain import Item, Transfer, format_pln

LINE = 35
LINES = 4
CLASSIFICATION = {Transfer.ordinary: "51", Transfer.tax: "71", Transfer.split_payment: "53"}


def tax_title(nip: str, tax_period: str, form_symbol: str, liability_id: str | None) -> str:
    return f"/TI/N{nip}/OKR/{tax_period}/SFP/{form_symbol}/TXT/{liability_id or ''}"


def split_title(vat_grosze: int, nip: str, invoice: str, text: str | None) -> str:
    return f"/VAT/{format_pln(vat_grosze)}/IDC/{nip}/INV/{invoice}/TXT/{text or ''}"


@dataclass(frozen=True)
class Orderer:
    """Who pays: the company, from its own account."""

    account: str
    name: str
    address: str | None


@dataclass(frozen=True)
class Order:
    item: Item
    execution_date: date


def _clean(text: str) -> str:
    # A double quote would end the field early and a line break the record.
    return " ".join(text.replace('"', "'").split())


def _chunks(text: str) -> list[str]:
    text = _clean(text)
    return [text[i : i + LINE] for i in range(0, len(text), LINE)] or [""]


def _lines(*parts: str | None) -> str:
    """Parts each on their own 35-character lines, at most four lines, joined by `|`."""
    lines = [line for part in parts if part for line in _chunks(part)]
    return "|".join(lines[:LINES])


def _quoted(text: str) -> str:
    return f'"{text}"'


def elixir_record(orderer: Orderer, order: Order) -> str:
    item = order.item
    fields = [
        "110",
        order.execution_date.strftime("%Y%m%d"),
        str(item.outstanding_grosze),
        sort_code(orderer.account),
        "0",
        _quoted(orderer.account),
        _quoted(item.account),
        _quoted(_lines(orderer.name, orderer.address)),
        _quoted(_lines(item.recipient)),
        "0",
        sort_code(item.account),
        # The title is split at exactly 35 characters: structured tax and MPP titles are
        # read back by concatenating the lines, so no character may be added or dropped.
        _quoted("|".join(_chunks(item.title)[:LINES])),
        _quoted(""),
        _quoted(""),
        _quoted(CLASSIFICATION[item.transfer]),
        _quoted(""),
    ]
    return ",".join(fields)


def elixir_file(orderer: Orderer, orders: Sequence[Order]) -> bytes:
    """The whole file, encoded as banks expect (Windows-1250, CRLF after every record)."""
    text = "".join(elixir_record(orderer, o) + "\r\n" for o in orders)
    return text.encode("cp1250", errors="replace")
