"""Events produced by the `auth` service: organisations, office-client links, users."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.envelope import EventData
from contracts.registry import EventSpec, register


class OrgKind(StrEnum):
    office = "office"
    company = "company"


class OrgCreated(EventData):
    """An organisation now exists; a company created by an office is already its client."""

    org_id: UUID = Field(description="Id of the new organisation.")
    kind: OrgKind = Field(description="`office` (biuro rachunkowe) or `company`.")
    nip: str = Field(pattern=r"^\d{10}$", description="Polish tax id, checksum valid.")
    name: str = Field(min_length=1, max_length=512, examples=["Piekarnia Kowalski sp. z o.o."])
    office_id: UUID | None = Field(
        default=None, description="The office serving this company, if an office created it."
    )


class OrgUpdated(EventData):
    """An organisation's descriptive data changed."""

    org_id: UUID
    name: str = Field(min_length=1, max_length=512)


class ClientLinked(EventData):
    """An office now serves a company (its staff may act on the company's data)."""

    office_id: UUID
    company_id: UUID


ORG_CREATED = register(EventSpec("org.created", 1, OrgCreated, OrgCreated.__doc__ or ""))
ORG_UPDATED = register(EventSpec("org.updated", 1, OrgUpdated, OrgUpdated.__doc__ or ""))
CLIENT_LINKED = register(
    EventSpec("org.client.linked", 1, ClientLinked, ClientLinked.__doc__ or "")
)
