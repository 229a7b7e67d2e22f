"""Sync checkpoints, leases and the dedupe set in PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from chassis.db import Conn
from ksef_gateway.domain import SUBJECTS, Checkpoint

# The worker's scheduler listens here; "sync now" and new companies wake it.
NOTIFY_CHANNEL = "ksef_sync"

_COLUMNS = (
    "company_id, subject_type, checkpoint, next_due_at, priority, last_started_at,"
    " last_finished_at, last_error, fetched_total, enabled"
)


def _cp(row: asyncpg.Record) -> Checkpoint:
    return Checkpoint(**dict(row))


async def ensure_checkpoints(conn: Conn, company_id: UUID, start: datetime, now: datetime) -> None:
    """One checkpoint per subject type; an existing one keeps its position but is re-enabled."""
    for subject in SUBJECTS:
        await conn.execute(
            "INSERT INTO sync_checkpoints (company_id, subject_type, checkpoint, next_due_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (company_id, subject_type) DO UPDATE"
            " SET enabled = true, next_due_at = LEAST(sync_checkpoints.next_due_at, $4)",
            company_id,
            subject,
            start,
            now,
        )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")


async def disable(conn: Conn, company_id: UUID) -> None:
    await conn.execute(
        "UPDATE sync_checkpoints SET enabled = false, priority = false WHERE company_id = $1",
        company_id,
    )


async def checkpoints_of(conn: Conn, company_ids: list[UUID]) -> list[Checkpoint]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM sync_checkpoints WHERE company_id = ANY($1::uuid[])"
        " ORDER BY company_id, subject_type",
        company_ids,
    )
    return [_cp(r) for r in rows]


async def request_now(conn: Conn, company_id: UUID, now: datetime) -> int:
    """Sync now: due immediately and ahead of the queue (the governor still holds the limits)."""
    result: str = await conn.execute(
        "UPDATE sync_checkpoints SET priority = true, next_due_at = LEAST(next_due_at, $2)"
        " WHERE company_id = $1 AND enabled",
        company_id,
        now,
    )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    return int(result.split()[-1])


async def claim_due(
    conn: Conn, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Checkpoint]:
    """Lease due checkpoints of companies whose authorisation is active (SKIP LOCKED: replicas
    never take the same one; an expired lease of a dead replica is taken over)."""
    rows = await conn.fetch(
        f"UPDATE sync_checkpoints SET lease_owner = $1, lease_until = $2, last_started_at = $3"
        f" WHERE (company_id, subject_type) IN ("
        f"  SELECT c.company_id, c.subject_type FROM sync_checkpoints c"
        f"  JOIN company_auth a ON a.company_id = c.company_id AND a.status = 'active'"
        f"  WHERE c.enabled AND c.next_due_at <= $3"
        f"   AND (c.lease_until IS NULL OR c.lease_until < $3)"
        f"  ORDER BY c.priority DESC, c.next_due_at LIMIT $4 FOR UPDATE OF c SKIP LOCKED)"
        f" RETURNING {_COLUMNS}",
        owner,
        now + lease,
        now,
        limit,
    )
    return [_cp(r) for r in rows]


async def advance(
    conn: Conn, company_id: UUID, subject: str, checkpoint: datetime, fetched: int
) -> None:
    await conn.execute(
        "UPDATE sync_checkpoints SET checkpoint = GREATEST(checkpoint, $3),"
        " fetched_total = fetched_total + $4 WHERE company_id = $1 AND subject_type = $2",
        company_id,
        subject,
        checkpoint,
        fetched,
    )


async def release(
    conn: Conn,
    company_id: UUID,
    subject: str,
    owner: str,
    now: datetime,
    next_due: datetime,
    error: str | None,
) -> None:
    await conn.execute(
        "UPDATE sync_checkpoints SET lease_owner = NULL, lease_until = NULL, priority = false,"
        " last_finished_at = $4, next_due_at = $5, last_error = $6"
        " WHERE company_id = $1 AND subject_type = $2 AND lease_owner = $3",
        company_id,
        subject,
        owner,
        now,
        next_due,
        error,
    )


async def renew(conn: Conn, company_id: UUID, subject: str, owner: str, until: datetime) -> bool:
    result: str = await conn.execute(
        "UPDATE sync_checkpoints SET lease_until = $4"
        " WHERE company_id = $1 AND subject_type = $2 AND lease_owner = $3",
        company_id,
        subject,
        owner,
        until,
    )
    return result.endswith(" 1")


async def known_numbers(conn: Conn, company_id: UUID, subject: str, numbers: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT ksef_number FROM fetched_invoices WHERE company_id = $1 AND subject_type = $2"
        " AND ksef_number = ANY($3::text[])",
        company_id,
        subject,
        numbers,
    )
    return {r["ksef_number"] for r in rows}


async def mark_fetched(conn: Conn, company_id: UUID, subject: str, number: str) -> bool:
    """True the first time this invoice is seen (the caller then publishes it)."""
    inserted = await conn.fetchval(
        "INSERT INTO fetched_invoices (company_id, subject_type, ksef_number) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING true",
        company_id,
        subject,
        number,
    )
    return bool(inserted)
