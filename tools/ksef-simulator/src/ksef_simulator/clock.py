"""One clock for everything time-shaped, with a speed-up factor and manual advance.

Every rule that involves time (rate-limit windows, the HWM lag, token, challenge and status
lifetimes, export processing, injected latency, the arrival of new invoices) reads this clock, so
running it `speed` times faster keeps all of them in proportion: one simulated hour of traffic
plays in 1/speed of an hour of wall time. This module is the only place that reads wall time.
"""

import asyncio
import time
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed < 0:
            raise ValueError("clock speed must not be negative")
        self._speed = speed
        self._sim_anchor = start or datetime.now(UTC)
        self._real_anchor = time.monotonic()

    @property
    def speed(self) -> float:
        """Simulated seconds per wall second; 0 freezes time (only `advance` moves it)."""
        return self._speed

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._real_anchor) * self._speed
        return self._sim_anchor + timedelta(seconds=elapsed)

    def set_speed(self, speed: float) -> None:
        """Change the factor from now on; simulated time already elapsed is kept."""
        if speed < 0:
            raise ValueError("clock speed must not be negative")
        self._sim_anchor, self._real_anchor = self.now(), time.monotonic()
        self._speed = speed

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward (tests, admin API)."""
        self._sim_anchor += timedelta(seconds=seconds)

    def monotonic(self) -> float:
        """Simulated seconds for rate-limit windows; scaled like `now`."""
        return self.now().timestamp()

    def wall_seconds(self, simulated: float) -> float:
        """How long `simulated` seconds take in wall time (0 when the clock is frozen)."""
        return simulated / self._speed if self._speed > 0 else 0.0

    async def sleep(self, simulated: float) -> None:
        """Wait `simulated` seconds of simulated time (injected latency, timeouts)."""
        await asyncio.sleep(self.wall_seconds(simulated))


def iso(dt: datetime) -> str:
    """KSeF style timestamp: UTC offset, fractional seconds."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")
