"""The worker's availability monitor: asks Latarnia, probes KSeF while it seems down, and
publishes `ksef.availability.changed` (with the row that remembers it, in one transaction).

Woken at once when this process's requests flip the `Health` (a send met an outage), and every
`ksef_status_poll_seconds` anyway. When KSeF is back, queued invoices are due again at once
instead of waiting out their backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx

from chassis.db import Conn
from chassis.logs import get_logger
from contracts.ksef_gateway import KsefAvailabilityChanged, KsefStatus, OfflineMode
from ksef_gateway import events
from ksef_gateway import send_repository as qrepo
from ksef_gateway.availability import Announced, Availability, decide, parse_status, status_url
from ksef_gateway.gateway import Gateway
from ksef_gateway.governor import EVERYTHING, BudgetExhausted
from ksef_gateway.ksef_client import KsefError

log = get_logger(__name__)
PROBE_SECONDS = 5.0


def _of(row: Any) -> Availability | None:
    if row is None:
        return None
    mode = OfflineMode(row["mode"]) if row["mode"] else None
    return Availability(
        KsefStatus(row["status"]), mode, row["source"], row["since"], row["until"], row["message"]
    )


async def current(conn: Conn) -> Any:
    return await conn.fetchrow("SELECT * FROM ksef_availability WHERE id = 1")


async def record(
    conn: Conn, announced: Announced | None, observed_down: bool, now: datetime
) -> Availability:
    """Store what `decide` says; publish it when the status or mode changed."""
    previous = _of(await conn.fetchrow("SELECT * FROM ksef_availability WHERE id = 1 FOR UPDATE"))
    new = decide(announced, observed_down, now, previous)
    if previous is not None and new.same_as(previous):
        new = replace(new, since=previous.since)  # the same outage goes on
    await conn.execute(
        "INSERT INTO ksef_availability (id, status, mode, source, since, until, message,"
        " checked_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET"
        " status = EXCLUDED.status, mode = EXCLUDED.mode, source = EXCLUDED.source,"
        " since = EXCLUDED.since, until = EXCLUDED.until, message = EXCLUDED.message,"
        " checked_at = EXCLUDED.checked_at",
        new.status.value,
        new.mode.value if new.mode else None,
        new.source,
        new.since,
        new.until,
        new.message,
        now,
    )
    if new.same_as(previous):
        return new
    data = KsefAvailabilityChanged(
        status=new.status,
        mode=new.mode,
        since=new.since,
        until=new.until,
        message=new.message,
        source=new.source,
    )
    await events.availability_changed(conn, data)
    if new.status is KsefStatus.available:
        woken = await qrepo.due_now(conn, now)
        log.info("ksef available again", woken=woken)
    else:
        log.warning("ksef unavailable", mode=str(new.mode), source=new.source)
    return new


class AvailabilityMonitor:
    def __init__(self, gw: Gateway, http: httpx.AsyncClient | None = None) -> None:
        self.gw = gw
        url = gw.settings.ksef_status_url
        self.url = status_url(gw.settings.ksef_base_url) if url is None else url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=10.0)

    async def announced(self) -> Announced | None:
        """Latarnia's status; None when it is off or does not answer (our requests decide)."""
        if not self.url:
            return None
        try:
            resp = await self._http.get(f"{self.url}/status")
            resp.raise_for_status()
            return parse_status(resp.json())
        except (httpx.HTTPError, ValueError) as error:
            log.info("latarnia not answering", error=str(error))
            return None

    async def probe(self) -> None:
        """One cheap request while KSeF seems down: its answer resets the `Health`."""
        # Short: KSeF's own Retry-After holds requests in the governor, and waiting it out
        # here would delay the announcement of the outage; the next check probes again.
        with contextlib.suppress(KsefError, BudgetExhausted, TimeoutError):
            async with asyncio.timeout(PROBE_SECONDS):
                await self.gw.ksef.call(
                    "GET", "/security/public-key-certificates", context=EVERYTHING, group="auth"
                )

    async def check(self) -> Availability:
        announced = await self.announced()
        health = self.gw.ksef.health
        health.changed.clear()
        if health.down and (announced is None or announced.status == "AVAILABLE"):
            await self.probe()  # an announced outage needs no probe: it says when it ends
        async with self.gw.pool.acquire() as conn, conn.transaction():
            return await record(conn, announced, health.down, self.gw.clock.now())

    async def run(self) -> None:
        health = self.gw.ksef.health
        try:
            while True:
                try:
                    await self.check()
                except (OSError, TimeoutError) as error:
                    log.warning("availability check failed", error=str(error))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        health.changed.wait(), self.gw.settings.ksef_status_poll_seconds
                    )
        finally:
            await self._http.aclose()
