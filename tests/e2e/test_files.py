"""files through the gateway: a 50 MB upload and its download round-trip in bounded memory.

The office and its client company reach the files service the way they do in production: as
`org.created` events on Kafka, which its tenancy read model consumes. The upload streams
through nginx (no request buffering) into the service and on to MinIO; the download comes back
through the gateway's /storage/ location on the pre-signed URL the API hands out. The service
process's peak resident memory during the upload is read from the kernel (VmHWM, reset just
before through /proc/<pid>/clear_refs) and must stay far below the file's size.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from contracts import new_envelope
from contracts.auth import ORG_CREATED, OrgCreated, OrgKind
from tests.e2e.stack import Stack

SIZE = 50 * 1000 * 1000
CHUNK = 256 * 1024
# Growth of the service's peak RSS allowed while 50 MB pass through it, one-time costs included
# (measured: about 10 MiB from a fresh process; a part in flight is 5 MiB).
MAX_GROWTH = 20 * 1024 * 1024
# Allocator noise between two uploads of different sizes.
SLACK_KIB = 4 * 1024
BOUNDARY = "rachmistrz-e2e-boundary"


def nip() -> str:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [random.randint(1, 9)] + [random.randint(0, 9) for _ in range(8)]
        check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


async def announce(bootstrap: str, office: UUID, company: UUID) -> None:
    """What auth publishes when an office is registered and takes a client on."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for data in (
            OrgCreated(org_id=office, kind=OrgKind.office, nip=nip(), name="Biuro E2E plików"),
            OrgCreated(
                org_id=company, kind=OrgKind.company, nip=nip(), name="Klient E2E", office_id=office
            ),
        ):
            event = new_envelope(
                ORG_CREATED.event_type,
                ORG_CREATED.version,
                data,
                producer="auth",
                org_id=data.org_id,
            )
            await producer.send_and_wait(
                "org.created", event.model_dump_json().encode(), key=str(data.org_id).encode()
            )
    finally:
        await producer.stop()


async def wait_for_company(db: asyncpg.Connection, company: UUID) -> None:
    async with asyncio.timeout(60):
        while not await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM tenancy_orgs"
            " WHERE org_id = $1 AND office_id IS NOT NULL)",
            company,
        ):
            await asyncio.sleep(0.2)


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"{field} missing for pid {pid}")


class Content:
    """A PDF-looking file of random bytes made on the fly, hashed as they are sent."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rng = random.Random()
        self.sha256 = hashlib.sha256()

    async def form(self) -> AsyncIterator[bytes]:
        yield self.head()
        first = b"%PDF-1.7\n"
        self.sha256.update(first)
        yield first
        left = self.size - len(first)
        while left:
            piece = self.rng.randbytes(min(CHUNK, left))
            self.sha256.update(piece)
            left -= len(piece)
            yield piece
        yield self.tail()

    @staticmethod
    def head() -> bytes:
        return (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file";'
            ' filename="Wyciąg roczny 2026.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()

    @staticmethod
    def tail() -> bytes:
        return f"\r\n--{BOUNDARY}--\r\n".encode()

    def length(self) -> int:
        return len(self.head()) + self.size + len(self.tail())


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "files")
    return stack


@pytest.fixture
async def company(stack: Stack) -> tuple[UUID, UUID]:
    office, company = uuid4(), uuid4()
    await announce(stack.env["KAFKA_BOOTSTRAP_SERVERS"], office, company)
    db = await asyncpg.connect(stack.database_url("files"))
    try:
        await wait_for_company(db, company)
    finally:
        await db.close()
    return office, company


def reset_peak_memory(pid: int) -> int:
    """Reset the process's peak RSS to its current RSS (Linux clear_refs) and return it."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return memory_kib(pid, "VmHWM")


async def measured_upload(
    api: httpx.AsyncClient, company_id: UUID, token: str, pid: int, size: int
) -> tuple[Content, httpx.Response, int]:
    """Upload `size` bytes; also the service's peak RSS during the upload, in KiB."""
    content = Content(size)
    await asyncio.to_thread(reset_peak_memory, pid)
    response = await api.post(
        f"/companies/{company_id}/files",
        content=content.form(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(content.length()),
        },
    )
    peak = await asyncio.to_thread(memory_kib, pid, "VmHWM")
    assert response.status_code == 201, response.text
    return content, response, peak


