"""Who may do what: roles per kind of organisation, and which roles a manager may grant."""

from __future__ import annotations

from chassis.tokens import Principal
from contracts.auth import OrgKind

OFFICE_ROLES = frozenset({"admin", "manager", "employee"})
COMPANY_ROLES = frozenset({"owner", "admin", "employee", "client"})
# Roles that manage their own organisation's people, audit log and data.
ORG_ADMINS = {OrgKind.office: frozenset({"admin"}), OrgKind.company: frozenset({"owner", "admin"})}
# Office roles that take on client companies and give their people access.
OFFICE_CLIENT_MANAGERS = frozenset({"admin", "manager"})

ROLE_NAMES_PL = {
    "admin": "administrator",
    "manager": "kierownik",
    "employee": "pracownik",
    "owner": "właściciel",
    "client": "klient",
}


def valid_roles(kind: OrgKind) -> frozenset[str]:
    return OFFICE_ROLES if kind is OrgKind.office else COMPANY_ROLES


def is_org_admin(principal: Principal) -> bool:
    return principal.role in ORG_ADMINS[OrgKind(principal.org_kind)]


def grantable_in_own_org(principal: Principal) -> frozenset[str]:
    """Roles an administrator may give in their own organisation (owner only by an owner)."""
    if not is_org_admin(principal):
        return frozenset()
    if principal.is_office:
        return OFFICE_ROLES
    if principal.role == "owner":
        return frozenset({"owner", "admin", "employee"})
    return frozenset({"admin", "employee"})


def grantable_in_client(principal: Principal) -> frozenset[str]:
    """Roles office staff may give in a client company: `client` (the company's person the
    office works with); the office administrator also onboards the company's own `admin`."""
    if not principal.is_office or principal.role not in OFFICE_CLIENT_MANAGERS:
        return frozenset()
    return frozenset({"client", "admin"}) if principal.role == "admin" else frozenset({"client"})
