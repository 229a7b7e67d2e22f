"""Live updates: a committed message reaches listening streams, each only its own context's."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import asyncpg
import httpx

from chassis.testing import TokenFactory, seed_assignment, seed_org
from chassis.tokens import Principal
from messaging.live import Audience, LiveHub


async def test_a_posted_message_reaches_a_listener_after_commit(
    dsn: str, pool: asyncpg.Pool, api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office)
    hub = LiveHub(dsn)
    queue = await hub.subscribe()
    try:
        headers = tokens.headers(company, org_kind="company", role="owner")
        started = await api.post("/threads", json={"subject": "S", "body": "B"}, headers=headers)
        event = await asyncio.wait_for(queue.get(), 10)
    finally:
        await hub.unsubscribe(queue)
    assert event == {
        "thread_id": started.json()["thread"]["id"],
        "message_id": started.json()["message"]["id"],
        "company_id": str(company),
        "office_id": str(office),
        "seq": started.json()["message"]["seq"],
    }


async def test_each_stream_hears_only_what_its_caller_may_read(pool: asyncpg.Pool) -> None:
    office, other_office, company, other = uuid4(), uuid4(), uuid4(), uuid4()
    assigned_user = uuid4()
    async with pool.acquire() as conn:
        await seed_assignment(conn, office, assigned_user, company)
    event = {"company_id": str(company), "office_id": str(office), "seq": 1}

    def who(org: object, kind: str, role: str, **kw: object) -> Audience:
        principal = Principal(
            user_id=kw.pop("user", uuid4()), org_id=org, org_kind=kind, role=role, **kw
        )  # type: ignore[arg-type]
        return Audience(principal, pool)

    hears = {
        "the company": await who(company, "company", "client").hears(event),
        "another company": await who(other, "company", "owner").hears(event),
        "its office": await who(office, "office", "employee").hears(event),
        "another office": await who(other_office, "office", "admin").hears(event),
        "assigned staff": await who(
            office, "office", "employee", user=assigned_user, all_clients=False
        ).hears(event),
        "unassigned staff": await who(office, "office", "employee", all_clients=False).hears(event),
    }
    assert hears == {
        "the company": True,
        "another company": False,
        "its office": True,
        "another office": False,
        "assigned staff": True,
        "unassigned staff": False,
    }
