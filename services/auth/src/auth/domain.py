"""Organisations and the office-client link. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from chassis.errors import Conflict, Forbidden, InvalidInput
from contracts.auth import OrgKind

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


class InvalidNip(InvalidInput):
    code = "invalid_nip"
    message = "Nieprawidłowy NIP: wymagane 10 cyfr z poprawną sumą kontrolną."


class OrganisationExists(Conflict):
    code = "organisation_exists"
    message = "Organizacja o tym NIP już istnieje."


class ClientOfAnotherOffice(Conflict):
    code = "client_of_another_office"
    message = "Ta firma jest już klientem innego biura rachunkowego."


class NotAnOffice(Forbidden):
    code = "not_an_office"
    message = "Tę operację może wykonać tylko biuro rachunkowe."


def normalise_nip(raw: str) -> str:
    """Accept `123-456-32-18`, ` 1234563218`, `PL1234563218`; return ten digits or raise."""
    digits = raw.strip().upper().removeprefix("PL").replace("-", "").replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise InvalidNip(details={"nip": raw})
    checksum = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=False)) % 11
    if checksum == 10 or checksum != int(digits[9]):
        raise InvalidNip(details={"nip": raw})
    return digits


@dataclass(frozen=True)
class Organisation:
    id: UUID
    kind: OrgKind
    nip: str
    name: str
    address: str | None = None


@dataclass(frozen=True)
class NewClient:
    nip: str
    name: str
    address: str | None = None


@dataclass(frozen=True)
class ClientAdded:
    company: Organisation
    created: bool  # False when an existing company was linked


@dataclass(frozen=True)
class User:
    id: UUID
    email: str
    full_name: str | None
    status: str  # pending | active | disabled
    password_hash: str | None
    totp_enabled: bool
    totp_secret: str | None


@dataclass(frozen=True)
class Membership:
    """A user's role in one organisation, with what the context picker shows."""

    user_id: UUID
    org: Organisation
    role: str
    all_clients: bool
    suspended: bool = False


@dataclass(frozen=True)
class Invitation:
    id: UUID
    org: Organisation
    email: str
    role: str
    all_clients: bool
    invited_by: UUID | None
    inviter_name: str | None
    status: str
    expires_at: datetime


@dataclass(frozen=True)
class Session:
    id: UUID
    user_id: UUID
    org_id: UUID | None
    user_agent: str | None
    ip: str | None
    created_at: datetime
    last_used_at: datetime
