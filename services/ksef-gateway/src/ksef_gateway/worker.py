"""The scheduler as a background task of the process (started with the HTTP app's lifespan)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from ksef_gateway.scheduler import Scheduler


@contextlib.asynccontextmanager
async def background(scheduler: Scheduler, *, enabled: bool) -> AsyncIterator[None]:
    task = asyncio.create_task(scheduler.run(), name="ksef-scheduler") if enabled else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
