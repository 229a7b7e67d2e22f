"""Which event lives on which topic, with which payload model and version.

Topics are named after the event (`invoice.fetched`); the version lives in the envelope, so a
breaking change is a new `event_version` published side by side on the same topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class EventSpec:
    event_type: str
    version: int
    data: type[BaseModel]
    description: str

    @property
    def topic(self) -> str:
        return self.event_type


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    description: str

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


_EVENTS: dict[tuple[str, int], EventSpec] = {}


def register(spec: EventSpec) -> EventSpec:
    key = (spec.event_type, spec.version)
    if key in _EVENTS and _EVENTS[key] is not spec:
        raise ValueError(f"event {key} registered twice")
    _EVENTS[key] = spec
    return spec


def event_spec(event_type: str, version: int) -> EventSpec | None:
    return _EVENTS.get((event_type, version))


def all_events() -> list[EventSpec]:
    return sorted(_EVENTS.values(), key=lambda s: (s.event_type, s.version))
