"""Publishes tax.item.due: `upcoming` a few days before the due date, `overdue` the day after.

Safe with several replicas: candidates are claimed with FOR UPDATE SKIP LOCKED, and the
notice's primary key (item, stage, due date) decides who publishes, so each stage goes out
once per due date even if two schedulers race; the outbox row commits with the notice.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import asyncpg

from chassis import outbox
from chassis.logs import get_logger
from contracts import new_envelope
from contracts.taxes import TAX_ITEM_DUE, DueStage, TaxItemDue
from taxes.clock import Clock
from taxes.domain import Item, format_period
from taxes.repository import ITEM_COLUMNS, item_from_row

log = get_logger(__name__)

_CANDIDATES = (
    f"SELECT {', '.join('i.' + c.strip() for c in ITEM_COLUMNS.split(','))}, o.nip"
    " FROM tax_items i LEFT JOIN tenancy_orgs o ON o.org_id = i.company_id"
    " WHERE i.paid_grosze < i.amount_grosze AND {window}"
    " AND NOT EXISTS (SELECT 1 FROM tax_item_notices n"
    "   WHERE n.item_id = i.id AND n.stage = $3 AND n.due_date = i.due_date)"
    " ORDER BY i.due_date, i.id LIMIT $4 FOR UPDATE OF i SKIP LOCKED"
)
_WINDOWS = {
    DueStage.upcoming: "i.due_date BETWEEN $1 AND $2",
    DueStage.overdue: "i.due_date < $1 AND $2::date IS NOT NULL",
}


def _event(item: Item, stage: DueStage) -> TaxItemDue:
    return TaxItemDue(
        item_id=item.id,
        company_id=item.company_id,
        kind=item.kind,
        period=format_period(item.period),
        amount_grosze=item.amount_grosze,
        outstanding_grosze=item.outstanding_grosze,
        due_date=item.due_date,
        stage=stage,
        title=item.title,
        account=item.account,
    )


async def _publish_batch(
    pool: asyncpg.Pool, stage: DueStage, today: date, notice_days: int, limit: int
) -> tuple[int, int]:
    """(candidates claimed, events published) for one batch of one stage."""
    published = 0
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            _CANDIDATES.format(window=_WINDOWS[stage]),
            today,
            today + timedelta(days=notice_days),
            stage.value,
            limit,
        )
        for row in rows:
            item = item_from_row(row)
            won = await conn.fetchval(
                "INSERT INTO tax_item_notices (item_id, stage, due_date) VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING RETURNING true",
                item.id,
                stage.value,
                item.due_date,
            )
            if not won:
                continue
            event = new_envelope(
                TAX_ITEM_DUE.event_type,
                TAX_ITEM_DUE.version,
                _event(item, stage),
                producer="taxes",
                org_id=item.company_id,
                company_nip=row["nip"],
            )
            await outbox.add(conn, event, key=str(item.company_id))
            published += 1
    return len(rows), published


async def publish_due(
    pool: asyncpg.Pool, today: date, notice_days: int, batch_size: int = 500
) -> int:
    """Publish every notice due on `today`; returns how many events went to the outbox."""
    published = 0
    for stage in (DueStage.overdue, DueStage.upcoming):
        while True:
            claimed, sent = await _publish_batch(pool, stage, today, notice_days, batch_size)
            published += sent
            if claimed < batch_size:
                break
    return published


async def run(pool: asyncpg.Pool, clock: Clock, notice_days: int, interval: float) -> None:
    """Scan forever (until cancelled); a lost database connection only skips one round."""
    while True:
        try:
            count = await publish_due(pool, clock(), notice_days)
            if count:
                log.info("tax.item.due published", count=count)
        except (OSError, TimeoutError, asyncpg.PostgresConnectionError) as error:
            log.warning("due scan failed, retrying next round", error=str(error))
        await asyncio.sleep(interval)
