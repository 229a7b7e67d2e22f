"""Batch session use cases: open, part upload, close and package processing (notes §5)."""

import base64
import binascii
import io
import tarfile
import zipfile
from datetime import timedelta
from typing import Any

from . import sessions
from .domain import BatchUpload, OnlineSession, SessionInvoice, Status
from .errors import KsefError
from .ids import reference_number
from .invoices import sha256_b64
from .keys import SYMMETRIC_USAGE
from .security import Principal
from .simulator import Simulator

MAX_PARTS = 50
PROCESSING = Status(150, "Trwa przetwarzanie")
MAX_PART_SIZE = 100_000_000  # before encryption; PKCS#7 adds at most one block
MAX_ENCRYPTED_PART_SIZE = MAX_PART_SIZE + 16
PART_UPLOAD_TIME = timedelta(minutes=20)  # per declared part (notes §5)


def _check_parts(parts: list[dict[str, Any]]) -> dict[int, tuple[int, str]]:
    if len(parts) > MAX_PARTS:
        raise KsefError(
            21161,
            "Przekroczono dozwoloną liczbę części pakietu.",
            f"Liczba części {len(parts)} przekracza dozwoloną liczbę {MAX_PARTS}.",
        )
    declared: dict[int, tuple[int, str]] = {}
    for part in parts:
        ordinal, size = int(part["ordinalNumber"]), int(part["fileSize"])
        if size > MAX_ENCRYPTED_PART_SIZE:
            raise KsefError(
                21157,
                "Nieprawidłowy rozmiar części pakietu.",
                f"Rozmiar części '{ordinal}' przekracza dozwolone {MAX_PART_SIZE} bajtów.",
            )
        declared[ordinal] = (size, str(part["fileHash"]))
    if sorted(declared) != list(range(1, len(parts) + 1)):
        raise KsefError(
            21405,
            "Błąd walidacji danych wejściowych.",
            "Numery części muszą być kolejnymi liczbami od 1, bez powtórzeń.",
        )
    return declared


async def open_batch(sim: Simulator, caller: Principal, body: dict[str, Any]) -> OnlineSession:
    form = body["formCode"]
    if (form["systemCode"], form["schemaVersion"], form["value"]) not in sessions.SUPPORTED_FORMS:
        raise KsefError(
            21405,
            "Błąd walidacji danych wejściowych.",
            "Wskazany kod formularza nie jest wspierany.",
        )
    batch_file = body["batchFile"]
    declared = _check_parts(batch_file["fileParts"])
    now = sim.clock.now()
    status, key, iv = Status(100, "Sesja wsadowa rozpoczęta"), b"", b""
    encryption = body["encryption"]
    try:
        wrapped = base64.b64decode(encryption["encryptedSymmetricKey"] or "", validate=True)
        key = sim.keys.decrypt(wrapped, SYMMETRIC_USAGE, encryption.get("publicKeyId"))
        iv = base64.b64decode(encryption["initializationVector"] or "", validate=True)
    except (ValueError, binascii.Error):
        status = Status(415, "Błąd odszyfrowania dostarczonego klucza")
    upload = BatchUpload(
        int(batch_file["fileSize"]),
        str(batch_file["fileHash"]),
        batch_file.get("compressionType") or "Zip",
        declared,
        now + PART_UPLOAD_TIME * len(declared),
    )
    session = OnlineSession(
        reference_number("SB", now), caller.context, caller.auth_ref, form, key, iv,
        now, now, upload.upload_deadline, status, kind="Batch", subject=caller.subject,
        offline_mode=bool(body.get("offlineMode")), batch=upload,
    )  # fmt: skip
    await sim.store.save_session(session)
    return session


def upload_error(detail: str) -> KsefError:
    return KsefError(21405, "Błąd walidacji danych wejściowych.", detail)


