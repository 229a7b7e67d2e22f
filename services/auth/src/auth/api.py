"""HTTP API of auth (organisations so far): parse, call a use case, shape the answer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field

from auth import services
from auth.domain import NewClient, Organisation
from chassis.runtime import get_pool
from chassis.tokens import CurrentPrincipal

router = APIRouter(tags=["organisations"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


class ClientIn(BaseModel):
    nip: str = Field(min_length=10, max_length=16, examples=["5261040828"])
    name: str = Field(min_length=1, max_length=512, examples=["Piekarnia Kowalski sp. z o.o."])


class ClientsCreate(BaseModel):
    clients: list[ClientIn] = Field(min_length=1, max_length=1000)


class OrganisationPublic(BaseModel):
    id: UUID
    kind: str
    nip: str
    name: str

    @classmethod
    def of(cls, org: Organisation) -> OrganisationPublic:
        return cls(id=org.id, kind=org.kind.value, nip=org.nip, name=org.name)


class ClientAddedPublic(BaseModel):
    company: OrganisationPublic
    created: bool


class ClientsPage(BaseModel):
    items: list[OrganisationPublic]
    next_after: str | None


@router.post("/clients", status_code=status.HTTP_201_CREATED)
async def add_clients(
    body: ClientsCreate, principal: CurrentPrincipal, pool: Pool
) -> list[ClientAddedPublic]:
    """Add client companies to the office of the current context (all or none)."""
    added = await services.add_clients(
        pool, principal, [NewClient(nip=c.nip, name=c.name) for c in body.clients]
    )
    return [
        ClientAddedPublic(company=OrganisationPublic.of(a.company), created=a.created)
        for a in added
    ]


@router.get("/clients")
async def list_clients(
    principal: CurrentPrincipal,
    pool: Pool,
    after: Annotated[str | None, Query(pattern=r"^\d{10}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ClientsPage:
    """Client companies of the office of the current context, ordered by NIP."""
    orgs = await services.list_clients(pool, principal, after_nip=after, limit=limit)
    next_after = orgs[-1].nip if len(orgs) == limit else None
    return ClientsPage(items=[OrganisationPublic.of(o) for o in orgs], next_after=next_after)
