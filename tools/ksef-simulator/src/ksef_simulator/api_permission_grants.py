"""Person, indirect, subunit, EU-entity and authorization grants (/permissions/*/grants).

All are asynchronous in KSeF: 202 with an operation reference, the outcome in
`GET /permissions/operations/{ref}`. A grant that breaks a relation rule (e.g. an indirect
grant without the client's canDelegate) is accepted and its operation ends in 4xx.
"""

import re
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, model_validator

from .api_permissions import done, operation
from .domain import Ident, PermissionGrant, Status
from .security import Principal, access
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/permissions", tags=["Nadawanie uprawnień"])
Sim = Annotated[Simulator, Depends(get_sim)]
Manager = Annotated[Principal, Depends(access("other", "CredentialsManage"))]
Description = Annotated[str, Field(min_length=5, max_length=256)]
PersonPermission = Literal[
    "CredentialsManage", "CredentialsRead", "InvoiceWrite", "InvoiceRead",
    "Introspection", "SubunitManage", "EnforcementOperations",
]  # fmt: skip


_NIP = r"[1-9]((\d[1-9])|([1-9]\d))\d{7}"
# The value formats the spec gives per identifier type (components Nip, Pesel, InternalId, ...).
FORMATS = {
    "Nip": re.compile(f"^{_NIP}$"),
    "Pesel": re.compile(
        r"^\d{2}(?:0[1-9]|1[0-2]|2[1-9]|3[0-2]|4[1-9]|5[0-2]|6[1-9]|7[0-2]|8[1-9]|9[0-2])\d{7}$"
    ),
    "Fingerprint": re.compile(r"^[0-9A-Fa-f]{64}$"),
    "InternalId": re.compile(f"^{_NIP}-\\d{{5}}$"),
    "NipVatUe": re.compile(f"^{_NIP}-[A-Z]{{2}}[0-9A-Z+*]{{2,12}}$"),
    "PeppolId": re.compile(r"^P[A-Z]{2}[0-9]{6}$"),
}


class Identifier(BaseModel):
    type: str
    value: str = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _value_fits_type(self) -> "Identifier":
        pattern = FORMATS.get(self.type)
        if pattern is not None and not pattern.match(self.value):
            raise ValueError(f"Nieprawidłowa wartość identyfikatora typu {self.type}.")
        return self

    def ident(self) -> Ident:
        return Ident(self.type, self.value)


class PersonIdentifier(Identifier):
    type: Literal["Nip", "Pesel", "Fingerprint"]


class PersonGrantRequest(BaseModel):
    subjectIdentifier: PersonIdentifier
    permissions: list[PersonPermission] = Field(min_length=1)
    description: Description
    subjectDetails: dict[str, Any]


class IndirectTarget(BaseModel):
    type: Literal["Nip", "AllPartners", "InternalId"]
    value: str | None = None


class IndirectGrantRequest(BaseModel):
    subjectIdentifier: PersonIdentifier
    targetIdentifier: IndirectTarget | None = None
    permissions: list[Literal["InvoiceRead", "InvoiceWrite"]] = Field(min_length=1)
    description: Description
    subjectDetails: dict[str, Any]


class SubunitContext(Identifier):
    type: Literal["InternalId", "Nip"]


class SubunitGrantRequest(BaseModel):
    subjectIdentifier: PersonIdentifier
    contextIdentifier: SubunitContext
    description: Description
    subunitName: str | None = Field(default=None, max_length=256)
    subjectDetails: dict[str, Any]


class AuthorizationSubject(Identifier):
    type: Literal["Nip", "PeppolId"]


class AuthorizationGrantRequest(BaseModel):
    subjectIdentifier: AuthorizationSubject
    permission: Literal["SelfInvoicing", "RRInvoicing", "TaxRepresentative", "PefInvoicing"]
    description: Description
    subjectDetails: dict[str, Any]


class FingerprintIdentifier(Identifier):
    type: Literal["Fingerprint"]


class EuContext(Identifier):
    type: Literal["NipVatUe"]


class EuAdminGrantRequest(BaseModel):
    subjectIdentifier: FingerprintIdentifier
    contextIdentifier: EuContext
    description: Description
    euEntityName: str = Field(min_length=5, max_length=256)
    subjectDetails: dict[str, Any]
    euEntityDetails: dict[str, Any]


class EuGrantRequest(BaseModel):
    subjectIdentifier: FingerprintIdentifier
    permissions: list[Literal["InvoiceWrite", "InvoiceRead"]] = Field(min_length=1)
    description: Description
    subjectDetails: dict[str, Any]


