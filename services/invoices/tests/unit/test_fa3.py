"""FA(3) parsing: the official samples with their totals, every invoice kind, hostile input."""

from __future__ import annotations

import filecmp
from decimal import Decimal
from pathlib import Path

import pytest
from invoice_samples import SAMPLES, make_xml, sample
from lxml import etree  # type: ignore[import-untyped]

from invoices.domain import fold, fold_query
from invoices.fa3 import schema
from invoices.fa3.parser import InvoiceRejected, parse

LIMIT = 1_000_000
BIG, SMALL = ("52260.10", "12019.82", "64279.92", 3), ("43.60", "10.03", "53.63", 2)
MID = ("10652.38", "2450.05", "13102.43", 6)
C, J = "ksef-client-csharp__", "ksef-client-java__"


@pytest.mark.parametrize(
    ("name", "net", "vat", "gross", "lines"),
    [
        (C + "invoice-template-fa-3.xml", *SMALL),
        (C + "invoice-template-fa-3-with-attachment.xml", *SMALL),
        (C + "invoice-template-fa-3-with-custom-Subject3.xml", *BIG),
        (C + "Tests__invoice-template-fa-3-with-custom-Subject2.xml", *BIG),
        (J + "invoice-template-fa-3-with-custom-subject_2.xml", *BIG),
        (J + "invoice-template_v3.xml", *MID),
        (J + "invoice_template_v3_self_invoicing.xml", *MID),
        ("ksef-pdf-generator__invoice.xml", "27292.28", "6277.22", "33569.50", 13),
    ],
)
def test_official_samples_parse_with_their_totals(
    name: str, net: str, vat: str, gross: str, lines: int
) -> None:
    invoice = parse(sample(name), max_bytes=LIMIT)
    assert (invoice.net, invoice.vat, invoice.gross) == (Decimal(net), Decimal(vat), Decimal(gross))
    assert len(invoice.lines) == lines
    assert sum((line.net or Decimal(0) for line in invoice.lines), Decimal(0)) == Decimal(net)
    assert invoice.fields
    assert invoice.fields[0].path == "Faktura"


def test_every_sample_in_the_shared_folder_is_covered() -> None:
    assert len(list(SAMPLES.glob("*.xml"))) == 8


def test_third_parties_and_payment_terms_are_read() -> None:
    invoice = parse(
        sample(C + "invoice-template-fa-3-with-custom-Subject3.xml"),
        max_bytes=LIMIT,
    )
    assert [p.third_role_label for p in invoice.third_parties] == ["JST – odbiorca"]
    assert invoice.payment is not None
    assert invoice.payment.form_label == "przelew"
    assert invoice.rates[0].code == "23"


@pytest.mark.parametrize("kind", ["VAT", "KOR", "ZAL", "ROZ", "UPR", "KOR_ZAL", "KOR_ROZ"])
def test_every_invoice_kind_passes_the_xsd_and_keeps_its_references(kind: str) -> None:
    xml = make_xml(kind=kind)
    assert schema.load_schema(schema.XSD_DIR).validate(etree.fromstring(xml))
    invoice = parse(xml, max_bytes=LIMIT, validate=True)
    assert invoice.kind == kind
    assert bool(invoice.corrected) == kind.startswith("KOR")
    advances = [a.ksef_number for a in invoice.advance_invoices]
    assert advances == (["5265877635-20250601-0100001AF629-AF"] if "ROZ" in kind else [])


def test_a_correction_carries_the_corrected_invoice() -> None:
    invoice = parse(make_xml(kind="KOR"), max_bytes=LIMIT)
    [corrected] = invoice.corrected
    assert corrected.ksef_number == "5265877635-20250701-0100001AF629-AF"
    assert corrected.number == "FV/0/2025"
    assert invoice.correction_reason == "Błędna cena"


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"<Faktura><Naglowek>", "malformed_xml"),
        (b"", "malformed_xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b"<Faktura>&lol2;</Faktura>",
            "dtd_forbidden",
        ),
        (b'<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>', "dtd_forbidden"),
        (b"<Invoice/>", "unsupported_schema"),
        (make_xml(kind="XYZ"), "schema_invalid"),
        (
            make_xml().replace(b"<P_15>13102.43</P_15>", "<P_15>dużo</P_15>".encode()),
            "schema_invalid",
        ),
    ],
)
def test_hostile_or_invalid_input_is_refused_with_a_reason(xml: bytes, code: str) -> None:
    with pytest.raises(InvoiceRejected) as refused:
        parse(xml, max_bytes=LIMIT)
    assert refused.value.code == code
    assert refused.value.message


def test_a_huge_file_is_refused_before_parsing() -> None:
    with pytest.raises(InvoiceRejected) as refused:
        parse(b"<a>" + b"x" * 2_000_000 + b"</a>", max_bytes=LIMIT)
    assert refused.value.code == "too_large"


def test_the_packaged_xsd_is_the_shared_one() -> None:
    shared = SAMPLES.parents[1] / "xsd" / "fa3"
    for path in shared.rglob("*.xsd"):
        assert filecmp.cmp(path, schema.XSD_DIR / path.relative_to(shared), shallow=False)


def test_field_labels_come_from_the_xsd() -> None:
    labels = schema.labels(schema.XSD_DIR)
    assert labels["P_2"].startswith("Kolejny numer faktury")


def test_polish_folding_matches_without_diacritics() -> None:
    assert fold("Łódź ŻÓŁW Gęś") == "lodz zolw ges"
    assert fold_query("526-104-08-28") == "5261040828"
    assert fold_query("Błaszczak") == "blaszczak"


def test_schema_directory_exists() -> None:
    assert Path(schema.XSD_DIR / schema.MAIN_XSD).is_file()
