"""taxes keeps the chassis tenancy read model from org.* events, each applied once."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import asyncpg
from faststream.kafka import KafkaBroker, TestKafkaBroker

from chassis.kafka import EventConsumer
from contracts import new_envelope
from contracts.auth import ClientLinked, OrgCreated, OrgKind, OrgUpdated
from taxes.handlers import routes


def _broker(pool: asyncpg.Pool) -> KafkaBroker:
    broker = KafkaBroker("localhost:9092")
    consumer = EventConsumer(broker, lambda: pool, consumer="taxes", group_id="taxes")
    for route in routes(None):  # type: ignore[arg-type]
        consumer.subscribe(route)
    return broker


def _json(event_type: str, data: Any) -> bytes:
    return new_envelope(event_type, 1, data, producer="auth").model_dump_json().encode()


async def test_companies_arrive_once_and_follow_links_and_renames(pool: asyncpg.Pool) -> None:
    company, office = uuid4(), uuid4()
    created = _json(
        "org.created",
        OrgCreated(org_id=company, kind=OrgKind.company, nip="5261040828", name="Stara"),
    )
    async with TestKafkaBroker(_broker(pool)) as br:
        await br.publish(created, topic="org.created")
        await br.publish(created, topic="org.created")
        await br.publish(
            _json("org.client.linked", ClientLinked(office_id=office, company_id=company)),
            topic="org.client.linked",
        )
        await br.publish(
            _json("org.updated", OrgUpdated(org_id=company, name="Nowa")), topic="org.updated"
        )
    [row] = await pool.fetch("SELECT org_id, kind, nip, name, office_id FROM tenancy_orgs")
    assert dict(row) == {
        "org_id": company,
        "kind": "company",
        "nip": "5261040828",
        "name": "Nowa",
        "office_id": office,
    }
    # The old `companies` table lives on as a view over the read model.
    assert await pool.fetchval("SELECT count(*) FROM companies WHERE office_id = $1", office) == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox WHERE event_type = 'org.created'") == 1


async def test_migration_carries_known_companies_into_the_read_model(tmp_path: Any) -> None:
    from chassis.migrations import apply_migrations
    from chassis.testing import create_database, drop_database
    from taxes.main import DEFINITION

    first = tmp_path / "migrations"
    first.mkdir()
    (first / "0001_companies.sql").write_text(
        (DEFINITION.migrations / "0001_companies.sql").read_text()
    )
    dsn = await create_database(first)
    try:
        conn = await asyncpg.connect(dsn)
        company, office = uuid4(), uuid4()
        await conn.execute(
            "INSERT INTO companies (org_id, nip, name, office_id)"
            " VALUES ($1, '5261040828', 'F', $2)",
            company,
            office,
        )
        apply_migrations(dsn, DEFINITION.migrations)
        row = await conn.fetchrow(
            "SELECT kind, nip, office_id FROM tenancy_orgs WHERE org_id = $1", company
        )
        await conn.close()
        assert row is not None
        assert dict(row) == {"kind": "company", "nip": "5261040828", "office_id": office}
    finally:
        await drop_database(dsn)
