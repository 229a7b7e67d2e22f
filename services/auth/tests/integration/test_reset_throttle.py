"""Password-reset requests are limited per account and per client address: beyond the limit
the caller gets the same answer and no e-mail is requested."""

from __future__ import annotations

import secrets

import asyncpg
import httpx

ACCEPTED = {"status": "accepted"}


def from_address(ip: str) -> dict[str, str]:
    # The test client connects from 127.0.0.1, a trusted proxy: X-Forwarded-For names the caller.
    return {"X-Forwarded-For": ip}


def _documentation_ip() -> str:
    """A random address of the IPv6 documentation range: each test its own callers."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


async def reset_emails(pool: asyncpg.Pool, address: str) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM outbox WHERE topic = 'notification.requested'"
        " AND payload->'data'->>'to_email' = $1",
        address,
    )
    return count


async def ask(api: httpx.AsyncClient, address: str, ip: str) -> httpx.Response:
    response = await api.post("/password-reset", json={"email": address}, headers=from_address(ip))
    assert response.status_code == 202, response.text
    assert response.json() == ACCEPTED
    return response


async def test_the_fourth_request_within_an_hour_sends_no_email(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    person = await world.person(await world.office(), "employee")
    for _ in range(3):
        await ask(api, person.email, _documentation_ip())
    assert await reset_emails(pool, person.email) == 3
    # From the same address or another one: the account's limit holds, the answer is the same.
    await ask(api, person.email, _documentation_ip())
    await ask(api, person.email.upper(), _documentation_ip())
    assert await reset_emails(pool, person.email) == 3
    audit = await pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE user_id = $1 AND action = 'password.reset_requested'",
        person.user_id,
    )
    assert audit == 3


async def test_one_address_gets_twenty_requests_an_hour_whatever_the_accounts(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    person = await world.person(await world.office(), "employee")
    flooder = _documentation_ip()
    for _ in range(20):
        await ask(api, world.email(), flooder)
    await ask(api, person.email, flooder)
    assert await reset_emails(pool, person.email) == 0
    # The account itself was not used up by the refused request: another address gets through.
    await ask(api, person.email, _documentation_ip())
    assert await reset_emails(pool, person.email) == 1


async def test_requests_older_than_the_window_no_longer_count(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    person = await world.person(await world.office(), "employee")
    for _ in range(4):
        await ask(api, person.email, _documentation_ip())
    assert await reset_emails(pool, person.email) == 3
    await pool.execute(
        "UPDATE password_reset_requests SET at = at - interval '61 minutes' WHERE email = $1",
        person.email,
    )
    await ask(api, person.email, _documentation_ip())
    assert await reset_emails(pool, person.email) == 4


async def test_a_pending_account_is_limited_like_an_active_one(
    api: httpx.AsyncClient, world, pool: asyncpg.Pool
) -> None:
    admin = await world.person(await world.office(), "admin")
    address = world.email()
    created = await api.post(
        "/members",
        json={"email": address, "full_name": "Nowa Osoba", "role": "employee"},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    for _ in range(5):
        await ask(api, address, _documentation_ip())
    # The activation e-mail of the account's creation, then three more links, no more.
    assert await reset_emails(pool, address) == 1 + 3
