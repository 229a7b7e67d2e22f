"""Uploading onto the real PostgreSQL and MinIO: what is stored, and what is refused."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from minio import Minio

Upload = Callable[..., Awaitable[httpx.Response]]
PDF_HEAD = b"%PDF-1.7\n"


async def stored_keys(minio: Minio, bucket: str) -> list[str]:
    return [str(o.object_name) for o in minio.list_objects(bucket, recursive=True)]


async def test_company_upload_is_stored_with_its_checksum_and_announced(
    upload: Upload, users: Any, orgs: Any, pool: asyncpg.Pool, minio: Minio, bucket: str
) -> None:
    content = PDF_HEAD + "zawartość ".encode() * 5000
    response = await upload(users.company(), "Faktura zażółć 10-2026.pdf", content)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Faktura zażółć 10-2026.pdf"
    assert body["side"] == "company"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["content_type"] == "application/pdf"
    assert body["purpose"] == "exchange"
    assert body["deletable"] is True
    assert minio.get_object(bucket, f"files/{orgs.company}/{body['id']}").read() == content
    [event] = await pool.fetch("SELECT key, payload FROM outbox WHERE topic = 'file.uploaded'")
    assert event["key"] == str(orgs.company)
    data = event["payload"]["data"]
    assert (data["file_id"], data["sha256"], data["size"]) == (
        body["id"],
        body["sha256"],
        len(content),
    )
    assert data["office_id"] == str(orgs.office)
    assert data["side"] == "company"


async def test_download_url_returns_the_same_bytes_under_the_polish_name(
    api: httpx.AsyncClient, upload: Upload, users: Any, orgs: Any
) -> None:
    content = PDF_HEAD + bytes(range(256)) * 100
    created = (await upload(users.office(), "Umowa łódź.pdf", content)).json()
    response = await api.get(
        f"/companies/{orgs.company}/files/{created['id']}/download", headers=users.company()
    )
    assert response.status_code == 200, response.text
    async with httpx.AsyncClient() as browser:
        fetched = await browser.get(response.json()["url"])
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["content-type"] == "application/pdf"
    assert (
        "filename*=UTF-8''Umowa%20%C5%82%C3%B3d%C5%BA.pdf" in fetched.headers["content-disposition"]
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("skan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png"),
        ("zdjęcie.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 100, "image/jpeg"),
        ("JPK_VAT.xml", b'<?xml version="1.0"?><JPK></JPK>', "application/xml"),
        ("wyciąg.csv", "data;kwota\n2026-10-01;12,50\n".encode("cp1250"), "text/csv"),
        ("notatka.txt", "Zażółć gęślą jaźń".encode(), "text/plain"),
        (
            "raport.xlsx",
            b"PK\x03\x04" + b"\0" * 100,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("stary.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "application/msword"),
        ("paczka.zip", b"PK\x03\x04" + b"\0" * 100, "application/zip"),
    ],
)
async def test_allowed_types_are_recognised_by_their_content(
    upload: Upload, users: Any, name: str, content: bytes, content_type: str
) -> None:
    response = await upload(users.company(), name, content)
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == content_type


async def test_empty_file_is_refused(upload: Upload, users: Any, pool: asyncpg.Pool) -> None:
    response = await upload(users.company(), "pusty.pdf", b"")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "empty_file"
    assert await pool.fetchval("SELECT count(*) FROM files") == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("program.exe", b"MZ\x90\x00\x03", "file_type_not_allowed"),
        ("strona.html", b"<html><script>alert(1)</script>", "file_type_not_allowed"),
        ("bez_rozszerzenia", PDF_HEAD, "file_type_not_allowed"),
        ("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "file_content_mismatch"),
        ("notatka.txt", b"\x7fELF\x02\x01\x01\x00\x00", "file_content_mismatch"),
        ("obraz.xml", b'<?xml version="1.0"?><svg onload="alert(1)"/>', "file_content_mismatch"),
        ("zdjęcie.png", b"GIF89a" + b"\0" * 10, "file_content_mismatch"),
    ],
)
async def test_forbidden_types_are_refused_before_anything_is_stored(
    upload: Upload,
    users: Any,
    pool: asyncpg.Pool,
    minio: Minio,
    bucket: str,
    name: str,
    content: bytes,
    code: str,
) -> None:
    response = await upload(users.company(), name, content)
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert await pool.fetchval("SELECT count(*) FROM files") == 0
    assert await stored_keys(minio, bucket) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\faktura.pdf",
        "katalog/faktura.pdf",
        ".htaccess.pdf",
        "faktura\u202efdp.exe.pdf",
        "a|b.pdf",
        "x" * 252 + ".pdf",
        "",
    ],
)
async def test_names_with_path_tricks_or_control_characters_are_refused(
    upload: Upload, users: Any, pool: asyncpg.Pool, name: str
) -> None:
    response = await upload(users.company(), name, PDF_HEAD + b"1")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_file_name"
    assert await pool.fetchval("SELECT count(*) FROM files") == 0


async def test_raw_control_characters_in_a_name_are_refused(
    api: httpx.AsyncClient, users: Any, orgs: Any
) -> None:
    # httpx, like browsers, percent-encodes some of them; a hand-made client need not.
    response = await api.post(
        f"/companies/{orgs.company}/files",
        content=_form("faktura\x01\x7f.pdf", PDF_HEAD),
        headers={**users.company(), "content-type": "multipart/form-data; boundary=b0undary"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_file_name"


async def test_declared_oversize_is_refused_before_reading(
    settings: Any, make_api: Any, upload: Upload, users: Any
) -> None:
    async with make_api(settings(max_upload_bytes=1000)) as small:
        response = await upload(users.company(), content=PDF_HEAD + b"0" * 100_000, client=small)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert response.json()["error"]["details"] == {"max_bytes": 1000}


def _form(name: str, content: bytes, boundary: str = "b0undary") -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


async def _chunked(body: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


async def test_oversize_without_a_length_is_cut_off_while_streaming_and_cleaned_up(
    settings: Any,
    make_api: Any,
    users: Any,
    orgs: Any,
    pool: asyncpg.Pool,
    minio: Minio,
    bucket: str,
) -> None:
    # 12 MiB against a 11 MiB limit: two 5 MiB parts reach MinIO before the limit is hit.
    body = _form("duży.pdf", PDF_HEAD + b"0" * (12 * 1024 * 1024))
    async with make_api(settings(max_upload_bytes=11 * 1024 * 1024)) as small:
        response = await small.post(
            f"/companies/{orgs.company}/files",
            content=_chunked(body),
            headers={**users.company(), "content-type": "multipart/form-data; boundary=b0undary"},
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert await pool.fetchval("SELECT count(*) FROM files") == 0
    assert await stored_keys(minio, bucket) == []
    assert list(minio._list_multipart_uploads(bucket).uploads) == []  # noqa: SLF001


async def test_a_truncated_body_stores_nothing(
    api: httpx.AsyncClient, users: Any, orgs: Any, pool: asyncpg.Pool, minio: Minio, bucket: str
) -> None:
    body = _form("faktura.pdf", PDF_HEAD + b"1" * 10_000)[:-30]
    response = await api.post(
        f"/companies/{orgs.company}/files",
        content=body,
        headers={**users.company(), "content-type": "multipart/form-data; boundary=b0undary"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "malformed_upload"
    assert await pool.fetchval("SELECT count(*) FROM files") == 0
    assert await stored_keys(minio, bucket) == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", PDF_HEAD),
        ("multipart/form-data", _form("a.pdf", PDF_HEAD)),
        ("multipart/form-data; boundary=b0undary", _form("a.pdf", PDF_HEAD, "other")),
        (
            "multipart/form-data; boundary=b0undary",
            b'--b0undary\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n'
            b"--b0undary--\r\n",
        ),
    ],
)
async def test_a_body_that_is_not_a_file_form_is_refused(
    api: httpx.AsyncClient, users: Any, orgs: Any, content_type: str, body: bytes
) -> None:
    response = await api.post(
        f"/companies/{orgs.company}/files",
        content=body,
        headers={**users.company(), "content-type": content_type},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "malformed_upload"
    assert "multipart/form-data" in response.json()["error"]["message"]


async def test_invalid_month_is_refused(upload: Upload, users: Any) -> None:
    response = await upload(users.company(), month="2026-13")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
