"""Events auth publishes through the outbox, in the caller's transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from auth.domain import Organisation, User
from chassis import outbox
from chassis.db import Conn
from contracts import new_envelope
from contracts.auth import (
    ASSIGNMENT_CHANGED,
    CLIENT_UNLINKED,
    MEMBERSHIP_CHANGED,
    NOTIFICATION_REQUESTED,
    ORG_UPDATED,
    USER_CREATED,
    AssignmentChanged,
    ClientUnlinked,
    MembershipChanged,
    NotificationRequested,
    OrgKind,
    OrgUpdated,
    UserCreated,
)
from contracts.registry import EventSpec

PRODUCER = "auth"


async def _emit(
    conn: Conn, spec: EventSpec, data: Any, *, key: UUID, org: Organisation | None = None
) -> None:
    event = new_envelope(
        spec.event_type,
        spec.version,
        data,
        producer=PRODUCER,
        org_id=org.id if org else None,
        company_nip=org.nip if org and org.kind is OrgKind.company else None,
    )
    await outbox.add(conn, event, key=str(key))


async def user_created(conn: Conn, user_id: UUID, email: str, full_name: str | None) -> None:
    data = UserCreated(user_id=user_id, email=email, full_name=full_name)
    await _emit(conn, USER_CREATED, data, key=user_id)


async def membership_changed(
    conn: Conn,
    user: User,
    org: Organisation,
    role: str | None,
    all_clients: bool = True,
    *,
    suspended: bool = False,
) -> None:
    data = MembershipChanged(
        user_id=user.id,
        org_id=org.id,
        org_kind=org.kind,
        email=user.email,
        full_name=user.full_name,
        role=role,
        all_clients=all_clients,
        suspended=suspended,
    )
    await _emit(conn, MEMBERSHIP_CHANGED, data, key=org.id, org=org)


async def assignment_changed(
    conn: Conn, office_id: UUID, user_id: UUID, company: Organisation, assigned: bool
) -> None:
    data = AssignmentChanged(
        office_id=office_id, user_id=user_id, company_id=company.id, assigned=assigned
    )
    # Keyed by the company, like every other org.* event about it, so they stay in order.
    await _emit(conn, ASSIGNMENT_CHANGED, data, key=company.id, org=company)


async def org_updated(conn: Conn, org: Organisation) -> None:
    data = OrgUpdated(org_id=org.id, name=org.name, address=org.address)
    await _emit(conn, ORG_UPDATED, data, key=org.id, org=org)


async def client_unlinked(conn: Conn, office_id: UUID, company: Organisation) -> None:
    data = ClientUnlinked(office_id=office_id, company_id=company.id)
    await _emit(conn, CLIENT_UNLINKED, data, key=company.id, org=company)


async def notify(
    conn: Conn,
    template: str,
    to: User,
    params: dict[str, str],
    *,
    org: Organisation | None = None,
) -> None:
    """Ask messaging to send an e-mail: the one e-mail path (auth never talks SMTP)."""
    data = NotificationRequested(
        notification_id=uuid4(),
        template=template,
        to_email=to.email,
        to_name=to.full_name,
        params=params,
        user_id=to.id,
        org_id=org.id if org else None,
        category="account",
    )
    await _emit(conn, NOTIFICATION_REQUESTED, data, key=to.id, org=org)
