"""Attachments checked against the real files service of the test stack.

The office and its client companies reach files the way they do in production (org.created on
Kafka, consumed by its tenancy read model); a file is uploaded through the files API, then
messaging (in process, FILES_URL pointing at the stack's files behind the gateway) accepts it
as an attachment, and refuses it once deleted, or when it belongs to another company. Tokens
are signed with the stack's own key, which files trusts through auth's JWKS.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from chassis.testing import random_nip, seed_org, stack_env
from chassis.tokens import sign_access_token
from contracts import new_envelope
from contracts.auth import ORG_CREATED, OrgCreated, OrgKind
from messaging.main import build_app

from .conftest import make_settings

PDF = b"%PDF-1.4\n% Rachmistrz test attachment\n"


@dataclass
class Stack:
    files: httpx.AsyncClient
    private_pem: bytes
    public_key_file: Path
    kid: str

    def headers(self, org: UUID, kind: str, role: str) -> dict[str, str]:
        token = sign_access_token(
            self.private_pem,
            user_id=uuid4(),
            org_id=org,
            org_kind=kind,
            role=role,
            key_id=self.kid,
        )
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    keys = Path(stack_env("RACHMISTRZ_RUN_DIR")) / "keys"
    gateway = stack_env("GATEWAY_URL")
    async with httpx.AsyncClient(base_url=f"{gateway}/api/files", timeout=10) as files:
        jwks = (await files.get(f"{gateway}/api/auth/.well-known/jwks.json")).json()
        yield Stack(
            files,
            (keys / "access-token.pem").read_bytes(),
            keys / "access-token.pub.pem",
            jwks["keys"][0]["kid"],
        )


async def announce(office: UUID, companies: list[UUID]) -> None:
    """What auth publishes when an office is registered and takes clients on."""
    producer = AIOKafkaProducer(bootstrap_servers=stack_env("KAFKA_BOOTSTRAP_SERVERS"), acks="all")
    await producer.start()
    try:
        orgs = [OrgCreated(org_id=office, kind=OrgKind.office, nip=random_nip(), name="Biuro")]
        orgs += [
            OrgCreated(
                org_id=c, kind=OrgKind.company, nip=random_nip(), name="Firma", office_id=office
            )
            for c in companies
        ]
        for data in orgs:
            event = new_envelope(
                ORG_CREATED.event_type,
                ORG_CREATED.version,
                data,
                producer="test",
                org_id=data.org_id,
            )
            await producer.send_and_wait(
                "org.created", event.model_dump_json().encode(), key=str(data.org_id).encode()
            )
    finally:
        await producer.stop()


async def known_to_files(stack: Stack, company: UUID) -> None:
    headers = stack.headers(company, "company", "owner")
    async with asyncio.timeout(60):
        while (
            await stack.files.get(f"/companies/{company}/files", headers=headers)
        ).status_code != 200:
            await asyncio.sleep(0.2)


async def upload(stack: Stack, company: UUID) -> str:
    response = await stack.files.post(
        f"/companies/{company}/files",
        files={"file": ("umowa.pdf", PDF, "application/pdf")},
        headers=stack.headers(company, "company", "owner"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_files_confirms_a_live_file_of_the_company_and_nothing_else(
    stack: Stack, pool: asyncpg.Pool, dsn: str
) -> None:
    office, company, other = uuid4(), uuid4(), uuid4()
    await announce(office, [company, other])
    async with pool.acquire() as conn:
        await seed_org(conn, kind="office", org_id=office)
        for org in (company, other):
            await seed_org(conn, kind="company", office_id=office, org_id=org)
    for org in (company, other):
        await known_to_files(stack, org)
    mine, theirs = await upload(stack, company), await upload(stack, other)
    settings = make_settings(
        dsn, stack.public_key_file, files_url=f"{stack_env('GATEWAY_URL')}/api/files"
    )
    app = build_app(settings, api=True, worker=False)
    owner = stack.headers(company, "company", "owner")

    async def start(file_id: str) -> Any:
        body = {
            "subject": "Umowa",
            "body": "W załączniku",
            "attachments": [{"file_id": file_id, "name": "umowa.pdf"}],
        }
        return await messaging.post("/threads", json=body, headers=owner)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://messaging") as messaging:
            accepted = await start(mine)
            assert accepted.status_code == 201, accepted.text
            foreign = await start(theirs)
            assert foreign.json()["error"]["details"] == {"file_ids": [theirs]}
            deleted = await stack.files.delete(f"/companies/{company}/files/{mine}", headers=owner)
            assert deleted.status_code == 204, deleted.text
            gone = await start(mine)
            assert (gone.status_code, gone.json()["error"]["code"]) == (422, "attachment_not_found")
