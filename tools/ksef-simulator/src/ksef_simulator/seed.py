"""Deterministic test data: companies that trade with each other, every FA(3) invoice kind.

An invoice is stored as metadata plus a small recipe (`SeededXml`: its own random seed and the
parties); the XML is rendered from the recipe on each read, so a million invoices fit in memory
and the same seed always yields byte-identical documents.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from . import seed_plans
from .domain import Invoice
from .fa3 import InvoiceFacts
from .fa3_plan import Party, Plan, Reference, metadata_amounts
from .fa3_render import render
from .invoices import make_invoice

Company = Party
NAMES = ("Elektro", "Budmax", "Agro", "Transpol", "Medica", "Softdev", "Drewpol", "Mlecz")
FORMS = ("Sp. z o.o.", "S.A.", "sp.j.", "Sp. k.")
CITIES = ("00-001 Warszawa", "30-002 Kraków", "80-003 Gdańsk", "60-004 Poznań", "50-005 Wrocław")
STREETS = ("ul. Polna", "ul. Lipowa", "ul. Kwiatowa", "al. Jana Pawła II", "ul. Przemysłowa")
# Buyers outside the seeded companies: an EU business, a non-EU business, a consumer.
FOREIGN = (
    Party("123456789", "Muster GmbH", "Hauptstr. 1", "10115 Berlin", "VatUe", "DE"),
    Party("US-998877", "Acme Inc.", "1 Main St", "Springfield", "Other", "US"),
    Party("", "Jan Kowalski (konsument)", "ul. Długa 5", "00-950 Warszawa", "None", "PL"),
)
KINDS = ("VAT", "KOR", "ZAL", "ROZ", "UPR", "KOR_ZAL", "KOR_ROZ")
KIND_WEIGHTS = (66, 8, 7, 5, 6, 4, 4)
PREFIX = {"VAT": "FV", "KOR": "KOR", "ZAL": "ZAL", "ROZ": "ROZ", "UPR": "UPR"}
PREFIX |= {"KOR_ZAL": "KZ", "KOR_ROZ": "KR"}
# What a correction or settlement points at, and the kind used when nothing fits yet.
RELATED = {"KOR": "VAT", "ROZ": "ZAL", "KOR_ZAL": "ZAL", "KOR_ROZ": "ROZ"}
FA3_FORM = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}


def valid_nip(rng: random.Random) -> str:
    """A random NIP with a correct checksum (weights 6,5,7,2,3,4,5,6,7)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10 and digits[1:3] != [0, 0]:
            return "".join(map(str, digits)) + str(check)


# Companies with fixed NIPs and names, seeded first (the demo's client companies, which the
# portal's demo accounts belong to). Set once at startup from KSEF_SIM_NAMED_COMPANIES.
NAMED: list[tuple[str, str]] = []


def set_named(spec: str) -> None:
    """`"NIP=Name;NIP=Name"`; NIPs must be valid, names non-empty."""
    NAMED.clear()
    for item in filter(None, (part.strip() for part in spec.split(";"))):
        nip, _, name = item.partition("=")
        if not (len(nip) == 10 and nip.isdigit() and name.strip()):
            raise ValueError(f"bad named company {item!r}: expected NIP=Name")
        NAMED.append((nip, name.strip()))
    companies.cache_clear()


@cache
def companies(seed: int, count: int) -> list[Party]:
    """The seeded companies (cached: the list is shared and must not be changed)."""
    rng = random.Random(seed)
    firms: list[Party] = []
    seen: set[str] = set()
    for nip, name in NAMED[:count]:
        street = f"{rng.choice(STREETS)} {rng.randint(1, 200)}"
        seen.add(nip)
        firms.append(Party(nip, name, street, rng.choice(CITIES)))
    while len(firms) < count:
        nip = valid_nip(rng)
        name = f"{rng.choice(NAMES)} {len(firms) + 1} {rng.choice(FORMS)}"
        street = f"{rng.choice(STREETS)} {rng.randint(1, 200)}"
        if nip not in seen:
            seen.add(nip)
            firms.append(Party(nip, name, street, rng.choice(CITIES)))
    return firms


