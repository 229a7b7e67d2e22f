"""HTTP API: the invoice list, details and workflow actions (single and bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import orjson
from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from chassis.runtime import get_pool, get_runtime
from chassis.tokens import CurrentPrincipal
from invoices import repository as repo
from invoices import services
from invoices.config import Settings
from invoices.fa3.parser import InvoiceRejected, parse
from invoices.listing import Filters, count_invoices, list_invoices

router = APIRouter(tags=["invoices"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]
MAX_SELECTION = 1000

SortKey = Literal[
    "issue_date", "sale_date", "ksef_date", "due_date", "invoice_number", "ksef_number",
    "counterparty_name", "counterparty_nip", "net", "vat", "gross", "currency", "kind",
    "direction", "status", "approval", "booking", "category", "description",
]  # fmt: skip
ApprovalValue = Literal["not_required", "pending", "approved", "rejected"]
BookingValue = Literal["unbooked", "booked", "excluded"]


class InvoicePage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(description="Pass as `after` for the next page.")
    total: int | None = Field(
        description="Matching invoices, counted up to 10 000; only with `count=true` on the"
        " first page (or use GET /invoices/count)."
    )
    total_capped: bool = Field(
        default=False, description="True: at least `total` match (show it as '10 000+')."
    )


class InvoiceCount(BaseModel):
    count: int = Field(description="Matching invoices, counted up to 10 000.")
    capped: bool = Field(description="True: at least `count` match (show '10 000+').")


class Selection(BaseModel):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_SELECTION)


class CategoryAssign(Selection):
    category_id: UUID | None = Field(description="None removes the category.")


class ExcludeBody(Selection):
    reason: str = Field(min_length=1, max_length=2000)


class ApproveBody(Selection):
    approved: bool = True
    note: str | None = Field(default=None, max_length=2000)


class BookBody(Selection):
    booked: bool = True
    decree: str | None = Field(default=None, max_length=500, examples=["402-01 / 202-1"])


class InquiryBody(Selection):
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=10000)


class DescriptionBody(BaseModel):
    description: str = Field(max_length=5000)


def _decimal(value: object) -> str:
    # money as a string, exactly as pydantic renders it elsewhere; asyncpg's own UUID type
    # is a subclass orjson does not take as a UUID
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(type(value).__name__)


class RowsJSON(Response):
    """JSON straight from database rows with orjson: a page of 50 rows costs a fraction of a
    millisecond instead of several through FastAPI's encoder and a response model."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_decimal, option=orjson.OPT_UTC_Z)


def settings_of(request: Request) -> Settings:
    settings: Settings = get_runtime(request).settings  # type: ignore[assignment]
    return settings


CurrentSettings = Annotated[Settings, Depends(settings_of)]


@dataclass(frozen=True)
class ListFilters:
    """The list's filter parameters, shared by the list and its count."""

    company_id: UUID | None = None
    kind: Annotated[list[str] | None, Query(max_length=10)] = None
    direction: Literal["sales", "purchase", "other"] | None = None
    date_field: Literal["issue", "sale", "ksef"] = "issue"
    date_from: date | None = None
    date_to: date | None = None
    category_id: UUID | None = None
    uncategorised: bool = False
    approval: Annotated[list[ApprovalValue] | None, Query()] = None
    booking: Annotated[list[BookingValue] | None, Query()] = None
    status_: Annotated[Literal["parsed", "failed"] | None, Query(alias="status")] = None
    q: Annotated[str | None, Query(max_length=200)] = None

    def filters(self) -> Filters:
        return Filters(
            company_id=self.company_id,
            kinds=tuple(self.kind or ()),
            direction=self.direction,
            date_field=self.date_field,
            date_from=self.date_from,
            date_to=self.date_to,
            category_id=self.category_id,
            uncategorised=self.uncategorised,
            approval=tuple(self.approval or ()),
            booking=tuple(self.booking or ()),
            status=self.status_,
            query=self.q,
        )


@router.get("/invoices/count")
async def count(
    principal: CurrentPrincipal, pool: Pool, params: Annotated[ListFilters, Depends()]
) -> InvoiceCount:
    """How many invoices match the list's filters, counted up to 10 000."""
    async with pool.acquire() as conn:
        found, capped = await count_invoices(conn, principal, params.filters())
    return InvoiceCount(count=found, capped=capped)


