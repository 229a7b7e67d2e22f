"""Invoice amounts by the Polish rules: line nets in grosze, VAT from the net total per rate.

VAT is computed once per rate from the sum of the nets of that rate (art. 106e ust. 11 allows
rounding per rate), not summed from per-line VAT, so 3 × 0.33 at 23 % is 0.23, not 0.24.
Totals are keyed by the FA(3) field they land in (`P_13_1`, ...); rates sharing a field (23 %
and 22 %) get their VAT computed separately and then added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from invoices.issuing.domain import NET_FIELDS, RATES, grosze
from invoices.issuing.forms import LineIn

ZERO = Decimal(0)


def line_net(line: LineIn) -> Decimal:
    return grosze(line.quantity * line.unit_net_price - line.discount)


@dataclass(frozen=True)
class Totals:
    """Net and VAT per FA(3) net field, in the invoice currency."""

    buckets: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return sum((n for n, _ in self.buckets.values()), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((v for _, v in self.buckets.values()), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    def ordered(self) -> list[tuple[str, Decimal, Decimal]]:
        return [(f, *self.buckets[f]) for f in NET_FIELDS if f in self.buckets]

    def to_json(self) -> dict[str, Any]:
        return {f: [str(n), str(v)] for f, (n, v) in self.buckets.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Totals:
        return cls({f: (Decimal(n), Decimal(v)) for f, (n, v) in data.items()})


def totals_of(lines: Iterable[LineIn]) -> Totals:
    net_by_rate: dict[str, Decimal] = {}
    for line in lines:
        net_by_rate[line.vat_rate] = net_by_rate.get(line.vat_rate, ZERO) + line_net(line)
    buckets: dict[str, tuple[Decimal, Decimal]] = {}
    for code, net in net_by_rate.items():
        rate = RATES[code]
        vat = grosze(net * rate.percent / 100) if rate.percent is not None else ZERO
        old_net, old_vat = buckets.get(rate.net_field, (ZERO, ZERO))
        buckets[rate.net_field] = (old_net + net, old_vat + vat)
    return Totals(buckets)


def difference(after: Totals, before: Totals) -> Totals:
    """A correction's amounts: after minus before, for every field either side has."""
    fields = set(after.buckets) | set(before.buckets)
    out = {}
    for f in fields:
        a_net, a_vat = after.buckets.get(f, (ZERO, ZERO))
        b_net, b_vat = before.buckets.get(f, (ZERO, ZERO))
        out[f] = (a_net - b_net, a_vat - b_vat)
    return Totals(out)


def subtract(order: Totals, advances: Sequence[Totals]) -> Totals:
    """A final invoice's amounts: the whole order less what the advance invoices showed."""
    result = order
    for advance in advances:
        result = difference(result, advance)
    return result


def _vat_percent_of(field_name: str, lines: Sequence[LineIn]) -> Decimal:
    rates = {
        RATES[ln.vat_rate].percent for ln in lines if RATES[ln.vat_rate].net_field == field_name
    }
    return next(iter(r for r in rates if r is not None), ZERO)


def advance_split(order_lines: Sequence[LineIn], amount: Decimal) -> Totals:
    """Split a gross advance over the order's rates in proportion to their gross values.

    The VAT in an advance is computed from the gross: net = gross × 100 / (100 + rate). The
    last field takes the rounding remainder so the parts add up to the advance exactly."""
    order = totals_of(order_lines)
    order_gross = order.gross
    parts = order.ordered()
    buckets: dict[str, tuple[Decimal, Decimal]] = {}
    left = amount
    for index, (f, net, vat) in enumerate(parts):
        if index == len(parts) - 1:
            share = left
        else:
            share = grosze(amount * (net + vat) / order_gross) if order_gross else ZERO
        left -= share
        percent = _vat_percent_of(f, order_lines)
        part_net = grosze(share * 100 / (100 + percent))
        buckets[f] = (part_net, share - part_net)
    return Totals(buckets)


def in_pln(amount: Decimal, exchange_rate: Decimal | None) -> Decimal:
    return grosze(amount * exchange_rate) if exchange_rate is not None else amount
