"""TEST-environment helpers `/testdata/*` (notes §1): test subjects, persons, ZAW-FA grants,
attachment consent and context blocking.

The records live in `TestData` (`sim.testdata`). ZAW-FA grants of InvoiceRead/InvoiceWrite to a
NIP become ordinary entity grants, so they take part in logins at once. Limits and rate-limit
overrides (`/testdata/limits/*`, `/testdata/rate-limits*`) belong with the rate limiter.
"""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field, StrictBool

from .domain import EntityGrant, Ident
from .errors import KsefError
from .security import ip_limit, public_limit
from .simulator import Simulator, get_sim
from .testdata import Person, TestSubject
from .wire import JsonDate, JsonDateTime

router = APIRouter(prefix="/testdata", tags=["Dane testowe"])
Public = [Depends(public_limit)]
# Blocking is in the "other" group (10/30/120, spec x-rate-limits), counted per client IP.
Other = [Depends(ip_limit("other"))]
Sim = Annotated[Simulator, Depends(get_sim)]
NIP = r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$"
PESEL = r"^\d{2}(?:0[1-9]|1[0-2]|2[1-9]|3[0-2]|4[1-9]|5[0-2]|6[1-9]|7[0-2]|8[1-9]|9[0-2])\d{7}$"
Description = Annotated[str, Field(min_length=5, max_length=256)]
EntityRights = {"InvoiceRead", "InvoiceWrite"}


class Subunit(BaseModel):
    subjectNip: str = Field(pattern=NIP)
    description: Description


class SubjectCreate(BaseModel):
    subjectNip: str = Field(pattern=NIP)
    subjectType: Literal["EnforcementAuthority", "VatGroup", "JST"]
    subunits: list[Subunit] | None = None
    description: Description
    createdDate: JsonDateTime | None = None


class NipOnly(BaseModel):
    nip: str = Field(pattern=NIP)


class AttachmentRevoke(NipOnly):
    expectedEndDate: JsonDate | None = None


class SubjectRemove(BaseModel):
    subjectNip: str = Field(pattern=NIP)


class PersonCreate(BaseModel):
    nip: str = Field(pattern=NIP)
    pesel: str = Field(pattern=PESEL)
    isBailiff: StrictBool
    isDeceased: StrictBool = False
    description: Description
    createdDate: JsonDateTime | None = None


class ContextId(BaseModel):
    type: Literal["Nip"]
    value: str = Field(min_length=10, max_length=10)


class AuthorizedId(BaseModel):
    type: Literal["Nip", "Pesel", "Fingerprint"]
    value: str = Field(min_length=10, max_length=64)


class Permission(BaseModel):
    description: Description
    permissionType: Literal[
        "InvoiceRead", "InvoiceWrite", "Introspection", "CredentialsRead",
        "CredentialsManage", "EnforcementOperations", "SubunitManage",
    ]  # fmt: skip


class PermissionsGrant(BaseModel):
    contextIdentifier: ContextId
    authorizedIdentifier: AuthorizedId
    permissions: list[Permission]


class PermissionsRevoke(BaseModel):
    contextIdentifier: ContextId
    authorizedIdentifier: AuthorizedId


class AuthContext(BaseModel):
    type: Literal["Nip", "InternalId", "NipVatUe", "PeppolId"]
    value: str


class ContextBlock(BaseModel):
    contextIdentifier: AuthContext | None = None


def _ok() -> Response:
    return Response(status_code=200)


@router.post("/subject", dependencies=Public)
async def create_subject(body: SubjectCreate, sim: Sim) -> Response:
    """Create a VAT group, JST or enforcement authority, with its subunits."""
    units = [u.subjectNip for u in body.subunits or []]
    sim.testdata.subjects[body.subjectNip] = TestSubject(
        body.subjectNip, body.subjectType, units, body.description, sim.clock.now()
    )
    return _ok()


@router.post("/subject/remove", dependencies=Public)
async def remove_subject(body: SubjectRemove, sim: Sim) -> Response:
    """Remove a test subject and its subunits."""
    sim.testdata.subjects.pop(body.subjectNip, None)
    return _ok()


@router.post("/person", dependencies=Public)
async def create_person(body: PersonCreate, sim: Sim) -> Response:
    """Create a person (PESEL) who is the owner of `nip` (a bailiff also gets enforcement)."""
    sim.testdata.persons[body.nip] = Person(
        body.nip, body.pesel, body.isBailiff, body.isDeceased, body.description
    )
    return _ok()


@router.post("/person/remove", dependencies=Public)
async def remove_person(body: NipOnly, sim: Sim) -> Response:
    """Remove a test person."""
    sim.testdata.persons.pop(body.nip, None)
    return _ok()


@router.post("/permissions", dependencies=Public)
async def grant_permissions(body: PermissionsGrant, sim: Sim) -> Response:
    """Simulate a ZAW-FA grant (as filed at a tax office) in `contextIdentifier`."""
    context, who = body.contextIdentifier.value, body.authorizedIdentifier
    rights = {p.permissionType: p.description for p in body.permissions}
    sim.testdata.grant(context, Ident(who.type, who.value), set(rights))
    if who.type == "Nip":
        held = {g.permission for g in await sim.store.list_grants(context, who.value)}
        for right in sorted((set(rights) & EntityRights) - held):
            grant = EntityGrant(
                str(uuid.uuid4()), Ident("Nip", context), who.value, right, False,
                rights[right], who.value, sim.clock.now(),
            )  # fmt: skip
            await sim.store.save_grant(grant)
    return _ok()


@router.post("/permissions/revoke", dependencies=Public)
async def revoke_permissions(body: PermissionsRevoke, sim: Sim) -> Response:
    """Withdraw every ZAW-FA grant of `authorizedIdentifier` in `contextIdentifier`."""
    context, who = body.contextIdentifier.value, body.authorizedIdentifier
    sim.testdata.revoke(context, Ident(who.type, who.value))
    if who.type == "Nip":
        for grant in await sim.store.list_grants(context, who.value):
            await sim.store.delete_grant(grant.id)
    return _ok()


@router.post("/attachment", dependencies=Public)
async def allow_attachments(body: NipOnly, sim: Sim) -> Response:
    """Allow `nip` to send invoices with attachments (Zalacznik)."""
    sim.testdata.attachments.add(body.nip)
    return _ok()


@router.post("/attachment/revoke", dependencies=Public)
async def revoke_attachments(body: AttachmentRevoke, sim: Sim) -> Response:
    """Withdraw the consent to send invoices with attachments."""
    sim.testdata.attachments.discard(body.nip)
    return _ok()


def _context(body: ContextBlock) -> Ident:
    if body.contextIdentifier is None:
        raise KsefError(21405, "Błąd walidacji danych wejściowych.", "Brak contextIdentifier.")
    return Ident(body.contextIdentifier.type, body.contextIdentifier.value)


@router.post("/context/block", dependencies=Other)
async def block_context(body: ContextBlock, sim: Sim) -> Response:
    """Block authentication in a context (logins then end with status 480)."""
    sim.testdata.blocked.add(_context(body))
    return _ok()


@router.post("/context/unblock", dependencies=Other)
async def unblock_context(body: ContextBlock, sim: Sim) -> Response:
    """Unblock authentication in a context."""
    sim.testdata.blocked.discard(_context(body))
    return _ok()