async def store_part(sim: Simulator, session: OnlineSession, ordinal: int, data: bytes) -> None:
    """A part upload through its pre-signed URL: it must match what was declared."""
    upload = session.batch
    if upload is None or ordinal not in upload.declared:
        raise upload_error(f"Część '{ordinal}' nie została zadeklarowana.")
    size, digest = upload.declared[ordinal]
    if len(data) != size or sha256_b64(data) != digest:
        raise upload_error(f"Rozmiar lub skrót części '{ordinal}' nie zgadza się z deklaracją.")
    upload.uploaded[ordinal] = data
    session.updated = sim.clock.now()
    await sim.store.save_session(session)


def _cannot_close(session: OnlineSession) -> KsefError:
    return KsefError(
        21180,
        "Status sesji nie pozwala na wykonanie operacji.",
        f"Status sesji {session.status.code} uniemożliwia jej zamknięcie.",
    )


async def close_batch(sim: Simulator, session: OnlineSession) -> None:
    upload = session.batch
    if upload is None or session.status.code != 100:
        raise _cannot_close(session)
    now = sim.clock.now()
    if now > upload.upload_deadline:
        session.status = Status(440, "Sesja anulowana", ["Przekroczono czas wysyłki"])
        session.updated = now
        await sim.store.save_session(session)
        raise KsefError(
            21208,
            "Czas oczekiwania na requesty upload lub finish został przekroczony.",
            "Sesja anulowana, przekroczony czas wysyłki.",
        )
    for ordinal in sorted(upload.declared):
        if ordinal not in upload.uploaded:
            raise KsefError(
                21205,
                "Pakiet nie może być pusty.",
                f"Nie przesłano zadeklarowanej '{ordinal}' części pliku.",
            )
    # KSeF processes the package asynchronously after close: 150 until the simulated clock
    # reaches `process_at`, then the final status (see `sessions.settle`).
    session.updated = session.closed = now
    session.status = PROCESSING
    upload.process_at = now + timedelta(seconds=sim.settings.batch_processing_seconds)
    await sim.store.save_session(session)


async def process(sim: Simulator, session: OnlineSession) -> None:
    """Decrypt, join, verify and unpack the package, then process every invoice in it."""
    upload = session.batch
    assert upload is not None
    upload.process_at = None  # taken: a concurrent look must not process it a second time
    session.updated = sim.clock.now()
    try:
        archive = b"".join(
            sessions.decrypt(session, upload.uploaded[n]) for n in sorted(upload.uploaded)
        )
    except ValueError:
        session.status = Status(435, "Błąd odszyfrowania zaszyfrowanych części archiwum")
        await sim.store.save_session(session)
        return
    if len(archive) != upload.file_size or sha256_b64(archive) != upload.file_hash:
        session.status = Status(405, "Błąd weryfikacji poprawności dostarczonych elementów paczki")
        await sim.store.save_session(session)
        return
    try:
        files = _unpack(archive, upload.compression)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError):
        session.status = Status(430, "Błąd dekompresji pierwotnego archiwum")
        await sim.store.save_session(session)
        return
    if len(files) > sim.testdata.session_limits(session.context.value, "Batch").max_invoices:
        session.status = Status(420, "Przekroczony limit faktur w sesji")
        await sim.store.save_session(session)
        return
    # For batch, the invoicing date (and so the auto-offline day rule) is the session's start.
    for ordinal, (name, xml) in enumerate(files, start=1):
        item = SessionInvoice(
            reference_number("EE", session.updated), ordinal, sha256_b64(xml), session.created,
            Status(100, "Faktura przyjęta do dalszego przetwarzania"), invoice_file_name=name,
        )  # fmt: skip
        session.invoices.append(item)
        await sessions.accept_document(sim, session, item, xml, session.offline_mode)
    await sessions.finish_session(sim, session)


def _unpack(archive: bytes, compression: str) -> list[tuple[str, bytes]]:
    """The archive's files in their stored order; directories are skipped."""
    if compression == "TarGz":
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            return [(m.name, tar.extractfile(m).read()) for m in members]  # type: ignore[union-attr]
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist() if not i.is_dir()]
