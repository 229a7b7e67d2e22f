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
    address: str | None = Field(default=None, max_length=1024, description="Postal address.")


class OrgUpdated(EventData):
    """An organisation's descriptive data changed."""

    org_id: UUID
    name: str = Field(min_length=1, max_length=512)
    address: str | None = Field(default=None, max_length=1024, description="Postal address.")


class ClientLinked(EventData):
    """An office now serves a company (its staff may act on the company's data)."""

    office_id: UUID
    company_id: UUID


class ClientUnlinked(EventData):
    """An office no longer serves a company; its staff lose access to the company's data."""

    office_id: UUID
    company_id: UUID


class AssignmentChanged(EventData):
    """An office user limited to assigned clients gained or lost one client company."""

    office_id: UUID
    user_id: UUID
    company_id: UUID
    assigned: bool = Field(description="True: the user may now act on the company.")


class UserCreated(EventData):
    """A user account exists (not necessarily activated yet)."""

    user_id: UUID
    email: str = Field(max_length=320, description="Lower-cased e-mail, the login.")
    full_name: str | None = Field(default=None, max_length=256)


class MembershipChanged(EventData):
    """A user's membership in an organisation was granted, changed or ended.

    `role` is None when the membership ended. Consumers keep a read model of who belongs where
    (messaging uses it to address e-mails)."""

    user_id: UUID
    org_id: UUID
    org_kind: OrgKind
    email: str = Field(max_length=320)
    full_name: str | None = Field(default=None, max_length=256)
    role: str | None = Field(
        default=None, description="admin | manager | employee | owner | client; None: removed."
    )
    all_clients: bool = Field(
        default=True, description="Office users: False when limited to assigned clients."
    )
    suspended: bool = Field(
        default=False,
        description="True while an administrator suspended the membership: consumers treat it"
        " like a removed one (no access, no e-mails) until an event with False arrives.",
    )


class NotificationRequested(EventData):
    """Someone must be told something by e-mail; messaging renders `template` and sends it.

    The one path for e-mail in the system: producers never talk SMTP themselves."""

    notification_id: UUID = Field(description="Idempotency key: one e-mail per id, ever.")
    template: str = Field(
        description="Template name, e.g. activation, invitation, password_reset, tax_due.",
        examples=["activation"],
    )
    to_email: str = Field(max_length=320)
    to_name: str | None = Field(default=None, max_length=256)
    params: dict[str, str] = Field(
        default_factory=dict, description="Values the template shows (links, names, amounts)."
    )
    user_id: UUID | None = Field(default=None, description="Recipient's account, if any.")
    org_id: UUID | None = None
    category: str = Field(
        default="account",
        description="account (always sent) or a preference key the user can switch off.",
    )


ORG_CREATED = register(EventSpec("org.created", 1, OrgCreated, OrgCreated.__doc__ or ""))
ORG_UPDATED = register(EventSpec("org.updated", 1, OrgUpdated, OrgUpdated.__doc__ or ""))
CLIENT_LINKED = register(
    EventSpec("org.client.linked", 1, ClientLinked, ClientLinked.__doc__ or "")
)
CLIENT_UNLINKED = register(
    EventSpec("org.client.unlinked", 1, ClientUnlinked, ClientUnlinked.__doc__ or "")
)
ASSIGNMENT_CHANGED = register(
    EventSpec("org.assignment.changed", 1, AssignmentChanged, AssignmentChanged.__doc__ or "")
)
USER_CREATED = register(EventSpec("user.created", 1, UserCreated, UserCreated.__doc__ or ""))
MEMBERSHIP_CHANGED = register(
    EventSpec("user.membership.changed", 1, MembershipChanged, MembershipChanged.__doc__ or "")
)
NOTIFICATION_REQUESTED = register(
    EventSpec(
        "notification.requested", 1, NotificationRequested, NotificationRequested.__doc__ or ""
    )
)
