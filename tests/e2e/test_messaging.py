"""A client's inquiry about three invoices, answered by the office, on the running stack.

The office, its client company, the two people's memberships and the inquiry are published to
Kafka as auth and invoices publish them. The office replies through the API gateway, the
client's open event stream hears about it at once, the client gets the notification e-mail in
the SMTP catcher, and the thread shows both messages in order.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from contracts import new_envelope
from contracts.auth import MembershipChanged, OrgCreated, OrgKind
from contracts.invoices import InquiryInvoice, InquiryRequested
from tests.e2e.stack import Stack

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def random_nip() -> str:
    while True:
        digits = [random.randint(1, 9)] + [random.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "messaging")
    return stack


@pytest.fixture
async def kafka(stack: Stack) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=stack.env["KAFKA_BOOTSTRAP_SERVERS"])
    await producer.start()
    yield producer
    await producer.stop()


async def publish(kafka: AIOKafkaProducer, event_type: str, data: Any, key: UUID) -> None:
    body = new_envelope(event_type, 1, data, producer="e2e").model_dump_json().encode()
    await kafka.send_and_wait(event_type, body, key=str(key).encode())


async def office_with_client(kafka: AIOKafkaProducer) -> tuple[UUID, UUID]:
    """An office and its client company, announced as auth announces them."""
    office, company = uuid4(), uuid4()
    await publish(
        kafka,
        "org.created",
        OrgCreated(org_id=office, kind=OrgKind.office, nip=random_nip(), name="Biuro E2E"),
        office,
    )
    await publish(
        kafka,
        "org.created",
        OrgCreated(
            org_id=company,
            kind=OrgKind.company,
            nip=random_nip(),
            name="Hurtownia Pytań E2E",
            office_id=office,
        ),
        company,
    )
    return office, company


async def poll(fetch: Any, timeout: float = 60) -> Any:
    """Calls `fetch` until it returns something truthy."""
    async with asyncio.timeout(timeout):
        while not (found := await fetch()):
            await asyncio.sleep(0.2)
    return found


async def next_event(lines: AsyncIterator[str], name: str) -> dict[str, Any]:
    """The data of the next server-sent event called `name`."""
    event = None
    async for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == name:
            found: dict[str, Any] = json.loads(line.removeprefix("data: "))
            return found
    raise AssertionError("the event stream ended")


async def test_client_inquiry_office_reply_email_and_ordered_thread(
    stack: Stack, kafka: AIOKafkaProducer
) -> None:
    office, company = await office_with_client(kafka)
    client, staff = uuid4(), uuid4()
    client_email = f"klient-{client.hex[:10]}@example.com"
    for user, org, kind, role, email in (
        (client, company, OrgKind.company, "client", client_email),
        (staff, office, OrgKind.office, "employee", f"biuro-{staff.hex[:10]}@example.com"),
    ):
        membership = MembershipChanged(
            user_id=user, org_id=org, org_kind=kind, email=email, role=role, full_name=None
        )
        await publish(kafka, "user.membership.changed", membership, org)
    # Events of different topics arrive in any order: wait until messaging knows both people
    # and the company before the inquiry (read-only look into its database).
    db = await asyncpg.connect(stack.database_url("messaging"))
    try:

        async def ready() -> bool:
            known = await db.fetchval(
                "SELECT (SELECT count(*) FROM members WHERE user_id = ANY($1::uuid[]))"
                " + (SELECT count(*) FROM tenancy_orgs WHERE org_id = $2 AND office_id = $3)",
                [client, staff],
                company,
                office,
            )
            return bool(known == 3)

        await poll(ready)
    finally:
        await db.close()
    inquiry = InquiryRequested(
        inquiry_id=uuid4(),
        company_id=company,
        requested_by=client,
        subject="Pytanie o trzy faktury",
        body="Czy te faktury są już zaksięgowane?",
        invoices=[
            InquiryInvoice(invoice_id=uuid4(), invoice_number=f"FV/{n}/11/2026") for n in (1, 2, 3)
        ],
    )
    await publish(kafka, "inquiry.requested", inquiry, company)

    office_auth = {
        "Authorization": f"Bearer {stack.token(office, staff, org_kind='office', role='employee')}"
    }
    client_token = stack.token(company, client, org_kind="company", role="client")
    async with httpx.AsyncClient(base_url=f"{stack.gateway}/api/messaging", timeout=30) as api:

        async def office_threads() -> list[Any]:
            items: list[Any] = (await api.get("/threads", headers=office_auth)).json()["items"]
            return [t for t in items if t["thread"]["subject"] == inquiry.subject]

        [listed] = await poll(office_threads)
        thread_id = listed["thread"]["id"]
        assert listed["unread"] == 1
        assert len(listed["thread"]["invoices"]) == 3

        # The client's browser has the stream open (token as a query parameter, as
        # EventSource must) when the office answers.
        async with api.stream(
            "GET", "/threads/stream", params={"access_token": client_token}, timeout=30
        ) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            await next_event(lines, "ready")
            reply = await api.post(
                f"/threads/{thread_id}/messages",
                json={"body": "Tak, wszystkie trzy są zaksięgowane."},
                headers=office_auth,
            )
            assert reply.status_code == 201, reply.text
            live = await asyncio.wait_for(next_event(lines, "message"), 20)
        assert live["message_id"] == reply.json()["id"]
        assert live["thread_id"] == thread_id

        messages = await api.get(
            f"/threads/{thread_id}/messages",
            headers={"Authorization": f"Bearer {client_token}"},
        )
        items = messages.json()["items"]
        assert [(m["author_side"], m["body"].split("\n")[0]) for m in items] == [
            ("company", "Czy te faktury są już zaksięgowane?"),
            ("office", "Tak, wszystkie trzy są zaksięgowane."),
        ]

    async with httpx.AsyncClient(base_url=stack.env["MAIL_API"], timeout=10) as mail:

        async def client_mail() -> list[Any]:
            received: list[Any] = (await mail.get("/email")).json()
            return [m for m in received if m["to"][0]["address"] == client_email]

        [email] = await poll(client_mail)
    assert email["subject"] == "Nowa wiadomość: Pytanie o trzy faktury"
    assert "Tak, wszystkie trzy są zaksięgowane." in email["text"]
    assert f"/wiadomosci/{thread_id}" in email["html"]
