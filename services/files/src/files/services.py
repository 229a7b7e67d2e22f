"""Use cases of files besides the upload (uploads.py): list, fetch, download, delete, sweep."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from chassis.logs import get_logger
from chassis.tenancy import require_company
from chassis.tokens import Principal
from files import repository as repo
from files.domain import FileNotFound, FileRecord, NotUploaderSide, Side, side_of
from files.storage import ObjectStore

log = get_logger(__name__)


@dataclass(frozen=True)
class Download:
    url: str
    expires_at: datetime


async def list_files(
    pool: asyncpg.Pool,
    principal: Principal,
    company_id: UUID,
    where: repo.ListFilter,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[FileRecord]:
    """One company's files, newest first; both sides see both tabs."""
    side_of(principal)
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        return await repo.list_files(conn, company_id, where, after=after, limit=limit)


async def list_months(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, side: Side | None
) -> list[tuple[str, int]]:
    """The month folders that hold files, newest first, with how many each holds."""
    side_of(principal)
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        return await repo.months(conn, company_id, side)


async def get_file(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, file_id: UUID
) -> FileRecord:
    side_of(principal)
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        found = await repo.get(conn, company_id, file_id)
    if found is None:
        raise FileNotFound(details={"file_id": str(file_id)})
    return found


async def lookup(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, ids: Sequence[UUID]
) -> list[FileRecord]:
    """Several files by id (message attachments); ids not found are simply absent."""
    side_of(principal)
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        return await repo.lookup(conn, company_id, ids)


async def download(
    pool: asyncpg.Pool,
    store: ObjectStore,
    principal: Principal,
    company_id: UUID,
    file_id: UUID,
    ttl_seconds: int,
) -> Download:
    """A short-lived URL the browser downloads the bytes from, straight from storage."""
    found = await get_file(pool, principal, company_id, file_id)
    url = store.download_url(found.object_key, found.name, found.content_type)
    return Download(url=url, expires_at=datetime.now(UTC) + timedelta(seconds=ttl_seconds))


async def delete_file(
    pool: asyncpg.Pool, store: ObjectStore, principal: Principal, company_id: UUID, file_id: UUID
) -> None:
    """Only the side that uploaded a file deletes it; the row stays, the bytes go."""
    side = side_of(principal)
    async with pool.acquire() as conn, conn.transaction():
        await require_company(conn, principal, company_id)
        found = await repo.get(conn, company_id, file_id)
        if found is None:
            raise FileNotFound(details={"file_id": str(file_id)})
        if found.side is not side:
            raise NotUploaderSide()
        await repo.mark_deleted(conn, file_id)
    # After the commit: if removing fails, the sweeper retries (the row is not yet purged).
    with contextlib.suppress(Exception):
        await store.remove(found.object_key)
        async with pool.acquire() as conn:
            await repo.mark_purged(conn, [file_id])


async def sweep(
    pool: asyncpg.Pool, store: ObjectStore, *, pending_seconds: int, batch: int = 100
) -> int:
    """Remove abandoned uploads and the bytes of deleted files; how many objects went."""
    cutoff = datetime.now(UTC) - timedelta(seconds=pending_seconds)
    removed = 0
    async with pool.acquire() as conn, conn.transaction():
        # Rows stay locked while their objects are removed, so replicas never race on them.
        stale = await repo.stale_pending(conn, cutoff, batch)
        for _, key in stale:
            await store.remove(key)
        await repo.delete_rows(conn, [file_id for file_id, _ in stale])
        deleted = await repo.unpurged(conn, batch)
        for _, key in deleted:
            await store.remove(key)
        await repo.mark_purged(conn, [file_id for file_id, _ in deleted])
        removed = len(stale) + len(deleted)
    if removed:
        log.info("storage swept", abandoned=len(stale), purged=len(deleted))
    return removed
