"""An office with many clients syncs from the KSeF simulator through the running stack.

Clients use mixed ways into KSeF (own KSeF token, own certificate, the office's central
authorisation) and some never granted the office anything. Every permitted company's sales and
purchases must reach Kafka's `invoice.fetched` exactly once; the others show `no_permission`.
Then a fault storm hits the simulator mid-sync (5xx, 504 timeouts, forced 429s, an outage) and
the gateway is SIGKILLed: the same set (plus the new invoices) must arrive, still exactly once,
and the gateway must never have provoked a 429 itself. Faults are scoped to this test's
contexts (the simulator is shared) and removed by id in `finally`. Last, a client withdraws the
office's right: once the gateway logs in again it shows `no_permission`.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts import new_envelope
from contracts.auth import ORG_CREATED, OrgCreated, OrgKind
from ksef_gateway.testing import SimCompany, self_signed
from tests.e2e.stack import Stack

CLIENTS = 50
TOKEN_CLIENTS, CERT_CLIENTS, SILENT_CLIENTS = range(0, 8), range(8, 14), range(44, 50)
# A few permitted clients get forced 429s in the storm; every other context must see none.
THROTTLED = (14, 15)
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def random_nips(count: int) -> list[str]:
    nips: set[str] = set()
    while len(nips) < count:
        # KSeF's XSD (TNIP) wants the first three digits non-zero, as real tax office codes are.
        digits = "".join(str(random.randint(1, 9)) for _ in range(3))
        digits += f"{random.randint(0, 999999):06d}"
        check = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            nips.add(digits + str(check))
    return sorted(nips)


async def fetched_events(bootstrap: str, companies: set[str]) -> Counter[tuple[str, str, str]]:
    """(company, direction, KSeF number) of every invoice.fetched of these companies so far."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [
            TopicPartition("invoice.fetched", p)
            for p in consumer.partitions_for_topic("invoice.fetched") or range(12)
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        seen: Counter[tuple[str, str, str]] = Counter()
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            batch = await consumer.getmany(*parts, timeout_ms=1000)
            for records in batch.values():
                for r in records:
                    # Other tests publish deliberately broken payloads (the DLQ's cases); only
                    # well-formed events of this test's companies count.
                    try:
                        data = json.loads(r.value)["data"]
                    except (ValueError, KeyError, TypeError):
                        continue
                    if isinstance(data, dict) and data.get("company_id") in companies:
                        seen[(data["company_id"], data["direction"], data["ksef_number"])] += 1
        return seen
    finally:
        await consumer.stop()


async def publish_orgs(
    bootstrap: str, office: UUID, office_nip: str, companies: list[UUID], nips: list[str]
) -> None:
    orgs = [OrgCreated(org_id=office, kind=OrgKind.office, nip=office_nip, name="Biuro E2E")] + [
        OrgCreated(org_id=c, kind=OrgKind.company, nip=n, name=f"Klient {n}", office_id=office)
        for c, n in zip(companies, nips, strict=True)
    ]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for org in orgs:
            event = new_envelope(ORG_CREATED.event_type, ORG_CREATED.version, org, producer="e2e")
            await producer.send_and_wait(
                "org.created", event.model_dump_json().encode(), key=str(org.org_id).encode()
            )
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "ksef-gateway")
    return stack


