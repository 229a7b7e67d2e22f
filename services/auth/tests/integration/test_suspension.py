"""An administrator suspends a member's access to the organisation, and lifts it again."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import httpx

from auth import seed

SEEDED_PASSWORD = "Kasztan-w-Ogrodzie-42"


async def membership_events(pool: asyncpg.Pool, user_id: UUID, org_id: UUID) -> list[Any]:
    rows = await pool.fetch(
        "SELECT payload->'data' AS data FROM outbox WHERE topic = 'user.membership.changed'"
        " AND payload->'data'->>'user_id' = $1 AND payload->'data'->>'org_id' = $2 ORDER BY id",
        str(user_id),
        str(org_id),
    )
    return [(r["data"]["role"], r["data"]["suspended"]) for r in rows]


async def audit_actions(pool: asyncpg.Pool, user_id: UUID) -> list[str]:
    rows = await pool.fetch(
        "SELECT action FROM audit_log WHERE user_id = $1 AND action LIKE 'member.%' ORDER BY id",
        user_id,
    )
    return [r["action"] for r in rows]


async def test_a_suspended_member_loses_the_context_and_gets_it_back(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    office = await world.office()
    admin = await world.person(office, "admin")
    employee = await world.person(office, "employee")
    path = f"/members/{employee.user_id}/suspension"

    assert (await api.put(path, headers=admin.headers)).status_code == 204
    # The session working in the organisation ended: auth refuses it at once, refresh too.
    me = await api.get("/me", headers=employee.headers)
    assert me.json()["error"]["code"] == "session_ended"
    refreshed = await api.post("/token/refresh", json={"refresh_token": employee.refresh_token})
    assert refreshed.json()["error"]["code"] == "invalid_refresh_token"
    # Logging into the organisation is refused with a clear code; the account itself works.
    refused = await api.post(
        "/login",
        json={"email": employee.email, "password": SEEDED_PASSWORD, "org_id": str(office.id)},
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "membership_suspended"
    plain = await world.login(employee.email)
    assert [(c["org"]["id"], c["suspended"]) for c in plain["contexts"]] == [(str(office.id), True)]
    chosen = await api.post(
        "/context", json={"org_id": str(office.id)}, headers=world.bearer(plain["access_token"])
    )
    assert chosen.json()["error"]["code"] == "membership_suspended"
    listed = (await api.get("/members", headers=admin.headers)).json()
    assert {m["user"]["id"]: m["suspended"] for m in listed}[str(employee.user_id)] is True

    assert (await api.delete(path, headers=admin.headers)).status_code == 204
    back = await world.login(employee.email, org_id=office.id)
    assert back["context"]["org"]["id"] == str(office.id)
    assert await membership_events(pool, employee.user_id, office.id) == [
        ("employee", False),
        ("employee", True),
        ("employee", False),
    ]
    assert await audit_actions(pool, employee.user_id) == [
        "member.seeded",
        "member.suspended",
        "member.reactivated",
    ]
    audit = (await api.get("/audit", headers=admin.headers)).json()["items"]
    [entry] = [e for e in audit if e["action"] == "member.suspended"]
    assert (entry["actor_id"], entry["details"]["sessions_ended"]) == (str(admin.user_id), 1)


async def test_suspending_twice_or_lifting_nothing_changes_nothing(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    office = await world.office()
    admin = await world.person(office, "admin")
    employee = await world.person(office, "employee")
    path = f"/members/{employee.user_id}/suspension"
    assert (await api.delete(path, headers=admin.headers)).status_code == 204
    assert (await api.put(path, headers=admin.headers)).status_code == 204
    assert (await api.put(path, headers=admin.headers)).status_code == 204
    assert await membership_events(pool, employee.user_id, office.id) == [
        ("employee", False),
        ("employee", True),
    ]


async def test_other_organisations_of_the_member_are_not_affected(
    api: httpx.AsyncClient, world
) -> None:
    office = await world.office()
    admin = await world.person(office, "admin")
    company = await world.client_of(office)
    person = await world.person(company, "client")
    await seed.ensure_member(
        world.pool, office, person.email, "Jan Test", "employee", SEEDED_PASSWORD
    )
    in_office = await world.login(person.email, org_id=office.id)
    suspended = await api.put(
        f"/members/{person.user_id}/suspension",
        params={"org_id": str(company.id)},
        headers=admin.headers,
    )
    assert suspended.status_code == 204
    assert (await api.get("/me", headers=person.headers)).status_code == 401
    still = await api.get("/me", headers=world.bearer(in_office["access_token"]))
    assert still.status_code == 200
    refreshed = await api.post("/token/refresh", json={"refresh_token": in_office["refresh_token"]})
    assert refreshed.status_code == 200


async def test_a_suspended_member_keeps_the_suspension_through_a_role_change(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    office = await world.office()
    admin = await world.person(office, "admin")
    employee = await world.person(office, "employee")
    await api.put(f"/members/{employee.user_id}/suspension", headers=admin.headers)
    changed = await api.patch(
        f"/members/{employee.user_id}", json={"role": "manager"}, headers=admin.headers
    )
    assert changed.status_code == 204
    assert (await membership_events(pool, employee.user_id, office.id))[-1] == ("manager", True)
    refused = await api.post(
        "/login",
        json={"email": employee.email, "password": SEEDED_PASSWORD, "org_id": str(office.id)},
    )
    assert refused.json()["error"]["code"] == "membership_suspended"


async def test_nobody_suspends_themselves_or_the_last_acting_admin(
    api: httpx.AsyncClient, world
) -> None:
    office = await world.office()
    admin = await world.person(office, "admin")
    own = await api.put(f"/members/{admin.user_id}/suspension", headers=admin.headers)
    assert (own.status_code, own.json()["error"]["code"]) == (409, "cannot_suspend_self")
    company = await world.client_of(office)
    company_admin = await world.person(company, "admin")
    last = await api.put(
        f"/members/{company_admin.user_id}/suspension",
        params={"org_id": str(company.id)},
        headers=admin.headers,
    )
    assert (last.status_code, last.json()["error"]["code"]) == (409, "last_admin")


async def test_only_someone_who_may_give_the_role_may_suspend_it(
    api: httpx.AsyncClient, world
) -> None:
    office = await world.office()
    manager = await world.person(office, "manager")
    company = await world.client_of(office)
    owner = await world.person(company, "owner")
    company_admin = await world.person(company, "admin")
    client = await world.person(company, "client")
    params = {"org_id": str(company.id)}
    # An office manager looks after the company's `client` people, not its administrators.
    by_manager = await api.put(
        f"/members/{company_admin.user_id}/suspension", params=params, headers=manager.headers
    )
    assert by_manager.json()["error"]["code"] == "role_not_allowed"
    ok = await api.put(
        f"/members/{client.user_id}/suspension", params=params, headers=manager.headers
    )
    assert ok.status_code == 204
    # A company admin cannot suspend the owner; the owner can suspend the admin.
    up = await api.put(f"/members/{owner.user_id}/suspension", headers=company_admin.headers)
    assert (up.status_code, up.json()["error"]["code"]) == (403, "role_not_allowed")
    down = await api.put(f"/members/{company_admin.user_id}/suspension", headers=owner.headers)
    assert down.status_code == 204
    # An employee manages nobody.
    employee = await world.person(office, "employee")
    target = await world.person(office, "employee")
    denied = await api.put(f"/members/{target.user_id}/suspension", headers=employee.headers)
    assert denied.status_code == 403
    missing = await api.put(f"/members/{employee.user_id}/suspension", headers=owner.headers)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "member_not_found")
