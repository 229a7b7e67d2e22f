"""Who may do what in which context: owner rule of TEST plus entity grants."""

from .domain import Ident
from .store import Store

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


def is_owner(subject: Ident, context: Ident) -> bool:
    """On TEST a subject whose certificate NIP equals the context NIP is its Owner."""
    if subject.type != "Nip":
        return False
    if context.type == "Nip":
        return subject.value == context.value
    return context.type == "InternalId" and context.value.split("-")[0] == subject.value


async def effective_permissions(store: Store, subject: Ident, context: Ident) -> frozenset[str]:
    if is_owner(subject, context):
        return OWNER_PERMISSIONS
    if subject.type != "Nip":
        return frozenset()
    grants = await store.list_grants(context_value=context.value, subject_nip=subject.value)
    return frozenset(g.permission for g in grants)
