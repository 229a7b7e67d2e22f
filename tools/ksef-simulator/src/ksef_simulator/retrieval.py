"""Metadata query semantics: date rules, HWM, paging and the 10,000-record truncation."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .clock import iso
from .domain import Ident
from .errors import KsefError
from .invoice_json import invoice_metadata
from .invoice_query import InvoiceQuery
from .simulator import Simulator

RECORD_CAP = 10_000
WARSAW = ZoneInfo("Europe/Warsaw")
VALIDATION = (21405, "Błąd walidacji danych wejściowych.")


@dataclass
class Window:
    date_from: datetime
    date_to: datetime
    hwm: datetime | None


def aware(value: datetime) -> datetime:
    """Dates without an offset are Europe/Warsaw local time (notes §6.1)."""
    return value if value.tzinfo else value.replace(tzinfo=WARSAW)


def _plus_months(value: datetime, months: int) -> datetime:
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    for day in (value.day, 30, 29, 28):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError("unreachable")


def high_water_mark(sim: Simulator, now: datetime) -> datetime:
    """The HWM trails now by the configured lag and moves in whole seconds."""
    return (now - timedelta(seconds=sim.settings.hwm_lag_seconds)).replace(microsecond=0)


def snapshot(sim: Simulator, key: str, first_page: bool) -> tuple[datetime, datetime]:
    """(now, HWM) for a query; pages after the first reuse the first page's values."""
    if len(sim.query_snapshots) > 10_000:
        sim.query_snapshots.clear()  # bounded memory; an evicted query just restarts its window
    if first_page or key not in sim.query_snapshots:
        now = sim.clock.now()
        sim.query_snapshots[key] = (now, high_water_mark(sim, now))
    return sim.query_snapshots[key]


def resolve_window(date_range: dict[str, Any], now: datetime, hwm: datetime) -> Window:
    """Apply the default `to`, the 3-month rule and the HWM restriction."""
    date_type = date_range["dateType"]
    start = aware(date_range["from"])
    end = aware(date_range["to"]) if date_range.get("to") else now
    if end < start:
        raise KsefError(*VALIDATION, "'dateRange.to' must not be earlier than 'dateRange.from'.")
    # The range may span 3 months counted in Warsaw time (a little more in UTC is fine).
    if _plus_months(start.astimezone(WARSAW), 3) < end.astimezone(WARSAW):
        raise KsefError(*VALIDATION, "Zakres dat nie może przekraczać 3 miesięcy.")
    if date_type != "PermanentStorage":
        return Window(start, end, None)
    if date_range.get("restrictToPermanentStorageHwmDate"):
        if start > hwm:
            raise KsefError(
                21183,
                "Zakres filtrowania wykracza poza dostępny zakres danych.",
                "Parametr dateRange.from jest późniejszy niż PermanentStorageHwmDate przy "
                "włączonym restrictToPermanentStorageHwmDate.",
            )
        end = min(end, hwm)
    # For older periods the HWM equals the requested upper bound (spec description).
    return Window(start, end, min(end, hwm))


def build_query(
    context: Ident, filters: dict[str, Any], window: Window, now: datetime, desc: bool
) -> InvoiceQuery:
    amount = filters.get("amount") or {}
    buyer = filters.get("buyerIdentifier") or {}
    return InvoiceQuery(
        subject_type=filters["subjectType"],
        context_value=context.value,
        date_type=filters["dateRange"]["dateType"],
        date_from=window.date_from,
        date_to=window.date_to,
        visible_at=now,
        descending=desc,
        ksef_number=filters.get("ksefNumber"),
        invoice_number=filters.get("invoiceNumber"),
        amount_type=amount.get("type"),
        amount_from=amount.get("from"),
        amount_to=amount.get("to"),
        seller_nip=filters.get("sellerNip"),
        buyer_type=buyer.get("type"),
        buyer_value=buyer.get("value"),
        currency_codes=filters.get("currencyCodes") or [],
        invoicing_mode=filters.get("invoicingMode"),
        is_self_invoicing=filters.get("isSelfInvoicing"),
        form_type=filters.get("formType"),
        invoice_types=filters.get("invoiceTypes") or [],
        has_attachment=filters.get("hasAttachment"),
    )


async def query_metadata(
    sim: Simulator, context: Ident, filters: dict[str, Any], page: tuple[int, int], desc: bool
) -> dict[str, Any]:
    offset, size = page
    await sim.arrivals.catch_up(sim.store, sim.clock.now())
    key = json.dumps([context.value, filters, desc], default=str, sort_keys=True)
    now, hwm = snapshot(sim, key, offset == 0)
    window = resolve_window(filters["dateRange"], now, hwm)
    query = build_query(context, filters, window, now, desc)
    start, end = offset * size, min((offset + 1) * size, RECORD_CAP)
    last_page = (offset + 1) * size >= RECORD_CAP
    # Counting one record past the page tells `hasMore`; on the page that reaches the cap,
    # one record past the cap tells whether the filter set was truncated.
    cap = RECORD_CAP + 1 if last_page else max(end, start) + 1
    found = await sim.store.query_page(query, start, max(0, end - start), cap)
    return {
        "hasMore": found.total > max(end, start),
        "isTruncated": last_page and found.total > RECORD_CAP,
        "permanentStorageHwmDate": iso(window.hwm) if window.hwm else None,
        "invoices": [invoice_metadata(inv) for inv in found.rows],
    }
