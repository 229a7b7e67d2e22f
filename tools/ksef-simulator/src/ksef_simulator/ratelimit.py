"""Sliding-window rate limits per (context, client IP, group) with growing blocks (notes §7)."""

import math
from collections import deque

from .clock import Clock
from .errors import TooManyRequests

# (req/s, req/min, req/h); 0 = no limit in that window. Values as in the spec's x-rate-limits.
LIMITS: dict[str, tuple[int, int, int]] = {
    "onlineSession": (10, 30, 120),
    "batchSession": (10, 20, 60),
    "invoiceSend": (10, 30, 180),
    "invoiceStatus": (30, 120, 1200),
    "sessionList": (5, 10, 60),
    "sessionInvoiceList": (10, 20, 200),
    "sessionMisc": (10, 120, 1200),
    "invoiceMetadata": (8, 16, 20),
    "invoiceExport": (8, 16, 20),
    "invoiceExportStatus": (10, 60, 600),
    "invoiceDownload": (8, 16, 64),
    "other": (10, 30, 120),
    "public": (60, 0, 0),
}
_WINDOWS = ((1.0, "sekundę"), (60.0, "minutę"), (3600.0, "godzinę"))


class RateLimiter:
    def __init__(self, clock: Clock, scale: float) -> None:
        self._clock = clock
        self.scale = scale
        self._hits: dict[tuple[str, ...], deque[float]] = {}
        self._blocked_until: dict[tuple[str, ...], float] = {}
        self._violations: dict[tuple[str, ...], int] = {}

    def effective(self, group: str) -> tuple[int, int, int]:
        s, m, h = LIMITS[group]
        return (self._scaled(s), self._scaled(m), self._scaled(h))

    def _scaled(self, value: int) -> int:
        return max(1, math.ceil(value * self.scale)) if value else 0

    def check(self, group: str, key: tuple[str, ...]) -> None:
        """Count one request or raise TooManyRequests (429) with Retry-After."""
        if self.scale <= 0:
            return
        now = self._clock.monotonic()
        blocked = self._blocked_until.get(key, 0.0)
        if now < blocked:
            raise TooManyRequests(math.ceil(blocked - now), self._message(group, 0, blocked - now))
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - 3600.0:
            hits.popleft()
        for index, ((window, _), limit) in enumerate(
            zip(_WINDOWS, self.effective(group), strict=True)
        ):
            in_window = [t for t in hits if t > now - window] if limit else []
            if limit and len(in_window) >= limit:
                self._block(group, key, now, in_window[0] + window - now, index)
        hits.append(now)

    def _block(self, group: str, key: tuple[str, ...], now: float, wait: float, idx: int) -> None:
        # Repeated violations lengthen the block: wait, 2x, 4x, ... capped at one hour.
        count = self._violations.get(key, 0) + 1
        self._violations[key] = count
        seconds = min(3600.0, max(1.0, wait) * 2 ** (count - 1))
        self._blocked_until[key] = now + seconds
        raise TooManyRequests(math.ceil(seconds), self._message(group, idx, seconds))

    def _message(self, group: str, idx: int, seconds: float) -> str:
        limit = self.effective(group)[idx] or self.effective(group)[0]
        return (
            f"Przekroczono limit {limit} żądań na {_WINDOWS[idx][1]}. "
            f"Spróbuj ponownie po {math.ceil(seconds)} sekundach."
        )

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            group: dict(
                zip(("perSecond", "perMinute", "perHour"), self.effective(group), strict=True)
            )
            for group in LIMITS
            if group != "public"
        }
