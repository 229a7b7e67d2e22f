"""The send loop of the worker: leases due queue items per context and sends them.

Woken by NOTIFY from the Kafka handler (and every `send_tick_seconds` anyway). One task per
context at a time, so a context's invoices go in order through one session; contexts leased
by another replica are left alone. Idle sessions are closed on the way.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from datetime import timedelta
from itertools import groupby

from chassis.logs import get_logger
from ksef_gateway import send_outcomes, send_sessions, sender
from ksef_gateway import send_repository as qrepo
from ksef_gateway.gateway import Gateway
from ksef_gateway.notify import listening
from ksef_gateway.send_domain import SendItem

log = get_logger(__name__)
PER_CONTEXT = 25  # items leased per context and round


class SendLoop:
    def __init__(self, gw: Gateway) -> None:
        self.gw = gw
        self.owner = f"{socket.gethostname()}:send:{uuid.uuid4().hex[:8]}"
        self._running: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def tick(self) -> int:
        """Lease due items and start a task per context; returns how many items."""
        s = self.gw.settings
        free = s.send_concurrency - len(self._running)
        if free <= 0:
            return 0
        now = self.gw.clock.now()
        async with self.gw.pool.acquire() as conn:
            items = await qrepo.claim_due(
                conn,
                self.owner,
                now,
                now + timedelta(seconds=s.send_lease_seconds),
                free * PER_CONTEXT,
                list(self._running),
            )
        for context, group in groupby(items, key=lambda i: i.context_key):
            task = asyncio.create_task(self._guarded(list(group)))
            self._running[context] = task
            task.add_done_callback(lambda _, c=context: self._running.pop(c, None))  # type: ignore[misc]
        return len(items)

    async def _guarded(self, items: list[SendItem]) -> None:
        renewer = asyncio.create_task(self._keep_lease(items))
        try:
            await sender.process(self.gw, self.owner, items)
        except Exception:
            log.exception("sending failed", context=items[0].context_key)
            await send_outcomes.postpone(self.gw, self.owner, items, 60, "internal_error")
        finally:
            renewer.cancel()

    async def _keep_lease(self, items: list[SendItem]) -> None:
        """Rate limits may stretch a round; the lease must outlive it."""
        seconds = self.gw.settings.send_lease_seconds
        ids = [i.invoice_id for i in items]
        while True:
            await self.gw.clock.sleep(seconds / 3)
            async with self.gw.pool.acquire() as conn:
                until = self.gw.clock.now() + timedelta(seconds=seconds)
                await qrepo.renew(conn, ids, self.owner, until)

    async def run(self) -> None:
        """Send until cancelled; then waits for the contexts in flight to stop."""
        s = self.gw.settings
        log.info("ksef send loop started", owner=self.owner)
        rounds = 0
        try:
            async with listening(self.gw.pool, qrepo.NOTIFY_CHANNEL, self._wake):
                while True:
                    self._wake.clear()
                    try:
                        await self.tick()
                        rounds += 1
                        if rounds % 15 == 0:
                            await send_sessions.close_idle(self.gw, s.send_session_idle_seconds)
                    except (OSError, TimeoutError) as error:
                        log.warning("send tick failed", error=str(error))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), s.send_tick_seconds)
        finally:
            running = list(self._running.values())
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def drain(self) -> None:
        """Wait for the contexts started so far (tests)."""
        await asyncio.gather(*list(self._running.values()), return_exceptions=True)
