"""Totals per VAT rate from the P_13_x / P_14_x fields of FA(3), and line rate labels."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from invoices.fa3.model import RateTotal
from invoices.fa3.xml import child_texts, to_dec

# (net field, VAT field, VAT-in-PLN field, code, label)
RATE_FIELDS: tuple[tuple[str, str | None, str | None, str, str], ...] = (
    ("P_13_1", "P_14_1", "P_14_1W", "23", "23% (stawka podstawowa)"),
    ("P_13_2", "P_14_2", "P_14_2W", "8", "8% (stawka obniżona pierwsza)"),
    ("P_13_3", "P_14_3", "P_14_3W", "5", "5% (stawka obniżona druga)"),
    ("P_13_4", "P_14_4", "P_14_4W", "4", "ryczałt dla taksówek osobowych"),
    ("P_13_5", "P_14_5", None, "oss", "procedura szczególna OSS"),
    ("P_13_6_1", None, None, "0", "0% (kraj)"),
    ("P_13_6_2", None, None, "0wdt", "0% (WDT)"),
    ("P_13_6_3", None, None, "0exp", "0% (eksport)"),
    ("P_13_7", None, None, "zw", "zwolnione"),
    ("P_13_8", None, None, "np", "poza terytorium kraju"),
    ("P_13_9", None, None, "np100", "usługi z art. 100 ust. 1 pkt 4"),
    ("P_13_10", None, None, "oo", "odwrotne obciążenie"),
    ("P_13_11", None, None, "marza", "procedura marży"),
)

# P_12 values of a line, as printed.
LINE_RATES = {
    "23": "23%",
    "22": "22%",
    "8": "8%",
    "7": "7%",
    "5": "5%",
    "4": "4%",
    "3": "3%",
    "0 KR": "0% (kraj)",
    "0 WDT": "0% (WDT)",
    "0 EX": "0% (eksport)",
    "zw": "zw",
    "oo": "oo",
    "np I": "np (poza krajem)",
    "np II": "np (art. 100)",
}


def rate_totals(fa: etree._Element) -> list[RateTotal]:
    totals = []
    fields = child_texts(fa)
    for net_f, vat_f, pln_f, code, label in RATE_FIELDS:
        net = to_dec(fields.get(net_f))
        if net is None:
            continue
        vat = (to_dec(fields.get(vat_f)) if vat_f else None) or Decimal(0)
        totals.append(
            RateTotal(
                code=code,
                label=label,
                net=net,
                vat=vat,
                vat_pln=to_dec(fields.get(pln_f)) if pln_f else None,
            )
        )
    return totals
