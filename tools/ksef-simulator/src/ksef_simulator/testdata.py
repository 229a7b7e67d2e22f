"""State of the TEST-environment helpers (`/testdata/*`), read by the rest of the simulator.

`attachments_allowed(nip)`, `is_blocked(context)`, `person_owner(pesel)` and `zaw_fa_rights`
are the questions session processing and authentication can ask.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .domain import Ident


@dataclass
class TestSubject:
    nip: str
    kind: str  # EnforcementAuthority | VatGroup | JST
    subunits: list[str]
    description: str
    created: datetime


@dataclass
class Person:
    nip: str
    pesel: str
    is_bailiff: bool
    is_deceased: bool
    description: str


@dataclass
class TestData:
    subjects: dict[str, TestSubject] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)  # by NIP
    # (context NIP, authorized identifier) -> rights granted through "ZAW-FA"
    zaw_fa: dict[tuple[str, Ident], set[str]] = field(default_factory=dict)
    attachments: set[str] = field(default_factory=set)
    blocked: set[Ident] = field(default_factory=set)

    def grant(self, context_nip: str, who: Ident, rights: set[str]) -> None:
        self.zaw_fa.setdefault((context_nip, who), set()).update(rights)

    def revoke(self, context_nip: str, who: Ident) -> None:
        self.zaw_fa.pop((context_nip, who), None)

    def zaw_fa_rights(self, context_nip: str, who: Ident) -> set[str]:
        return set(self.zaw_fa.get((context_nip, who), set()))

    def attachments_allowed(self, nip: str) -> bool:
        return nip in self.attachments

    def is_blocked(self, context: Ident) -> bool:
        return context in self.blocked

    def person_owner(self, pesel: str) -> list[str]:
        """NIPs whose owner is the person with `pesel`."""
        return [p.nip for p in self.persons.values() if p.pesel == pesel]
