"""taxes keeps its companies from org.* events, each applied once, on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from chassis.kafka import EventConsumer
from chassis.testing import create_database, drop_database, open_test_pool
from contracts import new_envelope
from contracts.auth import ClientLinked, OrgCreated, OrgKind, OrgUpdated
from taxes.handlers import routes
from taxes.main import DEFINITION


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    dsn = await create_database(DEFINITION.migrations)
    pool = await open_test_pool(dsn)
    yield pool
    await pool.close()
    await drop_database(dsn)


@pytest.fixture
def broker(pool: asyncpg.Pool) -> KafkaBroker:
    broker = KafkaBroker("localhost:9092")
    consumer = EventConsumer(broker, lambda: pool, consumer="taxes", group_id="taxes")
    for route in routes(None):  # type: ignore[arg-type]
        consumer.subscribe(route)
    return broker


def _json(event_type: str, data: Any) -> bytes:
    return new_envelope(event_type, 1, data, producer="auth").model_dump_json().encode()


async def test_a_company_created_by_an_office_is_known_once(
    broker: KafkaBroker, pool: asyncpg.Pool
) -> None:
    company, office = uuid4(), uuid4()
    body = _json(
        "org.created",
        OrgCreated(
            org_id=company, kind=OrgKind.company, nip="5261040828", name="Firma", office_id=office
        ),
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(body, topic="org.created")
        await br.publish(body, topic="org.created")
    [row] = await pool.fetch("SELECT org_id, nip, name, office_id FROM companies")
    assert dict(row) == {
        "org_id": company,
        "nip": "5261040828",
        "name": "Firma",
        "office_id": office,
    }


async def test_offices_are_not_companies(broker: KafkaBroker, pool: asyncpg.Pool) -> None:
    body = _json(
        "org.created",
        OrgCreated(org_id=uuid4(), kind=OrgKind.office, nip="5213870271", name="Biuro"),
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(body, topic="org.created")
    assert await pool.fetchval("SELECT count(*) FROM companies") == 0
    assert (await pool.fetchval("SELECT effect FROM inbox")).startswith("ignored office")


async def test_link_and_rename_follow_the_company(broker: KafkaBroker, pool: asyncpg.Pool) -> None:
    company, office = uuid4(), uuid4()
    async with TestKafkaBroker(broker) as br:
        await br.publish(
            _json(
                "org.created",
                OrgCreated(org_id=company, kind=OrgKind.company, nip="5261040828", name="Stara"),
            ),
            topic="org.created",
        )
        await br.publish(
            _json("org.client.linked", ClientLinked(office_id=office, company_id=company)),
            topic="org.client.linked",
        )
        await br.publish(
            _json("org.updated", OrgUpdated(org_id=company, name="Nowa")), topic="org.updated"
        )
    row = await pool.fetchrow("SELECT name, office_id FROM companies WHERE org_id = $1", company)
    assert dict(row) == {"name": "Nowa", "office_id": office}
