"""Fault injection for e2e tests: a KSeF outage window (503) or added latency on /v2."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import iso


@dataclass
class Fault:
    mode: str  # unavailable | slow
    latency_seconds: float
    until: datetime | None  # simulated time; None = until cleared

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "latencySeconds": self.latency_seconds,
            "until": iso(self.until) if self.until else None,
        }


class Faults:
    def __init__(self) -> None:
        self.fault: Fault | None = None

    def current(self, now: datetime) -> Fault | None:
        if self.fault is not None and self.fault.until is not None and now >= self.fault.until:
            self.fault = None
        return self.fault

    @staticmethod
    def retry_after(fault: Fault, now: datetime) -> int:
        """Seconds until the outage ends (60 when it is open-ended)."""
        if fault.until is None:
            return 60
        return max(1, math.ceil((fault.until - now).total_seconds()))
