"""Issuing a sales invoice into the KSeF simulator through the running stack.

1. A client company of an office issues an invoice: invoices publishes invoice.send.requested,
   the gateway sends it in an online session, invoices gets the KSeF number and the UPO; the
   buyer (another client of the office) then receives the same invoice through its sync.
2. With the simulator unavailable, invoices go offline by themselves (the gateway hands back
   the one sent before it noticed; later ones are issued offline at once; offline24 as
   chosen), with QR code II and the deadlines shown, and reach KSeF after recovery exactly
   once, even though the gateway is SIGKILLed meanwhile.

Needs the gateway's sending side (invoice.send.requested) to be deployed.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from contracts import TOPICS
from ksef_gateway.testing import SimCompany
from tests.e2e.stack import Stack
from tests.e2e.test_ksef_sync import publish_orgs, random_nips

ACCEPTED_WITHIN = 180


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "ksef-gateway")
    stack.script("services.sh", "up", "invoices")
    return stack


async def ksef_token(http: httpx.AsyncClient, sim: str, nip: str) -> str:
    """A KSeF token of the company that may read and also issue (InvoiceWrite)."""
    owner = await SimCompany(http, sim, nip).login()
    resp = await http.post(
        f"{sim}/v2/tokens",
        json={"permissions": ["InvoiceRead", "InvoiceWrite"], "description": "Rachmistrz e2e"},
        headers={"Authorization": f"Bearer {owner.token}"},
    )
    resp.raise_for_status()
    return str(resp.json()["token"])


class Issuing:
    def __init__(self, stack: Stack, http: httpx.AsyncClient) -> None:
        self.stack, self.http = stack, http
        self.sim = stack.env["KSEF_SIMULATOR_URL"]
        self.office, self.seller, self.buyer = uuid4(), uuid4(), uuid4()
        self.office_nip, self.seller_nip, self.buyer_nip = random_nips(3)
        self.gateway = f"{stack.gateway}/api/ksef-gateway"
        self.invoices = f"{stack.gateway}/api/invoices"
        self.office_headers = self._headers(self.office, "office", "admin")
        self.owner = self._headers(self.seller, "company", "owner")

    def _headers(self, org: UUID, kind: str, role: str) -> dict[str, str]:
        token = self.stack.token(org, uuid4(), org_kind=kind, role=role)
        return {"Authorization": f"Bearer {token}"}

    async def setup(self) -> None:
        """Office with two clients, both in KSeF with their own tokens."""
        await publish_orgs(
            self.stack.env["KAFKA_BOOTSTRAP_SERVERS"],
            self.office,
            self.office_nip,
            [self.seller, self.buyer],
            [self.seller_nip, self.buyer_nip],
        )
        async with asyncio.timeout(120):
            while (await self.settings()).status_code != 200:
                await asyncio.sleep(0.5)
        for company, nip in ((self.seller, self.seller_nip), (self.buyer, self.buyer_nip)):
            await self._configure(company, nip)

    async def _configure(self, company: UUID, nip: str) -> None:
        url = f"{self.gateway}/companies/{company}/ksef/token"
        async with asyncio.timeout(120):
            while True:
                token = await ksef_token(self.http, self.sim, nip)
                resp = await self.http.put(url, json={"token": token}, headers=self.office_headers)
                if resp.status_code == 200:
                    return
                await asyncio.sleep(1)  # the gateway may not know the company yet

    async def settings(self) -> httpx.Response:
        return await self.http.get(
            f"{self.invoices}/issuing/companies/{self.seller}/settings", headers=self.owner
        )

    async def issue(self, number: str, mode: str = "online") -> str:
        today = date.today().isoformat()
        body = {
            "number": number,
            "issue_date": today,
            "seller_address": {"line1": "ul. Testowa 1, 00-001 Warszawa"},
            "buyer": {"nip": self.buyer_nip, "name": f"Klient {self.buyer_nip}"},
            "lines": [
                {
                    "name": "Usługa E2E",
                    "quantity": "2",
                    "unit_net_price": "150.00",
                    "vat_rate": "23",
                }
            ],
        }
        created = await self.http.post(
            f"{self.invoices}/issuing/companies/{self.seller}/invoices",
            json=body,
            headers=self.owner,
        )
        assert created.status_code == 201, created.text
        invoice_id: str = created.json()["id"]
        sent = await self.http.post(
            f"{self.invoices}/issuing/invoices/{invoice_id}/send",
            json={"mode": mode},
            headers=self.owner,
        )
        assert sent.status_code == 202, sent.text
        return invoice_id

    async def wait_accepted(self, invoice_id: str) -> dict[str, Any]:
        url = f"{self.invoices}/issuing/invoices/{invoice_id}"
        async with asyncio.timeout(ACCEPTED_WITHIN):
            while True:
                resp = await self.http.get(url, headers=self.owner)
                if resp.status_code != 200:  # a service restarting (the stack is shared)
                    await asyncio.sleep(1)
                    continue
                got: dict[str, Any] = resp.json()
                assert got["status"] != "rejected", (got["error_message"], got["errors"])
                if got["status"] == "accepted":
                    return got
                await asyncio.sleep(1)


def offline_certificate() -> tuple[str, str]:
    """A self-signed EC P-256 stand-in for the company's KSeF Offline certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Offline E2E")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number() >> 96 | 1 << 60)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(pem).decode(), key_pem.decode()


