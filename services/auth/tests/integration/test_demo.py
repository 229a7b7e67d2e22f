"""The demo data: idempotent, and the multi-company person picks a context at login."""

from __future__ import annotations

import asyncpg

from auth import demo

PASSWORD = "Demo-Haslo-Testowe-1"


async def test_demo_data_is_idempotent_and_offers_two_contexts(pool: asyncpg.Pool, world) -> None:
    accounts = await demo.create(pool, PASSWORD)
    events = await pool.fetchval("SELECT count(*) FROM outbox")
    assert await demo.create(pool, PASSWORD) == accounts
    assert await pool.fetchval("SELECT count(*) FROM outbox") == events
    login = await world.login("zofia.nowak@transport.demo.rachmistrz.pl", PASSWORD)
    assert sorted((c["org"]["name"], c["role"]) for c in login["contexts"]) == [
        ("Transport Nowak S.A.", "client"),
        ("Warsztat Zielony sp.j.", "employee"),
    ]
    office_admin = await world.login("admin@demo.rachmistrz.pl", PASSWORD)
    assert [c["role"] for c in office_admin["contexts"]] == ["admin"]
