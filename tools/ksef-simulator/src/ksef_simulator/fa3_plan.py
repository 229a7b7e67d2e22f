"""What a generated FA(3) invoice says, as plain data, and the sums KSeF reads out of it.

Amounts are integers in grosze (1/100 of the currency unit) so the totals written to the XML and
the metadata computed from them never disagree by a rounding step.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

# P_12 rate code -> (net field, VAT field or None, VAT per mille).
RATES: dict[str, tuple[str, str | None, int]] = {
    "23": ("P_13_1", "P_14_1", 230),
    "8": ("P_13_2", "P_14_2", 80),
    "5": ("P_13_3", "P_14_3", 50),
    "0 KR": ("P_13_6_1", None, 0),
    "0 WDT": ("P_13_6_2", None, 0),
    "0 EX": ("P_13_6_3", None, 0),
    "zw": ("P_13_7", None, 0),
    "np I": ("P_13_8", None, 0),
    "np II": ("P_13_9", None, 0),
    "oo": ("P_13_10", None, 0),
}
NET_ORDER = (
    "P_13_1", "P_13_2", "P_13_3", "P_13_6_1", "P_13_6_2", "P_13_6_3",
    "P_13_7", "P_13_8", "P_13_9", "P_13_10",
)  # fmt: skip
VAT_OF = {"P_13_1": "P_14_1", "P_13_2": "P_14_2", "P_13_3": "P_14_3"}


@dataclass(frozen=True, slots=True)
class Party:
    """A trading party; `id_type` is the API's identifier type (Nip, VatUe, Other, None)."""

    nip: str
    name: str
    street: str
    city: str
    id_type: str = "Nip"
    country: str = "PL"

    @property
    def identifier(self) -> str:
        """The API's identifier value (`VatUe` joins the country prefix and the number)."""
        return f"{self.country}{self.nip}" if self.id_type == "VatUe" else self.nip


@dataclass(slots=True)
class Line:
    name: str
    unit: str
    qty: int
    price: int  # net unit price in grosze
    rate: str  # P_12 code
    annex15: bool = False  # goods of Annex 15 (split payment)
    before: bool = False  # StanPrzed: the line as it was before a correction

    @property
    def net(self) -> int:
        return self.qty * self.price


@dataclass(frozen=True, slots=True)
class Reference:
    """An earlier invoice a correction or settlement points at."""

    issued: date
    number: str
    ksef_number: str


@dataclass
class Plan:
    kind: str  # RodzajFaktury: VAT, KOR, ZAL, ROZ, UPR, KOR_ZAL, KOR_ROZ
    seller: Party
    buyer: Party
    number: str
    issued: date
    created: datetime
    lines: list[Line]
    currency: str = "PLN"
    fx: int = 10_000  # exchange rate to PLN in 1/10,000 (KursWaluty has up to 6 decimals)
    third: Party | None = None  # Podmiot3, role 2 (recipient)
    authorized: Party | None = None  # PodmiotUpowazniony, RolaPU 3 (tax representative)
    order: list[Line] = field(default_factory=list)  # Zamowienie of ZAL / KOR_ZAL / ROZ
    advance: int = 0  # gross advance received (ZAL), or already settled (ROZ)
    corrected: Reference | None = None
    advance_ref: Reference | None = None
    paid: bool = False
    attachment: bool = False


@dataclass
class Totals:
    net: dict[str, int]  # net field -> amount
    vat: dict[str, int]  # VAT field -> amount (invoice currency)
    gross: int

    def vat_pln(self, plan: Plan) -> dict[str, int]:
        """P_14_xW: VAT converted to PLN for foreign-currency invoices."""
        return {k: _round(v * plan.fx, 10_000) for k, v in self.vat.items()}


def _round(value: int, divisor: int) -> int:
    """Half away from zero, the way VAT amounts are rounded."""
    sign = -1 if value < 0 else 1
    return sign * ((abs(value) * 2 + divisor) // (2 * divisor))


def _sum_lines(lines: list[Line]) -> tuple[dict[str, int], dict[str, int]]:
    net: dict[str, int] = {}
    for line in lines:
        field_name = RATES[line.rate][0]
        net[field_name] = net.get(field_name, 0) + (-line.net if line.before else line.net)
    vat = {VAT_OF[f]: _round(v * RATES_BY_NET[f], 1000) for f, v in net.items() if f in VAT_OF}
    return net, vat


RATES_BY_NET = {net: per_mille for net, _, per_mille in RATES.values()}


def _split_gross(gross: int, rate: str) -> tuple[dict[str, int], dict[str, int]]:
    """Net and VAT contained in a gross advance at one rate."""
    net_field, vat_field, per_mille = RATES[rate]
    net = _round(gross * 1000, 1000 + per_mille)
    return {net_field: net}, ({vat_field: gross - net} if vat_field else {})


def totals(plan: Plan) -> Totals:
    """The P_13/P_14/P_15 sums the XML declares for `plan`."""
    if plan.kind in ("ZAL", "KOR_ZAL"):
        net, vat = _split_gross(plan.advance, plan.order[0].rate)
    elif plan.kind == "ROZ":
        net, vat = _sum_lines(plan.order)
        paid_net, paid_vat = _split_gross(plan.advance, plan.order[0].rate)
        net = {k: v - paid_net.get(k, 0) for k, v in net.items()}
        vat = {k: v - paid_vat.get(k, 0) for k, v in vat.items()}
    else:
        net, vat = _sum_lines(plan.lines)
    return Totals(net, vat, sum(net.values()) + sum(vat.values()))


def order_gross(lines: list[Line]) -> int:
    net, vat = _sum_lines(lines)
    return sum(net.values()) + sum(vat.values())


def money(grosze: int) -> str:
    sign = "-" if grosze < 0 else ""
    return f"{sign}{abs(grosze) // 100}.{abs(grosze) % 100:02d}"


def metadata_amounts(plan: Plan) -> tuple[float, float, float]:
    """(net, VAT in PLN, gross) as KSeF reports them (see `fa3.read_facts`)."""
    sums = totals(plan)
    vat = sums.vat_pln(plan) if plan.currency != "PLN" else sums.vat
    return (
        sum(sums.net.values()) / 100,
        sum(vat.values()) / 100,
        sums.gross / 100,
    )
