"""Comarch ERP Optima "praca rozproszona" (offline) XML: VAT purchase and sales registers.

Layout as in ../shared/domain/EXPORT-FORMATS.md (two independent public generators): UTF-8,
dates YYYY-MM-DD, amounts with a decimal point and two places. Optima's offline schema has
no element for the KSeF number that we could verify, so it travels as a document attribute
(ATRYBUTY/ATRYBUT KOD=KSEF) and in the description; check against a real Optima.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from invoices.exports.common import Company, ExportItem, money
from invoices.fa3.model import Invoice, Party, RateTotal

NS = "http://www.comarch.pl/cdn/optima/offline"
# our rate code -> (STAWKA_VAT, STATUS_VAT)
RATES = {
    "23": ("23.00", "opodatkowana"),
    "8": ("8.00", "opodatkowana"),
    "5": ("5.00", "opodatkowana"),
    "4": ("4.00", "opodatkowana"),
    "oss": ("0.00", "opodatkowana"),
    "0": ("0.00", "opodatkowana"),
    "0wdt": ("0.00", "opodatkowana"),
    "0exp": ("0.00", "opodatkowana"),
    "zw": ("0.00", "zwolniona"),
    "np": ("0.00", "nie podlega"),
    "np100": ("0.00", "nie podlega"),
    "oo": ("0.00", "opodatkowana"),
    "marza": ("0.00", "opodatkowana"),
}
PAYMENT_FORMS = {"1": "gotówka", "2": "karta", "5": "kredyt", "6": "przelew"}


def _sub(parent: etree._Element, tag: str, value: Any = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if value is not None:
        element.text = str(value)
    return element


def _section(root: etree._Element, tag: str, company: Company) -> etree._Element:
    section = _sub(root, tag)
    _sub(section, "WERSJA", "2.00")
    _sub(section, "BAZA_ZRD_ID", "RACHMISTRZ")
    _sub(section, "BAZA_DOC_ID", company.nip)
    return section


def _party_fields(parent: etree._Element, party: Party) -> None:
    _sub(parent, "PODMIOT", (party.tax_id or party.name or "")[:20])
    _sub(parent, "NAZWA1", (party.name or "")[:50])
    _sub(parent, "NAZWA2", (party.name or "")[50:100])
    _sub(parent, "NIP_KRAJ", party.eu_code or (party.country if party.country != "PL" else ""))
    _sub(parent, "NIP", party.nip or party.eu_vat or party.foreign_id or "")
    _sub(parent, "KRAJ", party.country or "PL")
    _sub(parent, "ULICA", party.address[0] if party.address else "")
    _sub(parent, "MIASTO", party.address[1] if len(party.address) > 1 else "")


def _positions(
    parent: etree._Element, rates: list[RateTotal], purchase: bool, pln: Decimal
) -> None:
    positions = _sub(parent, "POZYCJE")
    for number, rate in enumerate(rates, start=1):
        stawka, status = RATES.get(rate.code, ("0.00", "opodatkowana"))
        vat_pln = rate.vat_pln if rate.vat_pln is not None else rate.vat * pln
        position = _sub(positions, "POZYCJA")
        _sub(position, "LP", number)
        _sub(position, "STAWKA_VAT", stawka)
        _sub(position, "STATUS_VAT", status)
        _sub(position, "NETTO", money(rate.net))
        _sub(position, "VAT", money(rate.vat))
        _sub(position, "NETTO_SYS", money(rate.net * pln))
        _sub(position, "VAT_SYS", money(vat_pln))
        _sub(position, "NETTO_SYS2", money(rate.net * pln))
        _sub(position, "VAT_SYS2", money(vat_pln))
        if purchase:
            _sub(position, "RODZAJ_ZAKUPU", "towary")
            _sub(position, "ODLICZENIA_VAT", "tak")
        else:
            _sub(position, "RODZAJ_SPRZEDAZY", "towary")


def _document(section: etree._Element, item: ExportItem, invoice: Invoice) -> None:
    purchase = item.is_purchase
    doc = _sub(section, "REJESTR_ZAKUPU_VAT" if purchase else "REJESTR_SPRZEDAZY_VAT")
    pln = invoice.exchange_rate or Decimal(1)
    _sub(doc, "ID_ZRODLA", item.id)
    _sub(doc, "MODUL", "Rejestr Vat")
    _sub(doc, "TYP", "Rejestr zakupu" if purchase else "Rejestr sprzedaży")
    _sub(doc, "REJESTR", "ZAKUP" if purchase else "SPRZEDAŻ")
    _sub(doc, "DATA_WYSTAWIENIA", invoice.issue_date.isoformat())
    _sub(
        doc,
        "DATA_ZAKUPU" if purchase else "DATA_SPRZEDAZY",
        invoice.effective_sale_date.isoformat(),
    )
    _sub(
        doc,
        "DATA_WPLYWU" if purchase else "DATA_DATAOBOWIAZKUPODATKOWEGO",
        item.row["ksef_date"].date().isoformat(),
    )
    _sub(doc, "NUMER", invoice.number)
    correction = invoice.kind.startswith("KOR")
    _sub(doc, "KOREKTA", "Tak" if correction else "Nie")
    if correction and invoice.corrected:
        _sub(doc, "KOREKTA_NUMER", invoice.corrected[0].number or "")
    _sub(doc, "WEWNETRZNA", "Nie")
    _sub(doc, "FISKALNA", "Nie")
    _sub(doc, "DETALICZNA", "Nie")
    _sub(doc, "EKSPORT", "krajowy" if invoice.currency == "PLN" else "wewnątrzunijny")
    _sub(doc, "FINALNY", "Nie")
    _party_fields(doc, invoice.seller if purchase else invoice.buyer)
    _sub(doc, "WALUTA", invoice.currency)
    _sub(doc, "KURS_WALUTY", money(pln, 4))
    _sub(doc, "OPIS", f"KSeF: {item.ksef_number}")
    payment = invoice.payment
    if payment is not None:
        _sub(doc, "FORMA_PLATNOSCI", PAYMENT_FORMS.get(payment.form or "", "przelew"))
    _positions(doc, invoice.rates, purchase, pln)
    _payments(doc, item, invoice, purchase, pln)
    attributes = _sub(doc, "ATRYBUTY")
    attribute = _sub(attributes, "ATRYBUT")
    _sub(attribute, "KOD_ATR", "KSEF")
    _sub(attribute, "WARTOSC", item.ksef_number)


def _payments(
    doc: etree._Element, item: ExportItem, invoice: Invoice, purchase: bool, pln: Decimal
) -> None:
    payments = _sub(doc, "PLATNOSCI")
    due = [d.on for d in (invoice.payment.due if invoice.payment else []) if d.on]
    payment = _sub(payments, "PLATNOSC")
    _sub(payment, "TERMIN_PLAT", (min(due) if due else invoice.issue_date).isoformat())
    form = invoice.payment.form if invoice.payment else None
    _sub(payment, "FORMA_PLATNOSCI_PLAT", PAYMENT_FORMS.get(form or "", "przelew"))
    _sub(payment, "WALUTA_DOK", invoice.currency)
    _sub(payment, "KWOTA_PLAT", money(invoice.gross))
    _sub(payment, "KWOTA_PLN_PLAT", money(invoice.gross * pln))
    _sub(payment, "KIERUNEK", "rozchód" if purchase else "przychód")
    accounts = invoice.payment.accounts if invoice.payment else []
    if accounts:
        _sub(payment, "PLATNOSC_PODMIOT_RACHUNEK_NR", accounts[0].number)


def to_optima(company: Company, items: list[ExportItem]) -> bytes:
    root = etree.Element(f"{{{NS}}}ROOT", nsmap={None: NS})
    purchases = _section(root, "REJESTRY_ZAKUPU_VAT", company)
    sales = _section(root, "REJESTRY_SPRZEDAZY_VAT", company)
    for item in items:
        if item.invoice is not None:
            _document(purchases if item.is_purchase else sales, item, item.invoice)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml
