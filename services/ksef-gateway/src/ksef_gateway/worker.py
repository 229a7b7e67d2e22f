"""The worker's long-running loops (chassis `background`): sync scheduler, send queue and the
KSeF availability monitor.

Both run only in `worker`/`all` processes; the API wakes them through PostgreSQL NOTIFY, so
separate api and worker deployments work. One gateway (HTTP client, governor) serves both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from chassis.runtime import Runtime
from ksef_gateway.availability_monitor import AvailabilityMonitor
from ksef_gateway.config import Settings
from ksef_gateway.gateway import Gateway
from ksef_gateway.scheduler import Scheduler
from ksef_gateway.send_loop import SendLoop


async def run_loops(gw: Gateway) -> None:
    """Scheduler and send loop together: if one fails both stop (the worker turns not ready)."""
    try:
        async with asyncio.TaskGroup() as group:
            if gw.settings.scheduler_enabled:
                group.create_task(Scheduler(gw).run(), name="ksef-scheduler")
            if gw.settings.send_enabled:
                group.create_task(SendLoop(gw).run(), name="ksef-send")
            group.create_task(AvailabilityMonitor(gw).run(), name="ksef-availability")
            group.create_task(asyncio.Event().wait(), name="keep-alive")
    finally:
        await gw.aclose()


def background(runtime: Runtime) -> Sequence[Callable[[], Awaitable[None]]]:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    return (lambda: run_loops(Gateway.build(runtime.pool, settings)),)
