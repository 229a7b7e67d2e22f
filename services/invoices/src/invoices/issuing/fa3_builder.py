"""Build FA(3) XML from an invoice form; every kind is tested against the official XSD.

Element order follows the XSD sequence (`schemat_FA(3)_v1-0E.xsd`). Kind-specific parts:
KOR and KOR_ROZ list the lines before (StanPrzed=1) and after the correction with the
differences as totals; ZAL carries the order in `Zamowienie` and the advance split over the
rates, KOR_ZAL the order before (StanPrzedZ=1) and after with the difference of the advance
splits; ROZ lists the whole order with totals less the advance invoices, which it names by KSeF
number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from invoices.fa3 import schema
from invoices.fa3.xml import NS
from invoices.issuing import money
from invoices.issuing.domain import ADVANCE_KINDS, CORRECTS, RATES, Kind, grosze
from invoices.issuing.forms import PAYMENT_METHODS, Address, InvoiceForm, LineIn
from invoices.issuing.money import Totals

SYSTEM_INFO = "Rachmistrz"


@dataclass(frozen=True)
class Seller:
    nip: str
    name: str
    address: Address


@dataclass(frozen=True)
class CorrectedRef:
    number: str
    issue_date: date
    ksef_number: str
    lines: Sequence[LineIn]
    advance: Decimal | None = None  # a corrected ZAL: the advance received


@dataclass(frozen=True)
class AdvanceRef:
    number: str
    ksef_number: str
    totals: Totals


@dataclass(frozen=True)
class Document:
    form: InvoiceForm
    number: str
    seller: Seller
    created_at: datetime
    corrected: CorrectedRef | None = None
    advances: Sequence[AdvanceRef] = field(default_factory=tuple)


def totals(doc: Document) -> Totals:
    """The amounts the invoice shows in P_13_x / P_14_x (and P_15 as their sum)."""
    form, corrected = doc.form, doc.corrected
    if form.kind == Kind.KOR_ZAL and corrected is not None and form.advance is not None:
        before = money.advance_split(corrected.lines, corrected.advance or Decimal(0))
        return money.difference(money.advance_split(form.lines, form.advance.amount), before)
    if form.kind in CORRECTS and corrected is not None:
        return money.difference(money.totals_of(form.lines), money.totals_of(corrected.lines))
    if form.kind == Kind.ZAL and form.advance is not None:
        return money.advance_split(form.lines, form.advance.amount)
    if form.kind == Kind.ROZ:
        return money.subtract(money.totals_of(form.lines), [a.totals for a in doc.advances])
    return money.totals_of(form.lines)


class _Xml:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{NS}}}Faktura", nsmap={None: NS})

    def add(self, parent: etree._Element, name: str, value: object = None) -> etree._Element:
        node = etree.SubElement(parent, f"{{{NS}}}{name}")
        if value is not None:
            node.text = _text(value)
        return node


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def _address(x: _Xml, parent: etree._Element, name: str, address: Address) -> None:
    node = x.add(parent, name)
    x.add(node, "KodKraju", address.country)
    x.add(node, "AdresL1", address.line1)
    if address.line2:
        x.add(node, "AdresL2", address.line2)


def build(doc: Document) -> bytes:
    """The FA(3) document as UTF-8 bytes (no BOM), as KSeF expects it."""
    x, form = _Xml(), doc.form
    head = x.add(x.root, "Naglowek")
    code = x.add(head, "KodFormularza", "FA")
    code.set("kodSystemowy", "FA (3)")
    code.set("wersjaSchemy", "1-0E")
    x.add(head, "WariantFormularza", 3)
    x.add(head, "DataWytworzeniaFa", doc.created_at)
    x.add(head, "SystemInfo", SYSTEM_INFO)
    _parties(x, doc)
    _fa(x, doc, totals(doc))
    if form.notes:
        x.add(x.add(x.add(x.root, "Stopka"), "Informacje"), "StopkaFaktury", form.notes)
    body: bytes = etree.tostring(x.root, xml_declaration=True, encoding="UTF-8")
    return body


def _parties(x: _Xml, doc: Document) -> None:
    seller = x.add(x.root, "Podmiot1")
    ident = x.add(seller, "DaneIdentyfikacyjne")
    x.add(ident, "NIP", doc.seller.nip)
    x.add(ident, "Nazwa", doc.seller.name)
    _address(x, seller, "Adres", doc.seller.address)
    b = doc.form.buyer
    buyer = x.add(x.root, "Podmiot2")
    ident = x.add(buyer, "DaneIdentyfikacyjne")
    if b.nip:
        x.add(ident, "NIP", b.nip)
    elif b.eu_vat:
        x.add(ident, "KodUE", b.eu_vat[:2])
        x.add(ident, "NrVatUE", b.eu_vat[2:])
    elif b.foreign_id:
        if b.address:
            x.add(ident, "KodKraju", b.address.country)
        x.add(ident, "NrID", b.foreign_id)
    else:
        x.add(ident, "BrakID", 1)
    x.add(ident, "Nazwa", b.name)
    if b.address:
        _address(x, buyer, "Adres", b.address)
    if b.email:
        x.add(x.add(buyer, "DaneKontaktowe"), "Email", b.email)
    x.add(buyer, "JST", 2)
    x.add(buyer, "GV", 2)


def _fa(x: _Xml, doc: Document, amounts: Totals) -> None:
    form = doc.form
    fa = x.add(x.root, "Fa")
    x.add(fa, "KodWaluty", form.currency)
    x.add(fa, "P_1", form.issue_date)
    if form.issue_place:
        x.add(fa, "P_1M", form.issue_place)
    x.add(fa, "P_2", doc.number)
    sale_date = form.advance.received_on if form.advance else form.sale_date
    if sale_date and sale_date != form.issue_date:
        x.add(fa, "P_6", sale_date)
    foreign = form.currency != "PLN"
    for net_field, net, vat in amounts.ordered():
        x.add(fa, net_field, net)
        vat_field = net_field.replace("P_13", "P_14")
        if net_field in ("P_13_1", "P_13_2", "P_13_3", "P_13_4"):
            x.add(fa, vat_field, vat)
            if foreign:
                x.add(fa, vat_field + "W", money.in_pln(vat, form.exchange_rate))
    x.add(fa, "P_15", amounts.gross)
    if foreign and form.kind in ADVANCE_KINDS:
        x.add(fa, "KursWalutyZ", form.exchange_rate)
    _annotations(x, fa, form)
    x.add(fa, "RodzajFaktury", form.kind.value)
    if form.kind in CORRECTS and form.correction and doc.corrected:
        _correction(x, fa, form, doc.corrected)
    for advance in doc.advances:
        x.add(x.add(fa, "FakturaZaliczkowa"), "NrKSeFFaZaliczkowej", advance.ksef_number)
    if form.kind not in ADVANCE_KINDS:
        if doc.corrected is not None:
            _lines(x, fa, form, doc.corrected.lines, before=True, start=1)
        start = len(doc.corrected.lines) + 1 if doc.corrected else 1
        _lines(x, fa, form, form.lines, before=False, start=start)
    _payment(x, fa, form)
    if form.kind in ADVANCE_KINDS:
        _order(x, fa, form, doc.corrected)


def _annotations(x: _Xml, fa: etree._Element, form: InvoiceForm) -> None:
    node = x.add(fa, "Adnotacje")
    x.add(node, "P_16", 2)
    x.add(node, "P_17", 2)
    x.add(node, "P_18", 1 if any(ln.vat_rate == "oo" for ln in form.lines) else 2)
    x.add(node, "P_18A", 1 if form.split_payment else 2)
    exemption = x.add(node, "Zwolnienie")
    if form.exemption_basis and any(ln.vat_rate == "zw" for ln in form.lines):
        x.add(exemption, "P_19", 1)
        x.add(exemption, "P_19A", form.exemption_basis)
    else:
        x.add(exemption, "P_19N", 1)
    x.add(x.add(node, "NoweSrodkiTransportu"), "P_22N", 1)
    x.add(node, "P_23", 2)
    x.add(x.add(node, "PMarzy"), "P_PMarzyN", 1)


def _correction(x: _Xml, fa: etree._Element, form: InvoiceForm, ref: CorrectedRef) -> None:
    assert form.correction is not None
    x.add(fa, "PrzyczynaKorekty", form.correction.reason)
    x.add(fa, "TypKorekty", form.correction.type)
    data = x.add(fa, "DaneFaKorygowanej")
    x.add(data, "DataWystFaKorygowanej", ref.issue_date)
    x.add(data, "NrFaKorygowanej", ref.number)
    x.add(data, "NrKSeF", 1)
    x.add(data, "NrKSeFFaKorygowanej", ref.ksef_number)


def _lines(
    x: _Xml,
    fa: etree._Element,
    form: InvoiceForm,
    lines: Sequence[LineIn],
    *,
    before: bool,
    start: int,
) -> None:
    for offset, line in enumerate(lines):
        row = x.add(fa, "FaWiersz")
        x.add(row, "NrWierszaFa", start + offset)
        x.add(row, "P_7", line.name)
        x.add(row, "P_8A", line.unit)
        x.add(row, "P_8B", line.quantity)
        x.add(row, "P_9A", line.unit_net_price)
        if line.discount:
            x.add(row, "P_10", line.discount)
        x.add(row, "P_11", money.line_net(line))
        x.add(row, "P_12", line.vat_rate)
        if line.annex15:
            x.add(row, "P_12_Zal_15", 1)
        if line.gtu:
            x.add(row, "GTU", line.gtu)
        if form.currency != "PLN" and form.exchange_rate is not None:
            x.add(row, "KursWaluty", form.exchange_rate)
        if before:
            x.add(row, "StanPrzed", 1)


def _payment(x: _Xml, fa: etree._Element, form: InvoiceForm) -> None:
    p = form.payment
    if p is None:
        return
    node = x.add(fa, "Platnosc")
    if p.paid and p.paid_on:
        x.add(node, "Zaplacono", 1)
        x.add(node, "DataZaplaty", p.paid_on)
    if p.due_date:
        x.add(x.add(node, "TerminPlatnosci"), "Termin", p.due_date)
    x.add(node, "FormaPlatnosci", PAYMENT_METHODS[p.method])
    if p.bank_account:
        account = x.add(node, "RachunekBankowy")
        x.add(account, "NrRB", p.bank_account.replace(" ", "").upper())
        if p.bank_name:
            x.add(account, "NazwaBanku", p.bank_name)


def _order(x: _Xml, fa: etree._Element, form: InvoiceForm, corrected: CorrectedRef | None) -> None:
    """The order; a KOR_ZAL shows the order before the correction (StanPrzedZ) and after."""
    node = x.add(fa, "Zamowienie")
    x.add(node, "WartoscZamowienia", money.totals_of(form.lines).gross)
    before = list(corrected.lines) if corrected is not None else []
    rows = [(line, True) for line in before] + [(line, False) for line in form.lines]
    for no, (line, was) in enumerate(rows, start=1):
        row = x.add(node, "ZamowienieWiersz")
        net = money.line_net(line)
        percent = RATES[line.vat_rate].percent
        x.add(row, "NrWierszaZam", no)
        x.add(row, "P_7Z", line.name)
        x.add(row, "P_8AZ", line.unit)
        x.add(row, "P_8BZ", line.quantity)
        x.add(row, "P_9AZ", line.unit_net_price)
        x.add(row, "P_11NettoZ", net)
        x.add(row, "P_11VatZ", grosze(net * percent / 100) if percent else Decimal(0))
        x.add(row, "P_12Z", line.vat_rate)
        if line.annex15:
            x.add(row, "P_12Z_Zal_15", 1)
        if line.gtu:
            x.add(row, "GTUZ", line.gtu)
        if was:
            x.add(row, "StanPrzedZ", 1)


def schema_errors(xml: bytes) -> list[str]:
    """XSD problems of a built document (empty when it validates)."""
    xsd = schema.load_schema(schema.XSD_DIR)
    root = etree.fromstring(xml, schema.safe_parser())
    if xsd.validate(root):
        return []
    return [f"linia {e.line}: {e.message}" for e in xsd.error_log]
