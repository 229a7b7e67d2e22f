import collections
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from ksef_simulator import fa3, seed, xmlutil
from ksef_simulator.domain import Invoice
from ksef_simulator.invoice_query import InvoiceQuery
from ksef_simulator.store import MemoryStore

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NS = {"f": xmlutil.FA3_NS}


@pytest.fixture(scope="module")
def invoices() -> list[Invoice]:
    return list(seed.generate(5, 30, 60, NOW))


def _sample(invoices: list[Invoice], per_kind: int = 25) -> list[Invoice]:
    picked: dict[str, list[Invoice]] = collections.defaultdict(list)
    for inv in invoices:
        if len(picked[inv.invoice_type]) < per_kind or inv.has_attachment:
            picked[inv.invoice_type].append(inv)
    return [inv for group in picked.values() for inv in group]


def test_every_kind_is_seeded_and_valid_against_the_fa3_xsd(invoices: list[Invoice]) -> None:
    kinds = {inv.invoice_type for inv in invoices}
    assert kinds == {"Vat", "Kor", "Zal", "Roz", "Upr", "KorZal", "KorRoz"}
    schema = xmlutil.fa3_schema()
    for inv in _sample(invoices):
        doc = xmlutil.parse(inv.xml)
        assert xmlutil.schema_errors(schema, doc) == [], inv.invoice_number
        facts = fa3.read_facts(doc)
        assert (facts.net, facts.vat, facts.gross) == (
            inv.net_amount,
            inv.vat_amount,
            inv.gross_amount,
        )
        assert (facts.invoice_type, facts.currency, facts.has_attachment) == (
            inv.invoice_type,
            inv.currency,
            inv.has_attachment,
        )
        assert (facts.buyer_type, facts.buyer_value or "") == (inv.buyer.type, inv.buyer.value)


def _texts(inv: Invoice, path: str) -> list[str]:
    return [el.text for el in xmlutil.parse(inv.xml).findall(path, NS)]


def test_the_seed_covers_rates_currencies_mpp_attachments_and_long_invoices(
    invoices: list[Invoice],
) -> None:
    rates: set[str] = set()
    sample = [inv for inv in invoices if inv.invoice_type == "Vat"][:600]
    for inv in sample:
        rates.update(_texts(inv, "f:Fa/f:FaWiersz/f:P_12"))
    assert {"23", "8", "5", "zw", "oo", "np I", "np II", "0 WDT", "0 EX"} <= rates
    foreign = [inv for inv in invoices if inv.currency != "PLN"]
    assert {"EUR", "USD"} <= {inv.currency for inv in foreign}
    assert _texts(foreign[0], "f:Fa/f:FaWiersz/f:KursWaluty")
    assert any(_texts(inv, "f:Fa/f:Adnotacje/f:P_18A") == ["1"] for inv in sample)
    assert any(inv.has_attachment for inv in invoices)
    assert any(len(_texts(inv, "f:Fa/f:FaWiersz")) >= 150 for inv in sample)
    assert {inv.buyer.type for inv in invoices} == {"Nip", "VatUe", "Other", "None"}


def test_corrections_and_settlements_point_at_earlier_invoices(invoices: list[Invoice]) -> None:
    by_number = {inv.ksef_number: inv for inv in invoices}
    for inv in invoices:
        if inv.invoice_type in ("Kor", "KorZal", "KorRoz"):
            [ref] = _texts(inv, "f:Fa/f:DaneFaKorygowanej/f:NrKSeFFaKorygowanej")
            original = by_number[ref]
            expected = {"Kor": "Vat", "KorZal": "Zal", "KorRoz": "Roz"}[inv.invoice_type]
            assert original.invoice_type == expected
            assert original.invoicing_date < inv.invoicing_date
            assert original.buyer == inv.buyer
        if inv.invoice_type == "Roz":
            [ref] = _texts(inv, "f:Fa/f:FakturaZaliczkowa/f:NrKSeFFaZaliczkowej")
            assert by_number[ref].invoice_type == "Zal"


def test_the_same_seed_renders_byte_identical_documents(invoices: list[Invoice]) -> None:
    again = list(seed.generate(5, 30, 60, NOW))
    assert [i.ksef_number for i in again] == [i.ksef_number for i in invoices]
    for first, second in list(zip(invoices, again, strict=True))[::97]:
        assert first.xml == second.xml
        assert first.invoice_hash == second.invoice_hash
    assert etree.fromstring(invoices[0].xml) is not None


async def test_a_sale_is_the_sellers_subject1_and_the_buyers_subject2(
    invoices: list[Invoice],
) -> None:
    store = MemoryStore()
    for inv in invoices:
        await store.add_invoice(inv)
    sale = next(i for i in invoices if i.buyer.type == "Nip" and i.third_subjects)
    since = NOW - timedelta(days=61)

    async def numbers(role: str, nip: str) -> set[str]:
        query = InvoiceQuery(role, nip, "Invoicing", since, NOW, NOW)
        return {i.ksef_number for i in await store.query_invoices(query, 10_000)}

    assert sale.ksef_number in await numbers("Subject1", sale.seller_nip)
    assert sale.ksef_number in await numbers("Subject2", sale.buyer.value)
    third = sale.third_subjects[0]["identifier"]["value"]
    assert sale.ksef_number in await numbers("Subject3", third)
    assert sale.ksef_number not in await numbers("Subject2", sale.seller_nip)
