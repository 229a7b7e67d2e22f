"""PostgreSQL LISTEN/NOTIFY as a wake-up call between processes (api -> worker)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg


@contextlib.asynccontextmanager
async def listening(pool: asyncpg.Pool, channel: str, event: asyncio.Event) -> AsyncIterator[None]:
    """Set `event` on every NOTIFY on `channel` while inside. A lost connection only loses
    wake-ups: the loops also look for work on their own every few seconds."""

    def on_notify(*_: Any) -> None:
        event.set()

    conn = await pool.acquire()
    try:
        await conn.add_listener(channel, on_notify)
        yield
    finally:
        with contextlib.suppress(Exception):
            await conn.remove_listener(channel, on_notify)
        await pool.release(conn)
