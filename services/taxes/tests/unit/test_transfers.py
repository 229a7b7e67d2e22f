"""Elixir-O records, byte for byte, against lines written by hand from the published layout."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from contracts.taxes import TaxKind
from taxes.domain import Item, SplitPayment, Transfer
from taxes.transfers import Order, Orderer, elixir_file, split_title, tax_title

OWN = "61109010140000071219812874"  # a valid NRB at sort code 10901014
ORDERER = Orderer(account=OWN, name="Piekarnia Kowalski sp. z o.o.", address="ul. Długa 1, Łódź")


def _item(**kw: object) -> Item:
    base: dict[str, object] = {
        "id": uuid4(),
        "company_id": uuid4(),
        "kind": TaxKind.vat,
        "period": date(2026, 10, 1),
        "amount_grosze": 123456,
        "paid_grosze": 0,
        "due_date": date(2026, 11, 25),
        "account": "16101000712222526104082800",
        "recipient": "Urząd Skarbowy",
        "title": tax_title("5261040828", "26M10", "VAT-7", None),
        "transfer": Transfer.tax,
    }
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


def test_tax_transfer_record_is_exactly_the_published_layout() -> None:
    content = elixir_file(ORDERER, [Order(_item(), date(2026, 11, 25))])
    expected = (
        '110,20261125,123456,10901014,0,"61109010140000071219812874",'
        '"16101000712222526104082800","Piekarnia Kowalski sp. z o.o.|ul. Długa 1, Łódź",'
        '"Urząd Skarbowy",0,10100071,"/TI/N5261040828/OKR/26M10/SFP/VAT-7|/TXT/",'
        '"","","71",""\r\n'
    ).encode("cp1250")
    assert content == expected
    assert "ó".encode("cp1250") in content
    assert b"\xc3" not in content


def test_zus_partial_and_split_payment_records_with_crlf_after_each() -> None:
    zus = _item(
        kind=TaxKind.zus,
        amount_grosze=150000,
        paid_grosze=50000,
        account="68600000020260015951416168",
        recipient="Zakład Ubezpieczeń Społecznych",
        title="Składki ZUS za 10/2026",
        transfer=Transfer.ordinary,
    )
    title = split_title(23000, "7740001454", "FV/12/2026", 'zapłata "pilne"')
    mpp = _item(
        kind=TaxKind.other,
        amount_grosze=123000,
        account="61109010140000071219812874",
        recipient="Dostawca S.A.",
        title=title,
        transfer=Transfer.split_payment,
        split=SplitPayment(23000, "7740001454", "FV/12/2026"),
    )
    content = elixir_file(ORDERER, [Order(zus, date(2026, 11, 16)), Order(mpp, date(2026, 11, 30))])
    lines = content.split(b"\r\n")
    assert lines[-1] == b""
    assert len(lines) == 3
    assert lines[0] == (
        '110,20261116,100000,10901014,0,"61109010140000071219812874",'
        '"68600000020260015951416168","Piekarnia Kowalski sp. z o.o.|ul. Długa 1, Łódź",'
        '"Zakład Ubezpieczeń Społecznych",0,60000002,"Składki ZUS za 10/2026",'
        '"","","51",""'
    ).encode("cp1250")
    assert lines[1] == (
        '110,20261130,123000,10901014,0,"61109010140000071219812874",'
        '"61109010140000071219812874","Piekarnia Kowalski sp. z o.o.|ul. Długa 1, Łódź",'
        '"Dostawca S.A.",0,10901014,'
        "\"/VAT/230,00/IDC/7740001454/INV/FV/1|2/2026/TXT/zapłata 'pilne'\","
        '"","","53",""'
    ).encode("cp1250")


def test_long_names_wrap_at_35_characters_into_at_most_four_lines() -> None:
    orderer = Orderer(account=OWN, name="A" * 80, address="B" * 80)
    content = elixir_file(orderer, [Order(_item(), date(2026, 11, 25))]).decode("cp1250")
    field = content.split(",")[7].strip('"')
    assert field.split("|") == ["A" * 35, "A" * 35, "A" * 10, "B" * 35]
