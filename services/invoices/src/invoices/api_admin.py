"""HTTP API: the office's categories, per-client settings and dashboard figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field

from chassis.runtime import get_pool
from chassis.tenancy import require_company
from chassis.tokens import CurrentPrincipal
from invoices import dashboard, services
from invoices import repository as repo

router = APIRouter(tags=["categories", "dashboard"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


class CategoryIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["Paliwo"])
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", examples=["#1e88e5"])


class CategoryPublic(CategoryIn):
    id: UUID


class CompanySettings(BaseModel):
    office_sees_unapproved: bool = Field(
        description="False: the office sees purchase invoices only after the client approved them."
    )


@router.get("/categories")
async def list_categories(
    principal: CurrentPrincipal, pool: Pool, company_id: UUID | None = None
) -> list[CategoryPublic]:
    """The categories of the caller's office (or of the company's office)."""
    async with pool.acquire() as conn:
        if company_id is not None:
            await require_company(conn, principal, company_id)
        office = await services.office_of(conn, principal, company_id)
        rows = await repo.categories(conn, office)
    return [CategoryPublic(id=r["id"], name=r["name"], colour=r["colour"]) for r in rows]


@router.post("/categories", status_code=status.HTTP_201_CREATED)
async def create_category(
    body: CategoryIn, principal: CurrentPrincipal, pool: Pool
) -> CategoryPublic:
    """A new category of the office (office admins and managers)."""
    category_id = await services.save_category(pool, principal, None, body.name, body.colour)
    return CategoryPublic(id=category_id, name=body.name, colour=body.colour)


@router.put("/categories/{category_id}")
async def update_category(
    category_id: UUID, body: CategoryIn, principal: CurrentPrincipal, pool: Pool
) -> CategoryPublic:
    """Rename or recolour a category; invoices keep it."""
    await services.save_category(pool, principal, category_id, body.name, body.colour)
    return CategoryPublic(id=category_id, name=body.name, colour=body.colour)


@router.delete("/categories/{category_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_category(category_id: UUID, principal: CurrentPrincipal, pool: Pool) -> None:
    """Delete a category; its invoices become uncategorised."""
    await services.delete_category(pool, principal, category_id)


@router.get("/companies/{company_id}/settings")
async def get_settings(
    company_id: UUID, principal: CurrentPrincipal, pool: Pool
) -> CompanySettings:
    """What the office sees of this client's invoices."""
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        value = await repo.office_sees_unapproved(conn, company_id)
    return CompanySettings(office_sees_unapproved=value)


@router.put("/companies/{company_id}/settings")
async def put_settings(
    company_id: UUID, body: CompanySettings, principal: CurrentPrincipal, pool: Pool
) -> CompanySettings:
    """Change what the office sees (client owner/admin, or office admin/manager)."""
    await services.set_settings(pool, principal, company_id, body.office_sees_unapproved)
    return body


@router.get("/dashboard")
async def get_dashboard(
    principal: CurrentPrincipal,
    pool: Pool,
    company_id: UUID | None = None,
    month: Annotated[
        date | None, Query(description="Any day of the month; today by default.")
    ] = None,
) -> dict[str, Any]:
    """This month's invoices by direction and totals, what awaits work, and the last sync."""
    async with pool.acquire() as conn:
        if company_id is not None:
            await require_company(conn, principal, company_id)
        return await dashboard.figures(conn, principal, company_id, month or date.today())
