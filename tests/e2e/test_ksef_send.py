"""Issued invoices go to the KSeF simulator through the running gateway, over Kafka only.

`invoice.send.requested` in, `invoice.sent` (KSeF number, UPO) out: through an outage (the
invoices wait, offline ones too, and go when KSeF answers) and a gateway SIGKILL in the middle
of sending, each invoice is sent and announced exactly once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from base64 import b64encode
from collections import Counter
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts import TOPICS, new_envelope
from contracts.auth import ORG_CREATED, OrgCreated, OrgKind
from contracts.invoices import INVOICE_SEND_REQUESTED, InvoiceSendRequested
from ksef_gateway.testing import invoice_xml, self_signed
from tests.e2e.stack import Stack
from tests.e2e.test_ksef_sync import random_nips

TODAY = datetime.now(UTC).date().isoformat()


async def outcomes(bootstrap: str, topic: str, invoices: set[str]) -> Counter[str]:
    """How many times each of these invoices appears on `topic` so far."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        [spec] = [t for t in TOPICS if t.name == topic]
        parts = [TopicPartition(topic, p) for p in range(spec.partitions)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        seen: Counter[str] = Counter()
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(*parts, timeout_ms=1000)).values():
                for r in records:
                    try:  # other tests publish broken payloads on purpose (DLQ cases)
                        invoice = json.loads(r.value)["data"]["invoice_id"]
                    except (ValueError, KeyError, TypeError):
                        continue
                    if invoice in invoices:
                        seen[invoice] += 1
        return seen
    finally:
        await consumer.stop()


class Sending:
    def __init__(self, stack: Stack, http: httpx.AsyncClient, producer: AIOKafkaProducer) -> None:
        self.stack, self.http, self.producer = stack, http, producer
        self.bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
        self.sim = stack.env["KSEF_SIMULATOR_URL"]
        self.api = f"{stack.gateway}/api/ksef-gateway"
        self.count = 0

    async def publish(self, topic: str, data: OrgCreated | InvoiceSendRequested, key: UUID) -> None:
        spec = {"org.created": ORG_CREATED, "invoice.send.requested": INVOICE_SEND_REQUESTED}
        envelope = new_envelope(topic, spec[topic].version, data, producer="e2e")
        await self.producer.send_and_wait(
            topic, envelope.model_dump_json().encode(), key=str(key).encode()
        )

    async def company(self, nip: str) -> UUID:
        """A company known to the gateway (org.created) that logs in with its own certificate."""
        company = uuid4()
        org = OrgCreated(org_id=company, kind=OrgKind.company, nip=nip, name=f"Firma {nip}")
        await self.publish("org.created", org, company)
        token = self.stack.token(company, uuid4(), org_kind="company", role="owner")
        headers = {"Authorization": f"Bearer {token}"}
        cert, key = self_signed(nip)
        body = {"certificate_pem": cert, "private_key_pem": key}
        async with asyncio.timeout(120):
            while True:
                resp = await self.http.put(
                    f"{self.api}/companies/{company}/ksef/certificate", json=body, headers=headers
                )
                if resp.status_code == 200:
                    return company
                await asyncio.sleep(0.5)  # until org.created reached the gateway

    async def wait_availability(self, status: str) -> dict[str, object]:
        """The gateway's view of KSeF (Latarnia + its own requests) once it is `status`."""
        token = self.stack.token(uuid4(), uuid4(), org_kind="company", role="owner")
        headers = {"Authorization": f"Bearer {token}"}
        async with asyncio.timeout(120):
            while True:
                resp = await self.http.get(f"{self.api}/ksef/availability", headers=headers)
                body: dict[str, object] = resp.json() if resp.status_code == 200 else {}
                if body.get("status") == status:
                    return body
                await asyncio.sleep(0.5)

    async def send(self, company: UUID, nip: str, buyer: str, *, offline: bool = False) -> str:
        self.count += 1
        xml = invoice_xml(nip, buyer, f"E2E{uuid4().hex[:8]}", TODAY)
        invoice = uuid4()
        data = InvoiceSendRequested(
            company_id=company,
            company_nip=nip,
            invoice_id=invoice,
            xml=xml.decode(),
            invoice_hash=b64encode(hashlib.sha256(xml).digest()).decode(),
            offline=offline,
            requested_by=uuid4(),
        )
        await self.publish("invoice.send.requested", data, company)
        return str(invoice)

    async def wait_sent(self, invoices: set[str]) -> Counter[str]:
        async with asyncio.timeout(420):
            while True:
                seen = await outcomes(self.bootstrap, "invoice.sent", invoices)
                if set(seen) >= invoices:
                    return seen
                await asyncio.sleep(2)


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "ksef-gateway")
    return stack


async def test_invoices_reach_ksef_once_through_an_outage_and_a_gateway_kill(
    stack: Stack,
) -> None:
    nips = random_nips(3)
    db = await asyncpg.connect(stack.database_url("ksef-gateway"))
    producer = AIOKafkaProducer(bootstrap_servers=stack.env["KAFKA_BOOTSTRAP_SERVERS"], acks="all")
    await producer.start()
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            s = Sending(stack, http, producer)
            companies = [await s.company(n) for n in nips]
            first = {await s.send(c, n, nips[0]) for c, n in zip(companies, nips, strict=True)}
            seen = await s.wait_sent(first)
            assert set(seen.values()) == {1}

            # KSeF is down: the invoices wait in the queue (an offline one too) and go later.
            await http.post(
                f"{s.sim}/admin/faults", json={"mode": "unavailable", "durationSeconds": 30}
            )
            try:
                waiting = {
                    await s.send(companies[1], nips[1], nips[2], offline=True),
                    await s.send(companies[2], nips[2], nips[1]),
                }
                # The gateway met the outage and announces it (ksef.availability.changed; its
                # API shows it). The invoices wait: a send either met the 503 itself or waits
                # out the Retry-After another request got, whichever came first.
                down = await s.wait_availability("unavailable")
                assert down["mode"] == "offline"
                assert await outcomes(s.bootstrap, "invoice.sent", waiting) == Counter()
                open_states = await db.fetch(
                    "SELECT state FROM send_queue WHERE invoice_id = ANY($1::uuid[])",
                    list(waiting),
                )
                assert {r["state"] for r in open_states} <= {"queued", "sending"}
            finally:
                await http.delete(f"{s.sim}/admin/faults")
            seen = await s.wait_sent(waiting)
            assert set(seen.values()) == {1}
            await s.wait_availability("available")

            # SIGKILL while a batch is being sent: after the restart each goes exactly once.
            batch = {await s.send(companies[0], nips[0], nips[1]) for _ in range(12)}
            async with asyncio.timeout(120):
                while not await db.fetchval(
                    "SELECT count(*) FROM send_queue WHERE invoice_id = ANY($1::uuid[])"
                    " AND state <> 'queued'",
                    list(batch),
                ):
                    await asyncio.sleep(0.02)
            stack.kill("ksef-gateway")
            stack.script("services.sh", "up", "ksef-gateway")
            seen = await s.wait_sent(batch)
            assert set(seen.values()) == {1}
            assert await outcomes(s.bootstrap, "invoice.send.failed", batch | waiting) == Counter()
            numbers = await db.fetch(
                "SELECT ksef_number FROM send_queue WHERE invoice_id = ANY($1::uuid[])",
                list(batch | waiting | first),
            )
            assert len({r["ksef_number"] for r in numbers}) == len(batch | waiting | first)
    finally:
        await producer.stop()
        await db.close()
