"""HTTP API for issuing sales invoices: drafts, sending to KSeF, PDF, UPO, queue, set-up.

Bodies are validated by `forms` (Polish message per field) rather than by FastAPI, whose
messages are English; `bodies` documents their schemas.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, Request, Response, status

from chassis.runtime import get_pool, get_runtime
from chassis.tenancy import company_by_nip, require_company
from chassis.tokens import CurrentPrincipal
from invoices.config import Settings
from invoices.issuing import offline, sending, services, setup
from invoices.issuing import repository as repo
from invoices.issuing.bodies import (
    CertificateBody,
    CertificateIn,
    FormBody,
    IssuingSettingsBody,
    SendBody,
    SendIn,
    SeriesBody,
    SeriesIn,
    SettingsIn,
)
from invoices.issuing.domain import (
    MODE_LABELS,
    IssuedInvoiceNotFound,
    NoUpo,
    OfflineMode,
    Status,
    deadline_label,
)
from invoices.issuing.forms import InvoiceForm, parse_body

router = APIRouter(prefix="/issuing", tags=["issuing"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


_DETAIL_HIDDEN = {"xml", "upo_xml", "stored_status", "qr2_link", "series_id"}


def _settings(request: Request) -> Settings:
    settings: Settings = get_runtime(request).settings  # type: ignore[assignment]
    return settings


CurrentSettings = Annotated[Settings, Depends(_settings)]


def _signing(settings: Settings) -> offline.Signing:
    return offline.Signing.of(settings)


def _plain(row: Any) -> dict[str, Any]:
    # Amounts travel as strings ("123.45"): FastAPI would turn Decimals into floats.
    out = {k: str(v) if isinstance(v, Decimal) else v for k, v in dict(row).items()}
    mode = row["offline_mode"]
    out["offline_mode_label"] = MODE_LABELS[OfflineMode(mode)] if mode else None
    out["deadline_label"] = deadline_label(mode, row["offline_deadline"])
    return out


def _detail(row: Any) -> dict[str, Any]:
    out = {k: v for k, v in _plain(row).items() if k not in _DETAIL_HIDDEN}
    out["has_upo"] = row["upo_xml"] is not None
    out["offline_qr"] = row["qr2_link"] is not None
    return out


@router.get("/form-schema", include_in_schema=True)
async def form_schema() -> dict[str, Any]:
    """The JSON schema of the invoice form (drafts are validated against it)."""
    return InvoiceForm.model_json_schema()


@router.post("/companies/{company_id}/invoices", status_code=status.HTTP_201_CREATED)
async def create_draft(
    company_id: UUID, body: FormBody, principal: CurrentPrincipal, pool: Pool
) -> dict[str, Any]:
    """Save a new draft invoice of the company."""
    invoice_id = await services.create_draft(pool, principal, company_id, body)
    async with pool.acquire() as conn:
        return _detail(await repo.get(conn, principal, invoice_id))


@router.get("/invoices")
async def list_invoices(
    principal: CurrentPrincipal,
    pool: Pool,
    company_id: UUID | None = None,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Issued invoices and drafts the caller may see, newest first."""
    async with pool.acquire() as conn:
        if company_id is not None:
            await require_company(conn, principal, company_id)
        rows = await repo.listing(
            conn,
            principal,
            company_id=company_id,
            statuses=[s.value for s in status_] if status_ else None,
            limit=limit,
            offset=offset,
        )
    return {"items": [_plain(r) for r in rows]}


@router.get("/queue")
async def queue(principal: CurrentPrincipal, pool: Pool) -> dict[str, Any]:
    """Invoices waiting for KSeF (queued, sending, offline) with their modes and deadlines,
    and whether KSeF is available now (`ksef`)."""
    today = date.today()
    async with pool.acquire() as conn:
        rows = await repo.waiting(conn, principal)
        ksef = await sending.availability(conn)
    items = []
    for r in rows:
        item = _plain(r)
        deadline = r["offline_deadline"]
        item["overdue"] = deadline is not None and deadline < today
        items.append(item)
    return {"ksef": _ksef(ksef), "items": items}


def _ksef(row: Any) -> dict[str, Any]:
    if row is None:
        return {"status": "available", "mode": None, "message": "KSeF działa."}
    return {k: row[k] for k in ("status", "mode", "since", "until", "message")}


@router.get("/invoices/{invoice_id}")
async def get_invoice(invoice_id: UUID, principal: CurrentPrincipal, pool: Pool) -> dict[str, Any]:
    """One invoice with its form, amounts, status and KSeF data."""
    async with pool.acquire() as conn:
        return _detail(await repo.get(conn, principal, invoice_id))


@router.put("/invoices/{invoice_id}")
async def update_draft(
    invoice_id: UUID, body: FormBody, principal: CurrentPrincipal, pool: Pool
) -> dict[str, Any]:
    """Change a draft (or an invoice KSeF rejected)."""
    await services.update_draft(pool, principal, invoice_id, body)
    async with pool.acquire() as conn:
        return _detail(await repo.get(conn, principal, invoice_id))


