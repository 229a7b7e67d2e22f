"""Dashboard figures for a company or for the whole office (the invoices it may see)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from chassis.db import Conn
from chassis.tenancy import scope
from chassis.tokens import Principal
from invoices.listing import Where, visibility


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


async def figures(
    conn: Conn, principal: Principal, company_id: UUID | None, month: date
) -> dict[str, Any]:
    where = Where()
    visibility(principal, where)
    if company_id is not None:
        where.add("i.company_id = {}", company_id)
    start, end = month_bounds(month)
    n = len(where.params)
    per_direction = await conn.fetch(
        "SELECT i.direction, i.currency, count(*) AS count, sum(i.net) AS net,"
        f" sum(i.vat) AS vat, sum(i.gross) AS gross FROM invoices i{where.sql()}"
        f" AND i.issue_date >= ${n + 1} AND i.issue_date < ${n + 2}"
        " GROUP BY i.direction, i.currency ORDER BY i.direction, i.currency",
        *where.params,
        start,
        end,
    )
    counts = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE i.approval = 'pending') AS awaiting_approval,"
        " count(*) FILTER (WHERE i.booking = 'excluded') AS excluded,"
        " count(*) FILTER (WHERE i.category_id IS NULL) AS uncategorised,"
        " count(*) FILTER (WHERE i.booking = 'unbooked') AS unbooked,"
        " count(*) FILTER (WHERE i.status = 'failed') AS failed,"
        f" count(*) AS total FROM invoices i{where.sql()}",
        *where.params,
    )
    sync_clause, sync_params = scope(principal, "s.company_id", 1)
    if company_id is not None:
        sync_clause += f" AND s.company_id = ${len(sync_params) + 1}"
        sync_params.append(company_id)
    last_sync = await conn.fetchval(
        f"SELECT max(s.finished_at) FROM sync_status s WHERE {sync_clause}", *sync_params
    )
    return {
        "month": start.isoformat()[:7],
        "this_month": [dict(r) for r in per_direction],
        **(dict(counts) if counts else {}),
        "last_sync_at": last_sync,
    }
