"""CSV import of items for many client companies at once: all rows or none.

One header row, then one item per row; columns (any order, case-insensitive):
`nip, kind, period, amount, due_date` required, `account, recipient, title, form_symbol,
tax_period, liability_id` optional. Separator `;` (what Polish Excel writes) or `,`; UTF-8
(with or without BOM) or Windows-1250. Amount in PLN (`1234,56`), dates `2026-11-20` or
`20.11.2026`, kind `vat|pit|cit|zus|ppk|other`. Every bad row is reported, with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from chassis.errors import ApiError
from contracts.taxes import TaxKind
from taxes.domain import parse_grosze, parse_period
from taxes.items import ItemInput

MAX_ROWS = 5000
REQUIRED = ("nip", "kind", "period", "amount", "due_date")
OPTIONAL = ("account", "recipient", "title", "form_symbol", "tax_period", "liability_id")


@dataclass(frozen=True)
class Row:
    line: int
    nip: str
    item: ItemInput


class CsvProblem(Exception):
    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field, self.code, self.message = field, code, message


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1250", errors="replace")


def _date(text: str) -> date:
    text = text.strip()
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    return date.fromisoformat(text)


def _kind(text: str) -> TaxKind:
    return TaxKind(text.strip().lower())


def _field(row: dict[str, str], name: str, parse: Callable[[str], Any]) -> Any:
    text = (row.get(name) or "").strip()
    if not text:
        raise CsvProblem(name, "missing", f"Brak wartości w kolumnie {name}.")
    try:
        return parse(text)
    except ApiError as error:
        raise CsvProblem(name, error.code, error.message) from error
    except ValueError as error:
        raise CsvProblem(name, "invalid", f"Nieprawidłowa wartość w kolumnie {name}.") from error


def _row(line: int, row: dict[str, str]) -> Row:
    nip = re.sub(r"[\s-]", "", _field(row, "nip", str))
    o = {k: (row.get(k) or "").strip() or None for k in OPTIONAL}
    item = ItemInput(
        kind=_field(row, "kind", _kind),
        period=_field(row, "period", parse_period),
        amount_grosze=_field(row, "amount", parse_grosze),
        due_date=_field(row, "due_date", _date),
        account=o["account"],
        recipient=o["recipient"],
        title=o["title"],
        form_symbol=o["form_symbol"],
        tax_period=o["tax_period"],
        liability_id=o["liability_id"],
    )
    return Row(line, nip, item)


def problem(line: int, field: str | None, code: str, message: str) -> dict[str, Any]:
    return {"row": line, "field": field, "code": code, "message": message}


def parse(text: str) -> tuple[list[Row], list[dict[str, Any]]]:
    """Rows that parsed and a problem per row that did not (or one for the header)."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [problem(1, None, "empty", "Plik jest pusty.")]
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        msg = "Brak wymaganych kolumn: " + ", ".join(missing) + "."
        return [], [problem(1, None, "missing_columns", msg)]
    rows: list[Row] = []
    errors: list[dict[str, Any]] = []
    for record in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(problem(line, None, "too_many_rows", f"Najwięcej {MAX_ROWS} wierszy."))
            break
        try:
            rows.append(_row(line, record))
        except CsvProblem as p:
            errors.append(problem(line, p.field, p.code, p.message))
    if not rows and not errors:
        errors.append(problem(1, None, "empty", "Plik nie zawiera żadnych pozycji."))
    return rows, errors
