"""Parse FA(3) XML into the normalised `Invoice`, refusing hostile or invalid input with a reason.

Order of checks: size, no DTD at all (entity bombs need one), well-formedness with entities and
network off, the FA(3) namespace, XSD validation (catches unknown enum values and wrong types),
then extraction. Every refusal is an `InvoiceRejected` with a short code and a Polish message.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lxml import etree  # type: ignore[import-untyped]

from invoices.fa3 import schema
from invoices.fa3.model import CorrectedInvoice, Field, Invoice, Line
from invoices.fa3.parties import parse_party, parse_payment
from invoices.fa3.rates import LINE_RATES, rate_totals
from invoices.fa3.xml import Q, child_texts, day, dec, q, text, to_dec

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
KINDS = {
    "VAT": "Faktura podstawowa",
    "KOR": "Faktura korygująca",
    "ZAL": "Faktura zaliczkowa",
    "ROZ": "Faktura rozliczeniowa",
    "UPR": "Faktura uproszczona",
    "KOR_ZAL": "Korekta faktury zaliczkowej",
    "KOR_ROZ": "Korekta faktury rozliczeniowej",
}


class InvoiceRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[InvoiceRejected], tuple[str, str]]:
        # keeps it picklable (it crosses the intake's process pool)
        return (InvoiceRejected, (self.code, self.message))


def parse(
    xml: bytes, *, max_bytes: int, validate: bool = True, with_fields: bool = True
) -> Invoice:
    """The invoice's model; `with_fields` False skips the labelled list of every element,
    which only the visualisations print and which is a third of the parsing time."""
    if len(xml) > max_bytes:
        raise InvoiceRejected(
            "too_large", f"Plik XML ma {len(xml)} bajtów, więcej niż dopuszczalne {max_bytes}."
        )
    if _DTD.search(xml):
        raise InvoiceRejected("dtd_forbidden", "Plik XML zawiera deklaracje DTD lub encji.")
    try:
        root = etree.fromstring(xml, schema.safe_parser())
    except etree.XMLSyntaxError as error:
        raise InvoiceRejected("malformed_xml", f"Niepoprawny XML: {error}") from error
    if root.tag != f"{Q}Faktura":
        raise InvoiceRejected(
            "unsupported_schema", f"To nie jest faktura FA(3) (element główny {root.tag})."
        )
    if validate:
        xsd = schema.load_schema(schema.XSD_DIR)
        if not xsd.validate(root):
            problems = "; ".join(f"linia {e.line}: {e.message}" for e in list(xsd.error_log)[:3])
            raise InvoiceRejected(
                "schema_invalid", f"Faktura niezgodna ze schematem FA(3): {problems}"
            )
    try:
        return _extract(root, with_fields)
    except (InvalidOperation, ValueError) as error:
        raise InvoiceRejected("unreadable_value", f"Nieczytelna wartość: {error}") from error


def _extract(root: etree._Element, with_fields: bool = True) -> Invoice:
    fa = root.find(q("Fa"))
    if fa is None:
        raise ValueError("brak sekcji Fa")
    head = root.find(q("Naglowek"))
    seller = parse_party(root.find(q("Podmiot1")), "seller")
    buyer = parse_party(root.find(q("Podmiot2")), "buyer")
    third = [parse_party(p, "third") for p in root.findall(q("Podmiot3"))]
    authorised_node = root.find(q("PodmiotUpowazniony"))
    adnotacje = fa.find(q("Adnotacje"))
    issue_date = day(fa, "P_1")
    if issue_date is None:
        raise ValueError("brak daty wystawienia P_1")
    rates = rate_totals(fa)
    return Invoice(
        kind=text(fa, "RodzajFaktury") or "",
        number=text(fa, "P_2") or "",
        issue_date=issue_date,
        issue_place=text(fa, "P_1M"),
        sale_date=day(fa, "P_6"),
        period_from=day(fa, "OkresFa/P_6_Od"),
        period_to=day(fa, "OkresFa/P_6_Do"),
        currency=text(fa, "KodWaluty") or "PLN",
        exchange_rate=dec(fa, "KursWalutyZ"),
        seller=seller,
        buyer=buyer,
        third_parties=third,
        authorised=parse_party(authorised_node, "authorised")
        if authorised_node is not None
        else None,
        rates=rates,
        net=sum((r.net for r in rates), Decimal(0)),
        vat=sum((r.vat for r in rates), Decimal(0)),
        gross=dec(fa, "P_15") or Decimal(0),
        lines=[_line(w) for w in fa.findall(q("FaWiersz"))],
        payment=parse_payment(fa.find(q("Platnosc"))),
        split_payment=text(adnotacje, "P_18A") == "1",
        self_billing=text(adnotacje, "P_17") == "1",
        reverse_charge=text(adnotacje, "P_18") == "1",
        cash_accounting=text(adnotacje, "P_16") == "1",
        margin=text(adnotacje, "PMarzy/P_PMarzy") == "1",
        correction_reason=text(fa, "PrzyczynaKorekty"),
        correction_type=text(fa, "TypKorekty"),
        corrected=[_corrected(d) for d in fa.findall(q("DaneFaKorygowanej"))],
        advance_invoices=[
            CorrectedInvoice(
                number=text(z, "NrFaZaliczkowej"), ksef_number=text(z, "NrKSeFFaZaliczkowej")
            )
            for z in fa.findall(q("FakturaZaliczkowa"))
        ],
        footer=[
            t for t in (text(i, "StopkaFaktury") for i in root.findall(q("Stopka/Informacje"))) if t
        ],
        created_at=text(head, "DataWytworzeniaFa"),
        system_info=text(head, "SystemInfo"),
        fields=all_fields(root) if with_fields else [],
    )


def _corrected(node: etree._Element) -> CorrectedInvoice:
    return CorrectedInvoice(
        number=text(node, "NrFaKorygowanej"),
        issue_date=day(node, "DataWystFaKorygowanej"),
        ksef_number=text(node, "NrKSeFFaKorygowanej"),
    )


def _line(w: etree._Element) -> Line:
    f = child_texts(w)  # one pass over the line's fields, not a lookup per field
    rate = f.get("P_12")
    return Line(
        no=int(f.get("NrWierszaFa") or 0),
        name=" ".join((f.get("P_7") or "").split()),
        unit=f.get("P_8A"),
        quantity=to_dec(f.get("P_8B")),
        unit_net=to_dec(f.get("P_9A")),
        unit_gross=to_dec(f.get("P_9B")),
        discount=to_dec(f.get("P_10")),
        net=to_dec(f.get("P_11")),
        gross=to_dec(f.get("P_11A")),
        vat_amount=to_dec(f.get("P_11Vat")),
        rate=LINE_RATES.get(rate, rate) if rate else None,
        gtu=f.get("GTU"),
        procedure=f.get("Procedura"),
        index=f.get("Indeks"),
        pkwiu=f.get("PKWiU"),
        cn=f.get("CN"),
        before_correction=f.get("StanPrzed") == "1",
    )


def all_fields(root: etree._Element) -> list[Field]:
    """Every element with a value, in document order, labelled from the XSD."""
    names = schema.labels(schema.XSD_DIR)
    out: list[Field] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        depth = sum(1 for _ in element.iterancestors())
        value = (element.text or "").strip()
        if len(element) and not value:
            out.append(Field(path=local, label=names.get(local, local), value="", depth=depth))
        elif value:
            out.append(
                Field(
                    path=local,
                    label=names.get(local, local),
                    value=" ".join(value.split()),
                    depth=depth,
                )
            )
    return out
