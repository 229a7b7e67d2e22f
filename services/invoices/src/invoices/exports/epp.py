"""InsERT EDI++ (.epp) 1.05 for Rachmistrz/Rewizor: the accounting-office purpose.

Per the published EDI++ 1.05 specification (summary in ../shared/domain/EXPORT-FORMATS.md):
Windows-1250, comma-separated, strings in double quotes (a quote doubled), decimal point
with four places, dates `yyyymmddhhnnss`, CRLF, an [INFO] section first, then a
[NAGLOWEK] (62 fields) and [ZAWARTOSC] (the VAT table) per document, one blank line at the
end. The KSeF number goes in field 49 (remarks) and field 50 (comment), as no dedicated
field exists yet.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from invoices.exports.common import Company, ExportItem, money
from invoices.fa3.model import Invoice

# our rate code -> (symbol, rate %), the spec's special values for non-percentage rates
RATES = {
    "23": ("23", "23.0000"),
    "8": ("8", "8.0000"),
    "5": ("5", "5.0000"),
    "4": ("4", "4.0000"),
    "0": ("0", "0.0000"),
    "0wdt": ("0", "0.0000"),
    "0exp": ("0", "0.0000"),
    "zw": ("zw", "-1.0000"),
    "np": ("npo", "-4.0000"),
    "np100": ("npo", "-4.0000"),
    "oo": ("oo", "-5.0000"),
    "oss": ("npo", "-4.0000"),
    "marza": ("zw", "-1.0000"),
}
FORMS = {"1": "gotówka", "2": "karta", "5": "kredyt", "6": "przelew"}


def q(value: str | None) -> str:
    return '"' + (value or "").replace('"', '""').replace("\r", " ").replace("\n", " ") + '"'


def stamp(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.strftime("%Y%m%d%H%M%S")


def amount(value: Decimal | None) -> str:
    return money(value, 4)


def _info(company: Company, items: list[ExportItem], now: datetime) -> list[str]:
    days = [i.invoice.issue_date for i in items if i.invoice]
    return [
        '"1.05"', "0", "1250", q("Rachmistrz"), q(company.nip), q(company.name[:40]),
        q(company.name), q(""), q(""), q(company.address or ""), q(company.nip),
        q("MAG"), q("Główny"), q("Magazyn główny"), "", "1" if days else "0",
        stamp(min(days)) if days else "", stamp(max(days)) if days else "",
        q("Rachmistrz"), stamp(now), q("Polska"), q("PL"), q(""), "0",
    ]  # fmt: skip


def _header(item: ExportItem, inv: Invoice) -> list[str]:
    purchase = item.is_purchase
    correction = inv.kind.startswith("KOR")
    kind = ("KFZ" if correction else "FZ") if purchase else ("KFS" if correction else "FS")
    other = inv.seller if purchase else inv.buyer
    corrected = inv.corrected[0] if correction and inv.corrected else None
    due = [d.on for d in (inv.payment.due if inv.payment else []) if d.on]
    rate = inv.exchange_rate or Decimal(1)
    fields = [
        q(kind), "1", "0", "0", q(inv.number if purchase else ""), q(""), q(inv.number),
        q(corrected.number if corrected else ""),
        stamp(corrected.issue_date if corrected else None),
        q(""), q(""), q(other.tax_id or (other.name or "")[:20]), q((other.name or "")[:40]),
        q(other.name), q(other.address[1] if len(other.address) > 1 else ""), q(""),
        q(other.address[0] if other.address else ""), q(other.nip or other.eu_vat or ""),
        q(item.row.get("category_name") or ""), q(""), q(inv.issue_place or ""),
        stamp(inv.issue_date), stamp(inv.effective_sale_date), stamp(item.row["ksef_date"]),
        str(len(inv.rates)), "1", q(""), amount(inv.net), amount(inv.vat), amount(inv.gross),
        amount(Decimal(0)), q(""), amount(Decimal(0)),
        q(FORMS.get(inv.payment.form or "", "przelew") if inv.payment else "przelew"),
        stamp(min(due) if due else None), amount(Decimal(0)), amount(inv.gross), "0", "0", "1",
        "0", q(""), q(""), q(""), amount(Decimal(0)), amount(Decimal(0)), q(inv.currency),
        amount(rate), q(f"KSeF: {item.ksef_number}"), q(item.ksef_number), q(""), q(""),
        "0", "0" if other.country in (None, "PL") else "1", "0", q(""), amount(Decimal(0)),
        q(""), amount(Decimal(0)), q(other.country or "PL"), q(other.eu_code or ""),
        "1" if other.eu_code else "0",
    ]  # fmt: skip
    assert len(fields) == 62, len(fields)
    return fields


def _vat_table(inv: Invoice) -> list[list[str]]:
    rows = []
    for rate in inv.rates:
        symbol, percent = RATES.get(rate.code, ("npo", "-4.0000"))
        rows.append(
            [q(symbol), percent, amount(rate.net), amount(rate.vat), amount(rate.net + rate.vat)]
        )
    return rows


def to_epp(company: Company, items: list[ExportItem], now: datetime | None = None) -> bytes:
    lines = ["[INFO]", ",".join(_info(company, items, now or datetime.now())), ""]
    for item in items:
        if item.invoice is None:
            continue
        lines += ["[NAGLOWEK]", ",".join(_header(item, item.invoice)), ""]
        lines += ["[ZAWARTOSC]", *(",".join(r) for r in _vat_table(item.invoice)), ""]
    text = "\r\n".join(lines) + "\r\n"
    return text.encode("cp1250", errors="replace")
