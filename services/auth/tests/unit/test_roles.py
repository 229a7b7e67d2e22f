"""Which roles an administrator may give, where."""

from __future__ import annotations

from uuid import uuid4

import pytest

from auth.roles import grantable_in_client, grantable_in_own_org
from chassis.tokens import Principal


def _p(kind: str, role: str) -> Principal:
    return Principal(uuid4(), uuid4(), kind, role)


@pytest.mark.parametrize(
    ("kind", "role", "own", "client"),
    [
        ("office", "admin", {"admin", "manager", "employee"}, {"client", "admin"}),
        ("office", "manager", set(), {"client"}),
        ("office", "employee", set(), set()),
        ("company", "owner", {"owner", "admin", "employee"}, set()),
        ("company", "admin", {"admin", "employee"}, set()),
        ("company", "employee", set(), set()),
        ("company", "client", set(), set()),
    ],
)
def test_grantable_roles(kind: str, role: str, own: set[str], client: set[str]) -> None:
    assert grantable_in_own_org(_p(kind, role)) == own
    assert grantable_in_client(_p(kind, role)) == client
