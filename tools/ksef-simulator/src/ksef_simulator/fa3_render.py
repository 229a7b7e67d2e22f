"""FA(3) XML from a `Plan`, by string building (fast enough to render on every download).

Element order follows `schemat_FA(3)_v1-0E.xsd`; the tests validate every invoice kind against it.
"""

from datetime import date
from xml.sax.saxutils import escape

from .fa3_plan import (
    NET_ORDER,
    RATES,
    VAT_OF,
    Line,
    Party,
    Plan,
    Reference,
    Totals,
    money,
    order_gross,
    totals,
)
from .xmlutil import FA3_NS

ETD = "http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<Faktura xmlns="{FA3_NS}" xmlns:etd="{ETD}">'
    '<Naglowek><KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>'
    "<WariantFormularza>3</WariantFormularza><DataWytworzeniaFa>{created}</DataWytworzeniaFa>"
    "<SystemInfo>ksef-simulator</SystemInfo></Naglowek>"
)
EXEMPTION = "art. 43 ust. 1 pkt 37 ustawy o VAT"


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def _address(party: Party) -> str:
    return (
        f"<Adres>{_el('KodKraju', party.country)}{_el('AdresL1', party.street)}"
        f"{_el('AdresL2', party.city)}</Adres>"
    )


def _identification(party: Party) -> str:
    if party.id_type == "Nip":
        ident = _el("NIP", party.nip)
    elif party.id_type == "VatUe":
        ident = _el("KodUE", party.country) + _el("NrVatUE", party.nip)
    elif party.id_type == "Other":
        ident = _el("KodKraju", party.country) + _el("NrID", party.nip)
    else:
        return f"<DaneIdentyfikacyjne><BrakID>1</BrakID>{_el('Nazwa', party.name)}"
    return f"<DaneIdentyfikacyjne>{ident}{_el('Nazwa', party.name)}"


def _parties(plan: Plan) -> str:
    seller, buyer = plan.seller, plan.buyer
    out = [
        f"<Podmiot1><DaneIdentyfikacyjne>{_el('NIP', seller.nip)}{_el('Nazwa', seller.name)}"
        f"</DaneIdentyfikacyjne>{_address(seller)}</Podmiot1>",
        f"<Podmiot2>{_identification(buyer)}</DaneIdentyfikacyjne>{_address(buyer)}"
        "<JST>2</JST><GV>2</GV></Podmiot2>",
    ]
    if plan.third is not None:
        out.append(
            f"<Podmiot3>{_identification(plan.third)}</DaneIdentyfikacyjne>"
            f"{_address(plan.third)}<Rola>2</Rola></Podmiot3>"
        )
    if plan.authorized is not None:
        pu = plan.authorized
        out.append(
            f"<PodmiotUpowazniony><DaneIdentyfikacyjne>{_el('NIP', pu.nip)}{_el('Nazwa', pu.name)}"
            f"</DaneIdentyfikacyjne>{_address(pu)}<RolaPU>3</RolaPU></PodmiotUpowazniony>"
        )
    return "".join(out)


def _sums(plan: Plan, sums: Totals) -> str:
    vat_pln = sums.vat_pln(plan) if plan.currency != "PLN" else {}
    out = []
    for net_field in NET_ORDER:
        if net_field not in sums.net:
            continue
        out.append(_el(net_field, money(sums.net[net_field])))
        vat_field = VAT_OF.get(net_field)
        if vat_field:
            out.append(_el(vat_field, money(sums.vat.get(vat_field, 0))))
            if vat_field in vat_pln:
                out.append(_el(f"{vat_field}W", money(vat_pln[vat_field])))
    out.append(_el("P_15", money(sums.gross)))
    if plan.kind in ("ZAL", "KOR_ZAL") and plan.currency != "PLN":
        out.append(_el("KursWalutyZ", _rate(plan.fx)))
    return "".join(out)


def _rate(fx: int) -> str:
    return f"{fx // 10_000}.{fx % 10_000:04d}"


def _annotations(plan: Plan, lines: list[Line]) -> str:
    rates = {line.rate for line in lines}
    mpp = any(line.annex15 for line in lines)
    exempt = f"<P_19>1</P_19>{_el('P_19A', EXEMPTION)}" if "zw" in rates else "<P_19N>1</P_19N>"
    return (
        "<Adnotacje><P_16>2</P_16><P_17>2</P_17>"
        f"<P_18>{1 if 'oo' in rates else 2}</P_18><P_18A>{1 if mpp else 2}</P_18A>"
        f"<Zwolnienie>{exempt}</Zwolnienie><NoweSrodkiTransportu><P_22N>1</P_22N>"
        "</NoweSrodkiTransportu><P_23>2</P_23><PMarzy><P_PMarzyN>1</P_PMarzyN></PMarzy>"
        "</Adnotacje>"
    )


