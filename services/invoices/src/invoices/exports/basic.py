"""FA(3) originals as a zip (with UPO where known) and our documented CSV.

CSV: UTF-8 with a byte order mark, `;` between fields, CRLF line ends, decimal comma, ISO
dates (YYYY-MM-DD) — what Excel and LibreOffice open correctly with Polish settings.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from invoices.exports.common import ExportItem, safe_name

CSV_COLUMNS = (
    ("Numer KSeF", "ksef_number"),
    ("Numer faktury", "invoice_number"),
    ("Rodzaj", "kind"),
    ("Kierunek", "direction"),
    ("Data wystawienia", "issue_date"),
    ("Data sprzedaży", "sale_date"),
    ("Data KSeF", "ksef_date"),
    ("NIP sprzedawcy", "seller_nip"),
    ("Sprzedawca", "seller_name"),
    ("NIP nabywcy", "buyer_nip"),
    ("Nabywca", "buyer_name"),
    ("Waluta", "currency"),
    ("Netto", "net"),
    ("VAT", "vat"),
    ("Brutto", "gross"),
    ("Termin płatności", "due_date"),
    ("MPP", "split_payment"),
    ("Kategoria", "category_name"),
    ("Akceptacja", "approval"),
    ("Księgowanie", "booking"),
    ("Opis", "description"),
    ("Status", "status"),
    ("Błąd", "error"),
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if hasattr(value, "quantize"):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(items: list[ExportItem]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([title for title, _ in CSV_COLUMNS])
    for item in items:
        writer.writerow([_cell(item.row.get(key)) for _, key in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def to_xml_zip(items: list[ExportItem]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            name = safe_name(item.ksef_number)
            archive.writestr(f"{name}.xml", item.xml)
            if item.upo:
                archive.writestr(f"{name}_UPO.xml", item.upo)
    return buffer.getvalue()
