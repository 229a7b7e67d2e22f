"""Keeps every connected company fresh: leases due checkpoints and runs their sync rounds.

A loop of the worker process (worker.py), woken by NOTIFY on `ksef_sync` from the API.

Each (company, subject type) is due every `sync_interval_seconds` (KSeF asks for >= 15 min);
"sync now" marks it due with priority, so it jumps the queue while the governor still keeps the
limits. Checkpoints are leased in PostgreSQL with SKIP LOCKED, so replicas never sync the same
one at once, and a dead replica's lease simply runs out. All time comes from the gateway clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from datetime import datetime, timedelta

from chassis.logs import get_logger
from contracts.ksef_gateway import AuthStatus
from ksef_gateway import events, sessions, sync
from ksef_gateway import repository as repo
from ksef_gateway import sync_repository as srepo
from ksef_gateway.domain import Checkpoint
from ksef_gateway.gateway import Gateway
from ksef_gateway.governor import BudgetExhausted
from ksef_gateway.ksef_client import (
    ForbiddenByKsef,
    KsefError,
    KsefUnavailable,
    RateLimited,
    Unauthorized,
)
from ksef_gateway.notify import listening

log = get_logger(__name__)


async def set_auth_status(gw: Gateway, company_id: uuid.UUID, failed: sessions.LoginFailed) -> None:
    """A login failure changes the authorisation's status, published once per change."""
    async with gw.pool.acquire() as conn, conn.transaction():
        auth = await repo.get_auth(conn, company_id, lock=True)
        if auth is None or auth.status is failed.status:
            return
        changed = auth.with_status(failed.status, failed.message, checked_at=gw.clock.now())
        await repo.save_auth(conn, changed)
        await events.authorization_changed(conn, changed)


async def run_round(gw: Gateway, cp: Checkpoint, owner: str) -> None:
    """One leased round; whatever happens the lease is released and the round reported."""
    started = gw.clock.now()
    interval = timedelta(seconds=gw.settings.sync_interval_seconds)
    result: sync.Step | None = None
    error: str | None = None
    retry_in = interval
    try:
        async with gw.pool.acquire() as conn:
            auth = await repo.get_auth(conn, cp.company_id)
        if auth is None or auth.status is not AuthStatus.active:
            error = "not_authorized"
        else:
            token = await sessions.access_token(gw, auth)
            try:
                result = await sync.run(gw, auth, token, cp.subject_type, cp.checkpoint)
            except (Unauthorized, ForbiddenByKsef):
                # The token died early (revoked session) or lost its rights (the client
                # withdrew them): the next round logs in again and learns which.
                await sessions.forget(gw, cp.company_id)
                raise
    except sessions.LoginFailed as failed:
        error = f"login_{failed.status.value}"
        await set_auth_status(gw, cp.company_id, failed)
    except BudgetExhausted as exhausted:
        error, retry_in = "rate_budget", timedelta(seconds=min(exhausted.wait, 3600))
    except RateLimited as limited:
        error, retry_in = "rate_limited", timedelta(seconds=max(limited.retry_after, 60))
    except KsefUnavailable:
        error, retry_in = "ksef_unavailable", min(interval, timedelta(minutes=5))
    except (Unauthorized, ForbiddenByKsef) as denied:
        # Logged out or rights changed: log in again soon to learn the authorisation's state.
        error, retry_in = f"ksef_{denied.code}", min(interval, timedelta(minutes=1))
    except KsefError as failure:
        error = f"ksef_{failure.code}"
    except Exception:
        log.exception("sync round failed", company_id=str(cp.company_id), subject=cp.subject_type)
        error = "internal_error"
    finished = gw.clock.now()
    async with gw.pool.acquire() as conn, conn.transaction():
        await srepo.release(
            conn, cp.company_id, cp.subject_type, owner, finished, finished + retry_in, error
        )
        await events.sync_completed(
            conn,
            cp.company_id,
            cp.subject_type,
            started,
            finished,
            result.checkpoint if result else cp.checkpoint,
            result.published if result else 0,
            error,
        )
    log.info(
        "sync round",
        company_id=str(cp.company_id),
        subject=cp.subject_type,
        fetched=result.published if result else 0,
        error=error,
    )


class Scheduler:
    def __init__(self, gw: Gateway) -> None:
        self.gw = gw
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self._running: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due work now (NOTIFY from the API's "sync now" does the same)."""
        self._wake.set()

    async def tick(self) -> int:
        """Start rounds for due checkpoints, up to the concurrency limit; returns how many."""
        free = self.gw.settings.scheduler_concurrency - len(self._running)
        if free <= 0:
            return 0
        lease = timedelta(seconds=self.gw.settings.scheduler_lease_seconds)
        async with self.gw.pool.acquire() as conn:
            due = await srepo.claim_due(conn, self.owner, self.gw.clock.now(), lease, free)
        for cp in due:
            task = asyncio.create_task(self._guarded(cp))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(due)

    async def _guarded(self, cp: Checkpoint) -> None:
        renewer = asyncio.create_task(self._keep_lease(cp))
        try:
            await run_round(self.gw, cp, self.owner)
        finally:
            renewer.cancel()

    async def _keep_lease(self, cp: Checkpoint) -> None:
        """A long round (a big backfill) keeps its lease alive so no replica takes it over."""
        seconds = self.gw.settings.scheduler_lease_seconds
        while True:
            await self.gw.clock.sleep(seconds / 3)
            until: datetime = self.gw.clock.now() + timedelta(seconds=seconds)
            async with self.gw.pool.acquire() as conn:
                await srepo.renew(conn, cp.company_id, cp.subject_type, self.owner, until)

    async def run(self) -> None:
        """Tick forever; returns only by cancellation (then waits for running rounds)."""
        log.info("ksef scheduler started", owner=self.owner)
        ticks = 0
        try:
            async with listening(self.gw.pool, srepo.NOTIFY_CHANNEL, self._wake):
                while True:
                    self._wake.clear()
                    try:
                        await self.tick()
                        ticks += 1
                        if ticks % 100 == 0:
                            await self.gw.governor.prune()
                    except (OSError, TimeoutError) as error:
                        log.warning("scheduler tick failed", error=str(error))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            self._wake.wait(), self.gw.settings.scheduler_tick_seconds
                        )
        finally:
            for task in list(self._running):
                task.cancel()
            await asyncio.gather(*self._running, return_exceptions=True)

    async def drain(self) -> None:
        """Wait for the rounds started so far (tests, benchmarks)."""
        await asyncio.gather(*list(self._running), return_exceptions=True)