def _reference(ref: Reference) -> str:
    return (
        f"<DaneFaKorygowanej>{_el('DataWystFaKorygowanej', ref.issued.isoformat())}"
        f"{_el('NrFaKorygowanej', ref.number)}<NrKSeF>1</NrKSeF>"
        f"{_el('NrKSeFFaKorygowanej', ref.ksef_number)}</DaneFaKorygowanej>"
    )


def _line(n: int, line: Line, plan: Plan) -> str:
    fx = _el("KursWaluty", _rate(plan.fx)) if plan.currency != "PLN" else ""
    return (
        f"<FaWiersz><NrWierszaFa>{n}</NrWierszaFa>{_el('P_7', line.name)}{_el('P_8A', line.unit)}"
        f"<P_8B>{line.qty}</P_8B><P_9A>{money(line.price)}</P_9A><P_11>{money(line.net)}</P_11>"
        f"{_el('P_12', line.rate)}{'<P_12_Zal_15>1</P_12_Zal_15>' if line.annex15 else ''}"
        f"{fx}{'<StanPrzed>1</StanPrzed>' if line.before else ''}</FaWiersz>"
    )


def _order(lines: list[Line]) -> str:
    rows = []
    for n, line in enumerate(lines, 1):
        vat_field, per_mille = RATES[line.rate][1], RATES[line.rate][2]
        vat = (line.net * per_mille + 500) // 1000 if vat_field else 0
        rows.append(
            f"<ZamowienieWiersz><NrWierszaZam>{n}</NrWierszaZam>{_el('P_7Z', line.name)}"
            f"{_el('P_8AZ', line.unit)}<P_8BZ>{line.qty}</P_8BZ><P_9AZ>{money(line.price)}</P_9AZ>"
            f"<P_11NettoZ>{money(line.net)}</P_11NettoZ><P_11VatZ>{money(vat)}</P_11VatZ>"
            f"{_el('P_12Z', line.rate)}</ZamowienieWiersz>"
        )
    value = _el("WartoscZamowienia", money(order_gross(lines)))
    return f"<Zamowienie>{value}{''.join(rows)}</Zamowienie>"


def _payment(plan: Plan, sums: Totals) -> str:
    if plan.paid:
        return f"<Platnosc><Zaplacono>1</Zaplacono>{_el('DataZaplaty', plan.issued)}"
    due = plan.issued.toordinal() + 14
    return (
        f"<Platnosc><TerminPlatnosci>{_el('Termin', date.fromordinal(due).isoformat())}"
        f"</TerminPlatnosci><FormaPlatnosci>6</FormaPlatnosci><RachunekBankowy>"
        f"{_el('NrRB', '73' + plan.seller.nip * 2 + '1234')}</RachunekBankowy>"
    )


def _attachment(plan: Plan) -> str:
    meta = [("Miejsce dostawy", plan.buyer.street), ("Numer zamówienia", plan.number)]
    rows = "".join(f"<MetaDane>{_el('ZKlucz', k)}{_el('ZWartosc', v)}</MetaDane>" for k, v in meta)
    return f"<Zalacznik><BlokDanych>{rows}</BlokDanych></Zalacznik>"


def render(plan: Plan) -> bytes:
    """The complete FA(3) document for `plan` (UTF-8, no BOM)."""
    sums = totals(plan)
    fa = [
        _el("KodWaluty", plan.currency),
        _el("P_1", plan.issued.isoformat()),
        _el("P_2", plan.number),
        _el("P_6", plan.issued.isoformat()) if plan.kind not in ("ZAL", "KOR_ZAL") else "",
        _sums(plan, sums),
        _annotations(plan, plan.lines or plan.order),
        _el("RodzajFaktury", plan.kind),
    ]
    if plan.corrected is not None:
        fa.append(f"{_el('PrzyczynaKorekty', 'Zmiana ilości')}<TypKorekty>1</TypKorekty>")
        fa.append(_reference(plan.corrected))
    if plan.advance_ref is not None:
        fa.append(
            f"<FakturaZaliczkowa>{_el('NrKSeFFaZaliczkowej', plan.advance_ref.ksef_number)}"
            "</FakturaZaliczkowa>"
        )
    fa.extend(_line(n, line, plan) for n, line in enumerate(plan.lines, 1))
    fa.append(_payment(plan, sums) + "</Platnosc>")
    if plan.order and plan.kind in ("ZAL", "KOR_ZAL"):
        fa.append(_order(plan.order))
    body = "".join(fa)
    created = plan.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    tail = _attachment(plan) if plan.attachment else ""
    return (
        HEAD.format(created=created) + _parties(plan) + f"<Fa>{body}</Fa>{tail}</Faktura>"
    ).encode()
