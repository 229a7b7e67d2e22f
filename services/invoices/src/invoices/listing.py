"""The invoice list: filters, Polish-aware search, sort by any column, keyset paging, counts.

One SQL statement is assembled from fixed fragments; user values only ever travel as
parameters. Paging is keyset on (sort expression, id), and every sort expression here is
exactly the middle column of a `(company_id | office_id, expression, id)` index
(migrations/0010_list_indexes.sql), so a page walks about `limit` index entries at row 10 and
at row 1,000,000 alike, and rows arriving meanwhile do not shift later pages.

Scopes: a company's user reads the company's range; an office's admins and unrestricted staff
the office's range (`office_id` is copied onto each invoice); staff limited to assigned
clients get one ordered range per assigned company, merged (`LATERAL`, `limit` rows each).
Counting is separate (`count_invoices`) and capped, so no page pays for counting everything.

Two filters are first tested on a short walk of the sort's index (`probe_sql`) and only then
given to an index of their own: a date range on another date than the sort's, and a search
(a common word fills a page within a few hundred rows; its trigram index would cost by how
common its trigrams are in every invoice).
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
from chassis.tokens import Principal
from invoices.domain import InvalidCursor, fold_query

# sort key -> (SQL expression, parser of its cursor value); every expression is non-null and
# spelled exactly as in its indexes, or the planner cannot use them.
SORTS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "issue_date": ("i.issue_date", date.fromisoformat),
    "sale_date": ("i.sale_date", date.fromisoformat),
    "ksef_date": ("i.ksef_date", datetime.fromisoformat),
    # no due date sorts last; asyncpg maps date.max to and from 'infinity', so it round-trips
    "due_date": ("coalesce(i.due_date, 'infinity'::date)", date.fromisoformat),
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
    # descriptions may be long; a btree key may not, so the order is by the first 100 chars
    "description": ("left(i.description, 100)", str),
}
# date filter -> (column, the sort key of that column); the KSeF date is a timestamp, so its
# day bounds are compared as timestamps (the session's time zone), which its index can serve
DATE_FIELDS = {"issue": "i.issue_date", "sale": "i.sale_date", "ksef": "i.ksef_date"}
DATE_SORTS = {"issue": "issue_date", "sale": "sale_date", "ksef": "ksef_date"}
# A date filter on another date than the sort's: both grow together, so walking the sort's
# index from its newest end may pass every row newer than the filter first. The walk gets
# this many index entries; then the filter's range is read whole and sorted instead.
PROBE_ROWS = 500
CORRELATED = {"issue_date", "sale_date", "ksef_date", "due_date"}

# Only what a list row shows: no raw XML, no parsed document, no search text.
INVOICE_COLUMNS = (
    "i.id, i.company_id, i.ksef_number, i.direction, i.status,"
    " i.error_code, i.error, i.kind, i.invoice_number, i.issue_date, i.sale_date, i.ksef_date,"
    " i.seller_nip, i.seller_name, i.buyer_nip, i.buyer_name, i.counterparty_nip,"
    " i.counterparty_name, i.currency, i.net, i.vat, i.gross, i.due_date, i.split_payment,"
    " i.category_id, i.category_name, i.approval, i.booking, i.description, i.exclude_reason"
)
LIST_COLUMNS = INVOICE_COLUMNS + ", o.name AS company_name, c.colour AS category_colour"
FROM = (
    " FROM invoices i LEFT JOIN tenancy_orgs o ON o.org_id = i.company_id"
    " LEFT JOIN categories c ON c.id = i.category_id"
)
COUNT_CAP = 10_000


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
    # the date filter's clauses, kept apart so a probe can test them instead of filtering
    dates: list[str] = field(default_factory=list)
    # clauses[:scoped] are the tenancy scope, the rest the user's filters
    scoped: int = 0
    # the search's clause, kept apart so a probe can test it instead of filtering
    search: list[str] = field(default_factory=list)

    def add(self, template: str, *values: Any, to: list[str] | None = None) -> None:
        """`template` uses {} for each value, replaced by the next $n."""
        numbers = []
        for value in values:
            self.params.append(value)
            numbers.append(f"${len(self.params)}")
        (self.clauses if to is None else to).append(template.format(*numbers))

    def sql(self, *, dates: bool = True, search: bool = True) -> str:
        clauses = self.clauses + (self.dates if dates else []) + (self.search if search else [])
        return " WHERE " + " AND ".join(clauses) if clauses else ""

    def date_driven(self) -> str:
        """Only the scope and the dates may pick the index; the other filters are wrapped
        so the planner cannot AND in a bitmap of, say, every purchase of every company."""
        rest = self.clauses[self.scoped :] + self.search
        wrapped = [f"(({' AND '.join(rest)}) IS TRUE)"] if rest else []
        return " WHERE " + " AND ".join(self.clauses[: self.scoped] + self.dates + wrapped)


def limited_to_assigned(principal: Principal) -> bool:
    return principal.is_office and not (
        principal.all_clients or principal.role in ("admin", "manager")
    )


def visibility(principal: Principal, where: Where) -> None:
    """Tenancy, and the client's choice to hide unapproved purchases from the office."""
    if not principal.is_office:
        where.add("i.company_id = {}", principal.org_id)
        return
    # office_id on the invoice is kept equal to the company's office in the read model
    where.add("i.office_id = {}", principal.org_id)
    if limited_to_assigned(principal):
        where.add(
            "i.company_id IN (SELECT company_id FROM tenancy_assignments"
            " WHERE office_id = {} AND user_id = {})",
            principal.org_id,
            principal.user_id,
        )
    where.clauses.append(
        "NOT (i.direction = 'purchase' AND i.approval IN ('pending', 'rejected')"
        " AND EXISTS (SELECT 1 FROM company_settings s WHERE s.company_id = i.company_id"
        " AND NOT s.office_sees_unapproved))"
    )


