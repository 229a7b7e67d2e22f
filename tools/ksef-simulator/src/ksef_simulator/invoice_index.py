"""In-memory invoice storage with per-(context, role) lists sorted by each date type.

A metadata query bisects to its date range in the right list and walks it in order, applying
the remaining filters, so its cost depends on the rows it touches, not on the store's size. The
sorted lists are built on first use per date type and kept sorted on insert.
"""

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .domain import Invoice
from .invoice_query import InvoiceQuery, date_of, matches_filters

ROLES = ("Subject1", "Subject2", "Subject3", "SubjectAuthorized")
SortKey = tuple[datetime, str]


def _key(date_type: str) -> Callable[[Invoice], SortKey]:
    def key(inv: Invoice) -> SortKey:
        return (date_of(inv, date_type), inv.ksef_number)

    return key


KEYS = {t: _key(t) for t in ("Issue", "Invoicing", "PermanentStorage")}


@dataclass
class RoleList:
    """One context's invoices in one role; `sorted` holds a view per date type."""

    items: list[Invoice] = field(default_factory=list)
    sorted: dict[str, list[Invoice]] = field(default_factory=dict)

    def add(self, invoice: Invoice) -> None:
        self.items.append(invoice)
        for date_type, view in self.sorted.items():
            bisect.insort(view, invoice, key=KEYS[date_type])

    def view(self, date_type: str) -> list[Invoice]:
        if date_type not in self.sorted:
            self.sorted[date_type] = sorted(self.items, key=KEYS[date_type])
        return self.sorted[date_type]


@dataclass
class Page:
    rows: list[Invoice]
    total: int  # matching records, counted up to the cap passed to `query_page`


def roles_of(invoice: Invoice) -> Iterator[tuple[str, str]]:
    """(context NIP, role) pairs under which the invoice is visible."""
    yield invoice.seller_nip, "Subject1"
    if invoice.buyer.type == "Nip":
        yield invoice.buyer.value, "Subject2"
    for third in invoice.third_subjects:
        yield str(third["identifier"].get("value")), "Subject3"
    if invoice.authorized_subject:
        yield invoice.authorized_subject["nip"], "SubjectAuthorized"


class InvoiceIndex:
    def __init__(self) -> None:
        self.by_number: dict[str, Invoice] = {}
        self.duplicates: dict[tuple[str, str, str], Invoice] = {}
        self.roles: dict[tuple[str, str], RoleList] = {}

    def __len__(self) -> int:
        return len(self.by_number)

    def add(self, invoice: Invoice) -> None:
        self.by_number[invoice.ksef_number] = invoice
        key = (invoice.seller_nip, invoice.invoice_type, invoice.invoice_number)
        self.duplicates[key] = invoice
        for pair in set(roles_of(invoice)):
            role_list = self.roles.get(pair)
            if role_list is None:
                role_list = self.roles[pair] = RoleList()
            role_list.add(invoice)

    def _candidates(self, query: InvoiceQuery) -> Iterator[Invoice]:
        """Invoices of the context's role inside the date range, in the requested order."""
        role_list = self.roles.get((query.context_value, query.subject_type))
        if role_list is None:
            return iter(())
        view = role_list.view(query.date_type)
        key = KEYS[query.date_type]
        # Two-element keys: ("", ...) sorts before and ("\uffff", ...) after any KSeF number.
        lo = bisect.bisect_left(view, (query.date_from, ""), key=key)
        hi = bisect.bisect_right(view, (query.date_to, "\uffff"), key=key)
        if query.descending:
            return (view[i] for i in range(hi - 1, lo - 1, -1))
        return (view[i] for i in range(lo, hi))

    def query_page(self, query: InvoiceQuery, offset: int, size: int, cap: int) -> Page:
        """Rows [offset, offset + size) of the ordered matches, and how many match (≤ cap)."""
        rows: list[Invoice] = []
        total = 0
        end = offset + size
        visible_at, plain = query.visible_at, query.has_only_dates()
        for inv in self._candidates(query):
            if inv.visible_at > visible_at or not (plain or matches_filters(inv, query)):
                continue
            if offset <= total < end:
                rows.append(inv)
            total += 1
            if total >= cap:
                break
        return Page(rows, total)
