"""Accounts end to end inside auth: create, activate, log in, pick a context, refresh, log out."""

from __future__ import annotations

import asyncpg
import httpx
import jwt

from chassis.testing import TokenFactory

NEW_PASSWORD = "Zielona-Herbata-z-Miodem"


async def _create_and_activate(api: httpx.AsyncClient, world, admin, role: str, **extra) -> str:
    address = world.email()
    body = {"email": address.upper(), "full_name": "Ewa Kowalska", "role": role, **extra}
    created = await api.post("/members", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.json()["user"]["status"] == "pending"
    mail = await world.notification(address, "activation")
    assert mail["params"]["link"].startswith("http://localhost:8080/aktywacja?token=")
    assert mail["params"]["full_name"] == "Ewa Kowalska"
    token = world.token_of(mail["params"]["link"])
    seen = await api.get("/activation", params={"token": token})
    assert seen.json() == {"email": address, "full_name": "Ewa Kowalska"}
    done = await api.post("/activation", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 204, done.text
    return address


async def test_admin_creates_an_employee_who_activates_and_logs_in(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    admin = await world.person(await world.office(), "admin")
    address = await _create_and_activate(api, world, admin, "employee", all_clients=False)
    login = await world.login(address, NEW_PASSWORD)
    assert login["context"] is None
    assert [(c["org"]["id"], c["role"]) for c in login["contexts"]] == [
        (str(admin.org.id), "employee")
    ]
    # The account token works for auth only: other services need `rachmistrz` and an org.
    with_account = world.bearer(login["access_token"])
    assert (await api.get("/clients", headers=with_account)).json()["error"]["code"] == (
        "context_required"
    )
    chosen = await api.post("/context", json={"org_id": str(admin.org.id)}, headers=with_account)
    assert chosen.status_code == 200, chosen.text
    claims = jwt.decode(
        chosen.json()["access_token"],
        tokens.public_pem,
        algorithms=["ES256"],
        audience="rachmistrz",
    )
    assert (claims["org"], claims["org_kind"], claims["role"], claims["clients"]) == (
        str(admin.org.id),
        "office",
        "employee",
        "assigned",
    )
    events = await pool.fetch(
        "SELECT topic FROM outbox WHERE payload->'data'->>'email' = $1 ORDER BY id", address
    )
    assert [e["topic"] for e in events] == ["user.created", "user.membership.changed"]


async def test_office_creates_a_client_person_in_its_client_company(
    api: httpx.AsyncClient, world
) -> None:
    manager = await world.person(await world.office(), "manager")
    company = await world.client_of(manager.org)
    address = await _create_and_activate(api, world, manager, "client", org_id=str(company.id))
    login = await world.login(address, NEW_PASSWORD, org_id=company.id)
    assert login["context"]["org"]["id"] == str(company.id)
    assert login["context"]["role"] == "client"


async def test_refresh_rotates_and_reuse_ends_the_session(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    person = await world.person(await world.office(), "employee")
    first = await api.post("/token/refresh", json={"refresh_token": person.refresh_token})
    assert first.status_code == 200
    assert first.json()["context"]["org"]["id"] == str(person.org.id)
    second_token = first.json()["refresh_token"]
    assert second_token != person.refresh_token
    reused = await api.post("/token/refresh", json={"refresh_token": person.refresh_token})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "refresh_token_reused"
    # The whole family is gone: the newer token and the access tokens of the session too.
    after = await api.post("/token/refresh", json={"refresh_token": second_token})
    assert after.json()["error"]["code"] == "invalid_refresh_token"
    me = await api.get("/me", headers=person.headers)
    assert me.json()["error"]["code"] == "session_ended"


async def test_logout_ends_the_session_and_other_sessions_can_be_listed_and_revoked(
    api: httpx.AsyncClient, world
) -> None:
    person = await world.person(await world.office(), "admin")
    other = await world.login(person.email, org_id=person.org.id)
    listed = (await api.get("/sessions", headers=person.headers)).json()
    assert len(listed) == 2
    assert sorted(s["current"] for s in listed) == [False, True]
    revoked = await api.delete(f"/sessions/{other['session_id']}", headers=person.headers)
    assert revoked.status_code == 204
    gone = await api.get("/me", headers=world.bearer(other["access_token"]))
    assert gone.status_code == 401
    assert (await api.post("/logout", headers=person.headers)).status_code == 204
    assert (await api.get("/me", headers=person.headers)).status_code == 401
    refreshed = await api.post("/token/refresh", json={"refresh_token": person.refresh_token})
    assert refreshed.json()["error"]["code"] == "invalid_refresh_token"


async def test_password_reset_by_link_and_change_when_logged_in(
    api: httpx.AsyncClient, world
) -> None:
    person = await world.person(await world.office(), "employee")
    unknown = await api.post("/password-reset", json={"email": world.email()})
    assert unknown.status_code == 202
    asked = await api.post("/password-reset", json={"email": person.email})
    assert asked.status_code == 202
    mail = await world.notification(person.email, "password_reset")
    assert "/reset-hasla?token=" in mail["params"]["link"]
    token = world.token_of(mail["params"]["link"])
    reset = await api.post(
        "/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 204
    # Every session ended with the reset.
    assert (await api.get("/me", headers=person.headers)).status_code == 401
    login = await world.login(person.email, NEW_PASSWORD)
    headers = world.bearer(login["access_token"])
    wrong = await api.post(
        "/me/password",
        json={"current_password": "nie-to-haslo-123", "new_password": "Inne-Haslo-Testowe-1"},
        headers=headers,
    )
    assert wrong.json()["error"]["code"] == "wrong_password"
    changed = await api.post(
        "/me/password",
        json={"current_password": NEW_PASSWORD, "new_password": "Inne-Haslo-Testowe-1"},
        headers=headers,
    )
    assert changed.status_code == 204
    assert (await world.login(person.email, "Inne-Haslo-Testowe-1"))["user"]["email"] == (
        person.email
    )


async def test_jwks_publishes_the_signing_key_and_tokens_name_it(
    api: httpx.AsyncClient, world
) -> None:
    person = await world.person(await world.office(), "admin")
    keys = (await api.get("/.well-known/jwks.json")).json()["keys"]
    kid = jwt.get_unverified_header(person.headers["Authorization"].split()[1])["kid"]
    [key] = [k for k in keys if k["kid"] == kid]
    verified = jwt.decode(
        person.headers["Authorization"].split()[1],
        jwt.PyJWK(key).key,
        algorithms=["ES256"],
        audience="rachmistrz",
    )
    assert verified["sub"] == str(person.user_id)


async def test_audit_log_shows_logins_and_member_changes_to_the_admin(
    api: httpx.AsyncClient, world
) -> None:
    admin = await world.person(await world.office(), "admin")
    await _create_and_activate(api, world, admin, "employee")
    bad = await api.post("/login", json={"email": admin.email, "password": "zle-haslo-1234"})
    assert bad.status_code == 401
    page = (await api.get("/audit", headers=admin.headers)).json()
    actions = [e["action"] for e in page["items"]]
    assert {"member.created", "login", "login.failed", "member.seeded"} <= set(actions)


async def test_an_operator_signed_token_acts_in_its_context_but_not_on_accounts(
    api: httpx.AsyncClient, world, tokens: TokenFactory
) -> None:
    office = await world.office()
    headers = tokens.headers(office.id, org_kind="office", role="admin")
    assert (await api.get("/clients", headers=headers)).status_code == 200
    assert (await api.get("/me", headers=headers)).status_code == 401
    assert (await api.post("/logout", headers=headers)).status_code == 401