@router.get("/invoices", response_class=RowsJSON, responses={200: {"model": InvoicePage}})
async def list_(
    principal: CurrentPrincipal,
    pool: Pool,
    params: Annotated[ListFilters, Depends()],
    sort: SortKey = "issue_date",
    order: Literal["asc", "desc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    after: Annotated[str | None, Query(max_length=500)] = None,
    count: Annotated[bool, Query(description="Count (up to 10 000) on the first page.")] = False,
) -> RowsJSON:
    """Invoices of the caller's company, or of the office's clients (all, or `company_id`).

    The page is serialised straight from the database rows (orjson), without a model pass."""
    async with pool.acquire() as conn:
        page = await list_invoices(
            conn,
            principal,
            params.filters(),
            sort=sort,
            descending=order == "desc",
            limit=limit,
            after=after,
            with_total=count,
        )
    return RowsJSON(
        {
            "items": page.items,
            "next_cursor": page.next_cursor,
            "total": page.total,
            "total_capped": page.total_capped,
        }
    )


@router.get("/invoices/{invoice_id}")
async def details(
    invoice_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: CurrentSettings,
) -> dict[str, Any]:
    """Every field of one invoice, its parsed model, all XML fields and its history."""
    async with pool.acquire() as conn:
        [row] = await repo.visible(conn, principal, [invoice_id])
        xml, _ = await repo.raw_xml(conn, invoice_id)
        history = await repo.history(conn, invoice_id)
    fields: list[dict[str, Any]] = []
    if row["status"] == "parsed":
        try:
            invoice = parse(xml, max_bytes=settings.max_invoice_xml_bytes, validate=False)
            fields = [f.model_dump() for f in invoice.fields]
        except InvoiceRejected:
            fields = []
    return dict(row) | {"fields": fields, "history": [dict(h) for h in history]}


@router.get("/invoices/{invoice_id}/xml")
async def original(invoice_id: UUID, principal: CurrentPrincipal, pool: Pool) -> Response:
    """The FA(3) XML exactly as KSeF delivered it."""
    async with pool.acquire() as conn:
        [row] = await repo.visible(conn, principal, [invoice_id])
        xml, _ = await repo.raw_xml(conn, invoice_id)
    name = f"{row['ksef_number']}.xml"
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.put("/invoices/{invoice_id}/description", status_code=status.HTTP_204_NO_CONTENT)
async def set_description(
    invoice_id: UUID, body: DescriptionBody, principal: CurrentPrincipal, pool: Pool
) -> None:
    """The invoice's description or comment (either side)."""
    await services.describe(pool, principal, invoice_id, body.description)


@router.post("/invoices/actions/category", status_code=status.HTTP_204_NO_CONTENT)
async def assign_category(body: CategoryAssign, principal: CurrentPrincipal, pool: Pool) -> None:
    """Assign a category of the office to the selected invoices (client or office)."""
    await services.assign_category(pool, principal, body.ids, body.category_id)


@router.post("/invoices/actions/exclude", status_code=status.HTTP_204_NO_CONTENT)
async def exclude(body: ExcludeBody, principal: CurrentPrincipal, pool: Pool) -> None:
    """Exclude the selected invoices from booking, with a reason."""
    await services.exclude(pool, principal, body.ids, body.reason)


@router.post("/invoices/actions/include", status_code=status.HTTP_204_NO_CONTENT)
async def include(body: Selection, principal: CurrentPrincipal, pool: Pool) -> None:
    """Take the selected invoices back into booking."""
    await services.exclude(pool, principal, body.ids, None)


@router.post("/invoices/actions/approve", status_code=status.HTTP_204_NO_CONTENT)
async def approve(body: ApproveBody, principal: CurrentPrincipal, pool: Pool) -> None:
    """The client approves (or rejects, with a note) the selected invoices for booking."""
    await services.approve(pool, principal, body.ids, body.approved, body.note)


@router.post("/invoices/actions/book", status_code=status.HTTP_204_NO_CONTENT)
async def book(body: BookBody, principal: CurrentPrincipal, pool: Pool) -> None:
    """The office marks the selected invoices booked (or not booked)."""
    await services.book(pool, principal, body.ids, body.booked, body.decree)


@router.post("/invoices/actions/inquiry", status_code=status.HTTP_202_ACCEPTED)
async def inquiry(
    body: InquiryBody, principal: CurrentPrincipal, pool: Pool
) -> dict[str, list[UUID]]:
    """Ask about the selected invoices: messaging opens a thread to the office."""
    ids = await services.request_inquiry(pool, principal, body.ids, body.subject, body.body)
    return {"inquiry_ids": ids}
