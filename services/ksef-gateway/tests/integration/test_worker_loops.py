"""The worker's loops wake on PostgreSQL NOTIFY from another process (api -> worker), not only
on their timers: with hour-long ticks, a new company syncs and a queued invoice goes at once."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import pytest

from chassis.testing import TokenFactory
from ksef_gateway.gateway import Gateway
from ksef_gateway.testing import invoice_xml, ksef_nip
from ksef_gateway.worker import run_loops

from .conftest import Api, client_company
from .test_send import TODAY, connect_with_certificate, request_send


async def until(pool: asyncpg.Pool, topic: str) -> None:
    async with asyncio.timeout(60):
        while not await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", topic):
            await asyncio.sleep(0.2)


@pytest.mark.parametrize(
    "settings_extra", [{"scheduler_tick_seconds": 3600, "send_tick_seconds": 3600}]
)
async def test_loops_wake_on_notify_from_the_api_and_the_consumer(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    worker = asyncio.create_task(run_loops(Gateway.build(pool, api.gateway.settings)))
    try:
        await asyncio.sleep(1)  # both loops listen and have done their first (empty) tick
        company, nip = await client_company(pool, None)
        await connect_with_certificate(api, tokens, company, nip)
        await until(pool, "ksef.sync.completed")
        await request_send(pool, company, nip, invoice_xml(nip, ksef_nip(), "W1", TODAY))
        await until(pool, "invoice.sent")
        assert not worker.done()
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
