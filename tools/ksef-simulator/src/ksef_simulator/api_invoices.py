"""Invoice retrieval: metadata query and single download (/invoices/*)."""

import re
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from . import retrieval
from .errors import KsefError
from .invoice_query import plays_role
from .security import Principal, access
from .simulator import Simulator, get_sim
from .wire import INT32_MAX, JsonDateTime

router = APIRouter(prefix="/invoices", tags=["Pobieranie faktur"])
Sim = Annotated[Simulator, Depends(get_sim)]
KSEF_NUMBER = (
    r"^([1-9](\d[1-9]|[1-9]\d)\d{7})-(20[2-9][0-9]|2[1-9]\d{2}|[3-9]\d{3})(0[1-9]|1[0-2])"
    r"(0[1-9]|[12]\d|3[01])-([0-9A-F]{6})-?([0-9A-F]{6})-([0-9A-F]{2})$"
)
NIP = r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$"
InvoiceType = Literal[
    "Vat", "Zal", "Kor", "Roz", "Upr", "KorZal", "KorRoz",
    "VatPef", "VatPefSp", "KorPef", "VatRr", "KorVatRr",
]  # fmt: skip


class DateRange(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    dateType: Literal["Issue", "Invoicing", "PermanentStorage"]
    from_: JsonDateTime = Field(alias="from")
    to: JsonDateTime | None = None
    restrictToPermanentStorageHwmDate: StrictBool | None = None


class Amount(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    type: Literal["Brutto", "Netto", "Vat"]
    from_: float | None = Field(default=None, alias="from")
    to: float | None = None


class BuyerIdentifier(BaseModel):
    type: Literal["Nip", "VatUe", "Other", "None"]
    value: str | None = Field(default=None, max_length=50)


class InvoiceQueryFilters(BaseModel):
    subjectType: Literal["Subject1", "Subject2", "Subject3", "SubjectAuthorized"]
    dateRange: DateRange
    ksefNumber: str | None = Field(default=None, pattern=KSEF_NUMBER)
    invoiceNumber: str | None = Field(default=None, max_length=256)
    amount: Amount | None = None
    sellerNip: str | None = Field(default=None, pattern=NIP)
    buyerIdentifier: BuyerIdentifier | None = None
    currencyCodes: list[str] | None = None
    invoicingMode: Literal["Online", "Offline"] | None = None
    isSelfInvoicing: bool | None = None
    formType: Literal["FA", "PEF", "FA_RR"] | None = None
    invoiceTypes: list[InvoiceType] | None = None
    hasAttachment: bool | None = None


def check_page_size(size: int, low: int, high: int) -> None:
    if not low <= size <= high:
        raise KsefError(*retrieval.VALIDATION, f"'pageSize' must be between {low} and {high}.")


@router.post("/query/metadata", response_model=None)
async def query_metadata(
    body: InvoiceQueryFilters,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("invoiceMetadata", "InvoiceRead"))],
    sortOrder: Literal["Asc", "Desc"] = "Asc",
    pageOffset: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
    pageSize: int = 10,
) -> Response:
    """Metadata of invoices where the context plays `subjectType`."""
    check_page_size(pageSize, 10, 250)
    filters = body.model_dump(by_alias=True)
    found = await retrieval.query_metadata(
        sim, caller.context, filters, (pageOffset, pageSize), sortOrder == "Desc"
    )
    # orjson straight to bytes: FastAPI's generic encoder costs more than the query itself.
    return Response(orjson.dumps(found), media_type="application/json")


@router.get("/ksef/{ksefNumber}")
async def download(
    ksefNumber: str,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("invoiceDownload", "InvoiceRead"))],
) -> Response:
    """The invoice XML as stored, with its SHA-256 in `x-ms-meta-hash`."""
    if not re.match(KSEF_NUMBER, ksefNumber):
        raise KsefError(*retrieval.VALIDATION, "Nieprawidłowy format numeru KSeF.")
    await sim.arrivals.catch_up(sim.store, sim.clock.now())
    inv = await sim.store.get_invoice(ksefNumber)
    roles = ("Subject1", "Subject2", "Subject3", "SubjectAuthorized")
    if inv is None or not any(plays_role(inv, r, caller.context.value) for r in roles):
        raise KsefError(
            21164,
            "Faktura o podanym identyfikatorze nie istnieje.",
            f"Faktura o numerze KSeF {ksefNumber} nie została znaleziona.",
        )
    if inv.visible_at > sim.clock.now():
        raise KsefError(
            21165,
            "Faktura o podanym numerze KSeF nie jest jeszcze dostępna.",
            f"Faktura o numerze KSeF {ksefNumber} została przetworzona, ale nie jest jeszcze "
            "dostępna do pobrania. Spróbuj ponownie później.",
        )
    xml = inv.xml  # seeded invoices are rendered on each read: render once
    headers = {"x-ms-meta-hash": inv.invoice_hash}
    return Response(xml, media_type="application/xml", headers=headers)
