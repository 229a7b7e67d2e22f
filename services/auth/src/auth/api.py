"""HTTP API of auth (organisations so far): parse, call a use case, shape the answer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from auth import services
from auth.domain import NewClient
from auth.principal import CallerAddress, CurrentPrincipal, Pool
from auth.schemas import OrganisationIn, OrganisationPublic

router = APIRouter(tags=["organisations"])


class ClientIn(BaseModel):
    nip: str = Field(min_length=10, max_length=16, examples=["5261040828"])
    name: str = Field(min_length=1, max_length=512, examples=["Piekarnia Kowalski sp. z o.o."])
    address: str | None = Field(default=None, max_length=1024)


class ClientsCreate(BaseModel):
    clients: list[ClientIn] = Field(min_length=1, max_length=1000)


class ClientAddedPublic(BaseModel):
    company: OrganisationPublic
    created: bool


class ClientsPage(BaseModel):
    items: list[OrganisationPublic]
    next_after: str | None


@router.post("/clients", status_code=status.HTTP_201_CREATED)
async def add_clients(
    body: ClientsCreate, principal: CurrentPrincipal, pool: Pool, ip: CallerAddress
) -> list[ClientAddedPublic]:
    """Add client companies to the office of the current context (all or none)."""
    new = [NewClient(nip=c.nip, name=c.name, address=c.address) for c in body.clients]
    added = await services.add_clients(pool, principal, new, ip)
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


@router.delete("/clients/{company_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unlink_client(
    company_id: UUID, principal: CurrentPrincipal, pool: Pool, ip: CallerAddress
) -> None:
    """Stop serving a client company (office administrators)."""
    await services.unlink_client(pool, principal, company_id, ip)


@router.get("/organisations/{org_id}")
async def get_organisation(
    org_id: UUID, principal: CurrentPrincipal, pool: Pool
) -> OrganisationPublic:
    """The context's organisation, or a client company of its office."""
    return OrganisationPublic.of(await services.get_organisation(pool, principal, org_id))


@router.put("/organisations/{org_id}")
async def update_organisation(
    org_id: UUID, body: OrganisationIn, principal: CurrentPrincipal, pool: Pool, ip: CallerAddress
) -> OrganisationPublic:
    """Change name and address of your organisation or of a client company (not the NIP)."""
    org = await services.update_organisation(pool, principal, org_id, body.name, body.address, ip)
    return OrganisationPublic.of(org)
