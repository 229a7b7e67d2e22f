"""The envelope every Rachmistrz event travels in.

The envelope is versioned separately from the payload: consumers route on
(`event_type`, `event_version`) and parse `data` with the model registered for that pair.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

DataT = TypeVar("DataT", bound=BaseModel)


class EventData(BaseModel):
    """Base of every event payload: immutable, and strict about unknown fields being kept."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Envelope(BaseModel, Generic[DataT]):
    """Metadata common to all events; `data` is the versioned payload."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID = Field(description="Unique id; consumers deduplicate on it (inbox).")
    event_type: str = Field(
        description="Dotted name, equal to the topic.", examples=["org.created"]
    )
    event_version: int = Field(ge=1, description="Version of the `data` schema.")
    occurred_at: datetime = Field(description="When the change happened (UTC).")
    producer: str = Field(description="Name of the service that produced the event.")
    org_id: UUID | None = Field(default=None, description="Organisation the event concerns.")
    company_nip: str | None = Field(
        default=None, description="NIP of the company the event concerns, where relevant."
    )
    correlation_id: UUID | None = Field(
        default=None, description="Id shared by all events caused by one user action."
    )
    data: DataT


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_envelope(
    event_type: str,
    event_version: int,
    data: DataT,
    *,
    producer: str,
    org_id: UUID | None = None,
    company_nip: str | None = None,
    correlation_id: UUID | None = None,
) -> Envelope[DataT]:
    model: Any = Envelope[type(data)]  # type: ignore[misc]
    envelope: Envelope[DataT] = model(
        event_id=uuid4(),
        event_type=event_type,
        event_version=event_version,
        occurred_at=now_utc(),
        producer=producer,
        org_id=org_id,
        company_nip=company_nip,
        correlation_id=correlation_id,
        data=data,
    )
    return envelope


class RawEnvelope(BaseModel):
    """The envelope with `data` not yet parsed: the first step of routing an incoming event."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    event_type: str
    event_version: int = Field(ge=1)
    occurred_at: datetime
    producer: str
    org_id: UUID | None = None
    company_nip: str | None = None
    correlation_id: UUID | None = None
    data: dict[str, Any]
