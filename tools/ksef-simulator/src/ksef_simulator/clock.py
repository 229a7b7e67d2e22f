"""One clock for everything time-shaped, with a speed-up factor and manual advance."""

import time
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        self._speed = speed
        self._sim_anchor = start or datetime.now(UTC)
        self._real_anchor = time.monotonic()
        self._offset = timedelta()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._real_anchor) * self._speed
        return self._sim_anchor + timedelta(seconds=elapsed) + self._offset

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward (tests, admin API)."""
        self._offset += timedelta(seconds=seconds)

    def monotonic(self) -> float:
        """Simulated seconds for rate-limit windows; scaled like `now`."""
        return self.now().timestamp()


def iso(dt: datetime) -> str:
    """KSeF style timestamp: UTC offset, fractional seconds."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")
