"""Asynchronous exports (/invoices/exports) and their pre-signed part downloads."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from . import exports
from .api_invoices import InvoiceQueryFilters
from .api_sessions import EncryptionInfo
from .domain import ExportPart, InvoiceExport
from .security import Principal, access
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/invoices", tags=["Pobieranie faktur"])
storage = APIRouter(prefix="/storage", tags=["Pre-signed downloads"])
Sim = Annotated[Simulator, Depends(get_sim)]


class InvoiceExportRequest(BaseModel):
    encryption: EncryptionInfo
    filters: InvoiceQueryFilters
    onlyMetadata: bool = False
    compressionType: Literal["Zip", "TarGz"] | None = None


@router.post("/exports", status_code=201)
async def start_export(
    body: InvoiceExportRequest,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("invoiceExport", "InvoiceRead"))],
) -> dict[str, str]:
    """Start an export; the package is built in the background (status 100 meanwhile)."""
    export = await exports.start(sim, caller.context, body.model_dump(by_alias=True))
    return {"referenceNumber": export.reference_number}


@router.get("/exports/{referenceNumber}")
async def export_status(
    referenceNumber: str,
    request: Request,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("invoiceExportStatus", "InvoiceRead"))],
) -> dict[str, Any]:
    """Export status; once ready, the package with freshly signed part URLs."""
    export = await exports.own_export(sim, caller.context, referenceNumber)

    def part_url(exp: InvoiceExport, part: ExportPart, until: datetime) -> str:
        claims = {"export": exp.reference_number, "part": part.part_name}
        token, _ = sim.tokens.issue_until("ExportLink", claims, until)
        return f"{request.base_url}storage/exports/{part.part_name}?sig={token}"

    return exports.status_json(sim, export, part_url)


@storage.get("/exports/{partName}")
async def download_part(partName: str, sig: str, sim: Sim) -> Response:
    """Encrypted part download: no token, not rate limited; the URL signature is the credential."""
    claims = sim.tokens.decode(sig, "ExportLink")
    export = await sim.store.get_export(claims["export"])
    if export is None or claims["part"] != partName:
        raise exports.not_found()
    part = exports.part_for_download(sim, export, partName)
    headers = {"x-ms-meta-hash": exports.encrypted_hash(part)}
    return Response(part.encrypted, media_type="application/octet-stream", headers=headers)
