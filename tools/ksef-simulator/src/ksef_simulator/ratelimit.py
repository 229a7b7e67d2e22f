"""Sliding-window rate limits per (context, client IP, group) with growing blocks (notes §7)."""

import math
from collections import deque

from .clock import Clock
from .errors import TooManyRequests

Limits = tuple[int, int, int]  # (req/s, req/min, req/h); 0 = no limit in that window

# The values of the spec's x-rate-limits (equal to PRD since 2.5.0, so also the PRD profile).
LIMITS: dict[str, Limits] = {
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
GROUPS = [g for g in LIMITS if g != "public"]  # what GET /rate-limits reports and tests set
_WINDOWS = ((1.0, "sekundę"), (60.0, "minutę"), (3600.0, "godzinę"))
MAX_BLOCK = 3600.0
# A key that kept to its limits this long starts again from a short block.
VIOLATION_MEMORY = 3600.0


def _count_since(hits: deque[float], start: float) -> int:
    """Hits newer than `start`; they are in time order, so count from the newest."""
    count = 0
    for t in reversed(hits):
        if t <= start:
            break
        count += 1
    return count


class RateLimiter:
    def __init__(self, clock: Clock, scale: float) -> None:
        self._clock = clock
        self.scale = scale
        # context -> group -> limits, set through /testdata/rate-limits (TEST only)
        self.overrides: dict[str, dict[str, Limits]] = {}
        self._hits: dict[tuple[str, ...], deque[float]] = {}
        self._blocked_until: dict[tuple[str, ...], float] = {}
        self._violations: dict[tuple[str, ...], tuple[int, float]] = {}

    def effective(self, group: str, context: str | None = None) -> Limits:
        """The limits of `group` for `context` (its override, if any), times the scale."""
        base = self.overrides.get(context or "", {}).get(group, LIMITS[group])
        s, m, h = base
        return (self._scaled(s), self._scaled(m), self._scaled(h))

    def _scaled(self, value: int) -> int:
        return max(1, math.ceil(value * self.scale)) if value else 0

    def check(self, group: str, key: tuple[str, ...], context: str | None = None) -> None:
        """Count one request or raise TooManyRequests (429) with Retry-After."""
        if self.scale <= 0:
            return
        now = self._clock.monotonic()
        blocked = self._blocked_until.get(key, 0.0)
        limits = self.effective(group, context)
        if now < blocked:
            raise TooManyRequests(math.ceil(blocked - now), self._message(limits, 0, blocked - now))
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - 3600.0:
            hits.popleft()
        for index, ((window, _), limit) in enumerate(zip(_WINDOWS, limits, strict=True)):
            if not limit:
                continue
            in_window = _count_since(hits, now - window)
            if in_window >= limit:
                oldest = hits[len(hits) - in_window]
                self._block(key, now, oldest + window - now, limits, index)
        hits.append(now)

    def _block(
        self, key: tuple[str, ...], now: float, wait: float, limits: Limits, idx: int
    ) -> None:
        """Block until the window frees a slot; repeats double it (2x, 4x, ...), up to 1 h."""
        count, last = self._violations.get(key, (0, now))
        count = 1 if now - last > VIOLATION_MEMORY else count + 1
        self._violations[key] = (count, now)
        seconds = min(MAX_BLOCK, max(1.0, wait) * 2 ** (count - 1))
        self._blocked_until[key] = now + seconds
        raise TooManyRequests(math.ceil(seconds), self._message(limits, idx, seconds))

    @staticmethod
    def _message(limits: Limits, idx: int, seconds: float) -> str:
        limit = limits[idx] or limits[0]
        return (
            f"Przekroczono limit {limit} żądań na {_WINDOWS[idx][1]}. "
            f"Spróbuj ponownie po {math.ceil(seconds)} sekundach."
        )

    def set_overrides(self, context: str, limits: dict[str, Limits]) -> None:
        self.overrides[context] = dict(limits)

    def reset(self, context: str) -> None:
        self.overrides.pop(context, None)

    def to_json(self, context: str | None = None) -> dict[str, dict[str, int]]:
        return {
            group: dict(
                zip(
                    ("perSecond", "perMinute", "perHour"),
                    self.effective(group, context),
                    strict=True,
                )
            )
            for group in GROUPS
        }