async def sent_events(bootstrap: str, invoice_ids: set[str]) -> dict[str, list[str]]:
    """KSeF numbers of every invoice.sent of these invoices so far."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        [spec] = [t for t in TOPICS if t.name == "invoice.sent"]
        parts = [TopicPartition("invoice.sent", p) for p in range(spec.partitions)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        seen: dict[str, list[str]] = {}
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(*parts, timeout_ms=1000)).values():
                for r in records:
                    try:  # other tests publish broken payloads on purpose (DLQ cases)
                        data = json.loads(r.value)["data"]
                    except (ValueError, KeyError, TypeError):
                        continue
                    if isinstance(data, dict) and data.get("invoice_id") in invoice_ids:
                        seen.setdefault(data["invoice_id"], []).append(data["ksef_number"])
        return seen
    finally:
        await consumer.stop()


async def test_issued_invoice_gets_ksef_number_upo_and_reaches_the_buyer(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=120) as http:
        s = Issuing(stack, http)
        await s.setup()
        invoice_id = await s.issue(f"E2E/{uuid4().hex[:8]}")
        accepted = await s.wait_accepted(invoice_id)
        assert accepted["ksef_number"].startswith(s.seller_nip)
        upo = await http.get(f"{s.invoices}/issuing/invoices/{invoice_id}/upo", headers=s.owner)
        assert upo.status_code == 200
        assert "Potwierdzenie" in upo.text or "UPO" in upo.text
        pdf = await http.get(f"{s.invoices}/issuing/invoices/{invoice_id}/pdf", headers=s.owner)
        assert pdf.content[:5] == b"%PDF-"

        # The buyer receives the same invoice as a purchase through the normal sync.
        buyer = s._headers(s.buyer, "company", "owner")
        async with asyncio.timeout(300):
            while True:
                await http.post(
                    f"{s.gateway}/companies/{s.buyer}/ksef/sync", headers=s.office_headers
                )
                found = await http.get(
                    f"{s.invoices}/invoices",
                    params={"direction": "purchase", "q": accepted["ksef_number"]},
                    headers=buyer,
                )
                items = found.json().get("items", []) if found.status_code == 200 else []
                if any(i["ksef_number"] == accepted["ksef_number"] for i in items):
                    break
                await http.post(f"{s.sim}/admin/clock/advance", json={"seconds": 90})
                await asyncio.sleep(3)


async def wait_for(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], done: Any
) -> dict[str, Any]:
    """GET `url` until `done(body)`; the body."""
    async with asyncio.timeout(ACCEPTED_WITHIN):
        while True:
            resp = await http.get(url, headers=headers)
            body: dict[str, Any] = resp.json() if resp.status_code == 200 else {}
            if body and done(body):
                return body
            await asyncio.sleep(0.5)


async def test_in_an_outage_invoices_go_offline_by_themselves_and_reach_ksef_once(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(timeout=120) as http:
        s = Issuing(stack, http)
        await s.setup()
        cert, key = offline_certificate()
        r = await http.put(
            f"{s.invoices}/issuing/companies/{s.seller}/offline-certificate",
            json={"certificate": cert, "private_key": key},
            headers=s.owner,
        )
        assert r.status_code == 200, r.text
        detail = f"{s.invoices}/issuing/invoices"
        queue_url = f"{s.invoices}/issuing/queue"
        await http.post(f"{s.sim}/admin/faults", json={"mode": "unavailable"})
        try:
            # Sent online before anyone noticed: the gateway hands it back, invoices issues
            # it offline by itself (no offline24 chosen).
            early = await s.issue(f"AUTO/{uuid4().hex[:8]}")
            ksef = (await wait_for(http, queue_url, s.owner, lambda b: b["ksef"]["status"]
                                   == "unavailable"))["ksef"]  # fmt: skip
            assert ksef["mode"] == "offline"
            # Sent while KSeF is known to be down: offline at once; offline24 as chosen.
            late = await s.issue(f"AUTO/{uuid4().hex[:8]}")
            chosen = await s.issue(f"OFF/{uuid4().hex[:8]}", mode="offline24")
            got = (await http.get(f"{detail}/{late}", headers=s.owner)).json()
            assert (got["status"], got["offline_mode"], got["offline_qr"]) == (
                "offline", "offline", True,
            )  # fmt: skip
            assert got["offline_deadline"] is None  # unknown while the outage lasts
            assert got["deadline_label"].startswith("nieznany")
            got = await wait_for(
                http, f"{detail}/{early}", s.owner, lambda b: b["status"] == "offline"
            )
            assert (got["offline_mode"], got["offline_qr"]) == ("offline", True)
            pdf = await http.get(f"{detail}/{early}/pdf", headers=s.owner)
            assert pdf.content[:5] == b"%PDF-"
            queue = (await http.get(queue_url, headers=s.owner)).json()
            waiting = {i["id"]: i for i in queue["items"]}
            assert waiting[chosen]["offline_mode_label"] == "offline24 (wybór wystawcy)"
            assert waiting[chosen]["deadline_label"].startswith("do ")
            await asyncio.sleep(2)
            stack.kill("ksef-gateway")
            stack.script("services.sh", "up", "ksef-gateway")
        finally:
            await http.delete(f"{s.sim}/admin/faults")
        ids = [early, late, chosen]
        numbers = [(await s.wait_accepted(i))["ksef_number"] for i in ids]
        assert len(set(numbers)) == 3
        # KSeF is back: the outage's invoices now have their deadline (next business day).
        for invoice in (early, late):
            got = await wait_for(
                http, f"{detail}/{invoice}", s.owner, lambda b: b["offline_deadline"] is not None
            )
            assert got["offline"] is True
        seen = await sent_events(stack.env["KAFKA_BOOTSTRAP_SERVERS"], set(ids))
        # Redelivered events are allowed; a second KSeF number for one invoice is not.
        assert {i: set(n) for i, n in seen.items()} == {
            i: {n} for i, n in zip(ids, numbers, strict=True)
        }
