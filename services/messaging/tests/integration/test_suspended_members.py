"""A suspended membership (auth's user.membership.changed with suspended=True) is treated like
a removed one when messaging addresses e-mails, until the suspension is lifted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import httpx
from faststream.kafka import KafkaBroker, TestKafkaBroker

from chassis.testing import TokenFactory, seed_org
from contracts.auth import MembershipChanged, OrgKind


def changed(user: UUID, org: UUID, kind: str, email: str, *, suspended: bool) -> MembershipChanged:
    return MembershipChanged(
        user_id=user,
        org_id=org,
        org_kind=OrgKind(kind),
        email=email,
        full_name="Ewa",
        role="employee",
        suspended=suspended,
    )


async def recipients(pool: asyncpg.Pool) -> list[str]:
    rows = await pool.fetch("SELECT to_email FROM emails ORDER BY created_at, to_email")
    return [r["to_email"] for r in rows]


async def test_suspended_staff_and_company_people_get_no_message_emails(
    api: httpx.AsyncClient,
    pool: asyncpg.Pool,
    tokens: TokenFactory,
    people: Any,
    broker: KafkaBroker,
    events: Any,
) -> None:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office)
    clerk, clerk_email = await people.add(office, kind="office", role="employee")
    owner, owner_email = await people.add(company, kind="company", role="owner")
    colleague, colleague_email = await people.add(company, kind="company", role="employee")
    async with TestKafkaBroker(broker) as test_broker:
        for user, org, kind, email in (
            (clerk, office, "office", clerk_email),
            (colleague, company, "company", colleague_email),
        ):
            data = changed(user, org, kind, email, suspended=True)
            await test_broker.publish(
                events("user.membership.changed", data), topic="user.membership.changed"
            )
    owner_h = tokens.headers(company, org_kind="company", role="owner", user_id=owner)
    started = await api.post("/threads", json={"subject": "S", "body": "1"}, headers=owner_h)
    thread = started.json()["thread"]["id"]
    boss = tokens.headers(office, org_kind="office", role="admin")
    await api.post(f"/threads/{thread}/messages", json={"body": "2"}, headers=boss)
    # Nobody on the office side may get it; on the company side only the owner.
    assert await recipients(pool) == [owner_email]

    async with TestKafkaBroker(broker) as test_broker:
        data = changed(clerk, office, "office", clerk_email, suspended=False)
        await test_broker.publish(
            events("user.membership.changed", data), topic="user.membership.changed"
        )
    await api.post(f"/threads/{thread}/messages", json={"body": "3"}, headers=owner_h)
    assert await recipients(pool) == [owner_email, clerk_email]
    suspended = await pool.fetchval("SELECT suspended FROM members WHERE user_id = $1", colleague)
    assert suspended is True
