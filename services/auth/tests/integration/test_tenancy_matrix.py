"""Every context endpoint × every kind of caller: only the right role of the right
organisation reads or changes office A's data; every refusal leaves the database untouched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from auth import invitations
from auth import users_repo as urepo
from chassis.tokens import Principal

ACTORS = ["a_admin", "a_manager", "a_employee", "ca_admin", "ca_client", "b_admin", "cb_admin"]


@dataclass
class Case:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict[str, Any] | None = None


def case(method: str, path: str, allowed: str, body: dict[str, Any] | None = None) -> Case:
    return Case(method, path, frozenset(allowed.split()), body)


MANAGERS = "a_admin a_manager"
CASES = {
    "list clients": case("GET", "/clients", MANAGERS),
    "add existing client": case(
        "POST", "/clients", MANAGERS, {"clients": [{"nip": "{nip}", "name": "X"}]}
    ),
    "unlink client": case("DELETE", "/clients/{company}", "a_admin"),
    "read client": case("GET", "/organisations/{company}", MANAGERS),
    "change client": case("PUT", "/organisations/{company}", MANAGERS, {"name": "Zmiana"}),
    "read office": case("GET", "/organisations/{office}", "a_admin a_manager a_employee"),
    "change office": case("PUT", "/organisations/{office}", "a_admin", {"name": "Zmiana"}),
    "create staff": case(
        "POST",
        "/members",
        "a_admin",
        {"email": "{email}", "full_name": "N", "role": "employee", "org_id": "{office}"},
    ),
    "create client person": case(
        "POST",
        "/members",
        MANAGERS,
        {"email": "{email}", "full_name": "N", "role": "client", "org_id": "{company}"},
    ),
    "list staff": case("GET", "/members", MANAGERS),
    "list client people": case("GET", "/members?org_id={company}", MANAGERS),
    "change role": case("PATCH", "/members/{staff}", "a_admin", {"role": "manager"}),
    "remove member": case("DELETE", "/members/{staff}", "a_admin"),
    "suspend member": case("PUT", "/members/{staff}/suspension", "a_admin"),
    "lift suspension": case("DELETE", "/members/{staff}/suspension", "a_admin"),
    "suspend client person": case(
        "PUT", "/members/{client_person}/suspension?org_id={company}", MANAGERS
    ),
    "read assignments": case("GET", "/members/{staff}/clients", MANAGERS),
    "assign": case("PUT", "/members/{staff}/clients/{company}", MANAGERS),
    "unassign": case("DELETE", "/members/{staff}/clients/{assigned}", MANAGERS),
    "invite": case(
        "POST",
        "/invitations",
        "a_admin",
        {"email": "{email}", "role": "employee", "org_id": "{office}"},
    ),
    "list invitations": case("GET", "/invitations", "a_admin"),
    "revoke invitation": case("DELETE", "/invitations/{invitation}", "a_admin"),
    "read audit": case("GET", "/audit", "a_admin"),
}


@pytest.fixture(scope="module")
async def actors(world) -> dict[str, Any]:
    office_a, office_b = await world.office(), await world.office()
    company_a, company_b = await world.client_of(office_a), await world.client_of(office_b)
    return {
        "office": office_a,
        "a_admin": await world.person(office_a, "admin"),
        "a_manager": await world.person(office_a, "manager"),
        "a_employee": await world.person(office_a, "employee", all_clients=False),
        "ca_admin": await world.person(company_a, "admin"),
        "ca_client": await world.person(company_a, "client"),
        "b_admin": await world.person(office_b, "admin"),
        "cb_admin": await world.person(company_b, "admin"),
    }


async def _targets(pool: asyncpg.Pool, world, actors: dict[str, Any]) -> dict[str, str]:
    """Fresh data of office A for one case: a client, a staff member, an invitation."""
    office = actors["office"]
    company = await world.client_of(office)
    assigned = await world.client_of(office)
    staff_id = uuid4()  # a pending account is enough, and skips Argon2's deliberate cost
    async with pool.acquire() as conn:
        await urepo.insert_user(conn, staff_id, world.email(), "Cel")
        await urepo.upsert_membership(conn, staff_id, office.id, "employee", False)
        client_person = uuid4()
        await urepo.insert_user(conn, client_person, world.email(), "Klient")
        await urepo.upsert_membership(conn, client_person, company.id, "client", True)
    operator = Principal(actors["a_admin"].user_id, office.id, "office", "admin")
    await pool.execute(
        "INSERT INTO assignments (office_id, user_id, company_id) VALUES ($1, $2, $3)",
        office.id,
        staff_id,
        assigned.id,
    )
    invitation = await invitations.invite(pool, world.settings, operator, world.email(), "employee")
    return {
        "office": str(office.id),
        "company": str(company.id),
        "nip": company.nip,
        "assigned": str(assigned.id),
        "staff": str(staff_id),
        "client_person": str(client_person),
        "invitation": str(invitation.id),
        "email": world.email(),
    }


async def _fingerprint(pool: asyncpg.Pool) -> tuple[Any, ...]:
    tables = ["organisations", "memberships", "assignments", "invitations", "office_clients"]
    digests = [
        await pool.fetchval(
            f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {t} t"
        )
        for t in tables
    ]
    counts = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM outbox) o, (SELECT count(*) FROM audit_log) a"
    )
    return (*digests, counts["o"], counts["a"])


def _fill(value: Any, targets: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**targets)
    if isinstance(value, dict):
        return {k: _fill(v, targets) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, targets) for v in value]
    return value


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", list(CASES))
async def test_only_the_right_role_of_the_right_org_gets_through(
    api: httpx.AsyncClient, pool: asyncpg.Pool, world, actors: dict[str, Any], name: str, actor: str
) -> None:
    spec = CASES[name]
    targets = await _targets(pool, world, actors)
    before = await _fingerprint(pool)
    response = await api.request(
        spec.method,
        _fill(spec.path, targets),
        json=_fill(spec.body, targets),
        headers=actors[actor].headers,
    )
    secret_ids = [
        targets[k] for k in ("company", "staff", "invitation", "assigned", "client_person")
    ]
    if actor in spec.allowed:
        assert response.status_code < 300, response.text
        return
    leaked = [i for i in secret_ids if i in response.text]
    if response.status_code == 200 and spec.method == "GET":
        assert leaked == [], f"{actor} read office A's data through {name}"
    else:
        assert response.status_code in (403, 404, 409), response.text
        assert response.json()["error"]["code"]
    assert await _fingerprint(pool) == before, f"{actor} changed state through {name}"