async def test_50_mb_round_trip_keeps_its_checksum_in_bounded_memory(
    stack: Stack, company: tuple[UUID, UUID]
) -> None:
    office, company_id = company
    owner = stack.token(company_id, uuid4(), org_kind="company", role="owner")
    accountant = stack.token(office, uuid4(), org_kind="office", role="employee")
    pid = stack.pid("files")
    async with httpx.AsyncClient(base_url=f"{stack.gateway}/api/files", timeout=300) as api:
        # Half the size first: it pays the one-time costs (connection pools, lazy imports,
        # the upload thread's allocator arena) and has as many parts in flight as any upload.
        baseline = await asyncio.to_thread(reset_peak_memory, pid)
        _, _, peak_half = await measured_upload(api, company_id, owner, pid, SIZE // 2)
        content, response, peak = await measured_upload(api, company_id, owner, pid, SIZE)
        uploaded = response.json()
        assert uploaded["size"] == SIZE
        assert uploaded["sha256"] == content.sha256.hexdigest()
        assert uploaded["name"] == "Wyciąg roczny 2026.pdf"
        # Bounded: twice the data needs no more memory than half of it did...
        assert peak - peak_half < SLACK_KIB, (baseline, peak_half, peak)
        # ...and, one-time costs included, far less than the file itself.
        assert (peak - baseline) * 1024 < MAX_GROWTH, (baseline, peak_half, peak)

        link = await api.get(
            f"/companies/{company_id}/files/{uploaded['id']}/download",
            headers={"Authorization": f"Bearer {accountant}"},
        )
        assert link.status_code == 200, link.text
    url = link.json()["url"]
    assert url.startswith(f"{stack.gateway}/storage/")
    downloaded, size = hashlib.sha256(), 0
    async with httpx.AsyncClient(timeout=300) as browser, browser.stream("GET", url) as body:
        assert body.status_code == 200
        assert "attachment" in body.headers["content-disposition"]
        async for piece in body.aiter_bytes():
            downloaded.update(piece)
            size += len(piece)
    assert (size, downloaded.hexdigest()) == (SIZE, uploaded["sha256"])


async def test_the_file_uploaded_event_leaves_through_the_outbox(
    stack: Stack, company: tuple[UUID, UUID]
) -> None:
    _, company_id = company
    owner = stack.token(company_id, uuid4(), org_kind="company", role="owner")
    async with httpx.AsyncClient(base_url=f"{stack.gateway}/api/files", timeout=30) as api:
        response = await api.post(
            f"/companies/{company_id}/files",
            files={"file": ("notatka.txt", "Dzień dobry".encode(), "text/plain")},
            headers={"Authorization": f"Bearer {owner}"},
        )
    assert response.status_code == 201, response.text
    db = await asyncpg.connect(stack.database_url("files"))
    try:
        # The relay deletes an outbox row only once Kafka acknowledged the event.
        async with asyncio.timeout(30):
            while await db.fetchval(
                "SELECT count(*) FROM outbox WHERE payload->'data'->>'file_id' = $1",
                response.json()["id"],
            ):
                await asyncio.sleep(0.2)
    finally:
        await db.close()


async def test_another_office_gets_no_link_and_forged_urls_fail(
    stack: Stack, company: tuple[UUID, UUID]
) -> None:
    _, company_id = company
    owner = stack.token(company_id, uuid4(), org_kind="company", role="owner")
    stranger = stack.token(uuid4(), uuid4(), org_kind="office", role="admin")
    async with httpx.AsyncClient(base_url=f"{stack.gateway}/api/files", timeout=30) as api:
        created = await api.post(
            f"/companies/{company_id}/files",
            files={"file": ("faktura.pdf", b"%PDF-1.4\n1", "application/pdf")},
            headers={"Authorization": f"Bearer {owner}"},
        )
        file_id = created.json()["id"]
        refused = await api.get(
            f"/companies/{company_id}/files/{file_id}/download",
            headers={"Authorization": f"Bearer {stranger}"},
        )
        link = await api.get(
            f"/companies/{company_id}/files/{file_id}/download",
            headers={"Authorization": f"Bearer {owner}"},
        )
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "company_not_found"
    url = link.json()["url"]
    async with httpx.AsyncClient(timeout=30) as browser:
        assert (await browser.get(url)).status_code == 200
        tampered = url.replace(file_id, str(uuid4()))
        assert (await browser.get(tampered)).status_code == 403
        unsigned = url.split("?")[0]
        assert (await browser.get(unsigned)).status_code == 403
        assert (await browser.put(url, content=b"overwrite")).status_code == 403


@pytest.mark.parametrize(
    ("declared", "code"),
    [
        # over the service's 100 MB limit: refused by files before it reads the body
        (101_000_000, "file_too_large"),
        # over the gateway's 100 MiB body limit: refused by nginx, in the same error format
        (200_000_000, "payload_too_large"),
    ],
)
async def test_oversized_uploads_are_refused_with_clear_errors(
    stack: Stack, company: tuple[UUID, UUID], declared: int, code: str
) -> None:
    _, company_id = company
    owner = stack.token(company_id, uuid4(), org_kind="company", role="owner")
    content = Content(declared - len(Content.head()) - len(Content.tail()))
    async with httpx.AsyncClient(base_url=f"{stack.gateway}/api/files", timeout=60) as api:
        response = await api.post(
            f"/companies/{company_id}/files",
            content=content.form(),
            headers={
                "Authorization": f"Bearer {owner}",
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(content.length()),
            },
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
