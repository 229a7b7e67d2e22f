"""FA(3) test documents built from the official samples in ../shared/ksef/samples/fa3."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from contracts.ksef_gateway import Direction, InvoiceFetched

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "ksef" / "samples" / "fa3"
TEMPLATE = (SAMPLES / "ksef-client-java__invoice-template_v3.xml").read_text()

PLACEHOLDERS = {
    "#nip#": "5265877635",
    "#invoice_number#": "123",
    "#invoicing_date#": "2025-07-15",
    "#idWewnetrzne#": "5265877635-00001",
}


def sample(name: str) -> bytes:
    """An official sample with its template placeholders filled in (NIPs, number, date)."""
    text = (SAMPLES / name).read_text()
    for key, value in PLACEHOLDERS.items():
        text = text.replace(key, value)
    return re.sub(r"#\w+#", "7010002137", text).encode()


def make_xml(
    *,
    seller: tuple[str, str] = ("5265877635", "Bogusz - Sienkiewicz"),
    buyer: tuple[str, str] = ("3861610227", "Błaszczak - Lenart"),
    number: str = "FV/1/2025",
    issue_date: date = date(2025, 7, 15),
    line: str = "Refined Concrete Pants",
    kind: str = "VAT",
) -> bytes:
    text = TEMPLATE.replace("#nip#", seller[0]).replace("Bogusz - Sienkiewicz", seller[1])
    text = text.replace("3861610227", buyer[0]).replace("Błaszczak - Lenart", buyer[1])
    text = text.replace("FA/GRQMB-#invoice_number#/05/2025", number)
    text = text.replace("#invoicing_date#", issue_date.isoformat())
    text = text.replace("Refined Concrete Pants", line)
    if kind in ("ROZ", "KOR_ROZ"):
        # a settlement names the advance invoices it settles (before the first line)
        text = text.replace(
            "<FaWiersz>",
            "<FakturaZaliczkowa><NrKSeFFaZaliczkowej>5265877635-20250601-0100001AF629-AF"
            "</NrKSeFFaZaliczkowej></FakturaZaliczkowa><FaWiersz>",
            1,
        )
    if kind in ("KOR", "KOR_ZAL", "KOR_ROZ"):
        text = text.replace(
            "<RodzajFaktury>VAT</RodzajFaktury>",
            f"<RodzajFaktury>{kind}</RodzajFaktury><PrzyczynaKorekty>Błędna cena</PrzyczynaKorekty>"
            "<TypKorekty>1</TypKorekty><DaneFaKorygowanej>"
            "<DataWystFaKorygowanej>2025-07-01</DataWystFaKorygowanej>"
            "<NrFaKorygowanej>FV/0/2025</NrFaKorygowanej><NrKSeF>1</NrKSeF>"
            "<NrKSeFFaKorygowanej>5265877635-20250701-0100001AF629-AF</NrKSeFFaKorygowanej>"
            "</DaneFaKorygowanej>",
        )
    elif kind != "VAT":
        text = text.replace(
            "<RodzajFaktury>VAT</RodzajFaktury>", f"<RodzajFaktury>{kind}</RodzajFaktury>"
        )
    return text.encode()


def fetched(
    company_id: UUID,
    company_nip: str,
    xml: bytes | None,
    *,
    direction: Direction = Direction.purchase,
    ksef_number: str | None = None,
    stored_at: datetime | None = None,
    xml_ref: str | None = None,
) -> InvoiceFetched:
    number = (
        ksef_number or f"{company_nip}-20250715-{abs(hash((company_id, xml))) % 10**12:012X}-AF"
    )
    return InvoiceFetched(
        company_id=company_id,
        company_nip=company_nip,
        direction=direction,
        ksef_number=number,
        invoice_hash="aGFzaA==",
        invoice_number="FV/meta",
        issue_date=date(2025, 7, 15),
        permanent_storage_date=stored_at or datetime(2025, 7, 16, 10, 0, tzinfo=UTC),
        xml=xml.decode() if xml is not None else None,
        xml_ref=xml_ref,
        xml_size=len(xml or b""),
    )
