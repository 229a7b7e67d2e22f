"""Threads, messages and read state: asyncpg with hand-written SQL.

Every read that starts from a caller goes through `chassis.tenancy.scope`, so a thread of a
company outside the caller's context is simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from chassis.db import Conn
from chassis.tenancy import scope
from chassis.tokens import Principal
from messaging.domain import Attachment, InvoiceRef, Message, Thread, ThreadSummary

_THREAD_COLUMNS = (
    "t.id, t.company_id, t.office_id, t.subject, t.created_by, t.created_at, t.last_seq"
)
_MESSAGE_COLUMNS = (
    "m.id, m.thread_id, m.seq, m.author_user_id, m.author_name, m.author_side, m.body, m.created_at"
)


async def insert_thread(
    conn: Conn,
    *,
    company_id: UUID,
    office_id: UUID | None,
    subject: str,
    created_by: UUID | None,
    invoices: Sequence[InvoiceRef] = (),
    inquiry_id: UUID | None = None,
) -> Thread:
    row = await conn.fetchrow(
        "INSERT INTO threads (id, company_id, office_id, subject, created_by, inquiry_id)"
        f" VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_THREAD_COLUMNS.replace('t.', '')}",
        uuid4(),
        company_id,
        office_id,
        subject,
        created_by,
        inquiry_id,
    )
    assert row is not None
    thread = _thread(row, invoices)
    await conn.executemany(
        "INSERT INTO thread_invoices (thread_id, invoice_id, ksef_number, invoice_number,"
        " counterparty) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        [
            (thread.id, i.invoice_id, i.ksef_number, i.invoice_number, i.counterparty)
            for i in invoices
        ],
    )
    return thread


async def insert_message(
    conn: Conn,
    *,
    message_id: UUID,
    thread_id: UUID,
    author_user_id: UUID | None,
    author_name: str | None,
    author_side: str,
    body: str,
    attachments: Sequence[Attachment],
) -> Message:
    row = await conn.fetchrow(
        "INSERT INTO messages (id, thread_id, author_user_id, author_name, author_side, body)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq, created_at",
        message_id,
        thread_id,
        author_user_id,
        author_name,
        author_side,
        body,
    )
    assert row is not None
    await conn.execute(
        "UPDATE threads SET last_seq = $2, message_count = message_count + 1 WHERE id = $1",
        thread_id,
        row["seq"],
    )
    await conn.executemany(
        "INSERT INTO message_attachments (message_id, position, file_id, name)"
        " VALUES ($1, $2, $3, $4)",
        [(message_id, i, a.file_id, a.name) for i, a in enumerate(attachments)],
    )
    return Message(
        id=message_id,
        thread_id=thread_id,
        seq=row["seq"],
        author_user_id=author_user_id,
        author_name=author_name,
        author_side=author_side,
        body=body,
        created_at=row["created_at"],
        attachments=tuple(attachments),
    )


def _thread(row: asyncpg.Record, invoices: Sequence[InvoiceRef] = ()) -> Thread:
    return Thread(
        id=row["id"],
        company_id=row["company_id"],
        office_id=row["office_id"],
        subject=row["subject"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        last_seq=row["last_seq"],
        invoices=tuple(invoices),
    )


async def get_thread(
    conn: Conn, principal: Principal, thread_id: UUID, *, lock: bool = False
) -> Thread | None:
    """The thread if the caller's context may see it (FOR UPDATE when posting into it)."""
    clause, params = scope(principal, "t.company_id", 2)
    row = await conn.fetchrow(
        f"SELECT {_THREAD_COLUMNS} FROM threads t WHERE t.id = $1 AND {clause}"
        + (" FOR UPDATE OF t" if lock else ""),
        thread_id,
        *params,
    )
    if row is None:
        return None
    invoices = await _invoices(conn, [thread_id])
    return _thread(row, invoices.get(thread_id, ()))


async def _invoices(conn: Conn, thread_ids: list[UUID]) -> dict[UUID, list[InvoiceRef]]:
    rows = await conn.fetch(
        "SELECT thread_id, invoice_id, ksef_number, invoice_number, counterparty"
        " FROM thread_invoices WHERE thread_id = ANY($1::uuid[])"
        " ORDER BY thread_id, invoice_number NULLS LAST, invoice_id",
        thread_ids,
    )
    found: dict[UUID, list[InvoiceRef]] = {}
    for r in rows:
        ref = InvoiceRef(r["invoice_id"], r["ksef_number"], r["invoice_number"], r["counterparty"])
        found.setdefault(r["thread_id"], []).append(ref)
    return found


async def thread_by_inquiry(conn: Conn, inquiry_id: UUID) -> UUID | None:
    found: UUID | None = await conn.fetchval(
        "SELECT id FROM threads WHERE inquiry_id = $1", inquiry_id
    )
    return found


