"""File metadata in PostgreSQL: hand-written SQL over one connection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from chassis.db import Conn
from files.domain import FileRecord, Purpose, Side, Status

_COLUMNS = (
    "id, company_id, office_id, side, uploaded_by, name, content_type, month, purpose,"
    " thread_id, object_key, status, created_at, size, sha256, deleted_at"
)
# What the users see: complete and not deleted.
_VISIBLE = "status = 'ready' AND deleted_at IS NULL"


def _record(row: asyncpg.Record) -> FileRecord:
    values = dict(row)
    values["side"] = Side(values["side"])
    values["purpose"] = Purpose(values["purpose"])
    values["status"] = Status(values["status"])
    return FileRecord(**values)


@dataclass(frozen=True)
class ListFilter:
    side: Side | None = None
    month: str | None = None
    thread_id: UUID | None = None
    purpose: Purpose | None = None


async def insert_pending(conn: Conn, f: FileRecord) -> None:
    await conn.execute(
        f"INSERT INTO files ({_COLUMNS}) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL, NULL)",
        f.id,
        f.company_id,
        f.office_id,
        f.side.value,
        f.uploaded_by,
        f.name,
        f.content_type,
        f.month,
        f.purpose.value,
        f.thread_id,
        f.object_key,
        Status.pending.value,
        f.created_at,
    )


async def is_pending(conn: Conn, file_id: UUID) -> bool:
    status = await conn.fetchval("SELECT status FROM files WHERE id = $1", file_id)
    return bool(status == Status.pending.value)


async def delete_pending(conn: Conn, file_id: UUID) -> None:
    await conn.execute("DELETE FROM files WHERE id = $1 AND status = 'pending'", file_id)


async def mark_ready(conn: Conn, file_id: UUID, size: int, sha256: str) -> FileRecord:
    row = await conn.fetchrow(
        f"UPDATE files SET status = 'ready', size = $2, sha256 = $3"
        f" WHERE id = $1 AND status = 'pending' RETURNING {_COLUMNS}",
        file_id,
        size,
        sha256,
    )
    if row is None:
        # Only the sweeper removes pending rows, and only long after the upload began.
        raise RuntimeError(f"pending upload {file_id} vanished")
    return _record(row)


async def get(conn: Conn, company_id: UUID, file_id: UUID) -> FileRecord | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM files WHERE id = $1 AND company_id = $2 AND {_VISIBLE}",
        file_id,
        company_id,
    )
    return _record(row) if row else None


async def list_files(
    conn: Conn,
    company_id: UUID,
    where: ListFilter,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[FileRecord]:
    """Newest first; `after` is the (created_at, id) of the last row of the previous page."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM files WHERE company_id = $1 AND {_VISIBLE}"
        " AND ($2::text IS NULL OR side = $2) AND ($3::text IS NULL OR month = $3)"
        " AND ($4::uuid IS NULL OR thread_id = $4) AND ($5::text IS NULL OR purpose = $5)"
        " AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7))"
        " ORDER BY created_at DESC, id DESC LIMIT $8",
        company_id,
        where.side.value if where.side else None,
        where.month,
        where.thread_id,
        where.purpose.value if where.purpose else None,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [_record(r) for r in rows]


async def months(conn: Conn, company_id: UUID, side: Side | None) -> list[tuple[str, int]]:
    rows = await conn.fetch(
        f"SELECT month, count(*) AS files FROM files WHERE company_id = $1 AND {_VISIBLE}"
        " AND ($2::text IS NULL OR side = $2) GROUP BY month ORDER BY month DESC",
        company_id,
        side.value if side else None,
    )
    return [(r["month"], r["files"]) for r in rows]


async def lookup(conn: Conn, company_id: UUID, ids: Sequence[UUID]) -> list[FileRecord]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM files WHERE company_id = $1 AND id = ANY($2::uuid[])"
        f" AND {_VISIBLE} ORDER BY created_at, id",
        company_id,
        list(ids),
    )
    return [_record(r) for r in rows]


async def mark_deleted(conn: Conn, file_id: UUID) -> None:
    await conn.execute(
        "UPDATE files SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL", file_id
    )


async def mark_purged(conn: Conn, file_ids: Sequence[UUID]) -> None:
    await conn.execute(
        "UPDATE files SET purged_at = now() WHERE id = ANY($1::uuid[])", list(file_ids)
    )


async def stale_pending(conn: Conn, older_than: datetime, limit: int) -> list[tuple[UUID, str]]:
    """Abandoned uploads, locked for this sweeper (another replica skips them)."""
    rows = await conn.fetch(
        "SELECT id, object_key FROM files WHERE status = 'pending' AND created_at < $1"
        " ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        older_than,
        limit,
    )
    return [(r["id"], r["object_key"]) for r in rows]


async def unpurged(conn: Conn, limit: int) -> list[tuple[UUID, str]]:
    rows = await conn.fetch(
        "SELECT id, object_key FROM files WHERE deleted_at IS NOT NULL AND purged_at IS NULL"
        " ORDER BY deleted_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return [(r["id"], r["object_key"]) for r in rows]


async def delete_rows(conn: Conn, file_ids: Sequence[UUID]) -> None:
    await conn.execute("DELETE FROM files WHERE id = ANY($1::uuid[])", list(file_ids))
