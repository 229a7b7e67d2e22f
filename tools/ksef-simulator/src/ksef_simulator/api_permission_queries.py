"""Permission queries (/permissions/query/*) and the attachment permission status."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from .clock import iso
from .domain import Ident, PermissionGrant
from .permissions import is_owner
from .security import Principal, access
from .simulator import Simulator, get_sim
from .wire import INT32_MAX

router = APIRouter(prefix="/permissions", tags=["Wyszukiwanie nadanych uprawnień"])
Sim = Annotated[Simulator, Depends(get_sim)]
Anyone = Annotated[Principal, Depends(access("other"))]
Reader = Annotated[Principal, Depends(access("other", "CredentialsManage", "CredentialsRead"))]
UnitReader = Annotated[
    Principal, Depends(access("other", "CredentialsManage", "CredentialsRead", "SubunitManage"))
]
PageOffset = Annotated[int, Query(ge=0, le=INT32_MAX)]
PageSize = Annotated[int, Query(ge=10, le=100)]


class TypeIdentifier(BaseModel):
    """An identifier whose value may be left out (targetIdentifier, authorIdentifier)."""

    type: str
    value: str | None = None


class Identifier(TypeIdentifier):
    value: str


PersonPermission = Literal[
    "CredentialsManage", "CredentialsRead", "InvoiceWrite", "InvoiceRead",
    "Introspection", "SubunitManage", "EnforcementOperations",
]  # fmt: skip


class PersonalQuery(BaseModel):
    contextIdentifier: Identifier | None = None
    targetIdentifier: TypeIdentifier | None = None
    permissionTypes: list[PersonPermission | Literal["VatUeManage"]] | None = None
    permissionState: Literal["Active", "Inactive"] | None = None


class PersonsQuery(BaseModel):
    queryType: Literal["PermissionsInCurrentContext", "PermissionsGrantedInCurrentContext"]
    authorIdentifier: TypeIdentifier | None = None
    authorizedIdentifier: Identifier | None = None
    contextIdentifier: Identifier | None = None
    targetIdentifier: TypeIdentifier | None = None
    permissionTypes: list[PersonPermission] | None = None
    permissionState: Literal["Active", "Inactive"] | None = None


class AuthorizationsQuery(BaseModel):
    queryType: Literal["Granted", "Received"]
    authorizingIdentifier: Identifier | None = None
    authorizedIdentifier: Identifier | None = None
    permissionTypes: (
        list[Literal["SelfInvoicing", "TaxRepresentative", "RRInvoicing", "PefInvoicing"]] | None
    ) = None


class SubunitsQuery(BaseModel):
    subunitIdentifier: Identifier | None = None


class EuQuery(BaseModel):
    vatUeIdentifier: str | None = None
    authorizedFingerprintIdentifier: str | None = None
    permissionTypes: (
        list[Literal["VatUeManage", "InvoiceWrite", "InvoiceRead", "Introspection"]] | None
    ) = None


class SubordinateQuery(BaseModel):
    subordinateEntityIdentifier: Identifier | None = None


def _page(items: list[dict[str, Any]], offset: int, size: int, key: str) -> dict[str, Any]:
    return {
        key: items[offset * size : (offset + 1) * size],
        "hasMore": (offset + 1) * size < len(items),
    }


def _same(ident: Ident | None, wanted: TypeIdentifier | None) -> bool:
    if wanted is None:
        return True
    return (
        ident is not None
        and ident.type == wanted.type
        and (wanted.value is None or ident.value == wanted.value)
    )


def _target(grant: PermissionGrant) -> dict[str, str] | None:
    if grant.target is None:
        return None
    if grant.target.type == "AllPartners":
        return {"type": "AllPartners"}
    return grant.target.to_json()


def _person_item(g: PermissionGrant) -> dict[str, Any]:
    return {
        "id": g.id,
        "contextIdentifier": g.context.to_json(),
        "authorizedIdentifier": g.subject.to_json(),
        "targetIdentifier": _target(g),
        "authorIdentifier": g.author.to_json(),
        "permissionScope": g.permission,
        "description": g.description,
        "permissionState": "Active",
        "startDate": iso(g.start_date),
        "canDelegate": g.can_delegate,
    }


@router.post("/query/personal/grants")
async def personal_grants(
    sim: Sim,
    caller: Anyone,
    body: PersonalQuery | None = None,
    pageOffset: PageOffset = 0,
    pageSize: PageSize = 10,
) -> dict[str, Any]:
    """The caller's own permissions, in every context; an owner also sees entity grants
    that the current context received (an office's view of its clients)."""
    body = body or PersonalQuery()
    grants = await sim.store.list_permission_grants(subject_value=caller.subject.value)
    items = [
        _person_item(g)
        for g in grants
        if g.subject == caller.subject and g.kind in ("Person", "Indirect", "Subunit")
    ]
    if is_owner(caller.subject, caller.context, sim.testdata):
        received = await sim.store.list_grants(subject_nip=caller.context.value)
        items += [
            {
                "id": g.id,
                "contextIdentifier": g.context.to_json(),
                "authorizedIdentifier": {"type": "Nip", "value": g.subject_nip},
                "permissionScope": g.permission,
                "description": g.description,
                "permissionState": "Active",
                "startDate": iso(g.start_date),
                "canDelegate": g.can_delegate,
            }  # fmt: skip
            for g in received
        ]
    ctx, target = body.contextIdentifier, body.targetIdentifier
    items = [
        i
        for i in items
        if (ctx is None or (i["contextIdentifier"]["type"], i["contextIdentifier"]["value"])
            == (ctx.type, ctx.value))
        and (target is None or (i.get("targetIdentifier") or {}).get("type") == target.type)
        and (not body.permissionTypes or i["permissionScope"] in body.permissionTypes)
        and body.permissionState in (None, "Active")
    ]  # fmt: skip
    items.sort(key=lambda i: (i["startDate"], i["id"]))
    return _page(items, pageOffset, pageSize, "permissions")


@router.post("/query/persons/grants")
async def persons_grants(
    body: PersonsQuery,
    sim: Sim,
    caller: UnitReader,
    pageOffset: PageOffset = 0,
    pageSize: PageSize = 10,
) -> dict[str, Any]:
    """Person and indirect grants held in the current context, or granted from it."""
    kinds = ("Person", "Indirect")
    mine = [g for g in await sim.store.list_permission_grants() if g.kind in kinds]
    if body.queryType == "PermissionsGrantedInCurrentContext":
        found = [g for g in mine if g.context == caller.context]
    else:
        found = [g for g in mine if g.kind == "Person" and g.context == caller.context]
        found += [g for g in mine if g.kind == "Indirect" and g.target == caller.context]
    found = [
        g
        for g in found
        if _same(g.author, body.authorIdentifier)
        and _same(g.subject, body.authorizedIdentifier)
        and _same(g.target, body.targetIdentifier)
        and (not body.permissionTypes or g.permission in body.permissionTypes)
        and body.permissionState in (None, "Active")
    ]
    found.sort(key=lambda g: (g.start_date, g.id))
    return _page([_person_item(g) for g in found], pageOffset, pageSize, "permissions")


@router.post("/query/subunits/grants")
async def subunit_grants(
    sim: Sim,
    caller: UnitReader,
    body: SubunitsQuery | None = None,
    pageOffset: PageOffset = 0,
    pageSize: PageSize = 10,
) -> dict[str, Any]:
    """Administrators of the current context's subunits."""
    unit = body.subunitIdentifier if body else None
    grants = await sim.store.list_permission_grants(context_value=caller.context.value)
    items = [
        {
            "id": g.id,
            "authorizedIdentifier": g.subject.to_json(),
            "subunitIdentifier": g.target.to_json() if g.target else None,
            "authorIdentifier": g.author.to_json(),
            "permissionScope": "CredentialsManage",
            "description": g.description,
            "subunitName": g.details.get("subunitName"),
            "startDate": iso(g.start_date),
        }  # fmt: skip
        for g in sorted(grants, key=lambda g: (g.start_date, g.id))
        if g.kind == "Subunit" and _same(g.target, unit)
    ]
    return _page(items, pageOffset, pageSize, "permissions")


@router.post("/query/authorizations/grants")
async def authorization_grants(
    body: AuthorizationsQuery,
    sim: Sim,
    caller: Annotated[
        Principal,
        Depends(access("other", "CredentialsManage", "CredentialsRead", "PefInvoiceWrite")),
    ],
    pageOffset: PageOffset = 0,
    pageSize: PageSize = 10,
) -> dict[str, Any]:
    """Entity authorisations the current context granted, or received from others."""
    everything = await sim.store.list_permission_grants()
    found = [
        g
        for g in everything
        if g.kind == "Authorization"
        and (g.context == caller.context if body.queryType == "Granted"
             else g.subject.value == caller.context.value)
        and _same(g.context, body.authorizingIdentifier)
        and _same(g.subject, body.authorizedIdentifier)
        and (not body.permissionTypes or g.permission in body.permissionTypes)
    ]  # fmt: skip
    items = [
        {
            "id": g.id,
            "authorIdentifier": g.author.to_json(),
            "authorizedEntityIdentifier": g.subject.to_json(),
            "authorizingEntityIdentifier": g.context.to_json(),
            "authorizationScope": g.permission,
            "description": g.description,
            "startDate": iso(g.start_date),
        }  # fmt: skip
        for g in sorted(found, key=lambda g: (g.start_date, g.id))
    ]
    return _page(items, pageOffset, pageSize, "authorizationGrants")


@router.post("/query/eu-entities/grants")
async def eu_grants(
    sim: Sim,
    caller: Annotated[
        Principal, Depends(access("other", "CredentialsManage", "CredentialsRead", "VatUeManage"))
    ],
    body: EuQuery | None = None,
    pageOffset: PageOffset = 0,
    pageSize: PageSize = 10,
) -> dict[str, Any]:
    """EU-entity administrators and representatives granted from the current context."""
    body = body or EuQuery()
    grants = await sim.store.list_permission_grants(context_value=caller.context.value)
    items = [
        {
            "id": g.id,
            "authorIdentifier": g.author.to_json(),
            "vatUeIdentifier": (g.target or g.context).value,
            "euEntityName": g.details.get("euEntityName") or g.description,
            "authorizedFingerprintIdentifier": g.subject.value,
            "permissionScope": g.permission,
            "description": g.description,
            "startDate": iso(g.start_date),
        }  # fmt: skip
        for g in sorted(grants, key=lambda g: (g.start_date, g.id))
        if g.kind in ("EuEntityAdmin", "EuEntity")
        and body.authorizedFingerprintIdentifier in (None, g.subject.value)
        and (not body.permissionTypes or g.permission in body.permissionTypes)
    ]
    return _page(items, pageOffset, pageSize, "permissions")


@router.get("/query/entities/roles")
async def entity_roles(
    caller: Reader, pageOffset: PageOffset = 0, pageSize: PageSize = 10
) -> dict[str, Any]:
    """Roles of the context (JST, VAT group, bailiff...); seeded companies have none."""
    return {"roles": [], "hasMore": False}


@router.post("/query/subordinate-entities/roles")
async def subordinate_roles(
    caller: UnitReader,
    body: SubordinateQuery | None = None,
    pageOffset: PageOffset = 0,
    pageSize: PageSize = 10,
) -> dict[str, Any]:
    """Subordinate entities' roles; none exist without /testdata/subject."""
    return {"roles": [], "hasMore": False}


@router.get("/attachments/status")
async def attachment_status(sim: Sim, caller: Reader) -> dict[str, Any]:
    """Whether the context may send invoices with attachments (TEST: /testdata/attachment)."""
    return {"isAttachmentAllowed": sim.testdata.attachments_allowed(caller.context.value)}
