"""Deterministic test data: companies trading with each other, built from official samples."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml import etree  # type: ignore[import-untyped]

from . import fa3, xmlutil
from .domain import Invoice
from .invoices import make_invoice

SAMPLES = xmlutil.RESOURCES / "samples"
# Official FA(3) samples with a NIP buyer; placeholders are filled per generated invoice.
TEMPLATES = (
    "ksef-client-java__invoice-template_v3.xml",
    "ksef-client-csharp__invoice-template-fa-3.xml",
    "ksef-pdf-generator__invoice.xml",
    "ksef-client-csharp__invoice-template-fa-3-with-custom-Subject3.xml",
    "ksef-client-java__invoice-template-fa-3-with-custom-subject_2.xml",
)
NAMES = ("Elektro", "Budmax", "Agro", "Transpol", "Medica", "Softdev", "Drewpol", "Mlecz")
FORMS = ("Sp. z o.o.", "S.A.", "sp.j.", "Sp. k.")


@dataclass(frozen=True)
class Company:
    nip: str
    name: str


def valid_nip(rng: random.Random) -> str:
    """A random NIP with a correct checksum (weights 6,5,7,2,3,4,5,6,7)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10 and digits[1:3] != [0, 0]:
            return "".join(map(str, digits)) + str(check)


def companies(seed: int, count: int) -> list[Company]:
    rng = random.Random(seed)
    return [
        Company(valid_nip(rng), f"{rng.choice(NAMES)} {i + 1} {rng.choice(FORMS)}")
        for i in range(count)
    ]


def _set(root: etree._Element, path: str, value: str) -> None:
    for el in root.findall(path, fa3.NS):
        el.text = value


def render(
    template: str, parties: tuple[Company, Company, Company], number: str, day: datetime
) -> bytes:
    """Fill a sample with (seller, buyer, third party), invoice number and dates."""
    seller, buyer, third = parties
    raw = (SAMPLES / template).read_bytes()
    for placeholder in (b"#nip#", b"#subject2nip#", b"#selfInvocingNip#"):
        raw = raw.replace(placeholder, seller.nip.encode())
    raw = raw.replace(b"#nipOdbiorca#", third.nip.encode())
    raw = raw.replace(b"#invoice_number#", b"1").replace(b"#invoicing_date#", b"2026-01-01")
    root = xmlutil.parse(raw)
    _set(root, "f:Podmiot1/f:DaneIdentyfikacyjne/f:NIP", seller.nip)
    _set(root, "f:Podmiot1/f:DaneIdentyfikacyjne/f:Nazwa", seller.name)
    _set(root, "f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP", buyer.nip)
    _set(root, "f:Podmiot2/f:DaneIdentyfikacyjne/f:Nazwa", buyer.name)
    _set(root, "f:Naglowek/f:DataWytworzeniaFa", day.strftime("%Y-%m-%dT%H:%M:%SZ"))
    _set(root, "f:Fa/f:P_1", day.date().isoformat())
    _set(root, "f:Fa/f:P_2", number)
    _set(root, "f:Fa/f:P_6", day.date().isoformat())
    rendered: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return rendered


def generate(seed: int, company_count: int, per_company: int, now: datetime) -> list[Invoice]:
    """`per_company` sales for each company, bought by the others, over the last 60 days."""
    rng = random.Random(seed * 7919 + 17)
    firms = companies(seed, company_count)
    invoices = []
    for index, seller in enumerate(firms):
        others = [c for c in firms if c != seller] or [seller]
        for n in range(per_company):
            when = now - timedelta(minutes=10) - timedelta(seconds=rng.uniform(0, 60 * 86400))
            number = f"FV/{index + 1}/{n + 1:05d}/{when:%m/%Y}"
            parties = (seller, rng.choice(others), rng.choice(others))
            xml = render(rng.choice(TEMPLATES), parties, number, when)
            facts = fa3.read_facts(xmlutil.parse(xml))
            invoices.append(make_invoice(facts, xml, when, rng))
    return invoices