def search_pattern(query: str | None) -> str | None:
    if not query or not (folded := fold_query(query)):
        return None
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def build_where(principal: Principal, f: Filters) -> Where:
    where = Where()
    visibility(principal, where)
    where.scoped = len(where.clauses)
    if f.company_id is not None:
        where.add("i.company_id = {}", f.company_id)
    if f.kinds:
        where.add("i.kind = ANY({})", list(f.kinds))
    if f.direction:
        where.add("i.direction = {}", f.direction)
    column = DATE_FIELDS[f.date_field]
    if f.date_from:
        where.add(f"{column} >= {{}}::date", f.date_from, to=where.dates)
    if f.date_to and f.date_field == "ksef":
        where.add(f"{column} < {{}}::date + 1", f.date_to, to=where.dates)
    elif f.date_to:
        where.add(f"{column} <= {{}}::date", f.date_to, to=where.dates)
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
    if pattern := search_pattern(f.query):
        where.add("i.search_text LIKE {}", pattern, to=where.search)
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
    total: int | None = None
    total_capped: bool = False


def page_sql(expr: str, where: Where, descending: bool, limit: int, *, fence: bool = False) -> str:
    """The page's rows ordered on the index alone, then joined to names (limit rows only).

    `fence`: sort the whole date range instead of walking the sort's index, in two steps:
    the ids of the page first, from the date index alone where it carries the columns used
    (an index-only scan; `OFFSET 0` keeps the ORDER BY out of the range scan), then only
    those rows."""
    direction = "DESC" if descending else "ASC"
    order = f"ORDER BY sort_value {direction}, i.id {direction}"
    if fence:
        ids = (
            f"SELECT i.id FROM (SELECT i.id, {expr} AS sort_value FROM invoices i"
            f"{where.date_driven()} OFFSET 0) i {order} LIMIT {int(limit) + 1}"
        )
        inner = (
            f"SELECT {INVOICE_COLUMNS}, {expr} AS sort_value FROM invoices i WHERE i.id IN ({ids})"
        )
    else:
        inner = (
            f"SELECT {INVOICE_COLUMNS}, {expr} AS sort_value FROM invoices i{where.sql()}"
            f" {order} LIMIT {int(limit) + 1}"
        )
    return _named(inner, direction)


def probe_sql(expr: str, where: Where, descending: bool, limit: int, *, dates: bool) -> str:
    """The first PROBE_ROWS entries of the sort's index, then the search and (`dates`) the
    date filter on those."""
    direction = "DESC" if descending else "ASC"
    hit = " AND ".join((where.dates if dates else []) + where.search)
    walk = (
        f"SELECT {INVOICE_COLUMNS}, {expr} AS sort_value, ({hit}) AS hit FROM invoices i"
        f"{where.sql(dates=not dates, search=False)} ORDER BY {expr} {direction},"
        f" i.id {direction} LIMIT {PROBE_ROWS}"
    )
    inner = (
        f"SELECT * FROM (SELECT w.*, count(*) OVER () AS walked FROM ({walk}) w) i WHERE i.hit"
        f" ORDER BY sort_value {direction}, i.id {direction} LIMIT {int(limit) + 1}"
    )
    return _named(inner, direction)