class Scenario:
    def __init__(
        self, stack: Stack, http: httpx.AsyncClient, office: UUID, office_nip: str
    ) -> None:
        self.stack, self.http = stack, http
        self.office, self.office_nip = office, office_nip
        self.sim = stack.env["KSEF_SIMULATOR_URL"]
        self.api = f"{stack.gateway}/api/ksef-gateway"
        token = stack.token(office, uuid4(), org_kind="office", role="admin")
        self.headers = {"Authorization": f"Bearer {token}"}

        self.owners: dict[str, SimCompany] = {}

    async def owner(self, nip: str) -> SimCompany:
        if nip not in self.owners:
            self.owners[nip] = await SimCompany(self.http, self.sim, nip).login()
        return self.owners[nip]

    async def fault(self, contexts: list[str], **body: object) -> str:
        resp = await self.http.post(f"{self.sim}/admin/faults", json={**body, "contexts": contexts})
        resp.raise_for_status()
        return str(resp.json()["id"])

    async def clear(self, *ids: str) -> None:
        for fault in ids:
            await self.http.delete(f"{self.sim}/admin/faults/{fault}")

    async def clients_known(self, count: int) -> list[dict[str, object]]:
        async with asyncio.timeout(120):
            while True:
                resp = await self.http.get(f"{self.api}/office/clients", headers=self.headers)
                if resp.status_code == 200 and len(resp.json()) == count:
                    return list(resp.json())
                await asyncio.sleep(0.5)

    async def configure(self, company: str, nip: str, index: int) -> None:
        url = f"{self.api}/companies/{company}/ksef"
        if index in TOKEN_CLIENTS:
            token = await (await self.owner(nip)).new_ksef_token()
            resp = await self.http.put(f"{url}/token", json={"token": token}, headers=self.headers)
        elif index in CERT_CLIENTS:
            cert, key = self_signed(nip, password="e2e-haslo")
            body = {"certificate_pem": cert, "private_key_pem": key, "password": "e2e-haslo"}
            resp = await self.http.put(f"{url}/certificate", json=body, headers=self.headers)
        else:
            if index not in SILENT_CLIENTS:
                await (await self.owner(nip)).grant(self.office_nip, "InvoiceRead")
            resp = await self.http.put(f"{url}/office", json={}, headers=self.headers)
        assert resp.status_code == 200, resp.text

    async def status(self, company: str) -> str:
        resp = await self.http.get(f"{self.api}/companies/{company}/ksef", headers=self.headers)
        return str(resp.json()["authorization"]["status"])

    async def sync_now(self, companies: list[str]) -> None:
        for company in companies:
            resp = await self.http.post(
                f"{self.api}/companies/{company}/ksef/sync", headers=self.headers
            )
            assert resp.status_code == 202, resp.text

    async def advance_simulator(self, seconds: float) -> None:
        (
            await self.http.post(f"{self.sim}/admin/clock/advance", json={"seconds": seconds})
        ).raise_for_status()

    async def wait_for(
        self, bootstrap: str, expected: set[tuple[str, str, str]], companies: list[str]
    ) -> Counter[tuple[str, str, str]]:
        async with asyncio.timeout(600):
            while True:
                seen = await fetched_events(bootstrap, set(companies))
                if set(seen) >= expected:
                    return seen
                await self.sync_now(companies)
                await asyncio.sleep(5)


async def storm(s: Scenario, db: asyncpg.Connection, nips: list[str], ids: list[str]) -> None:
    """Faults one after another while the gateway syncs, and a SIGKILL in the middle."""
    throttled = [nips[i] for i in THROTTLED]
    faults = [
        await s.fault(nips, mode="errors", status=503, rate=0.3),
        await s.fault(nips, mode="timeout", latencySeconds=3, pathPrefix="/v2/invoices/ksef"),
        await s.fault(throttled, mode="throttle", retryAfter=5, pathPrefix="/v2/invoices"),
    ]
    try:
        async with asyncio.timeout(180):  # until the throttled clients met their 429s
            while not await db.fetchval(
                "SELECT count(*) FROM rate_blocks WHERE context = ANY($1::text[]) AND too_many > 0",
                throttled,
            ):
                await s.sync_now([ids[i] for i in THROTTLED])
                await asyncio.sleep(1)
        await s.clear(*faults)
        faults = [await s.fault(nips, mode="unavailable", durationSeconds=15)]
        await s.sync_now(ids)
        await asyncio.sleep(3)
        s.stack.kill("ksef-gateway")
    finally:
        await s.clear(*faults)
    s.stack.script("services.sh", "up", "ksef-gateway")