@router.delete("/invoices/{invoice_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_draft(invoice_id: UUID, principal: CurrentPrincipal, pool: Pool) -> Response:
    """Delete a draft."""
    await services.delete_draft(pool, principal, invoice_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/invoices/{invoice_id}/send", status_code=status.HTTP_202_ACCEPTED)
async def send(
    invoice_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: CurrentSettings,
    body: SendIn = None,
) -> dict[str, Any]:
    """Issue the invoice: number it and send it to KSeF (online) or issue it offline.

    The body (`{"mode": "online" | "offline24"}`) is optional."""
    mode = parse_body(SendBody, body).mode
    await services.send(pool, principal, invoice_id, mode, _signing(settings), date.today())
    async with pool.acquire() as conn:
        return _detail(await repo.get(conn, principal, invoice_id))


@router.get("/invoices/{invoice_id}/xml")
async def xml(invoice_id: UUID, principal: CurrentPrincipal, pool: Pool) -> Response:
    """The FA(3) XML as issued."""
    async with pool.acquire() as conn:
        row = await repo.get(conn, principal, invoice_id)
    if row["xml"] is None:
        raise IssuedInvoiceNotFound("Szkic nie ma jeszcze dokumentu FA(3); wystaw fakturę.")
    return Response(bytes(row["xml"]), media_type="application/xml")


@router.get("/invoices/{invoice_id}/pdf")
async def pdf(
    invoice_id: UUID, principal: CurrentPrincipal, pool: Pool, settings: CurrentSettings
) -> Response:
    """The PDF with QR code I (and QR code II for an offline invoice)."""
    async with pool.acquire() as conn:
        row = await repo.get(conn, principal, invoice_id)
    if row["xml"] is None:
        raise IssuedInvoiceNotFound("Szkic nie ma jeszcze wizualizacji; wystaw fakturę.")
    body = offline.pdf(
        row, settings.ksef_qr_base_url, settings.pdf_font_file, settings.pdf_bold_font_file
    )
    name = (row["number"] or "faktura").replace("/", "_")
    headers = {"Content-Disposition": f'attachment; filename="{name}.pdf"'}
    return Response(body, media_type="application/pdf", headers=headers)


@router.get("/invoices/{invoice_id}/upo")
async def upo(invoice_id: UUID, principal: CurrentPrincipal, pool: Pool) -> Response:
    """The UPO (KSeF's official receipt) of an accepted invoice."""
    async with pool.acquire() as conn:
        row = await repo.get(conn, principal, invoice_id)
    if row["upo_xml"] is None:
        raise NoUpo()
    return Response(row["upo_xml"], media_type="application/xml")


@router.get("/companies/{company_id}/counterparties")
async def counterparties(
    company_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    q: Annotated[str, Query(min_length=2, max_length=100)],
) -> dict[str, Any]:
    """Buyers by NIP or name: invoiced before, from KSeF invoices, or known companies by NIP."""
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        rows = [dict(r) for r in await repo.find_counterparties(conn, company_id, q)]
        known = await company_by_nip(conn, q) if q.isdigit() and len(q) == 10 else None
    if known and not any(r["nip"] == known.nip for r in rows):
        rows.append({"nip": known.nip, "name": known.name, "buyer": None, "source": "known"})
    return {"items": rows}


@router.get("/companies/{company_id}/settings")
async def get_settings(company_id: UUID, principal: CurrentPrincipal, pool: Pool) -> dict[str, Any]:
    """Issuing set-up of the company: office permission, certificate, numbering series."""
    return await setup.settings(pool, principal, company_id)


@router.put("/companies/{company_id}/settings")
async def put_settings(
    company_id: UUID, body: SettingsIn, principal: CurrentPrincipal, pool: Pool
) -> dict[str, Any]:
    """Allow (or stop) the office's staff to issue invoices on the company's behalf."""
    values = parse_body(IssuingSettingsBody, body)
    await setup.save_settings(pool, principal, company_id, values.office_may_issue)
    return await setup.settings(pool, principal, company_id)


@router.post("/companies/{company_id}/series", status_code=status.HTTP_201_CREATED)
async def add_series(
    company_id: UUID, body: SeriesIn, principal: CurrentPrincipal, pool: Pool
) -> dict[str, Any]:
    """A numbering series: `{n}` the number, `{mm}` month, `{yyyy}` year; reset per period."""
    values = parse_body(SeriesBody, body)
    series_id = await setup.add_series(pool, principal, company_id, values.model_dump(mode="json"))
    return {"id": series_id}


@router.put("/companies/{company_id}/offline-certificate")
async def put_certificate(
    company_id: UUID,
    body: CertificateIn,
    principal: CurrentPrincipal,
    pool: Pool,
    settings: CurrentSettings,
) -> dict[str, Any]:
    """Store the company's KSeF Offline certificate and key (signs QR code II)."""
    cert = parse_body(CertificateBody, body)
    serial = await setup.upload_certificate(
        pool,
        principal,
        company_id,
        cert.certificate,
        cert.private_key,
        cert.password,
        _signing(settings).key_secret,
    )
    return {"serial": serial}
