"""Podmiot1/2/3 and PodmiotUpowazniony into `Party`; Platnosc into `Payment`."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from invoices.fa3.model import BankAccount, DueDate, Party, Payment
from invoices.fa3.xml import day, dec, q, text

PAYMENT_FORMS = {
    "1": "gotówka",
    "2": "karta",
    "3": "bon",
    "4": "czek",
    "5": "kredyt",
    "6": "przelew",
    "7": "mobilna",
}
THIRD_ROLES = {
    "1": "Faktor",
    "2": "Odbiorca",
    "3": "Podmiot pierwotny",
    "4": "Dodatkowy nabywca",
    "5": "Wystawca faktury",
    "6": "Dokonujący płatności",
    "7": "JST – wystawca",
    "8": "JST – odbiorca",
    "9": "Członek grupy VAT – wystawca",
    "10": "Członek grupy VAT – odbiorca",
    "11": "Pracownik",
}
AUTHORISED_ROLES = {
    "1": "Organ egzekucyjny",
    "2": "Komornik sądowy",
    "3": "Przedstawiciel podatkowy",
}


def parse_party(node: etree._Element | None, role: str) -> Party:
    if node is None:
        return Party(role=role)
    ident = "DaneIdentyfikacyjne"
    address = [a for a in (text(node, "Adres/AdresL1"), text(node, "Adres/AdresL2")) if a]
    third_role = text(node, "Rola") or text(node, "RolaPU")
    labels = AUTHORISED_ROLES if role == "authorised" else THIRD_ROLES
    return Party(
        role=role,
        nip=text(node, f"{ident}/NIP"),
        eu_code=text(node, f"{ident}/KodUE"),
        eu_vat=text(node, f"{ident}/NrVatUE"),
        foreign_id=text(node, f"{ident}/NrID") or text(node, f"{ident}/IDWew"),
        foreign_country=text(node, f"{ident}/KodKraju"),
        name=text(node, f"{ident}/Nazwa"),
        country=text(node, "Adres/KodKraju"),
        address=address,
        email=text(node, "DaneKontaktowe/Email") or text(node, "DaneKontaktowe/EmailPU"),
        phone=text(node, "DaneKontaktowe/Telefon") or text(node, "DaneKontaktowe/TelefonPU"),
        third_role=third_role or text(node, "OpisRoli"),
        third_role_label=labels.get(third_role or "", text(node, "OpisRoli")),
        share=dec(node, "Udzial"),
        customer_number=text(node, "NrKlienta"),
    )


def parse_payment(node: etree._Element | None) -> Payment | None:
    if node is None:
        return None
    form = text(node, "FormaPlatnosci")
    partial = [
        (dec(z, "KwotaZaplatyCzesciowej") or Decimal(0), day(z, "DataZaplatyCzesciowej"))
        for z in node.findall(q("ZaplataCzesciowa"))
    ]
    accounts = [_account(r, factor=False) for r in node.findall(q("RachunekBankowy"))]
    accounts += [_account(r, factor=True) for r in node.findall(q("RachunekBankowyFaktora"))]
    return Payment(
        form=form,
        form_label=PAYMENT_FORMS.get(form or "") or text(node, "OpisPlatnosci"),
        other_description=text(node, "OpisPlatnosci"),
        paid=text(node, "Zaplacono") == "1",
        paid_date=day(node, "DataZaplaty"),
        partial_payments=partial,
        due=[
            DueDate(on=day(t, "Termin"), description=_due_text(t))
            for t in node.findall(q("TerminPlatnosci"))
        ],
        accounts=accounts,
        link=text(node, "LinkDoPlatnosci"),
    )


def _due_text(node: etree._Element) -> str | None:
    parts = [
        text(node, "TerminOpis/Ilosc"),
        text(node, "TerminOpis/Jednostka"),
        text(node, "TerminOpis/ZdarzeniePoczatkowe"),
    ]
    joined = " ".join(p for p in parts if p)
    return joined or None


def _account(node: etree._Element, *, factor: bool) -> BankAccount:
    return BankAccount(
        number=text(node, "NrRB") or "",
        swift=text(node, "SWIFT"),
        bank_name=text(node, "NazwaBanku"),
        description=text(node, "OpisRachunku"),
        factor=factor,
    )