async def test_office_clients_sync_exactly_once_through_a_fault_storm(stack: Stack) -> None:
    office_nip, *nips = random_nips(CLIENTS + 1)
    office = uuid4()
    ids = [str(uuid4()) for _ in nips]
    bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
    # The organisations reach the gateway as auth announces them: org.created events.
    await publish_orgs(bootstrap, office, office_nip, [UUID(i) for i in ids], nips)
    gateway_db = await asyncpg.connect(stack.database_url("ksef-gateway"))
    async with httpx.AsyncClient(timeout=120) as http:
        s = Scenario(stack, http, office, office_nip)
        await s.clients_known(CLIENTS)
        cert, key = self_signed(office_nip, seal=True)
        reg = await http.put(
            f"{s.api}/office/credential",
            headers=s.headers,
            json={"certificate_pem": cert, "private_key_pem": key},
        )
        assert reg.status_code == 200, reg.text
        for i, (company, nip) in enumerate(zip(ids, nips, strict=True)):
            await s.configure(company, nip, i)

        # Each client sells two invoices to the next one.
        sent: dict[int, list[str]] = {}
        for i, nip in enumerate(nips):
            seller = await s.owner(nip)
            sent[i] = await seller.send_invoices(nips[(i + 1) % CLIENTS], 2, f"E2E{i}-")
        await s.advance_simulator(90)

        permitted = [i for i in range(CLIENTS) if i not in SILENT_CLIENTS]
        expected = {(ids[i], "sales", n) for i in permitted for n in sent[i]} | {
            (ids[i], "purchase", n) for i in permitted for n in sent[(i - 1) % CLIENTS]
        }
        seen = await s.wait_for(bootstrap, expected, ids)
        assert set(seen) == expected
        assert set(seen.values()) == {1}

        clients = {c["company_id"]: c for c in await s.clients_known(CLIENTS)}
        for i in SILENT_CLIENTS:
            assert clients[ids[i]]["authorization"]["status"] == "no_permission"  # type: ignore[index]
        assert {clients[ids[i]]["authorization"]["method"] for i in TOKEN_CLIENTS} == {"token"}  # type: ignore[index]

        # The storm: new invoices wait while KSeF misbehaves and the gateway dies.
        more = {
            i: await (await s.owner(nips[i])).send_invoices(nips[(i + 1) % CLIENTS], 1, f"S{i}-")
            for i in permitted
        }
        await s.advance_simulator(90)
        await s.sync_now(ids)
        await storm(s, gateway_db, nips, ids)
        expected |= {(ids[i], "sales", n) for i in permitted for n in more[i]}
        expected |= {
            (ids[(i + 1) % CLIENTS], "purchase", n)
            for i in permitted
            for n in more[i]
            if (i + 1) % CLIENTS in permitted
        }
        seen = await s.wait_for(bootstrap, expected, ids)
        assert set(seen) == expected
        assert set(seen.values()) == {1}

        # A client withdraws the office's right outside the API; tokens expire meanwhile.
        leaving = ids[20]
        revoke = {"contextNip": nips[20], "subjectNip": office_nip}
        (await http.post(f"{s.sim}/admin/permissions/revoke", json=revoke)).raise_for_status()
        expired = await s.fault([nips[20]], mode="expiredTokens")
        try:
            await s.sync_now([leaving])
            await asyncio.sleep(3)
        finally:
            await s.clear(expired)
        async with asyncio.timeout(180):
            tries = 0
            while (await s.status(leaving)) != "no_permission":
                # The sync notices at its next login. When the earlier rounds already spent
                # this context's hourly query budget (a slow machine makes more of them), no
                # round runs for a while: then the office's "verify again" logs in at once.
                if tries % 10 == 9:
                    verify = f"{s.api}/office/clients/{leaving}/verify"
                    assert (await http.post(verify, headers=s.headers)).status_code == 200
                else:
                    await s.sync_now([leaving])
                tries += 1
                await asyncio.sleep(2)
    gateway_429 = await gateway_db.fetchval(
        "SELECT coalesce(sum(too_many), 0) FROM rate_blocks WHERE context = ANY($1::text[])",
        [office_nip, *[n for i, n in enumerate(nips) if i not in THROTTLED]],
    )
    forced = await gateway_db.fetchval(
        "SELECT coalesce(sum(too_many), 0) FROM rate_blocks WHERE context = ANY($1::text[])",
        [nips[i] for i in THROTTLED],
    )
    await gateway_db.close()
    assert gateway_429 == 0
    assert forced > 0  # the forced ones were met (and their Retry-After honoured)
