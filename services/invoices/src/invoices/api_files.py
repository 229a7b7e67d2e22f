"""HTTP API: visualisation (HTML, PDF) and exports of selected invoices."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections import defaultdict
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from chassis.errors import Conflict
from chassis.runtime import get_pool
from chassis.tenancy import get_org
from chassis.tokens import CurrentPrincipal
from invoices import repository as repo
from invoices.api import MAX_SELECTION, CurrentSettings
from invoices.config import Settings
from invoices.exports.basic import to_csv, to_xml_zip
from invoices.exports.common import Company, ExportItem, safe_name
from invoices.exports.epp import to_epp
from invoices.exports.optima import to_optima
from invoices.fa3.parser import InvoiceRejected, parse
from invoices.render.html import render_html
from invoices.render.pdf import render_pdf
from invoices.render.view import View, build_view

router = APIRouter(tags=["visualisation", "exports"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]
MAX_PDF_BATCH = 500


class NotRenderable(Conflict):
    code = "invoice_not_parsed"
    message = (
        "Faktury nie udało się odczytać, więc nie ma jej wizualizacji; pobierz oryginalny XML."
    )


class ExportBody(BaseModel):
    ids: list[UUID] = Field(min_length=1, max_length=MAX_SELECTION)
    format: Literal["xml", "csv", "optima", "epp", "pdf"]
    stamp: bool = Field(default=False, description="PDF only: overprint the booking stamp.")


async def load_items(
    pool: asyncpg.Pool, principal: object, ids: list[UUID], max_bytes: int
) -> list[ExportItem]:
    async with pool.acquire() as conn:
        rows = await repo.visible(conn, principal, ids)  # type: ignore[arg-type]
        docs = {r["id"]: await repo.raw_xml(conn, r["id"]) for r in rows}
        names = await repo.user_names(conn, [r["booked_by"] for r in rows if r["booked_by"]])
    items = []
    for row in rows:
        xml, upo = docs[row["id"]]
        invoice = None
        if row["status"] == "parsed":
            try:
                invoice = parse(xml, max_bytes=max_bytes, validate=False)
            except InvoiceRejected:
                invoice = None
        item_row = dict(row) | {"booked_by_name": names.get(row["booked_by"])}
        items.append(ExportItem(row=item_row, invoice=invoice, xml=xml, upo=upo))
    return items


def views_of(items: list[ExportItem], settings: Settings, stamp: bool) -> list[View]:
    if any(i.invoice is None for i in items):
        raise NotRenderable(details={"ids": [str(i.id) for i in items if i.invoice is None]})
    return [
        build_view(i.row, i.invoice, i.xml, settings.ksef_qr_base_url, with_stamp=stamp)  # type: ignore[arg-type]
        for i in items
    ]


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/invoices/{invoice_id}/html", response_class=HTMLResponse)
async def html(
    invoice_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: CurrentSettings,
    stamp: bool = False,
) -> HTMLResponse:
    """The invoice as a Polish HTML page, with QR code I and the optional booking stamp."""
    items = await load_items(pool, principal, [invoice_id], settings.max_invoice_xml_bytes)
    [view] = views_of(items, settings, stamp)
    return HTMLResponse(render_html(view))


@router.get("/invoices/{invoice_id}/pdf")
async def pdf(
    invoice_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: CurrentSettings,
    stamp: bool = False,
) -> Response:
    """The invoice as a PDF, with QR code I and the optional booking stamp."""
    items = await load_items(pool, principal, [invoice_id], settings.max_invoice_xml_bytes)
    views = views_of(items, settings, stamp)
    content = await asyncio.to_thread(
        render_pdf, views, settings.pdf_font_file, settings.pdf_bold_font_file
    )
    return attachment(content, "application/pdf", f"{safe_name(items[0].ksef_number)}.pdf")


async def companies_of(pool: asyncpg.Pool, items: list[ExportItem]) -> dict[UUID, Company]:
    found = {}
    async with pool.acquire() as conn:
        for company_id in {i.row["company_id"] for i in items}:
            org = await get_org(conn, company_id)
            found[company_id] = Company(
                id=company_id,
                nip=org.nip if org else "",
                name=org.name if org else str(company_id),
                address=org.address if org else None,
            )
    return found


def per_company(
    items: list[ExportItem], companies: dict[UUID, Company], render: object, suffix: str, media: str
) -> Response:
    """One file for one company; a zip of one file per company for an office's selection."""
    groups: dict[UUID, list[ExportItem]] = defaultdict(list)
    for item in items:
        groups[item.row["company_id"]].append(item)
    files = {
        f"{safe_name(companies[cid].nip or str(cid))}.{suffix}": render(companies[cid], group)  # type: ignore[operator]
        for cid, group in groups.items()
    }
    if len(files) == 1:
        [(name, content)] = files.items()
        return attachment(content, media, name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return attachment(buffer.getvalue(), "application/zip", f"eksport-{suffix}.zip")


@router.post("/invoices/export")
async def export(
    body: ExportBody, principal: CurrentPrincipal, pool: Pool, settings: CurrentSettings
) -> Response:
    """Selected invoices as FA(3) originals (zip), CSV, Optima XML, EDI++ or one PDF."""
    items = await load_items(pool, principal, body.ids, settings.max_invoice_xml_bytes)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    if body.format == "xml":
        return attachment(to_xml_zip(items), "application/zip", f"faktury-{stamp}.zip")
    if body.format == "csv":
        return attachment(to_csv(items), "text/csv; charset=utf-8", f"faktury-{stamp}.csv")
    if body.format == "pdf":
        views = views_of(items[:MAX_PDF_BATCH], settings, body.stamp)
        content = await asyncio.to_thread(
            render_pdf, views, settings.pdf_font_file, settings.pdf_bold_font_file
        )
        return attachment(content, "application/pdf", f"faktury-{stamp}.pdf")
    companies = await companies_of(pool, items)
    if body.format == "optima":
        return per_company(items, companies, to_optima, "xml", "application/xml")
    return per_company(items, companies, to_epp, "epp", "text/plain; charset=windows-1250")
