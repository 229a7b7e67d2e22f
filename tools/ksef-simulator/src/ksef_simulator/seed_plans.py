"""Random but reproducible invoice contents for each FA(3) kind (used by `seed.SeededXml`).

Everything here draws from the invoice's own `random.Random`, in a fixed order, so a plan made
at seeding time (for the metadata) and one made at download time (for the XML) are identical.
"""

import dataclasses
import random

from .fa3_plan import Line, Plan, Reference, order_gross

GOODS = (
    ("Usługa księgowa", "usł."), ("Papier A4", "ryza"), ("Toner", "szt."), ("Konsultacja", "h"),
    ("Transport", "km"), ("Licencja oprogramowania", "szt."), ("Materiały biurowe", "kpl."),
    ("Serwis urządzeń", "usł."), ("Kabel elektryczny", "m"), ("Farba", "l"),
)  # fmt: skip
# Domestic rates with weights: several VAT rates, zero, exempt, reverse charge, outside scope.
RATE_CODES = ("23", "8", "5", "0 KR", "zw", "oo", "np I", "np II")
RATE_WEIGHTS = (60, 12, 8, 3, 7, 5, 3, 2)
Related = tuple[Plan, Reference] | None


def _int(rng: random.Random, low: int, high: int) -> int:
    """Like `randint`, several times faster (a million invoices draw tens of millions)."""
    return low + int(rng.random() * (high - low + 1))


def _line(rng: random.Random, rate: str, low: int = 500, high: int = 200_000) -> Line:
    name, unit = GOODS[int(rng.random() * len(GOODS))]
    return Line(name, unit, _int(rng, 1, 12), _int(rng, low, high), rate)


def _sale(rng: random.Random, plan: Plan) -> Plan:
    """VAT and UPR: currency by buyer, several rates, sometimes MPP, long lists, attachments."""
    buyer = plan.buyer
    if plan.kind == "UPR":  # simplified invoice: at most PLN 450 gross
        plan.lines = [
            Line("Drobne zakupy", "szt.", 1, _int(rng, 500, 15_000), "23")
            for _ in range(_int(rng, 1, 2))
        ]
        return plan
    count = _int(rng, 150, 400) if rng.random() < 0.02 else _int(rng, 1, 8)
    if buyer.id_type == "VatUe":
        plan.currency, plan.fx = "EUR", _int(rng, 42_000, 44_000)
        plan.lines = [_line(rng, "0 WDT") for _ in range(count)]
    elif buyer.id_type == "Other":
        plan.currency, plan.fx = "USD", _int(rng, 38_000, 41_000)
        plan.lines = [_line(rng, "0 EX") for _ in range(count)]
    else:
        if rng.random() < 0.08:
            plan.currency, plan.fx = "EUR", _int(rng, 42_000, 44_000)
        codes = rng.choices(RATE_CODES, RATE_WEIGHTS, k=count)
        plan.lines = [_line(rng, code) for code in codes]
        if plan.currency == "PLN" and rng.random() < 0.06:
            # Split payment: Annex 15 goods and a total above PLN 15,000 (notes §9).
            big = Line("Stal zbrojeniowa", "t", _int(rng, 5, 20), _int(rng, 300_000, 500_000),
                       "23", annex15=True)  # fmt: skip
            plan.lines.append(big)
    plan.paid = rng.random() < 0.3
    plan.attachment = rng.random() < 0.03
    return plan


def _order(rng: random.Random) -> list[Line]:
    rate = "23" if rng.random() < 0.8 else "8"
    return [_line(rng, rate, 10_000, 500_000) for _ in range(_int(rng, 1, 4))]


def _advance(rng: random.Random, plan: Plan) -> Plan:
    """ZAL: an advance of 20-60% of an order's gross value."""
    plan.order = _order(rng)
    plan.advance = order_gross(plan.order) * _int(rng, 20, 60) // 100
    return plan


def _settlement(plan: Plan, related: tuple[Plan, Reference]) -> Plan:
    """ROZ: the whole order invoiced, less the advance already paid."""
    advance, ref = related
    plan.order = plan.lines = advance.order
    plan.advance, plan.advance_ref = advance.advance, ref
    return plan


def _correction(rng: random.Random, plan: Plan, related: tuple[Plan, Reference]) -> Plan:
    """KOR / KOR_ROZ: some lines restated with a lower quantity or price (StanPrzed pairs)."""
    original, ref = related
    plan.currency, plan.fx, plan.corrected = original.currency, original.fx, ref
    chosen = original.lines[: _int(rng, 1, min(3, len(original.lines)))]
    plan.lines = []
    for line in chosen:
        after = (
            dataclasses.replace(line, qty=line.qty - 1)
            if line.qty > 1
            else dataclasses.replace(line, price=line.price * 9 // 10)
        )
        plan.lines += [dataclasses.replace(line, before=True), after]
    return plan


def _advance_correction(rng: random.Random, plan: Plan, related: tuple[Plan, Reference]) -> Plan:
    """KOR_ZAL: the advance lowered by 5-30%."""
    original, ref = related
    plan.order, plan.corrected = original.order, ref
    plan.advance = -(original.advance * _int(rng, 5, 30) // 100)
    return plan


def make_plan(rng: random.Random, plan: Plan, related: Related) -> Plan:
    """Fill `plan` (kind, parties, number and dates set) with lines and amounts."""
    if plan.kind == "ZAL":
        return _advance(rng, plan)
    if plan.kind in ("VAT", "UPR") or related is None:
        return _sale(rng, plan)
    if plan.kind == "ROZ":
        return _settlement(plan, related)
    if plan.kind == "KOR_ZAL":
        return _advance_correction(rng, plan, related)
    return _correction(rng, plan, related)
