"""Uploading one file: checked, hashed, scanned and stored as it streams, then recorded.

Order of events, so nothing is ever half-written where a user could see it:
1. name and type are checked on the first bytes, before anything is stored;
2. a `pending` row is committed (so a crash mid-way leaves a trace the sweeper follows);
3. the bytes stream to MinIO through SHA-256, the size limit and the scanner;
4. one transaction marks the row `ready` and queues `file.uploaded` in the outbox.
Any failure in 3 removes the object and the pending row before the error is reported.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import asyncpg

from chassis import outbox
from chassis.logs import get_logger
from chassis.tenancy import Company, require_company
from chassis.tokens import Principal
from contracts import new_envelope
from contracts.files import FILE_UPLOADED, FileUploaded
from files import repository as repo
from files.domain import (
    EmptyFile,
    FileInfected,
    FileRecord,
    FileTooLarge,
    Purpose,
    Status,
    clean_name,
    object_key,
    parse_month,
    side_of,
)
from files.filetypes import SNIFF_BYTES, content_type_of
from files.formdata import FilePart
from files.scanning import Scanner, ScanSession
from files.storage import ObjectStore

PRODUCER = "files"
WARSAW = ZoneInfo("Europe/Warsaw")
log = get_logger(__name__)


@dataclass(frozen=True)
class UploadRequest:
    company_id: UUID
    month: str | None = None
    thread_id: UUID | None = None
    purpose: Purpose = Purpose.exchange


class _Measured:
    """Passes the body on while hashing it, counting it against the limit and scanning it."""

    def __init__(self, limit: int, scan: ScanSession) -> None:
        self.limit, self.scan = limit, scan
        self.size = 0
        self.sha256 = hashlib.sha256()

    async def through(self, head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        yield await self._take(head)
        async for chunk in rest:
            yield await self._take(chunk)

    async def _take(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            raise FileTooLarge(details={"max_bytes": self.limit})
        self.sha256.update(chunk)
        await self.scan.feed(chunk)
        return chunk


async def _head(chunks: AsyncIterator[bytes]) -> bytes:
    """The first SNIFF_BYTES (fewer for a small file) for the type check."""
    head = bytearray()
    while len(head) < SNIFF_BYTES:
        try:
            head += await anext(chunks)
        except StopAsyncIteration:
            break
    return bytes(head)


async def _rest(head: bytes, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Whatever the head read took past SNIFF_BYTES, then the remaining chunks."""
    if len(head) > SNIFF_BYTES:
        yield head[SNIFF_BYTES:]
    async for chunk in chunks:
        yield chunk


async def upload_file(
    pool: asyncpg.Pool,
    store: ObjectStore,
    scanner: Scanner,
    principal: Principal,
    form: FilePart,
    request: UploadRequest,
    *,
    max_bytes: int,
) -> FileRecord:
    side = side_of(principal)
    async with pool.acquire() as conn:
        company = await require_company(conn, principal, request.company_id)
    now = datetime.now(UTC)
    month = parse_month(request.month, now.astimezone(WARSAW).date())
    name = clean_name(await form.open())
    chunks = form.chunks()
    head = await _head(chunks)
    if not head:
        raise EmptyFile()
    content_type = content_type_of(name, head[:SNIFF_BYTES])
    file_id = uuid4()
    pending = FileRecord(
        id=file_id,
        company_id=company.org_id,
        office_id=company.office_id,
        side=side,
        uploaded_by=principal.user_id,
        name=name,
        content_type=content_type,
        month=month,
        purpose=Purpose.attachment if request.thread_id else request.purpose,
        thread_id=request.thread_id,
        object_key=object_key(company.org_id, file_id),
        status=Status.pending,
        created_at=now,
    )
    async with pool.acquire() as conn:
        await repo.insert_pending(conn, pending)
    try:
        size, sha256 = await _store(store, scanner, pending, head, chunks, max_bytes)
        return await _complete(pool, company, pending, size, sha256)
    except BaseException:
        await _discard(pool, store, pending)
        raise


async def _store(
    store: ObjectStore,
    scanner: Scanner,
    f: FileRecord,
    head: bytes,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
) -> tuple[int, str]:
    scan = await scanner.open()
    try:
        measured = _Measured(max_bytes, scan)
        await store.put(
            f.object_key, measured.through(head[:SNIFF_BYTES], _rest(head, chunks)), f.content_type
        )
        verdict = await scan.verdict()
    finally:
        await scan.close()
    if not verdict.clean:
        log.warning("infected upload refused", file_id=str(f.id), signature=verdict.signature)
        raise FileInfected(details={"signature": verdict.signature})
    return measured.size, measured.sha256.hexdigest()


async def _complete(
    pool: asyncpg.Pool, company: Company, f: FileRecord, size: int, sha256: str
) -> FileRecord:
    event = new_envelope(
        FILE_UPLOADED.event_type,
        FILE_UPLOADED.version,
        FileUploaded(
            file_id=f.id,
            company_id=f.company_id,
            office_id=f.office_id,
            side=f.side.value,
            name=f.name,
            size=size,
            sha256=sha256,
            content_type=f.content_type,
            uploaded_by=f.uploaded_by,
            month=f.month,
            purpose=f.purpose.value,
            thread_id=f.thread_id,
        ),
        producer=PRODUCER,
        org_id=f.company_id,
        company_nip=company.nip,
    )
    async with pool.acquire() as conn, conn.transaction():
        ready = await repo.mark_ready(conn, f.id, size, sha256)
        await outbox.add(conn, event, key=str(f.company_id))
    return ready


async def _discard(pool: asyncpg.Pool, store: ObjectStore, f: FileRecord) -> None:
    """Remove a failed upload's bytes, then its pending row. Best effort: what is left behind
    here (the database or MinIO unreachable), the sweeper removes later."""
    with contextlib.suppress(Exception):
        async with pool.acquire() as conn:
            # A cancellation can land after the completing commit; a ready file stays.
            if not await repo.is_pending(conn, f.id):
                return
        await store.remove(f.object_key)
        async with pool.acquire() as conn:
            await repo.delete_pending(conn, f.id)
