"""Is KSeF available? The Latarnia status service combined with what our own requests see.

No I/O here. `Health` counts this process's consecutive failed requests (5xx, timeouts, no
connection); a 503 with Retry-After is KSeF saying it is down, so it counts at once. `decide`
turns an announced status and the observation into the availability the gateway publishes.
Modes and deadlines: KSEF-NOTES §10 (announced unavailability → offline, announced failure →
awaryjny, total failure → total); an unannounced outage is treated as unavailability.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contracts.ksef_gateway import KsefStatus, OfflineMode

MODES = {
    "MAINTENANCE": OfflineMode.offline,
    "FAILURE": OfflineMode.awaryjny,
    "TOTAL_FAILURE": OfflineMode.total,
}
MESSAGES = {
    OfflineMode.offline: (
        "KSeF jest niedostępny. Faktury są wystawiane w trybie offline (z kodami QR) i zostaną"
        " wysłane automatycznie, gdy KSeF zacznie działać; termin: następny dzień roboczy po"
        " zakończeniu niedostępności."
    ),
    OfflineMode.awaryjny: (
        "Ogłoszono awarię KSeF. Faktury są wystawiane w trybie awaryjnym i zostaną wysłane"
        " automatycznie; termin: 7 dni roboczych po zakończeniu awarii."
    ),
    OfflineMode.total: (
        "Ogłoszono awarię całkowitą KSeF. Faktury wystawione w tym czasie nie muszą trafić do"
        " KSeF; zostaną wysłane, gdy KSeF zacznie działać."
    ),
}
AVAILABLE_MESSAGE = "KSeF działa."


@dataclass
class Health:
    """Consecutive failures of this process's KSeF requests; `changed` wakes the monitor."""

    threshold: int = 3
    failures: int = 0
    refused: bool = False  # KSeF itself answered 503 + Retry-After (maintenance)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def down(self) -> bool:
        return self.refused or self.failures >= self.threshold

    def ok(self) -> None:
        was = self.down
        self.failures, self.refused = 0, False
        if was:
            self.changed.set()

    def failed(self, *, retry_after: bool) -> None:
        was = self.down
        self.failures += 1
        self.refused = self.refused or retry_after
        if self.down and not was:
            self.changed.set()


@dataclass(frozen=True)
class Announced:
    """What the status service says: its status and the current message's window."""

    status: str
    start: datetime | None = None
    end: datetime | None = None
    text: str | None = None


def parse_status(body: dict[str, Any]) -> Announced:
    """`GET /status` of Latarnia: `{status, messages: [{start, end, text, ...}]}`."""
    status = str(body.get("status") or "AVAILABLE")
    messages = body.get("messages") or []
    first = messages[0] if messages else {}
    return Announced(status, _time(first.get("start")), _time(first.get("end")), first.get("text"))


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Availability:
    status: KsefStatus
    mode: OfflineMode | None
    source: str
    since: datetime
    until: datetime | None
    message: str

    def same_as(self, other: Availability | None) -> bool:
        return other is not None and (self.status, self.mode) == (other.status, other.mode)


def decide(
    announced: Announced | None, observed_down: bool, now: datetime, previous: Availability | None
) -> Availability:
    """An announcement wins (it names the legal mode); else our own requests decide."""
    mode = MODES.get(announced.status) if announced else None
    if mode is not None:
        assert announced is not None
        # `since` is our clock, not the announcement's start: consumers order the changes by
        # it, and the end of an outage (which starts the deadlines) is also ours.
        return Availability(
            KsefStatus.unavailable, mode, "latarnia", now, announced.end, MESSAGES[mode]
        )
    if observed_down:
        mode = OfflineMode.offline
        return Availability(KsefStatus.unavailable, mode, "observed", now, None, MESSAGES[mode])
    source = "latarnia" if announced else "observed"
    if previous is not None and previous.status is KsefStatus.available:
        return previous
    return Availability(KsefStatus.available, None, source, now, None, AVAILABLE_MESSAGE)


def status_url(ksef_base_url: str) -> str:
    """The Latarnia host of a KSeF environment; beside /v2 for anything else (the simulator)."""
    base = ksef_base_url.rstrip("/")
    if "api-test.ksef.mf.gov.pl" in base or "api-demo.ksef.mf.gov.pl" in base:
        return "https://api-latarnia-test.ksef.mf.gov.pl"
    if "api.ksef.mf.gov.pl" in base:
        return "https://api-latarnia.ksef.mf.gov.pl"
    return base.removesuffix("/v2")
