"""The streaming parts: multipart parsing, the measuring pipe with a scanner, the body reader."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from files.domain import (
    FileInfected,
    FileRecord,
    FileTooLarge,
    InvalidFileName,
    MalformedUpload,
    Purpose,
    Side,
    Status,
)
from files.formdata import FilePart
from files.scanning import ScanSession, Verdict, parse_reply
from files.storage import _content_disposition, _Parts
from files.uploads import _Measured, _store

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CT = "multipart/form-data; boundary=XyZ"


def form(content: bytes, disposition: str = 'name="file"; filename="faktura.pdf"') -> bytes:
    return (
        b'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nignored\r\n'
        + f"--XyZ\r\nContent-Disposition: form-data; {disposition}\r\n".encode()
        + b"Content-Type: application/pdf\r\n\r\n"
        + content
        + b"\r\n--XyZ--\r\n"
    )


async def pieces(body: bytes, size: int) -> AsyncIterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


async def read_all(part: FilePart) -> bytes:
    return b"".join([chunk async for chunk in part.chunks()])


@pytest.mark.parametrize("size", [1, 7, 4096, 1 << 20])
async def test_the_file_comes_out_whole_however_the_body_is_cut(size: int) -> None:
    content = bytes(range(256)) * 300 + b"\r\n--XyY is close to the boundary, but not it"
    part = FilePart(CT, pieces(form(content), size))
    assert await part.open() == "faktura.pdf"
    assert await read_all(part) == content


async def test_utf8_and_rfc5987_names_are_decoded() -> None:
    raw = 'name="file"; filename="Zażółć.pdf"'
    assert await FilePart(CT, pieces(form(b"x", raw), 5)).open() == "Zażółć.pdf"
    extended = "name=\"file\"; filename*=UTF-8''%C5%82%C3%B3d%C5%BA.pdf"
    assert await FilePart(CT, pieces(form(b"x", extended), 5)).open() == "łódź.pdf"


async def test_path_tricks_are_handed_on_unchanged_to_be_refused() -> None:
    raw = 'name="file"; filename="..\\\\..\\\\x.pdf"'
    assert await FilePart(CT, pieces(form(b"x", raw), 64)).open() == "..\\\\..\\\\x.pdf"


async def test_a_name_that_is_not_utf8_is_refused() -> None:
    body = form(b"x").replace(b"faktura", b"faktura\xff")
    with pytest.raises(InvalidFileName):
        await FilePart(CT, pieces(body, 64)).open()


async def test_a_body_cut_short_is_malformed() -> None:
    part = FilePart(CT, pieces(form(b"x" * 1000)[:-10], 100))
    await part.open()
    with pytest.raises(MalformedUpload):
        await read_all(part)


class FakeScanner(ScanSession):
    """Flags the EICAR test string, like clamd with its test signature."""

    def __init__(self) -> None:
        self.seen = bytearray()

    async def feed(self, chunk: bytes) -> None:
        self.seen += chunk

    async def verdict(self) -> Verdict:
        if EICAR in self.seen:
            return Verdict(clean=False, signature="Eicar-Signature")
        return Verdict(clean=True)

    async def close(self) -> None:
        return None


async def test_the_pipe_hashes_counts_and_scans_every_byte() -> None:
    scan = FakeScanner()
    measured = _Measured(10_000, scan)
    passed = [c async for c in measured.through(b"head", pieces(b"a" * 5000 + EICAR, 333))]
    data = b"head" + b"a" * 5000 + EICAR
    assert b"".join(passed) == data
    assert measured.size == len(data)
    assert measured.sha256.hexdigest() == hashlib.sha256(data).hexdigest()
    assert await scan.verdict() == Verdict(clean=False, signature="Eicar-Signature")


async def test_the_pipe_stops_at_the_limit() -> None:
    measured = _Measured(100, FakeScanner())
    with pytest.raises(FileTooLarge):
        async for _ in measured.through(b"", pieces(b"a" * 101, 10)):
            pass


def test_clamd_replies_are_read() -> None:
    assert parse_reply(b"stream: OK\0") == Verdict(clean=True)
    assert parse_reply(b"stream: Win.Test.EICAR_HDB-1 FOUND\0") == Verdict(
        clean=False, signature="Win.Test.EICAR_HDB-1"
    )
    for failure in (b"INSTREAM size limit exceeded. ERROR\0", b""):
        with pytest.raises(Exception, match="scan_failed"):
            parse_reply(failure)


class MemoryStore:
    """An object store in a dict, consuming the stream as MinIO would."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def put(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None:
        self.objects[key] = b"".join([c async for c in chunks])


class FakeScannerFactory:
    async def open(self) -> ScanSession:
        return FakeScanner()


def _pending(name: str) -> FileRecord:
    return FileRecord(
        id=uuid4(),
        company_id=uuid4(),
        office_id=None,
        side=Side.company,
        uploaded_by=uuid4(),
        name=name,
        content_type="text/plain",
        month="2026-10",
        purpose=Purpose.exchange,
        thread_id=None,
        object_key=f"files/{name}",
        status=Status.pending,
        created_at=datetime.now(UTC),
    )


async def test_the_scanning_hook_refuses_eicar_and_passes_clean_files() -> None:
    store = MemoryStore()
    size, digest = await _store(
        store,
        FakeScannerFactory(),
        _pending("ok.txt"),
        b"clean",
        pieces(b" text", 2),
        100,  # type: ignore[arg-type]
    )
    assert (size, digest) == (10, hashlib.sha256(b"clean text").hexdigest())
    with pytest.raises(FileInfected) as refused:
        await _store(
            store,
            FakeScannerFactory(),
            _pending("bad.txt"),
            EICAR[:10],
            pieces(EICAR[10:], 5),
            100,  # type: ignore[arg-type]
        )
    assert refused.value.details == {"signature": "Eicar-Signature"}


async def test_the_body_is_cut_into_exact_parts() -> None:
    body = _Parts(pieces(b"0123456789" * 100, 7))
    parts = [await body.next(300) for _ in range(5)]
    assert [len(p) for p in parts] == [300, 300, 300, 100, 0]
    assert b"".join(parts) == b"0123456789" * 100


def test_downloads_carry_an_ascii_fallback_and_the_exact_name() -> None:
    header = _content_disposition('Faktura "łódź".pdf')
    assert header == (
        'attachment; filename="Faktura ___d__.pdf"; '
        "filename*=UTF-8''Faktura%20%22%C5%82%C3%B3d%C5%BA%22.pdf"
    )