@dataclass(slots=True, eq=False)
class SeededXml:
    """The recipe of one seeded invoice; `render()` rebuilds the same XML every time."""

    seed: int
    kind: str
    seller: Party
    buyer: Party
    number: str
    created: datetime
    third: Party | None = None
    authorized: Party | None = None
    related: Invoice | None = None

    def plan(self) -> Plan:
        related = None
        if self.related is not None and isinstance(self.related.content, SeededXml):
            inv = self.related
            ref = Reference(inv.issue_date, inv.invoice_number, inv.ksef_number)
            related = (self.related.content.plan(), ref)
        return seed_plans.make_plan(
            random.Random(self.seed),
            Plan(self.kind, self.seller, self.buyer, self.number, self.created.date(),
                 self.created, [], third=self.third, authorized=self.authorized),
            related,
        )  # fmt: skip

    def render(self) -> bytes:
        return render(self.plan())


@cache
def _third_subjects(party: Party) -> list[dict[str, Any]]:
    return [{"identifier": {"type": "Nip", "value": party.nip}, "name": party.name, "role": 2}]


@cache
def _authorized(party: Party) -> dict[str, Any]:
    return {"nip": party.nip, "name": party.name, "role": 3}


def facts_of(doc: SeededXml, plan: Plan) -> InvoiceFacts:
    """The metadata KSeF would read from the rendered XML, computed from the plan directly."""
    net, vat, gross = metadata_amounts(plan)
    buyer = plan.buyer
    return InvoiceFacts(
        seller_nip=plan.seller.nip,
        seller_name=plan.seller.name,
        buyer_type=buyer.id_type,
        buyer_value=buyer.identifier if buyer.id_type != "None" else None,
        buyer_name=buyer.name,
        invoice_number=plan.number,
        invoice_kind=plan.kind,
        issue_date=plan.issued,
        currency=plan.currency,
        net=net,
        vat=vat,
        gross=gross,
        is_self_invoicing=False,
        has_attachment=plan.attachment,
        form_code=FA3_FORM,
        third_subjects=_third_subjects(plan.third) if plan.third else [],
        authorized_subject=_authorized(plan.authorized) if plan.authorized else None,
    )


class CompanySales:
    """Picks kinds and counterparties for one seller and remembers what can be corrected."""

    def __init__(self, seed: int, index: int, firms: list[Party]) -> None:
        self.rng = random.Random(seed * 1_000_003 + index)
        self.index, self.firms, self.seller = index, firms, firms[index]
        self.count = 0
        self.by_kind: dict[str, list[Invoice]] = {}

    def _counterparty(self) -> Party:
        rng, firms = self.rng, self.firms
        if len(firms) > 1 and rng.random() < 0.88:
            other = rng.randrange(len(firms) - 1)
            return firms[other + 1 if other >= self.index else other]
        return FOREIGN[rng.randrange(len(FOREIGN))]

    def next(self, when: datetime) -> Invoice:
        """The seller's next invoice, accepted by KSeF at `when`."""
        rng = self.rng
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        related = None
        if kind in RELATED:
            candidates = self.by_kind.get(RELATED[kind])
            related = candidates[rng.randrange(len(candidates))] if candidates else None
            kind = kind if related is not None else "VAT"
        buyer = self._counterparty()
        if related is not None:
            buyer = related.content.buyer  # type: ignore[union-attr]
        elif kind == "UPR" and buyer.id_type != "Nip":
            kind = "VAT"
        self.count += 1
        number = f"{PREFIX[kind]}/{self.index + 1}/{self.count:06d}/{when:%m/%Y}"
        third = self.firms[rng.randrange(len(self.firms))] if rng.random() < 0.08 else None
        authorized = self.firms[rng.randrange(len(self.firms))] if rng.random() < 0.01 else None
        doc = SeededXml(
            rng.getrandbits(63), kind, self.seller, buyer, number, when, third, authorized, related
        )
        invoice = make_invoice(facts_of(doc, doc.plan()), doc, when, rng)
        self.by_kind.setdefault(kind, []).append(invoice)
        return invoice


def generate(
    seed: int, company_count: int, per_company: int, now: datetime, days: float = 60
) -> Iterator[Invoice]:
    """`per_company` sales for each company over the last `days` days, oldest first per seller.

    Each company's stream depends only on (seed, company count, its index), so any company's
    invoices can be regenerated alone.
    """
    firms = companies(seed, company_count)
    for index in range(company_count):
        sales = CompanySales(seed, index, firms)
        span = days * 86400.0
        offsets = sorted((sales.rng.uniform(600.0, span) for _ in range(per_company)), reverse=True)
        for offset in offsets:
            yield sales.next(now - timedelta(seconds=offset))
