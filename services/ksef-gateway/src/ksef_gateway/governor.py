"""The rate governor: KSeF's published limits per (context, endpoint group), never exceeded.

KSeF counts requests per (context, client IP) in sliding windows of 1 s, 60 s and 1 h, and all
three apply at once (KSEF-NOTES §7). The gateway has one egress IP, so a context is the pair.
Every request is recorded in PostgreSQL before it is sent, under a transaction-scoped advisory
lock per (context, group): replicas and restarts share one history, so nobody spends a
context's budget twice. A 429 or 503 `Retry-After` blocks the pair (or all of KSeF) for exactly
that long. Time comes from the injectable clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from ksef_gateway.clock import Clock

# group -> (per second, per minute, per hour); None = no such window. Source: KSEF-NOTES §7.
LIMITS: dict[str, tuple[int | None, int | None, int | None]] = {
    "invoiceMetadata": (8, 16, 20),
    "invoiceExport": (8, 16, 20),
    "invoiceExportStatus": (10, 60, 600),
    "invoiceDownload": (8, 16, 64),
    "onlineSession": (10, 30, 120),
    "invoiceSend": (10, 30, 180),
    "invoiceStatus": (30, 120, 1200),
    "sessionMisc": (10, 120, 1200),
    "sessionInvoiceList": (10, 20, 200),
    "other": (10, 30, 120),
    # Unauthenticated and /auth/* calls: 60/s per IP (the context is "*").
    "auth": (60, None, None),
}
WINDOWS = (1.0, 60.0, 3600.0)
EVERYTHING = "*"


def limits_of(group: str) -> tuple[int | None, int | None, int | None]:
    """`other:/path` groups each have their own counter with the default limits."""
    return LIMITS[group.split(":", 1)[0]]


def wait_needed(
    sent: list[datetime], limits: tuple[int | None, ...], now: datetime, margin: float
) -> float:
    """Seconds until one more request fits every window (0 when it fits now); `sent` ascending."""
    wait = 0.0
    for window, limit in zip(WINDOWS, limits, strict=True):
        if limit is None:
            continue
        span = window + margin
        recent = [t for t in sent if t > now - timedelta(seconds=span)]
        if len(recent) >= limit:
            # The oldest request that must leave the window before one more may go.
            oldest = recent[len(recent) - limit]
            wait = max(wait, (oldest + timedelta(seconds=span) - now).total_seconds())
    return wait


class BudgetExhausted(Exception):
    """The pair's budget frees up only after `wait` seconds: end the round, resume later."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"rate budget exhausted for {wait:.0f}s")
        self.wait = wait


class RateGovernor:
    def __init__(self, pool: asyncpg.Pool, clock: Clock, margin: float = 2.0) -> None:
        self._pool = pool
        self._clock = clock
        self._margin = margin

    async def acquire(self, context: str, group: str, max_wait: float = 120.0) -> None:
        """Wait (on the clock) until a request of `group` in `context` is allowed; record it.

        Raises `BudgetExhausted` instead of waiting longer than `max_wait`."""
        while True:
            wait = await self._try(context, group)
            if wait <= 0:
                return
            if wait > max_wait:
                raise BudgetExhausted(wait)
            await self._clock.sleep(wait + 0.01)

    async def _try(self, context: str, group: str) -> float:
        limits = limits_of(group)
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"{context}|{group}")
            now = self._clock.now()
            until = await conn.fetchval(
                "SELECT max(until) FROM rate_blocks WHERE (context = $1 AND grp = $2)"
                " OR (context = $3 AND grp = $3)",
                context,
                group,
                EVERYTHING,
            )
            if until is not None and until > now:
                return float((until - now).total_seconds())
            horizon = now - timedelta(seconds=WINDOWS[-1] + self._margin)
            sent = [
                r["at"]
                for r in await conn.fetch(
                    "SELECT at FROM rate_events WHERE context = $1 AND grp = $2 AND at > $3"
                    " ORDER BY at",
                    context,
                    group,
                    horizon,
                )
            ]
            wait = wait_needed(sent, limits, now, self._margin)
            if wait > 0:
                return wait
            await conn.execute(
                "INSERT INTO rate_events (context, grp, at) VALUES ($1, $2, $3)",
                context,
                group,
                now,
            )
            return 0.0

    async def block(
        self, context: str, group: str, seconds: float, *, too_many: bool = False
    ) -> None:
        """Honour a `Retry-After`: nothing goes to (context, group) for `seconds`."""
        until = self._clock.now() + timedelta(seconds=seconds)
        await self._pool.execute(
            "INSERT INTO rate_blocks (context, grp, until, too_many) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (context, grp) DO UPDATE SET until = GREATEST(rate_blocks.until,"
            " EXCLUDED.until), too_many = rate_blocks.too_many + EXCLUDED.too_many",
            context,
            group,
            until,
            1 if too_many else 0,
        )

    async def prune(self) -> None:
        horizon = self._clock.now() - timedelta(seconds=WINDOWS[-1] + self._margin + 60)
        await self._pool.execute("DELETE FROM rate_events WHERE at < $1", horizon)
