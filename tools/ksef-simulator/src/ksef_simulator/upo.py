"""UPO v4-3 documents (official acknowledgement of receipt) for accepted invoices."""

from xml.sax.saxutils import escape

from .clock import iso
from .domain import AuthOperation, Invoice
from .xmlutil import UPO_NS

RECEIVER = "Ministerstwo Finansów"
# TEST and DEMO append the environment to the receiver name (it then fails the XSD's
# fixed value, exactly like the real TE documents in shared/ksef/samples/upo).
SUFFIX = {"TE": " - środowisko testowe (TE)", "DEMO": " - środowisko przedprodukcyjne (TR)"}
CONTEXT_ELEMENT = {
    "Nip": "Nip",
    "InternalId": "IdWewnetrzny",
    "NipVatUe": "IdZlozonyVatUE",
    "PeppolId": "IdDostawcyUslugPeppol",
}


def _document(inv: Invoice) -> str:
    return (
        "<Dokument>"
        f"<NipSprzedawcy>{inv.seller_nip}</NipSprzedawcy>"
        f"<NumerKSeFDokumentu>{inv.ksef_number}</NumerKSeFDokumentu>"
        f"<NumerFaktury>{escape(inv.invoice_number)}</NumerFaktury>"
        f"<DataWystawieniaFaktury>{inv.issue_date.isoformat()}</DataWystawieniaFaktury>"
        f"<DataPrzeslaniaDokumentu>{iso(inv.invoicing_date)}</DataPrzeslaniaDokumentu>"
        f"<DataNadaniaNumeruKSeF>{iso(inv.acquisition_date)}</DataNadaniaNumeruKSeF>"
        f"<SkrotDokumentu>{inv.invoice_hash}</SkrotDokumentu>"
        f"<TrybWysylki>{inv.invoicing_mode}</TrybWysylki>"
        "</Dokument>"
    )


def render_upo(
    environment: str, session_ref: str, auth: AuthOperation, invoices: list[Invoice]
) -> bytes:
    context = CONTEXT_ELEMENT.get(auth.context.type, "Nip")
    if auth.ksef_token_ref:
        proof = f"<NumerReferencyjnyTokenaKSeF>{auth.ksef_token_ref}</NumerReferencyjnyTokenaKSeF>"
    else:
        tag = "SkrotDokumentuUwierzytelniajacego"
        proof = f"<{tag}>{auth.document_hash}</{tag}>"
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><Potwierdzenie xmlns="{UPO_NS}">'
        f"<NazwaPodmiotuPrzyjmujacego>{RECEIVER}{SUFFIX.get(environment, '')}"
        "</NazwaPodmiotuPrzyjmujacego>"
        f"<NumerReferencyjnySesji>{session_ref}</NumerReferencyjnySesji>"
        f"<Uwierzytelnienie><IdKontekstu><{context}>{auth.context.value}</{context}>"
        f"</IdKontekstu>{proof}</Uwierzytelnienie>"
        "<NazwaStrukturyLogicznej>Schemat_FA(3)_v1-0E.xsd</NazwaStrukturyLogicznej>"
        "<KodFormularza>FA (3)</KodFormularza>"
        + "".join(_document(inv) for inv in invoices)
        + "</Potwierdzenie>"
    )
    return body.encode("utf-8")
