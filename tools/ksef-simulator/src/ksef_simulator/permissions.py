"""Who may do what in which context: the owner rule of TEST plus every kind of grant."""

from .domain import Ident, PermissionGrant
from .store import Store
from .testdata import TestData

# Owner holds every person permission except VatUeManage (notes §4).
OWNER_PERMISSIONS = frozenset(
    {
        "InvoiceRead",
        "InvoiceWrite",
        "CredentialsRead",
        "CredentialsManage",
        "SubunitManage",
        "Introspection",
        "EnforcementOperations",
    }
)


def is_owner(subject: Ident, context: Ident, testdata: TestData | None = None) -> bool:
    """On TEST a subject whose certificate NIP equals the context NIP is its Owner; so is the
    person whose PESEL `/testdata/person` linked to that NIP (notes §4)."""
    if context.type == "Nip":
        nip = context.value
    elif context.type == "InternalId":
        nip = context.value.split("-")[0]
    else:
        return False
    if subject.type == "Nip":
        return subject.value == nip
    return (
        subject.type == "Pesel"
        and testdata is not None
        and nip in testdata.person_owner(subject.value)
    )


# Grant kinds that give a person permissions in the context the grant names.
_IN_OWN_CONTEXT = {"Person", "EuEntity"}
_IN_TARGET_CONTEXT = {"Subunit", "EuEntityAdmin"}


async def effective_permissions(
    store: Store, subject: Ident, context: Ident, testdata: TestData | None = None
) -> frozenset[str]:
    """What `subject` may do in `context`: owner, entity, person, subunit/EU and indirect grants."""
    if is_owner(subject, context, testdata):
        return OWNER_PERMISSIONS
    held: set[str] = set()
    if subject.type == "Nip":
        entity = await store.list_grants(context_value=context.value, subject_nip=subject.value)
        held.update(g.permission for g in entity)
    for grant in await store.list_permission_grants(subject_value=subject.value):
        if grant.subject.type != subject.type:
            continue
        if await _applies(store, grant, context):
            held.add(grant.permission)
    return frozenset(held)


async def _applies(store: Store, grant: PermissionGrant, context: Ident) -> bool:
    if grant.kind in _IN_OWN_CONTEXT:
        return grant.context == context
    if grant.kind in _IN_TARGET_CONTEXT:
        return grant.target == context
    return grant.kind == "Indirect" and await _indirect_applies(store, grant, context)


async def _indirect_applies(store: Store, grant: PermissionGrant, client: Ident) -> bool:
    """An office employee's grant works in a client's context only while that client has
    granted the office this right with canDelegate (KSeF 2.0 has no other inheritance)."""
    target = grant.target
    if target is not None and target.type != "AllPartners" and target != client:
        return False
    office = grant.context.value
    delegated = await store.list_grants(context_value=client.value, subject_nip=office)
    return any(g.permission == grant.permission and g.can_delegate for g in delegated)