async def _attachments(conn: Conn, message_ids: list[UUID]) -> dict[UUID, list[Attachment]]:
    rows = await conn.fetch(
        "SELECT message_id, file_id, name FROM message_attachments"
        " WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position",
        message_ids,
    )
    found: dict[UUID, list[Attachment]] = {}
    for r in rows:
        found.setdefault(r["message_id"], []).append(Attachment(r["file_id"], r["name"]))
    return found


def _message(row: Any, attachments: Sequence[Attachment] = ()) -> Message:
    return Message(
        id=row["id"],
        thread_id=row["thread_id"],
        seq=row["seq"],
        author_user_id=row["author_user_id"],
        author_name=row["author_name"],
        author_side=row["author_side"],
        body=row["body"],
        created_at=row["created_at"],
        attachments=tuple(attachments),
    )


async def list_messages(
    conn: Conn, thread_id: UUID, *, after_seq: int, limit: int
) -> list[Message]:
    rows = await conn.fetch(
        f"SELECT {_MESSAGE_COLUMNS} FROM messages m WHERE m.thread_id = $1 AND m.seq > $2"
        " ORDER BY m.seq LIMIT $3",
        thread_id,
        after_seq,
        limit,
    )
    files = await _attachments(conn, [r["id"] for r in rows])
    return [_message(r, files.get(r["id"], ())) for r in rows]


async def list_threads(
    conn: Conn,
    principal: Principal,
    *,
    company_id: UUID | None,
    before_seq: int | None,
    limit: int,
) -> list[ThreadSummary]:
    """Threads by latest activity, each with the caller's unread count and the last message."""
    clause, params = scope(principal, "t.company_id", 5)
    rows = await conn.fetch(
        f"SELECT {_THREAD_COLUMNS}, o.name AS company_name,"
        " GREATEST(t.message_count - COALESCE(r.read_count, 0), 0) AS unread,"
        " lm.seq AS lm_seq, lm.id AS lm_id, lm.author_user_id AS lm_author_user_id,"
        " lm.author_name AS lm_author_name, lm.author_side AS lm_author_side,"
        " lm.body AS lm_body, lm.created_at AS lm_created_at"
        " FROM threads t"
        " LEFT JOIN tenancy_orgs o ON o.org_id = t.company_id"
        " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $1"
        " LEFT JOIN LATERAL (SELECT * FROM messages m WHERE m.thread_id = t.id"
        "   ORDER BY m.seq DESC LIMIT 1) lm ON true"
        f" WHERE ($2::uuid IS NULL OR t.company_id = $2) AND t.last_seq < $3 AND {clause}"
        " ORDER BY t.last_seq DESC LIMIT $4",
        principal.user_id,
        company_id,
        before_seq if before_seq is not None else 2**62,
        limit,
        *params,
    )
    invoices = await _invoices(conn, [r["id"] for r in rows])
    summaries = []
    for r in rows:
        last = None
        if r["lm_id"] is not None:
            last = _message(
                {k.removeprefix("lm_"): v for k, v in r.items() if k.startswith("lm_")}
                | {"thread_id": r["id"]}
            )
        thread = _thread(r, invoices.get(r["id"], ()))
        summaries.append(ThreadSummary(thread, r["company_name"], r["unread"], last))
    return summaries


UNREAD_TOTAL = (
    "SELECT COALESCE(sum(GREATEST(t.message_count - COALESCE(r.read_count, 0), 0)), 0)::bigint"
    " FROM threads t LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $1"
    " WHERE {clause}"
)


async def unread_total(conn: Conn, principal: Principal) -> int:
    """Each visible thread's message count less what the caller has seen: the threads and
    read marks are read, never the messages (see migrations/0003_unread_counters.sql)."""
    clause, params = scope(principal, "t.company_id", 2)
    total: int = await conn.fetchval(UNREAD_TOTAL.format(clause=clause), principal.user_id, *params)
    return total


async def mark_read(conn: Conn, thread_id: UUID, user_id: UUID) -> None:
    """The user has seen every message of the thread so far (as this transaction sees it)."""
    # GREATEST: reads only move forward, whatever order two tabs' requests arrive in.
    await conn.execute(
        "INSERT INTO thread_reads (thread_id, user_id, last_read_seq, read_count)"
        " SELECT id, $2, last_seq, message_count FROM threads WHERE id = $1"
        " ON CONFLICT (user_id, thread_id) DO UPDATE SET"
        " last_read_seq = GREATEST(thread_reads.last_read_seq, EXCLUDED.last_read_seq),"
        " read_count = GREATEST(thread_reads.read_count, EXCLUDED.read_count),"
        " read_at = now()",
        thread_id,
        user_id,
    )
