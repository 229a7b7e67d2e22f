"""5,000 events through auth's outbox while the consuming taxes worker is SIGKILLed twice.

auth takes on 5,000 client companies for a new office (20 requests through the API gateway),
each an `org.created` event written in the same transaction as the company. taxes consumes them
into its companies table. Halfway the taxes process is killed with SIGKILL (no shutdown, no
offset commit) and restarted, twice. Every event's effect must exist exactly once, and no event
may have been dead-lettered.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.topics import DLQ_PARTITIONS
from tests.e2e.stack import Stack

CLIENTS = 5000
BATCH = 250
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def valid_nips(count: int) -> Iterator[str]:
    """Unique NIPs with a valid checksum, under a random prefix so reruns do not collide."""
    prefix = random.randint(10000, 99999)
    produced = 0
    for seq in range(10000):
        digits = f"{prefix:05d}{seq:04d}"
        check = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check == 10:
            continue
        yield digits + str(check)
        produced += 1
        if produced == count:
            return
    raise AssertionError("prefix space exhausted")


async def dlq_end_offsets(bootstrap: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        partitions = [TopicPartition("org.created.dlq", p) for p in range(DLQ_PARTITIONS)]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def applied(taxes: asyncpg.Connection, office: UUID) -> int:
    count: int = await taxes.fetchval("SELECT count(*) FROM companies WHERE office_id = $1", office)
    return count


async def wait_until(taxes: asyncpg.Connection, office: UUID, at_least: int, timeout: float) -> int:
    async with asyncio.timeout(timeout):
        while (count := await applied(taxes, office)) < at_least:
            await asyncio.sleep(0.05)
    return count


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "auth", "taxes")
    return stack


async def test_every_event_has_its_effect_exactly_once_across_two_sigkills(stack: Stack) -> None:
    office_nip = next(valid_nips(1))
    office = UUID(
        stack.python(
            "auth",
            "-m",
            "auth.bootstrap",
            "create-office",
            "--nip",
            office_nip,
            "--name",
            "Biuro E2E",
        ).strip()
    )
    token = stack.token(office, uuid4(), org_kind="office", role="admin")
    nips = list(valid_nips(CLIENTS))
    batches = [nips[i : i + BATCH] for i in range(0, CLIENTS, BATCH)]
    dlq_before = await dlq_end_offsets(stack.env["KAFKA_BOOTSTRAP_SERVERS"])
    taxes = await asyncpg.connect(stack.database_url("taxes"))
    kills: list[int] = []
    try:
        async with httpx.AsyncClient(
            base_url=f"{stack.gateway}/api/auth",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ) as api:

            async def post(batch: list[str]) -> None:
                body = {"clients": [{"nip": n, "name": f"Klient {n}"} for n in batch]}
                response = await api.post("/clients", json=body)
                assert response.status_code == 201, response.text

            for batch in batches[:7]:
                await post(batch)
            kills.append(await wait_until(taxes, office, 300, 120))
            stack.kill("taxes")
            for batch in batches[7:14]:
                await post(batch)
            stack.script("services.sh", "up", "taxes")
            kills.append(await wait_until(taxes, office, kills[0] + 500, 120))
            stack.kill("taxes")
            for batch in batches[14:]:
                await post(batch)
            stack.script("services.sh", "up", "taxes")
        assert await wait_until(taxes, office, CLIENTS, 300) == CLIENTS

        # The kills really happened while events were still flowing.
        assert all(0 < k < CLIENTS for k in kills), kills
        rows = await taxes.fetch("SELECT org_id, nip FROM companies WHERE office_id = $1", office)
        assert sorted(r["nip"] for r in rows) == sorted(nips)
        effects = await taxes.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = 'taxes' AND event_type = 'org.created'"
            " AND effect = ANY($1::text[])",
            [f"tenancy: company {r['org_id']}" for r in rows],
        )
        assert effects == CLIENTS
    finally:
        await taxes.close()
    assert await dlq_end_offsets(stack.env["KAFKA_BOOTSTRAP_SERVERS"]) == dlq_before
