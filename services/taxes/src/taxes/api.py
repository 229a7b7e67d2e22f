"""HTTP API of taxes: parse, call a use case, shape the answer (one dependency gives "today")."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, Request, Response, status

from chassis.errors import ApiError
from chassis.runtime import get_pool, get_runtime
from chassis.tokens import CurrentPrincipal
from taxes import bulk, services
from taxes.clock import Today
from taxes.domain import parse_period
from taxes.schemas import (
    ElixirExport,
    ImportResult,
    ItemCreate,
    ItemPublic,
    ItemUpdate,
    MonthPublic,
    PaymentCreate,
    TilePublic,
    YearsPublic,
)

router = APIRouter(tags=["taxes"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]
ITEM = "/companies/{company_id}/items/{item_id}"


class PayloadTooLarge(ApiError):
    status_code = 413
    code = "payload_too_large"
    message = "Plik jest zbyt duży."


@router.get("/companies/{company_id}/years")
async def years(
    company_id: UUID, principal: CurrentPrincipal, pool: Pool, today: Today
) -> YearsPublic:
    """Years to offer in the year filter: those with items, and the current one."""
    return YearsPublic(years=await services.years(pool, principal, company_id, today))


@router.get("/companies/{company_id}/months")
async def months(
    company_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    today: Today,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[TilePublic]:
    """The year's twelve monthly tiles (the current year by default)."""
    tiles = await services.year_tiles(pool, principal, company_id, year or today.year, today)
    return [TilePublic.of(t) for t in tiles]


@router.get("/companies/{company_id}/months/{period}")
async def month(
    company_id: UUID, period: str, principal: CurrentPrincipal, pool: Pool, today: Today
) -> MonthPublic:
    """One month: its tile and every item with its status and payments."""
    m = await services.month(pool, principal, company_id, parse_period(period), today)
    return MonthPublic(
        tile=TilePublic.of(m.tile),
        items=[ItemPublic.of(i, today, m.payments.get(i.id)) for i in m.items],
    )


@router.post("/companies/{company_id}/months/{period}/copy-previous", status_code=201)
async def copy_previous(
    company_id: UUID, period: str, principal: CurrentPrincipal, pool: Pool, today: Today
) -> list[ItemPublic]:
    """Office: copy the previous month's items into this (empty) month, due a month later."""
    items = await services.copy_previous_month(pool, principal, company_id, parse_period(period))
    return [ItemPublic.of(i, today) for i in items]


@router.post("/companies/{company_id}/items", status_code=status.HTTP_201_CREATED)
async def create_item(
    company_id: UUID, body: ItemCreate, principal: CurrentPrincipal, pool: Pool, today: Today
) -> ItemPublic:
    """Office: enter one tax or fee item (defaults for account, recipient and title)."""
    item = await services.create_item(pool, principal, company_id, body.to_input())
    return ItemPublic.of(item, today)


@router.get(ITEM)
async def get_item(
    company_id: UUID, item_id: UUID, principal: CurrentPrincipal, pool: Pool, today: Today
) -> ItemPublic:
    """One item with its payments."""
    item, payments = await services.get_item(pool, principal, company_id, item_id)
    return ItemPublic.of(item, today, payments)


@router.patch(ITEM)
async def update_item(
    company_id: UUID,
    item_id: UUID,
    body: ItemUpdate,
    principal: CurrentPrincipal,
    pool: Pool,
    today: Today,
) -> ItemPublic:
    """Office: correct an item; a field sent as null returns to its default."""
    item = await services.update_item(pool, principal, company_id, item_id, body.changes())
    return ItemPublic.of(item, today)


@router.delete(ITEM, status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(
    company_id: UUID, item_id: UUID, principal: CurrentPrincipal, pool: Pool
) -> Response:
    """Office: remove an item without payments."""
    await services.delete_item(pool, principal, company_id, item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(ITEM + "/payments", status_code=status.HTTP_201_CREATED)
async def mark_paid(
    company_id: UUID,
    item_id: UUID,
    body: PaymentCreate,
    principal: CurrentPrincipal,
    pool: Pool,
    today: Today,
) -> ItemPublic:
    """Mark an item paid, in full (default) or in part, on a day not after today."""
    item, _ = await services.mark_paid(
        pool,
        principal,
        company_id,
        item_id,
        paid_on=body.paid_on or today,
        amount_grosze=body.amount_grosze,
        today=today,
    )
    _, payments = await services.get_item(pool, principal, company_id, item.id)
    return ItemPublic.of(item, today, payments)


@router.post("/companies/{company_id}/transfers/elixir")
async def export_elixir(
    company_id: UUID, body: ElixirExport, principal: CurrentPrincipal, pool: Pool, today: Today
) -> Response:
    """An Elixir-O file (Windows-1250, CRLF) of transfers for what is owed on the selected items."""
    file = await bulk.export_elixir(
        pool,
        principal,
        company_id,
        body.item_ids,
        from_account=body.from_account,
        execution_date=body.execution_date,
        today=today,
    )
    return Response(
        file.content,
        media_type="text/plain; charset=windows-1250",
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@router.post(
    "/items/import",
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
async def import_items(
    request: Request, principal: CurrentPrincipal, pool: Pool, today: Today
) -> ImportResult:
    """Office: import items of many client companies from CSV, all rows or none (see csv_import)."""
    limit: int = getattr(get_runtime(request).settings, "max_import_bytes", 5_000_000)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(details={"max_bytes": limit})
    items = await bulk.import_csv(pool, principal, bytes(body))
    return ImportResult(created=len(items), items=[ItemPublic.of(i, today) for i in items])
