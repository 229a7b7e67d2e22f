"""tax.item.due: `upcoming` N days before, `overdue` the day after, once each, with replicas."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import asyncpg
import httpx

from taxes.scheduler import publish_due


async def _due_events(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT key, payload FROM outbox WHERE topic = 'tax.item.due' ORDER BY id"
    )
    return [r["payload"]["data"] | {"key": r["key"]} for r in rows]


async def test_upcoming_then_overdue_each_published_once(
    create: Any, pool: asyncpg.Pool, tenants: Any
) -> None:
    item = await create(amount_grosze=10000, due_date="2026-11-25")
    assert await publish_due(pool, date(2026, 11, 21), notice_days=3) == 0
    assert await publish_due(pool, date(2026, 11, 22), notice_days=3) == 1
    assert await publish_due(pool, date(2026, 11, 22), notice_days=3) == 0
    assert await publish_due(pool, date(2026, 11, 25), notice_days=3) == 0
    assert await publish_due(pool, date(2026, 11, 26), notice_days=3) == 1
    assert await publish_due(pool, date(2026, 12, 31), notice_days=3) == 0
    upcoming, overdue = await _due_events(pool)
    assert (upcoming["stage"], overdue["stage"]) == ("upcoming", "overdue")
    assert overdue == upcoming | {"stage": "overdue"}
    assert (overdue["item_id"], overdue["key"], overdue["outstanding_grosze"]) == (
        item["id"],
        str(tenants.company),
        10000,
    )
    assert overdue["account"] == item["account"]


async def test_year_boundary_and_an_item_entered_already_late(
    create: Any, pool: asyncpg.Pool
) -> None:
    await create(period="2026-12", due_date="2027-01-01")
    await create(period="2026-10", due_date="2026-11-02")
    assert await publish_due(pool, date(2026, 12, 29), notice_days=3) == 2
    stages = sorted(e["stage"] for e in await _due_events(pool))
    assert stages == ["overdue", "upcoming"]


async def test_paid_items_are_not_announced_and_partial_ones_say_what_is_left(
    api: httpx.AsyncClient,
    company_headers: dict[str, str],
    create: Any,
    pool: asyncpg.Pool,
    tenants: Any,
) -> None:
    paid = await create(amount_grosze=1000, due_date="2026-11-10")
    part = await create(kind="pit", amount_grosze=1000, due_date="2026-11-10")
    base = f"/companies/{tenants.company}/items"
    await api.post(f"{base}/{paid['id']}/payments", json={}, headers=company_headers)
    await api.post(
        f"{base}/{part['id']}/payments", json={"amount_grosze": 400}, headers=company_headers
    )
    assert await publish_due(pool, date(2026, 11, 11), notice_days=0) == 1
    [event] = await _due_events(pool)
    assert (event["item_id"], event["outstanding_grosze"]) == (part["id"], 600)


async def test_a_moved_due_date_is_announced_again(
    api: httpx.AsyncClient,
    office_headers: dict[str, str],
    create: Any,
    pool: asyncpg.Pool,
    tenants: Any,
) -> None:
    item = await create(due_date="2026-11-12")
    assert await publish_due(pool, date(2026, 11, 13), notice_days=3) == 1
    url = f"/companies/{tenants.company}/items/{item['id']}"
    await api.patch(url, json={"due_date": "2026-11-20"}, headers=office_headers)
    assert await publish_due(pool, date(2026, 11, 18), notice_days=3) == 1
    assert [e["due_date"] for e in await _due_events(pool)] == ["2026-11-12", "2026-11-20"]


async def test_replicas_running_at_once_publish_each_notice_once(
    create: Any, pool: asyncpg.Pool
) -> None:
    for day in range(1, 21):
        await create(amount_grosze=day, due_date=f"2026-11-{day:02d}")
    results = await asyncio.gather(
        *(publish_due(pool, date(2026, 11, 25), notice_days=3, batch_size=4) for _ in range(4))
    )
    assert sum(results) == 20
    events = await _due_events(pool)
    assert sorted(e["amount_grosze"] for e in events) == list(range(1, 21))
    assert await pool.fetchval("SELECT count(*) FROM tax_item_notices") == 20


async def test_the_worker_runs_the_scheduler_with_its_clock(
    create: Any, pool: asyncpg.Pool, dsn: str, public_key_file: Any, kafka_bootstrap: str
) -> None:
    import dataclasses
    from functools import partial
    from uuid import uuid4

    from chassis.cli import build_app
    from taxes.config import Settings
    from taxes.main import DEFINITION, background

    await create(due_date="2026-11-12")
    settings = Settings(
        database_url=dsn,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_group_id=f"taxes-test-{uuid4()}",
        auth_public_key_file=public_key_file,
        due_scan_seconds=0.05,
    )
    definition = dataclasses.replace(
        DEFINITION, background=partial(background, clock=lambda: date(2026, 11, 13))
    )
    app = build_app(definition, settings, api=True, worker=True)
    # The worker's relay may already have shipped (and deleted) the outbox row, so
    # the scheduler's durable trace is the notice it recorded in the same transaction.
    async with app.router.lifespan_context(app):
        async with asyncio.timeout(20):
            while not await pool.fetchval("SELECT count(*) FROM tax_item_notices"):
                await asyncio.sleep(0.05)
    stages = await pool.fetch("SELECT stage FROM tax_item_notices")
    assert [r["stage"] for r in stages] == ["overdue"]
