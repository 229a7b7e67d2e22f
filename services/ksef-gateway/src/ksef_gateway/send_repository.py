"""The send queue and the open online sessions in PostgreSQL (hand-written SQL)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from chassis.db import Conn
from ksef_gateway.send_domain import SendItem

NOTIFY_CHANNEL = "ksef_send"
OPEN_STATES = ("queued", "sending", "submitted")
_COLUMNS = (
    "invoice_id, company_id, company_nip, on_behalf_office_id, context_key, xml, invoice_hash,"
    " offline, offline_fallback, state, attempts, session_ref, invoice_ref, requested_at"
)


def _item(row: asyncpg.Record) -> SendItem:
    return SendItem(**dict(row))


async def enqueue(
    conn: Conn,
    *,
    invoice_id: UUID,
    company_id: UUID,
    company_nip: str,
    on_behalf_office_id: UUID | None,
    context_key: str,
    xml: str,
    invoice_hash: str,
    offline: bool,
    offline_deadline: str | None,
    requested_by: UUID,
    offline_fallback: bool = False,
) -> str:
    """Queue the invoice; a failed one asked again is queued anew. Returns the row's state."""
    state: str = await conn.fetchval(
        "INSERT INTO send_queue (invoice_id, company_id, company_nip, on_behalf_office_id,"
        " context_key, xml, invoice_hash, offline, offline_deadline, requested_by,"
        " offline_fallback) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (invoice_id) DO UPDATE SET company_nip = EXCLUDED.company_nip,"
        " on_behalf_office_id = EXCLUDED.on_behalf_office_id,"
        " context_key = EXCLUDED.context_key, xml = EXCLUDED.xml,"
        " invoice_hash = EXCLUDED.invoice_hash, offline = EXCLUDED.offline,"
        " offline_deadline = EXCLUDED.offline_deadline, requested_by = EXCLUDED.requested_by,"
        " offline_fallback = EXCLUDED.offline_fallback,"
        " requested_at = now(), state = 'queued', attempts = 0, next_attempt_at = now(),"
        " last_error = NULL, session_ref = NULL, invoice_ref = NULL, finished_at = NULL"
        " WHERE send_queue.state = 'failed' AND send_queue.company_id = EXCLUDED.company_id"
        " RETURNING state",
        invoice_id,
        company_id,
        company_nip,
        on_behalf_office_id,
        context_key,
        xml,
        invoice_hash,
        offline,
        offline_deadline,
        requested_by,
        offline_fallback,
    )
    if state is None:  # already queued, in flight or sent: the request changes nothing
        current: str = await conn.fetchval(
            "SELECT state FROM send_queue WHERE invoice_id = $1", invoice_id
        )
        return current
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    return state


async def claim_due(
    conn: Conn, owner: str, now: datetime, until: datetime, limit: int, busy: list[str]
) -> list[SendItem]:
    """Lease due items of contexts no other replica is working on (SKIP LOCKED), oldest first."""
    rows = await conn.fetch(
        f"UPDATE send_queue SET lease_owner = $1, lease_until = $2 WHERE invoice_id IN ("
        f" SELECT q.invoice_id FROM send_queue q"
        f" WHERE q.state = ANY($6::text[]) AND q.next_attempt_at <= $3"
        f"  AND (q.lease_until IS NULL OR q.lease_until < $3)"
        f"  AND q.context_key <> ALL($5::text[])"
        f"  AND NOT EXISTS (SELECT 1 FROM send_queue o WHERE o.context_key = q.context_key"
        f"   AND o.lease_until >= $3 AND o.lease_owner <> $1)"
        f" ORDER BY q.requested_at LIMIT $4 FOR UPDATE SKIP LOCKED)"
        f" RETURNING {_COLUMNS}",
        owner,
        until,
        now,
        limit,
        busy,
        list(OPEN_STATES),
    )
    # Per context in the order they were asked for (groupby needs the contexts together).
    return sorted((_item(r) for r in rows), key=lambda i: (i.context_key, i.requested_at))


async def mark(conn: Conn, invoice_id: UUID, owner: str, state: str, **fields: object) -> bool:
    """Move an item this replica holds to `state`, setting the named columns too; False when
    the lease was lost (another replica took the item over: stop touching it)."""
    names = list(fields)
    sets = "".join(f", {name} = ${i + 4}" for i, name in enumerate(names))
    result: str = await conn.execute(
        f"UPDATE send_queue SET state = $3{sets} WHERE invoice_id = $1 AND lease_owner = $2",
        invoice_id,
        owner,
        state,
        *fields.values(),
    )
    return result.endswith(" 1")


