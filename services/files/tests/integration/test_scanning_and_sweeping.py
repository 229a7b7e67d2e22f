"""Malware scanning against a stand-in clamd speaking the INSTREAM protocol, and the sweeper.

No ClamAV signature database can be had on this machine (see the service's notes), so the
stand-in flags the EICAR test string the way clamd does; the service's client code is real.
"""

from __future__ import annotations

import asyncio
import io
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from minio import Minio

from files import services
from files.config import Settings
from files.storage import MinioStore

Upload = Callable[..., Awaitable[httpx.Response]]
# Built from halves so that no file of this repository is itself the test virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


async def _fake_clamd(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    assert await reader.readuntil(b"\0") == b"zINSTREAM\0"
    seen = bytearray()
    while size := struct.unpack("!L", await reader.readexactly(4))[0]:
        seen += await reader.readexactly(size)
    found = EICAR in seen
    writer.write(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")
    await writer.drain()
    writer.close()


@pytest.fixture
async def clamd(tmp_path: Path) -> AsyncIterator[str]:
    socket = tmp_path / "clamd.ctl"
    server = await asyncio.start_unix_server(_fake_clamd, path=str(socket))
    async with server:
        yield f"unix://{socket}"


async def test_an_infected_upload_is_refused_and_nothing_is_kept(
    settings: Any,
    make_api: Any,
    upload: Upload,
    users: Any,
    clamd: str,
    pool: asyncpg.Pool,
    minio: Minio,
    bucket: str,
) -> None:
    async with make_api(settings(scanner="clamd", clamd_address=clamd)) as scanned:
        clean = await upload(users.company(), "notatka.txt", b"czysty tekst", client=scanned)
        infected = await upload(users.company(), "eicar.txt", EICAR, client=scanned)
    assert clean.status_code == 201, clean.text
    assert infected.status_code == 422
    assert infected.json()["error"]["code"] == "file_infected"
    assert infected.json()["error"]["details"] == {"signature": "Eicar-Signature"}
    assert await pool.fetchval("SELECT count(*) FROM files") == 1
    assert [o.object_name for o in minio.list_objects(bucket, recursive=True)] == [
        f"files/{users.orgs.company}/{clean.json()['id']}"
    ]


async def test_an_unreachable_scanner_refuses_the_upload(
    settings: Any, make_api: Any, upload: Upload, users: Any, tmp_path: Path, pool: asyncpg.Pool
) -> None:
    missing = f"unix://{tmp_path}/no-clamd.ctl"
    async with make_api(settings(scanner="clamd", clamd_address=missing)) as scanned:
        response = await upload(users.company(), "faktura.pdf", client=scanned)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "scan_failed"
    assert await pool.fetchval("SELECT count(*) FROM files") == 0


async def test_the_sweeper_removes_abandoned_uploads_and_bytes_of_deleted_files(
    settings: Any, pool: asyncpg.Pool, minio: Minio, bucket: str
) -> None:
    config: Settings = settings()
    store = MinioStore(config)
    await store.ensure_bucket()
    await store.ensure_bucket()  # idempotent
    company = uuid4()
    rows = {
        # (status, created, deleted)
        "abandoned": ("pending", datetime.now(UTC) - timedelta(hours=2), None),
        "uploading": ("pending", datetime.now(UTC), None),
        "deleted": ("ready", datetime.now(UTC), datetime.now(UTC)),
        "kept": ("ready", datetime.now(UTC), None),
    }
    for label, (status, created, deleted) in rows.items():
        key = f"files/{company}/{label}"
        minio.put_object(bucket, key, io.BytesIO(b"x"), 1)
        await pool.execute(
            "INSERT INTO files (id, company_id, side, uploaded_by, name, content_type, size,"
            " sha256, month, object_key, status, created_at, deleted_at)"
            " VALUES ($1, $2, 'company', $3, $4, 'text/plain', 1, $5, '2026-10', $6, $7, $8, $9)",
            uuid4(),
            company,
            uuid4(),
            label,
            "0" * 64,
            key,
            status,
            created,
            deleted,
        )
    assert await services.sweep(pool, store, pending_seconds=3600) == 2
    left = sorted(str(o.object_name) for o in minio.list_objects(bucket, recursive=True))
    assert left == [f"files/{company}/kept", f"files/{company}/uploading"]
    names = await pool.fetch(
        "SELECT name, purged_at IS NOT NULL AS purged FROM files ORDER BY name"
    )
    assert [(r["name"], r["purged"]) for r in names] == [
        ("deleted", True),
        ("kept", False),
        ("uploading", False),
    ]