def _named(inner: str, direction: str) -> str:
    return (
        f"SELECT i.*, o.name AS company_name, c.colour AS category_colour FROM ({inner}) i"
        " LEFT JOIN tenancy_orgs o ON o.org_id = i.company_id"
        " LEFT JOIN categories c ON c.id = i.category_id"
        f" ORDER BY i.sort_value {direction}, i.id {direction}"
    )


async def list_invoices(
    conn: Conn,
    principal: Principal,
    filters: Filters,
    *,
    sort: str = "issue_date",
    descending: bool = True,
    limit: int = 50,
    after: str | None = None,
    with_total: bool = False,
) -> Page:
    expr, parse = SORTS[sort]
    total, capped = (None, False)
    if with_total and after is None:
        total, capped = await count_invoices(conn, principal, filters)
    where = build_where(principal, filters)
    if after is not None:
        value, last_id = decode_cursor(after, parse)
        where.add(f"({expr}, i.id) {'<' if descending else '>'} ({{}}, {{}})", value, last_id)
    mismatch = bool(where.dates) and sort in CORRELATED and sort != DATE_SORTS[filters.date_field]
    if limited_to_assigned(principal) and filters.company_id is None:
        rows = await conn.fetch(*assigned_sql(principal, expr, where, descending, limit))
    elif mismatch or where.search:
        # A search's trigram index costs by how common its trigrams are in ALL invoices
        # (~10-40 ms for a common word, even for one company of a few hundred invoices), where
        # a common word fills a page within the first few hundred rows of the sort's index:
        # that walk first, the trigram index only for strings it did not find often enough.
        rows = await conn.fetch(
            probe_sql(expr, where, descending, limit, dates=mismatch), *where.params
        )
        # fewer rows walked than asked: the walk read the whole scope, the hits are all there
        if len(rows) <= limit and not (rows and rows[0]["walked"] < PROBE_ROWS):
            sql = page_sql(expr, where, descending, limit, fence=mismatch)
            rows = await conn.fetch(sql, *where.params)
    else:
        rows = await conn.fetch(page_sql(expr, where, descending, limit), *where.params)
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1]["sort_value"], rows[-1]["id"]) if more and rows else None
    items = [_item(r) for r in rows]
    return Page(items=items, next_cursor=cursor, total=total, total_capped=capped)


def _item(row: Any) -> dict[str, Any]:
    item = dict(row)  # in C; a comprehension over 35 columns x 50 rows was ~0.3 ms a page
    for helper in ("sort_value", "hit", "walked"):
        item.pop(helper, None)
    return item


def assigned_sql(
    principal: Principal, expr: str, where: Where, descending: bool, limit: int
) -> tuple[Any, ...]:
    """Staff limited to assigned clients: each company's first `limit` rows from its own index
    range, merged. A handful of companies cost a handful of short index walks, where one
    `company_id IN (...)` scan would sort every invoice of them."""
    n = len(where.params) + 1
    per_company = Where(
        [*where.clauses, "i.company_id = a.company_id"],
        [*where.params],
        [*where.dates],
        search=[*where.search],
    )
    inner = page_sql(expr, per_company, descending, limit)
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT p.* FROM (SELECT company_id FROM tenancy_assignments"
        f" WHERE office_id = ${n} AND user_id = ${n + 1}) a"
        f" CROSS JOIN LATERAL ({inner}) p"
        f" ORDER BY p.sort_value {direction}, p.id {direction} LIMIT {int(limit) + 1}"
    )
    return (sql, *where.params, principal.org_id, principal.user_id)


async def count_invoices(
    conn: Conn, principal: Principal, filters: Filters, cap: int = COUNT_CAP
) -> tuple[int, bool]:
    """How many invoices match, counting no further than `cap` (then: `cap`, True).

    Office-wide, filters that the office's issue-date index carries (dates, direction,
    approval, booking, status; migration 0012) are counted from that index alone, with the
    filters wrapped so the planner cannot AND bitmaps of every pending or unbooked invoice of
    the office instead (100+ ms at 100,000 invoices an office, ~15 ms this way). A search
    keeps its trigram index: walking the office's rows would read every one for a rare string."""
    where = build_where(principal, filters)
    f = filters
    covered = not (f.query or f.kinds or f.category_id or f.uncategorised)
    clause = where.date_driven() if principal.is_office and covered else where.sql()
    found = await conn.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM invoices i{clause} LIMIT {int(cap) + 1}) t",
        *where.params,
    )
    return (cap, True) if found > cap else (int(found), False)
