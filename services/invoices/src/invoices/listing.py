"""The invoice list: filters, Polish-aware search, sort by any column, keyset paging, counts.

One SQL statement is assembled from fixed fragments; user values only ever travel as
parameters. Paging is keyset on (sort expression, id), so a page costs the same at row 10
and at row 100,000, and rows arriving meanwhile do not shift later pages.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from chassis.db import Conn
from chassis.tenancy import scope
from chassis.tokens import Principal
from invoices.domain import InvalidCursor, fold_query

# sort key -> (SQL expression, parser of its cursor value); every expression is non-null.
SORTS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "issue_date": ("i.issue_date", date.fromisoformat),
    "sale_date": ("i.sale_date", date.fromisoformat),
    "ksef_date": ("i.ksef_date", datetime.fromisoformat),
    "due_date": ("coalesce(i.due_date, '9999-12-31'::date)", date.fromisoformat),
    "invoice_number": ("i.invoice_number", str),
    "ksef_number": ("i.ksef_number", str),
    "counterparty_name": ("i.counterparty_name", str),
    "counterparty_nip": ("i.counterparty_nip", str),
    "net": ("i.net", Decimal),
    "vat": ("i.vat", Decimal),
    "gross": ("i.gross", Decimal),
    "currency": ("i.currency", str),
    "kind": ("i.kind", str),
    "direction": ("i.direction", str),
    "status": ("i.status", str),
    "approval": ("i.approval", str),
    "booking": ("i.booking", str),
    "category": ("i.category_name", str),
    "description": ("i.description", str),
}
DATE_FIELDS = {"issue": "i.issue_date", "sale": "i.sale_date", "ksef": "i.ksef_date::date"}

LIST_COLUMNS = (
    "i.id, i.company_id, o.name AS company_name, i.ksef_number, i.direction, i.status,"
    " i.error_code, i.error, i.kind, i.invoice_number, i.issue_date, i.sale_date, i.ksef_date,"
    " i.seller_nip, i.seller_name, i.buyer_nip, i.buyer_name, i.counterparty_nip,"
    " i.counterparty_name, i.currency, i.net, i.vat, i.gross, i.due_date, i.split_payment,"
    " i.category_id, i.category_name, c.colour AS category_colour, i.approval, i.booking,"
    " i.description, i.exclude_reason"
)
FROM = (
    " FROM invoices i LEFT JOIN tenancy_orgs o ON o.org_id = i.company_id"
    " LEFT JOIN categories c ON c.id = i.category_id"
)


@dataclass(frozen=True)
class Filters:
    company_id: UUID | None = None
    kinds: tuple[str, ...] = ()
    direction: str | None = None
    date_field: str = "issue"
    date_from: date | None = None
    date_to: date | None = None
    category_id: UUID | None = None
    uncategorised: bool = False
    approval: tuple[str, ...] = ()
    booking: tuple[str, ...] = ()
    status: str | None = None
    query: str | None = None


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, template: str, *values: Any) -> None:
        """`template` uses {} for each value, replaced by the next $n."""
        numbers = []
        for value in values:
            self.params.append(value)
            numbers.append(f"${len(self.params)}")
        self.clauses.append(template.format(*numbers))

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


def visibility(principal: Principal, where: Where) -> None:
    """Tenancy, and the client's choice to hide unapproved purchases from the office."""
    clause, params = scope(principal, "i.company_id", len(where.params) + 1)
    where.clauses.append(clause)
    where.params.extend(params)
    if principal.is_office:
        where.clauses.append(
            "NOT (i.direction = 'purchase' AND i.approval IN ('pending', 'rejected')"
            " AND EXISTS (SELECT 1 FROM company_settings s WHERE s.company_id = i.company_id"
            " AND NOT s.office_sees_unapproved))"
        )


def build_where(principal: Principal, f: Filters) -> Where:
    where = Where()
    visibility(principal, where)
    if f.company_id is not None:
        where.add("i.company_id = {}", f.company_id)
    if f.kinds:
        where.add("i.kind = ANY({})", list(f.kinds))
    if f.direction:
        where.add("i.direction = {}", f.direction)
    column = DATE_FIELDS[f.date_field]
    if f.date_from:
        where.add(f"{column} >= {{}}", f.date_from)
    if f.date_to:
        where.add(f"{column} <= {{}}", f.date_to)
    if f.category_id:
        where.add("i.category_id = {}", f.category_id)
    if f.uncategorised:
        where.clauses.append("i.category_id IS NULL")
    if f.approval:
        where.add("i.approval = ANY({})", list(f.approval))
    if f.booking:
        where.add("i.booking = ANY({})", list(f.booking))
    if f.status:
        where.add("i.status = {}", f.status)
    if f.query and (folded := fold_query(f.query)):
        escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.add("i.search_text LIKE {}", f"%{escaped}%")
    return where


def encode_cursor(value: Any, invoice_id: UUID) -> str:
    raw = json.dumps(
        [value.isoformat() if hasattr(value, "isoformat") else str(value), str(invoice_id)]
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parse: Callable[[str], Any]) -> tuple[Any, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, invoice_id = json.loads(base64.urlsafe_b64decode(padded))
        return parse(value), UUID(invoice_id)
    except (ValueError, TypeError, ArithmeticError) as error:
        raise InvalidCursor() from error


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None


async def list_invoices(
    conn: Conn,
    principal: Principal,
    filters: Filters,
    *,
    sort: str = "issue_date",
    descending: bool = True,
    limit: int = 50,
    after: str | None = None,
    with_total: bool = True,
) -> Page:
    expr, parse = SORTS[sort]
    where = build_where(principal, filters)
    total = None
    if with_total and after is None:
        total = await conn.fetchval(f"SELECT count(*) FROM invoices i{where.sql()}", *where.params)
    if after is not None:
        value, last_id = decode_cursor(after, parse)
        where.add(f"({expr}, i.id) {'<' if descending else '>'} ({{}}, {{}})", value, last_id)
    direction = "DESC" if descending else "ASC"
    rows = await conn.fetch(
        f"SELECT {LIST_COLUMNS}, {expr} AS sort_value{FROM}{where.sql()}"
        f" ORDER BY {expr} {direction}, i.id {direction} LIMIT {int(limit) + 1}",
        *where.params,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1]["sort_value"], rows[-1]["id"]) if more and rows else None
    items = [{k: v for k, v in dict(r).items() if k != "sort_value"} for r in rows]
    return Page(items=items, next_cursor=cursor, total=total)
