"""Bad input gets a clear error and changes nothing: e-mails, links, tokens, brute force."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from uuid import uuid4

import asyncpg
import httpx
import pyotp
import pytest

from auth.keys import KeyRing

PASSWORD = "Kasztan-w-Ogrodzie-42"


async def _state(pool: asyncpg.Pool) -> tuple[int, ...]:
    row = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM users) u, (SELECT count(*) FROM memberships) m,"
        " (SELECT count(*) FROM sessions WHERE revoked_at IS NULL) s,"
        " (SELECT count(*) FROM outbox) o,"
        " (SELECT count(*) FROM one_time_tokens WHERE used_at IS NULL) t,"
        " (SELECT md5(string_agg(coalesce(password_hash, ''), ',' ORDER BY id)) FROM users) p"
    )
    return tuple(row.values())


@pytest.mark.parametrize("address", ["not-an-email", "a@b", "jan kowalski@firma.pl", "@firma.pl"])
async def test_malformed_emails_are_refused_everywhere(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool, address: str
) -> None:
    admin = await world.person(await world.office(), "admin")
    before = await _state(pool)
    member = {"email": address, "full_name": "X", "role": "employee"}
    for response in (
        await api.post("/members", json=member, headers=admin.headers),
        await api.post("/invitations", json={**member, "full_name": None}, headers=admin.headers),
        await api.post("/login", json={"email": address, "password": PASSWORD}),
        await api.post("/password-reset", json={"email": address}),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] in ("invalid_email", "invalid_input")
    assert await _state(pool) == before


async def test_activation_link_works_once_refuses_weak_passwords_and_expires(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    address = world.email()
    body = {"email": address, "full_name": "Ola", "role": "employee"}
    assert (await api.post("/members", json=body, headers=admin.headers)).status_code == 201
    token = world.token_of((await world.notification(address, "activation"))["params"]["link"])
    before = await _state(pool)
    for weak in ("krotkie", "1234567890", "qwertyuiop", "aaaaaaaaaaaa", address):
        response = await api.post("/activation", json={"token": token, "password": weak})
        assert response.json()["error"]["code"] == "weak_password", weak
    assert await _state(pool) == before
    assert (
        await api.post("/activation", json={"token": token, "password": PASSWORD})
    ).status_code == 204
    after = await _state(pool)
    reused = await api.post("/activation", json={"token": token, "password": "Inne-Haslo-123"})
    assert reused.status_code == 410
    assert reused.json()["error"]["code"] == "invalid_link"
    assert (await api.get("/activation", params={"token": token})).status_code == 410
    forged = await api.post("/activation", json={"token": "x" * 43, "password": PASSWORD})
    assert forged.status_code == 410
    assert await _state(pool) == after


async def test_an_expired_reset_link_is_refused(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    person = await world.person(await world.office(), "employee")
    await api.post("/password-reset", json={"email": person.email})
    token = world.token_of(
        (await world.notification(person.email, "password_reset"))["params"]["link"]
    )
    await pool.execute(
        "UPDATE one_time_tokens SET expires_at = now() - interval '1 second'"
        " WHERE user_id = $1 AND purpose = 'password_reset'",
        person.user_id,
    )
    before = await _state(pool)
    response = await api.post(
        "/password-reset/confirm", json={"token": token, "password": PASSWORD + "x"}
    )
    assert response.status_code == 410
    assert await _state(pool) == before
    assert (await api.get("/me", headers=person.headers)).status_code == 200


async def test_brute_force_locks_the_account_even_for_the_right_password(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    person = await world.person(await world.office(), "employee")
    before = await _state(pool)
    guesses = [
        await api.post("/login", json={"email": person.email, "password": f"zgadywanie-{i:04}"})
        for i in range(5)
    ]
    assert {g.json()["error"]["code"] for g in guesses} == {"invalid_credentials"}
    locked = await api.post("/login", json={"email": person.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "account_locked"
    assert locked.json()["error"]["details"]["retry_after_seconds"] > 0
    assert await _state(pool) == before
    failures = await pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND user_id = $1",
        person.user_id,
    )
    assert failures == 5


async def test_many_failures_from_one_address_block_that_address_only(
    api: httpx.AsyncClient, world, settings
) -> None:
    attacker = {"X-Forwarded-For": "203.0.113.77"}
    for _ in range(settings.login_max_failures_per_address):
        await api.post(
            "/login", json={"email": world.email(), "password": "cokolwiek-123"}, headers=attacker
        )
    blocked = await api.post(
        "/login", json={"email": world.email(), "password": "cokolwiek-123"}, headers=attacker
    )
    assert blocked.json()["error"]["code"] == "too_many_attempts"
    person = await world.person(await world.office(), "employee")
    assert person.headers  # another address still logs in


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def test_tampered_expired_and_foreign_tokens_are_refused(
    api: httpx.AsyncClient, world, settings, tmp_path
) -> None:
    person = await world.person(await world.office(), "employee")
    token = person.headers["Authorization"].split()[1]
    ring = KeyRing.load(settings.auth_signing_key_file, [])
    context = (person.org.id, "office", "admin", True)
    session = await world.pool.fetchval(
        "SELECT id FROM sessions WHERE user_id = $1", person.user_id
    )
    expired = ring.sign(
        user_id=person.user_id, session_id=session, ttl=timedelta(seconds=-1), org=context
    )
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other_key = tmp_path / "other.pem"
    other_key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    foreign = KeyRing.load(other_key, []).sign(
        user_id=person.user_id, session_id=session, ttl=timedelta(minutes=5), org=context
    )
    for bad in (_tamper(token), expired, foreign, "abc.def.ghi", token + "x"):
        response = await api.get("/members", headers=world.bearer(bad))
        assert response.status_code == 401, bad
        assert response.json()["error"]["code"] == "unauthenticated"
    garbage = await api.post("/token/refresh", json={"refresh_token": "nie-ma-takiego-tokenu"})
    assert garbage.json()["error"]["code"] == "invalid_refresh_token"


async def test_nobody_touches_another_users_sessions_invitations_or_contexts(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    victim = await world.person(await world.office(), "employee")
    other = await world.person(await world.office(), "employee")
    invitation = (
        await api.post(
            "/invitations", json={"email": victim.email, "role": "employee"}, headers=admin.headers
        )
    ).json()
    victim_session = await pool.fetchval(
        "SELECT id FROM sessions WHERE user_id = $1", victim.user_id
    )
    before = await _state(pool)
    revoke = await api.delete(f"/sessions/{victim_session}", headers=other.headers)
    assert revoke.json()["error"]["code"] == "session_not_found"
    accept = await api.post(f"/me/invitations/{invitation['id']}/accept", headers=other.headers)
    assert accept.json()["error"]["code"] == "invitation_not_found"
    switch = await api.post("/context", json={"org_id": str(admin.org.id)}, headers=other.headers)
    assert switch.json()["error"]["code"] == "not_a_member"
    login = await api.post(
        "/login", json={"email": other.email, "password": PASSWORD, "org_id": str(uuid4())}
    )
    assert login.json()["error"]["code"] == "not_a_member"
    assert await _state(pool) == before


async def test_second_factor_with_totp_and_single_use_recovery_codes(
    api: httpx.AsyncClient, world
) -> None:
    person = await world.person(await world.office(), "employee")
    setup = (await api.post("/me/totp", headers=person.headers)).json()
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    assert setup["qr_svg"].startswith("<?xml") or "<svg" in setup["qr_svg"]
    wrong = await api.post("/me/totp/confirm", json={"code": "000000"}, headers=person.headers)
    assert wrong.json()["error"]["code"] == "invalid_second_factor"
    code = pyotp.TOTP(setup["secret"]).now()
    confirmed = await api.post("/me/totp/confirm", json={"code": code}, headers=person.headers)
    recovery = confirmed.json()["recovery_codes"]
    assert len(recovery) == 10
    needs = await api.post("/login", json={"email": person.email, "password": PASSWORD})
    assert needs.json()["error"]["code"] == "second_factor_required"
    ok = await world.login(person.email, totp_code=pyotp.TOTP(setup["secret"]).now())
    assert ok["user"]["totp_enabled"] is True
    assert (await world.login(person.email, recovery_code=recovery[0]))["session_id"]
    spent = await api.post(
        "/login", json={"email": person.email, "password": PASSWORD, "recovery_code": recovery[0]}
    )
    assert spent.json()["error"]["code"] == "invalid_second_factor"
    off = await api.post(
        "/me/totp/disable",
        json={"password": PASSWORD, "code": recovery[1]},
        headers=world.bearer(ok["access_token"]),
    )
    assert off.status_code == 204
    assert (await world.login(person.email))["user"]["totp_enabled"] is False
