"""The "Latarnia" (lighthouse) status service: is KSeF available, and what was announced.

The real one is a separate host (`api-latarnia[-test].ksef.mf.gov.pl`) known only from the
client libraries (KSEF-NOTES §1): `GET /status` → `{status, messages}` and `GET /messages`. Here
it is served beside /v2. The status follows the simulator's faults (an `unavailable` fault on
all of /v2 for everyone is a maintenance window) unless the admin API announced one explicitly
(`PUT /admin/status`), e.g. a FAILURE that should switch clients to the emergency mode.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import iso
from .faults import Fault

STATUSES = ("AVAILABLE", "MAINTENANCE", "FAILURE", "TOTAL_FAILURE")
TITLES = {
    "MAINTENANCE": "Niedostępność KSeF (prace serwisowe)",
    "FAILURE": "Awaria KSeF",
    "TOTAL_FAILURE": "Awaria całkowita KSeF",
}


@dataclass
class Announcement:
    status: str
    start: datetime
    end: datetime | None
    text: str
    event_id: int


@dataclass
class Lighthouse:
    announced: Announcement | None = None
    published: list[dict[str, Any]] = field(default_factory=list)
    _next_event: int = 1

    def announce(self, status: str, now: datetime, end: datetime | None, text: str) -> None:
        """Publish a status (AVAILABLE ends the current announcement)."""
        if status == "AVAILABLE":
            self.clear(now)
            return
        self.announced = Announcement(status, now, end, text or TITLES[status], self._next_event)
        self._next_event += 1
        self.published.append(self._message(self.announced, now, start=True))

    def clear(self, now: datetime) -> None:
        if self.announced is not None:
            ended = Announcement(**{**self.announced.__dict__, "end": now})
            self.published.append(self._message(ended, now, start=False))
        self.announced = None

    def status(self, now: datetime, faults: list[Fault]) -> dict[str, Any]:
        current = self.announced
        if current is not None and current.end is not None and now >= current.end:
            self.clear(current.end)
            current = None
        if current is None:
            current = _from_faults(faults, now)
        if current is None:
            return {"status": "AVAILABLE", "messages": []}
        return {"status": current.status, "messages": [self._message(current, now, start=True)]}

    @staticmethod
    def _message(a: Announcement, now: datetime, *, start: bool) -> dict[str, Any]:
        maintenance = a.status == "MAINTENANCE"
        kind = "MAINTENANCE_ANNOUNCEMENT" if maintenance else "FAILURE_START"
        if not start and not maintenance:
            kind = "FAILURE_END"
        return {
            "id": f"sim-{a.event_id}-{'start' if start else 'end'}",
            "eventId": a.event_id,
            "category": a.status,
            "type": kind,
            "title": TITLES[a.status],
            "text": a.text,
            "start": iso(a.start),
            "end": iso(a.end) if a.end else None,
            "version": 1 if start else 2,
            "published": iso(now),
        }


def _from_faults(faults: list[Fault], now: datetime) -> Announcement | None:
    """An outage of the whole API for every caller looks like a maintenance window."""
    for fault in faults:
        if fault.mode == "unavailable" and fault.path_prefix == "/v2" and not fault.contexts:
            text = "KSeF jest niedostępny (symulator: awaria 'unavailable')."
            return Announcement("MAINTENANCE", fault.started or now, fault.until, text, 0)
    return None