async def postpone(
    conn: Conn, invoice_ids: list[UUID], owner: str, at: datetime, error: str
) -> None:
    """Transient failure: release the lease; try again at `at`."""
    await conn.execute(
        "UPDATE send_queue SET lease_owner = NULL, lease_until = NULL, next_attempt_at = $3,"
        " attempts = attempts + 1, last_error = $4"
        " WHERE invoice_id = ANY($1::uuid[]) AND lease_owner = $2",
        invoice_ids,
        owner,
        at,
        error,
    )


async def finish(
    conn: Conn,
    invoice_id: UUID,
    owner: str,
    state: str,
    now: datetime,
    ksef_number: str | None,
    error: str | None,
) -> bool:
    """Final state (sent/failed); False when the lease was lost meanwhile (publish nothing)."""
    result: str = await conn.execute(
        "UPDATE send_queue SET state = $3, finished_at = $4, ksef_number = $5, last_error = $6,"
        " lease_owner = NULL, lease_until = NULL"
        " WHERE invoice_id = $1 AND lease_owner = $2 AND state = ANY($7::text[])",
        invoice_id,
        owner,
        state,
        now,
        ksef_number,
        error,
        list(OPEN_STATES),
    )
    return result.endswith(" 1")


async def hand_back(conn: Conn, invoice_id: UUID, owner: str, now: datetime) -> bool:
    """KSeF is unavailable and the issuer can go offline: end an online item that was never
    posted (`queued`), so `invoices` issues it offline and asks again; False otherwise."""
    result: str = await conn.execute(
        "UPDATE send_queue SET state = 'failed', finished_at = $3, last_error = 'ksef_unavailable',"
        " lease_owner = NULL, lease_until = NULL WHERE invoice_id = $1 AND lease_owner = $2"
        " AND state = 'queued' AND offline_fallback AND NOT offline",
        invoice_id,
        owner,
        now,
    )
    return result.endswith(" 1")


async def due_now(conn: Conn, now: datetime) -> int:
    """KSeF is back: every open item waiting out a backoff is due now (the loop is woken)."""
    result: str = await conn.execute(
        "UPDATE send_queue SET next_attempt_at = $1 WHERE state = ANY($2::text[])"
        " AND next_attempt_at > $1",
        now,
        list(OPEN_STATES),
    )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    return int(result.split()[-1])


async def pending_in(conn: Conn, context_key: str) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM send_queue WHERE context_key = $1 AND state = ANY($2::text[])",
        context_key,
        list(OPEN_STATES),
    )
    return count


# --- online sessions ------------------------------------------------------------------------


async def get_session(conn: Conn, context_key: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT context_key, company_nip, reference, key_secret, valid_until, invoice_count,"
        " last_used_at FROM send_sessions WHERE context_key = $1",
        context_key,
    )
    return row


async def save_session(
    conn: Conn,
    context_key: str,
    nip: str,
    reference: str,
    key_secret: UUID,
    valid_until: datetime,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO send_sessions (context_key, company_nip, reference, key_secret,"
        " valid_until, opened_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
        " ON CONFLICT (context_key) DO UPDATE SET company_nip = EXCLUDED.company_nip,"
        " reference = EXCLUDED.reference, key_secret = EXCLUDED.key_secret,"
        " valid_until = EXCLUDED.valid_until, invoice_count = 0,"
        " opened_at = EXCLUDED.opened_at, last_used_at = EXCLUDED.last_used_at",
        context_key,
        nip,
        reference,
        key_secret,
        valid_until,
        now,
    )


async def used_session(conn: Conn, context_key: str, reference: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE send_sessions SET invoice_count = invoice_count + 1, last_used_at = $3"
        " WHERE context_key = $1 AND reference = $2",
        context_key,
        reference,
        now,
    )


async def delete_session(conn: Conn, context_key: str, reference: str) -> UUID | None:
    """Forget the session; returns its key's secret id for deletion."""
    secret: UUID | None = await conn.fetchval(
        "DELETE FROM send_sessions WHERE context_key = $1 AND reference = $2 RETURNING key_secret",
        context_key,
        reference,
    )
    return secret


async def idle_sessions(conn: Conn, before: datetime) -> list[asyncpg.Record]:
    """Sessions unused since `before` with nothing of their context left to send."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT s.context_key, s.company_nip, s.reference FROM send_sessions s"
        " WHERE s.last_used_at < $1 AND NOT EXISTS (SELECT 1 FROM send_queue q"
        "  WHERE q.context_key = s.context_key AND q.state = ANY($2::text[]))",
        before,
        list(OPEN_STATES),
    )
    return rows


async def renew(conn: Conn, invoice_ids: list[UUID], owner: str, until: datetime) -> None:
    await conn.execute(
        "UPDATE send_queue SET lease_until = $3 WHERE invoice_id = ANY($1::uuid[])"
        " AND lease_owner = $2",
        invoice_ids,
        owner,
        until,
    )
