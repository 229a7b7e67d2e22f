"""Reading FA(3) invoices: XSD validation and the fields KSeF exposes as metadata."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from . import xmlutil

NS = {"f": xmlutil.FA3_NS}
INVOICE_TYPES = {
    "VAT": "Vat",
    "KOR": "Kor",
    "ZAL": "Zal",
    "ROZ": "Roz",
    "UPR": "Upr",
    "KOR_ZAL": "KorZal",
    "KOR_ROZ": "KorRoz",
}
NET_FIELDS = [
    "P_13_1",
    "P_13_2",
    "P_13_3",
    "P_13_4",
    "P_13_5",
    "P_13_6_1",
    "P_13_6_2",
    "P_13_6_3",
    "P_13_7",
    "P_13_8",
    "P_13_9",
    "P_13_10",
    "P_13_11",
]
VAT_FIELDS = ("P_14_1", "P_14_2", "P_14_3", "P_14_4", "P_14_5")


@dataclass
class InvoiceFacts:
    """What KSeF reads out of an accepted FA(3) document."""

    seller_nip: str
    seller_name: str | None
    buyer_type: str
    buyer_value: str | None
    buyer_name: str | None
    invoice_number: str
    invoice_kind: str  # RodzajFaktury as in the XML (VAT, KOR, ...)
    issue_date: date
    currency: str
    net: float
    vat: float
    gross: float
    is_self_invoicing: bool
    has_attachment: bool
    form_code: dict[str, str]
    third_subjects: list[dict[str, Any]] = field(default_factory=list)
    authorized_subject: dict[str, Any] | None = None

    @property
    def invoice_type(self) -> str:
        return INVOICE_TYPES.get(self.invoice_kind, "Vat")


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, NS)
    return found.text.strip() if found is not None and found.text else None


def _decimal(el: etree._Element, path: str) -> Decimal:
    value = _text(el, path)
    return Decimal(value) if value else Decimal(0)


def _identifier(ident: etree._Element | None) -> tuple[str, str | None]:
    """Map a DaneIdentyfikacyjne choice to the API's identifier type and value."""
    if ident is None:
        return "None", None
    if (nip := _text(ident, "f:NIP")) is not None:
        return "Nip", nip
    if (internal := _text(ident, "f:IDWew")) is not None:
        return "InternalId", internal
    if (vat_ue := _text(ident, "f:NrVatUE")) is not None:
        return "VatUe", f"{_text(ident, 'f:KodUE') or ''}{vat_ue}"
    if (other := _text(ident, "f:NrID")) is not None:
        return "Other", other
    return "None", None


def _third_subjects(root: etree._Element) -> list[dict[str, Any]]:
    subjects = []
    for p3 in root.findall("f:Podmiot3", NS):
        ident = p3.find("f:DaneIdentyfikacyjne", NS)
        kind, value = _identifier(ident)
        role = _text(p3, "f:Rola")
        subjects.append(
            {
                "identifier": {"type": kind, "value": value},
                "name": _text(p3, "f:DaneIdentyfikacyjne/f:Nazwa"),
                "role": int(role) if role else 0,
            }
        )
    return subjects


def _authorized(root: etree._Element) -> dict[str, Any] | None:
    pu = root.find("f:PodmiotUpowazniony", NS)
    if pu is None:
        return None
    return {
        "nip": _text(pu, "f:DaneIdentyfikacyjne/f:NIP"),
        "name": _text(pu, "f:DaneIdentyfikacyjne/f:Nazwa"),
        "role": int(_text(pu, "f:RolaPU") or 0),
    }


def _amounts(fa: etree._Element, currency: str) -> tuple[float, float, float]:
    net = sum((_decimal(fa, f"f:{name}") for name in NET_FIELDS), Decimal(0))
    # vatAmount is reported in PLN: foreign-currency invoices carry it in P_14_xW.
    vat = Decimal(0)
    for name in VAT_FIELDS:
        converted = _text(fa, f"f:{name}W")
        vat += Decimal(converted) if currency != "PLN" and converted else _decimal(fa, f"f:{name}")
    return float(net), float(vat), float(_decimal(fa, "f:P_15"))


def read_facts(root: etree._Element) -> InvoiceFacts:
    code = root.find("f:Naglowek/f:KodFormularza", NS)
    fa = root.find("f:Fa", NS)
    if code is None or fa is None:
        raise ValueError("not an FA(3) invoice")
    currency = _text(fa, "f:KodWaluty") or "PLN"
    buyer_type, buyer_value = _identifier(root.find("f:Podmiot2/f:DaneIdentyfikacyjne", NS))
    net, vat, gross = _amounts(fa, currency)
    return InvoiceFacts(
        seller_nip=_text(root, "f:Podmiot1/f:DaneIdentyfikacyjne/f:NIP") or "",
        seller_name=_text(root, "f:Podmiot1/f:DaneIdentyfikacyjne/f:Nazwa"),
        buyer_type=buyer_type,
        buyer_value=buyer_value,
        buyer_name=_text(root, "f:Podmiot2/f:DaneIdentyfikacyjne/f:Nazwa"),
        invoice_number=_text(fa, "f:P_2") or "",
        invoice_kind=_text(fa, "f:RodzajFaktury") or "VAT",
        issue_date=date.fromisoformat(_text(fa, "f:P_1") or "1970-01-01"),
        currency=currency,
        net=net,
        vat=vat,
        gross=gross,
        is_self_invoicing=_text(fa, "f:Adnotacje/f:P_17") == "1",
        has_attachment=root.find("f:Zalacznik", NS) is not None,
        form_code={
            "systemCode": code.get("kodSystemowy", ""),
            "schemaVersion": code.get("wersjaSchemy", ""),
            "value": code.text or "",
        },
        third_subjects=_third_subjects(root),
        authorized_subject=_authorized(root),
    )
