"""Invitations: new and existing users, accepted and rejected, seen at the next login."""

from __future__ import annotations

import asyncpg
import httpx

PASSWORD = "Kasztan-w-Ogrodzie-42"


async def test_existing_user_sees_invitations_at_login_and_accepts_one_rejects_another(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    invitee = await world.person(await world.office(), "employee")
    company_admin = await world.person(await world.client_of(await world.office()), "admin")
    other_admin = await world.person(await world.office(), "admin")
    sent = await api.post(
        "/invitations",
        json={"email": invitee.email, "role": "employee"},
        headers=company_admin.headers,
    )
    assert sent.status_code == 201, sent.text
    mail = await world.notification(invitee.email, "invitation")
    assert mail["params"]["link"] == "http://localhost:8080/zaproszenia"
    assert mail["params"]["org_name"] == company_admin.org.name
    assert mail["params"]["role"] == "pracownik"
    assert mail["params"]["inviter"] == "Jan Test"
    declined = await api.post(
        "/invitations",
        json={"email": invitee.email, "role": "manager"},
        headers=other_admin.headers,
    )
    login = await world.login(invitee.email)
    pending = {i["org"]["id"]: i["id"] for i in login["pending_invitations"]}
    assert set(pending) == {str(company_admin.org.id), str(other_admin.org.id)}
    headers = world.bearer(login["access_token"])
    accepted = await api.post(
        f"/me/invitations/{pending[str(company_admin.org.id)]}/accept", headers=headers
    )
    assert accepted.status_code == 200
    rejected = await api.post(f"/me/invitations/{declined.json()['id']}/reject", headers=headers)
    assert rejected.status_code == 200
    me = (await api.get("/me", headers=headers)).json()
    assert me["pending_invitations"] == []
    assert {(c["org"]["id"], c["role"]) for c in me["contexts"]} == {
        (str(invitee.org.id), "employee"),
        (str(company_admin.org.id), "employee"),
    }
    again = await api.post(
        f"/me/invitations/{pending[str(company_admin.org.id)]}/accept", headers=headers
    )
    assert again.json()["error"]["code"] == "invitation_not_found"
    membership_events = await pool.fetchval(
        "SELECT count(*) FROM outbox WHERE topic = 'user.membership.changed'"
        " AND payload->'data'->>'email' = $1 AND payload->'data'->>'org_id' = $2",
        invitee.email,
        str(company_admin.org.id),
    )
    assert membership_events == 1
    sent_list = (await api.get("/invitations", headers=other_admin.headers)).json()
    assert [i["status"] for i in sent_list] == ["rejected"]


async def test_a_new_address_is_invited_through_activation(api: httpx.AsyncClient, world) -> None:
    admin = await world.person(await world.office(), "admin")
    address = world.email()
    sent = await api.post(
        "/invitations", json={"email": address, "role": "manager"}, headers=admin.headers
    )
    assert sent.status_code == 201
    mail = await world.notification(address, "invitation")
    token = world.token_of(mail["params"]["link"])
    assert mail["params"]["link"].startswith("http://localhost:8080/aktywacja?token=")
    activated = await api.post("/activation", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 204
    login = await world.login(address)
    assert login["contexts"] == []
    [invitation] = login["pending_invitations"]
    assert invitation["role"] == "manager"
    twice = await api.post(
        "/invitations", json={"email": address, "role": "employee"}, headers=admin.headers
    )
    assert twice.json()["error"]["code"] == "invitation_pending"
    revoked = await api.delete(f"/invitations/{invitation['id']}", headers=admin.headers)
    assert revoked.status_code == 204
    assert (await world.login(address))["pending_invitations"] == []


async def test_office_invites_a_client_person_on_behalf_of_its_client(
    api: httpx.AsyncClient, world
) -> None:
    manager = await world.person(await world.office(), "manager")
    company = await world.client_of(manager.org)
    person = await world.person(await world.office(), "employee")
    sent = await api.post(
        "/invitations",
        json={"email": person.email, "role": "client", "org_id": str(company.id)},
        headers=manager.headers,
    )
    assert sent.status_code == 201, sent.text
    not_client_role = await api.post(
        "/invitations",
        json={"email": world.email(), "role": "admin", "org_id": str(company.id)},
        headers=manager.headers,
    )
    assert not_client_role.json()["error"]["code"] == "role_not_allowed"


async def test_role_change_and_removal_keep_one_admin(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    staff = await world.person(admin.org, "employee")
    last = await api.patch(
        f"/members/{admin.user_id}", json={"role": "manager"}, headers=admin.headers
    )
    assert last.json()["error"]["code"] == "last_admin"
    promoted = await api.patch(
        f"/members/{staff.user_id}", json={"role": "manager"}, headers=admin.headers
    )
    assert promoted.status_code == 204
    members = (await api.get("/members", headers=admin.headers)).json()
    assert {m["user"]["email"]: m["role"] for m in members} == {
        admin.email: "admin",
        staff.email: "manager",
    }
    removed = await api.delete(f"/members/{staff.user_id}", headers=admin.headers)
    assert removed.status_code == 204
    refreshed = await api.post("/token/refresh", json={"refresh_token": staff.refresh_token})
    assert refreshed.json()["context"] is None  # the next token no longer carries the office
    roles = await pool.fetch(
        "SELECT payload->'data'->>'role' AS role FROM outbox"
        " WHERE topic = 'user.membership.changed' AND payload->'data'->>'email' = $1 ORDER BY id",
        staff.email,
    )
    assert [r["role"] for r in roles] == ["employee", "manager", None]


async def test_office_assigns_clients_to_a_limited_employee(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    company = await world.client_of(admin.org)
    other = await world.client_of(admin.org)
    staff = await world.person(admin.org, "employee", all_clients=False)
    put = await api.put(f"/members/{staff.user_id}/clients/{company.id}", headers=admin.headers)
    assert put.status_code == 204
    listed = (await api.get(f"/members/{staff.user_id}/clients", headers=admin.headers)).json()
    assert [c["id"] for c in listed] == [str(company.id)]
    assert (await api.get(f"/organisations/{company.id}", headers=staff.headers)).status_code == 200
    hidden = await api.get(f"/organisations/{other.id}", headers=staff.headers)
    assert hidden.json()["error"]["code"] == "company_not_found"
    event = await pool.fetchval(
        "SELECT payload FROM outbox WHERE topic = 'org.assignment.changed'"
        " AND payload->'data'->>'user_id' = $1",
        str(staff.user_id),
    )
    assert event["data"]["assigned"] is True
    assert event["data"]["company_id"] == str(company.id)


async def test_admin_renames_the_organisation_and_an_event_carries_it(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    body = {"name": "Biuro Nowa Nazwa", "address": "ul. Prosta 1, 00-001 Warszawa"}
    response = await api.put(f"/organisations/{admin.org.id}", json=body, headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["address"] == body["address"]
    event = await pool.fetchval(
        "SELECT payload FROM outbox WHERE topic = 'org.updated'"
        " AND payload->'data'->>'org_id' = $1",
        str(admin.org.id),
    )
    assert event["data"]["name"] == "Biuro Nowa Nazwa"
