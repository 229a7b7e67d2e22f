"""HTTP API of files: parse, call a use case, shape the answer."""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response, status
from pydantic import BaseModel, Field

from chassis.errors import InvalidInput
from chassis.logs import get_logger
from chassis.runtime import Runtime, get_pool
from chassis.tokens import CurrentPrincipal, Principal
from files import repository as repo
from files import services, uploads
from files.config import Settings
from files.domain import FileRecord, FileTooLarge, Purpose, Side
from files.formdata import FilePart
from files.scanning import Scanner, make_scanner
from files.storage import MinioStore, ObjectStore

log = get_logger(__name__)
# Room for the multipart boundaries and part headers around the file itself.
_FORM_OVERHEAD = 64 * 1024
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def _settings(app: FastAPI) -> Settings:
    runtime: Runtime = app.state.runtime
    assert isinstance(runtime.settings, Settings)
    return runtime.settings


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Storage and scanner for the API; the bucket is created if missing."""
    settings = _settings(app)
    store = MinioStore(settings)
    await store.ensure_bucket()
    app.state.files_store = store
    app.state.files_scanner = make_scanner(
        settings.scanner, settings.clamd_address, settings.scan_timeout_seconds
    )
    try:
        yield
    finally:
        store.close()


router = APIRouter(tags=["files"], lifespan=lifespan)
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


def get_store(request: Request) -> ObjectStore:
    store: ObjectStore = request.app.state.files_store
    return store


def get_scanner(request: Request) -> Scanner:
    scanner: Scanner = request.app.state.files_scanner
    return scanner


Store = Annotated[ObjectStore, Depends(get_store)]


class FilePublic(BaseModel):
    id: UUID
    company_id: UUID
    side: Side = Field(description="Who uploaded it: office (files from the office) | company.")
    name: str
    size: int
    sha256: str
    content_type: str
    month: str = Field(examples=["2026-10"])
    purpose: Purpose
    thread_id: UUID | None
    uploaded_by: UUID
    created_at: datetime
    deletable: bool = Field(description="Whether the caller's side may delete it.")

    @classmethod
    def of(cls, f: FileRecord, principal: Principal) -> FilePublic:
        assert f.size is not None
        assert f.sha256 is not None
        return cls(
            id=f.id,
            company_id=f.company_id,
            side=f.side,
            name=f.name,
            size=f.size,
            sha256=f.sha256,
            content_type=f.content_type,
            month=f.month,
            purpose=f.purpose,
            thread_id=f.thread_id,
            uploaded_by=f.uploaded_by,
            created_at=f.created_at,
            deletable=f.side.value == principal.org_kind,
        )


class FilesPage(BaseModel):
    items: list[FilePublic]
    next_after: str | None = Field(description="Pass as `after` for the next page.")


class MonthFolder(BaseModel):
    month: str
    files: int


class DownloadPublic(BaseModel):
    url: str = Field(description="Pre-signed GET URL; no token needed, valid until expires_at.")
    expires_at: datetime


class LookupIn(BaseModel):
    ids: list[UUID] = Field(min_length=1, max_length=100)


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"
    message = "Nieprawidłowy znacznik strony (after)."


def _cursor(f: FileRecord) -> str:
    raw = f"{f.created_at.isoformat()}|{f.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parse_cursor(value: str | None) -> tuple[datetime, UUID] | None:
    if value is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        created_at, file_id = raw.split("|")
        return datetime.fromisoformat(created_at), UUID(file_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor() from error


_MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "/companies/{company_id}/files",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_MULTIPART_BODY,
)
async def upload(
    company_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    pool: Pool,
    store: Store,
    scanner: Annotated[Scanner, Depends(get_scanner)],
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    thread_id: UUID | None = None,
    purpose: Purpose = Purpose.exchange,
) -> FilePublic:
    """Upload a file ("Prześlij plik") to the company's exchange, streamed to storage."""
    limit = _settings(request.app).max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _FORM_OVERHEAD:
        raise FileTooLarge(details={"max_bytes": limit})
    form = FilePart(request.headers.get("content-type", ""), request.stream())
    target = uploads.UploadRequest(company_id, month, thread_id, purpose)
    stored = await uploads.upload_file(
        pool, store, scanner, principal, form, target, max_bytes=limit
    )
    return FilePublic.of(stored, principal)


@router.get("/companies/{company_id}/files")
async def list_files(
    company_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    side: Side | None = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    thread_id: UUID | None = None,
    purpose: Purpose | None = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FilesPage:
    """The company's files, newest first: `side` picks a tab, `month` a folder."""
    where = repo.ListFilter(side=side, month=month, thread_id=thread_id, purpose=purpose)
    found = await services.list_files(
        pool, principal, company_id, where, after=_parse_cursor(after), limit=limit
    )
    next_after = _cursor(found[-1]) if len(found) == limit else None
    return FilesPage(items=[FilePublic.of(f, principal) for f in found], next_after=next_after)


@router.get("/companies/{company_id}/files/months")
async def list_months(
    company_id: UUID, principal: CurrentPrincipal, pool: Pool, side: Side | None = None
) -> list[MonthFolder]:
    """Month folders with files in them, newest first."""
    months = await services.list_months(pool, principal, company_id, side)
    return [MonthFolder(month=m, files=n) for m, n in months]


@router.post("/companies/{company_id}/files/lookup")
async def lookup(
    company_id: UUID, body: LookupIn, principal: CurrentPrincipal, pool: Pool
) -> list[FilePublic]:
    """Several files by id, e.g. a message's attachments; unknown ids are left out."""
    found = await services.lookup(pool, principal, company_id, body.ids)
    return [FilePublic.of(f, principal) for f in found]


@router.get("/companies/{company_id}/files/{file_id}")
async def get_file(
    company_id: UUID, file_id: UUID, principal: CurrentPrincipal, pool: Pool
) -> FilePublic:
    """One file's details."""
    found = await services.get_file(pool, principal, company_id, file_id)
    return FilePublic.of(found, principal)


@router.get("/companies/{company_id}/files/{file_id}/download")
async def download(
    company_id: UUID,
    file_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    pool: Pool,
    store: Store,
) -> DownloadPublic:
    """A short-lived pre-signed URL to download the file from storage."""
    ttl = _settings(request.app).download_url_seconds
    link = await services.download(pool, store, principal, company_id, file_id, ttl)
    return DownloadPublic(url=link.url, expires_at=link.expires_at)


@router.delete("/companies/{company_id}/files/{file_id}", status_code=204)
async def delete_file(
    company_id: UUID, file_id: UUID, principal: CurrentPrincipal, pool: Pool, store: Store
) -> Response:
    """Delete a file; only the side that uploaded it may."""
    await services.delete_file(pool, store, principal, company_id, file_id)
    return Response(status_code=204)