async def _save(
    sim: Simulator,
    caller: Principal,
    kind: str,
    subject: Ident,
    permissions: list[str],
    description: str,
    **extra: Any,
) -> dict[str, str]:
    """Store one grant per permission; repeating a held grant changes nothing (as on KSeF)."""
    existing = await sim.store.list_permission_grants(caller.context.value, subject.value)
    target = extra.get("target")
    for permission in permissions:
        if any(
            g.kind == kind and g.subject == subject and g.permission == permission
            and g.target == target
            for g in existing
        ):  # fmt: skip
            continue
        grant = PermissionGrant(
            str(uuid.uuid4()), kind, caller.context, subject, permission, description,
            caller.subject, sim.clock.now(), **extra,
        )  # fmt: skip
        await sim.store.save_permission_grant(grant)
    return await operation(sim, done())


def _refused(code: int, description: str, detail: str) -> Status:
    return Status(code, description, [detail])


@router.post("/persons/grants", status_code=202)
async def grant_person(body: PersonGrantRequest, sim: Sim, caller: Manager) -> dict[str, str]:
    """Grant a person (NIP, PESEL or certificate fingerprint) rights in the current context."""
    return await _save(
        sim, caller, "Person", body.subjectIdentifier.ident(), list(body.permissions),
        body.description, details={"subjectDetails": body.subjectDetails},
    )  # fmt: skip


@router.post("/indirect/grants", status_code=202)
async def grant_indirect(body: IndirectGrantRequest, sim: Sim, caller: Manager) -> dict[str, str]:
    """An office grants its employee rights for one client, or for all (AllPartners)."""
    target = body.targetIdentifier
    if target is None or target.type == "AllPartners":
        client = Ident("AllPartners", "")
    else:
        client = Ident(target.type, target.value or "")
        delegated = await sim.store.list_grants(client.value, caller.context.value)
        if not any(g.can_delegate for g in delegated):
            return await operation(sim, _refused(
                440, "Operacja niedozwolona dla wskazanych powiązań identyfikatorów",
                f"Podmiot {client.value} nie nadał bieżącemu kontekstowi uprawnień "
                "z prawem do dalszego przekazywania.",
            ))  # fmt: skip
    return await _save(
        sim, caller, "Indirect", body.subjectIdentifier.ident(), list(body.permissions),
        body.description, target=client, details={"subjectDetails": body.subjectDetails},
    )  # fmt: skip


@router.post("/subunits/grants", status_code=202)
async def grant_subunit(
    body: SubunitGrantRequest,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("other", "SubunitManage"))],
) -> dict[str, str]:
    """Make a person the administrator (CredentialsManage) of a subunit or subordinate entity."""
    unit = body.contextIdentifier.ident()
    if unit.type == "InternalId" and unit.value.split("-")[0] != caller.context.value:
        return await operation(sim, _refused(
            410, "Podane identyfikatory są niezgodne lub pozostają w niewłaściwej relacji",
            f"Jednostka {unit.value} nie należy do bieżącego kontekstu.",
        ))  # fmt: skip
    details = {"subjectDetails": body.subjectDetails, "subunitName": body.subunitName}
    return await _save(
        sim, caller, "Subunit", body.subjectIdentifier.ident(), ["CredentialsManage"],
        body.description, target=unit, details=details,
    )  # fmt: skip


@router.post("/authorizations/grants", status_code=202)
async def grant_authorization(
    body: AuthorizationGrantRequest, sim: Sim, caller: Manager
) -> dict[str, str]:
    """Entity authorisations: self-invoicing, RR invoicing, tax representative, PEF."""
    return await _save(
        sim, caller, "Authorization", body.subjectIdentifier.ident(), [body.permission],
        body.description, details={"subjectDetails": body.subjectDetails},
    )  # fmt: skip


@router.post("/eu-entities/administration/grants", status_code=202)
async def grant_eu_admin(body: EuAdminGrantRequest, sim: Sim, caller: Manager) -> dict[str, str]:
    """Make a certificate (by fingerprint) the administrator of an EU entity's context."""
    eu = body.contextIdentifier.ident()
    if eu.value.split("-")[0] != caller.context.value:
        return await operation(sim, _refused(
            410, "Podane identyfikatory są niezgodne lub pozostają w niewłaściwej relacji",
            f"Kontekst {eu.value} nie jest powiązany z bieżącym kontekstem.",
        ))  # fmt: skip
    details = {
        "subjectDetails": body.subjectDetails,
        "euEntityName": body.euEntityName,
        "euEntityDetails": body.euEntityDetails,
    }
    return await _save(
        sim, caller, "EuEntityAdmin", body.subjectIdentifier.ident(), ["VatUeManage"],
        body.description, target=eu, details=details,
    )  # fmt: skip


@router.post("/eu-entities/grants", status_code=202)
async def grant_eu(
    body: EuGrantRequest,
    sim: Sim,
    caller: Annotated[Principal, Depends(access("other", "VatUeManage"))],
) -> dict[str, str]:
    """An EU entity's administrator grants its representatives invoice rights."""
    return await _save(
        sim, caller, "EuEntity", body.subjectIdentifier.ident(), list(body.permissions),
        body.description, details={"subjectDetails": body.subjectDetails},
    )  # fmt: skip
