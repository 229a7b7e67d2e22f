"""Entity grants (client -> office), their query and revocation (/permissions/*)."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, StrictBool

from .clock import iso
from .domain import EntityGrant, PermissionOperation, Status
from .errors import Gone, KsefError
from .ids import reference_number
from .security import Principal, access
from .simulator import Simulator, get_sim
from .wire import INT32_MAX

router = APIRouter(prefix="/permissions", tags=["Uprawnienia"])
Sim = Annotated[Simulator, Depends(get_sim)]
Manager = Annotated[Principal, Depends(access("other", "CredentialsManage"))]
Reader = Annotated[Principal, Depends(access("other", "CredentialsManage", "CredentialsRead"))]
Anyone = Annotated[Principal, Depends(access("other"))]
OPERATION_RETENTION_DAYS = 30

PermissionId = Annotated[str, Path(min_length=36, max_length=36)]


class SubjectIdentifier(BaseModel):
    type: Literal["Nip"]
    value: str = Field(min_length=10, max_length=10, pattern=r"^\d{10}$")


class EntityPermission(BaseModel):
    type: Literal["InvoiceRead", "InvoiceWrite"]
    canDelegate: StrictBool = False


class EntityDetails(BaseModel):
    fullName: str = Field(min_length=5, max_length=90)


class EntityGrantRequest(BaseModel):
    subjectIdentifier: SubjectIdentifier
    permissions: list[EntityPermission] = Field(min_length=1)
    description: str = Field(min_length=5, max_length=256)
    subjectDetails: EntityDetails


class ContextFilter(BaseModel):
    type: Literal["Nip", "InternalId"]
    value: str = Field(min_length=10, max_length=16)


class EntityGrantsQuery(BaseModel):
    contextIdentifier: ContextFilter | None = None


async def operation(sim: Simulator, status: Status) -> dict[str, str]:
    now = sim.clock.now()
    op = PermissionOperation(reference_number("OP", now), now, status)
    await sim.store.save_permission_operation(op)
    return {"referenceNumber": op.reference_number}


def done() -> Status:
    return Status(200, "Operacja zakończona sukcesem")


@router.post("/entities/grants", status_code=202)
async def grant_entity(body: EntityGrantRequest, sim: Sim, caller: Manager) -> dict[str, str]:
    """Grant invoice rights of the current context to another entity (e.g. an office)."""
    existing = await sim.store.list_grants(caller.context.value, body.subjectIdentifier.value)
    held = {g.permission: g for g in existing}
    for perm in body.permissions:
        if perm.type in held:
            # A repeated grant updates the delegation flag instead of duplicating the right.
            held[perm.type].can_delegate = perm.canDelegate
            await sim.store.save_grant(held[perm.type])
            continue
        grant = EntityGrant(
            str(uuid.uuid4()),
            caller.context,
            body.subjectIdentifier.value,
            perm.type,
            perm.canDelegate,
            body.description,
            body.subjectDetails.fullName,
            sim.clock.now(),
        )
        await sim.store.save_grant(grant)
    return await operation(sim, done())


@router.get("/operations/{referenceNumber}")
async def operation_status(referenceNumber: str, sim: Sim, _: Anyone) -> dict[str, Any]:
    """Status of an asynchronous permission operation (kept 30 days)."""
    op = await sim.store.get_permission_operation(referenceNumber)
    if op is None:
        raise KsefError(21405, "Błąd walidacji danych wejściowych.", "Operacja nie istnieje.")
    if (sim.clock.now() - op.created).days >= OPERATION_RETENTION_DAYS:
        raise Gone()
    return {"status": op.status.to_json()}


@router.post("/query/entities/grants")
async def query_entity_grants(
    sim: Sim,
    caller: Reader,
    body: EntityGrantsQuery | None = None,
    pageOffset: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
    pageSize: Annotated[int, Query(ge=10, le=100)] = 10,
) -> dict[str, Any]:
    """Invoice rights this context received from other entities (an office's client list)."""
    granting = body.contextIdentifier.value if body and body.contextIdentifier else None
    grants = await sim.store.list_grants(context_value=granting, subject_nip=caller.context.value)
    grants.sort(key=lambda g: (g.start_date, g.id))
    page = grants[pageOffset * pageSize : (pageOffset + 1) * pageSize]
    return {
        "permissions": [
            {
                "id": g.id,
                "contextIdentifier": g.context.to_json(),
                "permissionScope": g.permission,
                "description": g.description,
                "startDate": iso(g.start_date),
                "canDelegate": g.can_delegate,
            }
            for g in page
        ],
        "hasMore": (pageOffset + 1) * pageSize < len(grants),
    }


async def _revoke(sim: Simulator, caller: Principal, grant_id: str, kinds: set[str]) -> Status:
    """Only grants made in the current context can be revoked from it."""
    if "Entity" in kinds:
        entity = await sim.store.list_grants(context_value=caller.context.value)
        if any(g.id == grant_id for g in entity):
            await sim.store.delete_grant(grant_id)
            return done()
    grants = await sim.store.list_permission_grants(context_value=caller.context.value)
    if any(g.id == grant_id and g.kind in kinds for g in grants):
        await sim.store.delete_permission_grant(grant_id)
        return done()
    return Status(400, "Operacja zakończona niepowodzeniem", ["Uprawnienie nie istnieje."])


@router.delete("/common/grants/{permissionId}", status_code=202)
async def revoke_grant(permissionId: PermissionId, sim: Sim, caller: Manager) -> dict[str, str]:
    """Revoke a person, entity, indirect, subunit or EU grant given by the current context."""
    kinds = {"Entity", "Person", "Indirect", "Subunit", "EuEntityAdmin", "EuEntity"}
    return await operation(sim, await _revoke(sim, caller, permissionId, kinds))


@router.delete("/authorizations/grants/{permissionId}", status_code=202)
async def revoke_authorization(
    permissionId: PermissionId, sim: Sim, caller: Manager
) -> dict[str, str]:
    """Revoke an entity authorisation (self-invoicing, RR, tax representative, PEF)."""
    return await operation(sim, await _revoke(sim, caller, permissionId, {"Authorization"}))
