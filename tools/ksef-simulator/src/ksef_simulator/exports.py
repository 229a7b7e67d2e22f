"""Asynchronous invoice exports: encrypted, split archive packages with `_metadata.json` (§6.4)."""

import base64
import binascii
import hashlib
import io
import json
import tarfile
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import retrieval
from .clock import iso
from .domain import ExportPart, Ident, Invoice, InvoiceExport, Status
from .errors import Gone, KsefError
from .ids import reference_number
from .invoice_json import invoice_metadata
from .keys import SYMMETRIC_USAGE
from .simulator import Simulator

MAX_RUNNING = 10
MAX_INVOICES = 10_000
MAX_PACKAGE_BYTES = 1_000_000_000
STATUS_RETENTION = timedelta(days=7)
PACKAGE_TTL = timedelta(days=3)
LINK_TTL = timedelta(hours=1)
IN_PROGRESS = Status(100, "Eksport faktur w toku")
EXPIRED = Status(210, "Eksport faktur wygasł i nie jest już dostępny do pobrania")
SUFFIX = {"Zip": "zip", "TarGz": "tar.gz"}


def _sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def _unwrap(sim: Simulator, encryption: dict[str, Any]) -> tuple[bytes, bytes] | None:
    """The client's AES-256 key and IV; None when they cannot be used (status 415).

    An unknown `publicKeyId` is a synchronous 400/21470 raised by the key ring.
    """
    try:
        wrapped = base64.b64decode(encryption["encryptedSymmetricKey"] or "", validate=True)
        key = sim.keys.decrypt(wrapped, SYMMETRIC_USAGE, encryption.get("publicKeyId"))
        iv = base64.b64decode(encryption["initializationVector"] or "", validate=True)
    except (ValueError, binascii.Error):
        return None
    return (key, iv) if len(key) == 32 and len(iv) == 16 else None


def _archive(files: list[tuple[str, bytes]], compression: str) -> bytes:
    buffer = io.BytesIO()
    if compression == "TarGz":
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for name, data in files:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    else:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files:
                archive.writestr(name, data)
    return buffer.getvalue()


def _last_date(inv: Invoice, date_type: str) -> tuple[str, str]:
    if date_type == "PermanentStorage":
        return "lastPermanentStorageDate", iso(inv.permanent_storage_date)
    if date_type == "Invoicing":
        return "lastInvoicingDate", iso(inv.invoicing_date)
    return "lastIssueDate", inv.issue_date.isoformat()


def _pick(found: list[Invoice]) -> list[Invoice]:
    """Ascending walk until 10,000 invoices or 1 GB (the XML size stands in for compressed)."""
    picked: list[Invoice] = []
    total = 0
    for inv in found[:MAX_INVOICES]:
        total += len(inv.xml)
        if total > MAX_PACKAGE_BYTES:
            break
        picked.append(inv)
    return picked


async def start(sim: Simulator, context: Ident, request: dict[str, Any]) -> InvoiceExport:
    """Validate synchronously (400s), then record the export and its package."""
    now = sim.clock.now()
    await sim.arrivals.catch_up(sim.store, now)
    running = [e for e in await sim.store.list_exports(context.value) if e.ready_at > now]
    if len(running) >= MAX_RUNNING:
        raise KsefError(
            21182,
            "Osiągnięto limit trwających eksportów.",
            "Dla uwierzytelnionego podmiotu w bieżącym kontekście osiągnięto maksymalny limit "
            f"{MAX_RUNNING} równoczesnych eksportów faktur. Spróbuj ponownie później.",
        )
    keys = _unwrap(sim, request["encryption"])
    filters = request["filters"]
    hwm = retrieval.high_water_mark(sim, now)
    ref = reference_number("EH", now)
    ready = now + timedelta(seconds=sim.settings.export_processing_seconds)
    export = InvoiceExport(
        ref, context, now, ready, Status(200, "Eksport faktur zakończony sukcesem")
    )
    try:
        window = retrieval.resolve_window(filters["dateRange"], now, hwm)
    except KsefError as exc:
        if exc.code != 21183:
            raise
        export.result = Status(420, "Zakres filtrowania wykracza poza dostępny zakres danych",
                               exc.details)  # fmt: skip
        window = None
    if keys is None:
        export.result = Status(415, "Błąd odszyfrowania dostarczonego klucza")
    elif window is not None:
        await _build(sim, export, request, window, keys)
    await sim.store.save_export(export)
    return export


async def _build(
    sim: Simulator,
    export: InvoiceExport,
    request: dict[str, Any],
    window: retrieval.Window,
    keys: tuple[bytes, bytes],
) -> None:
    filters = request["filters"]
    date_type = filters["dateRange"]["dateType"]
    query = retrieval.build_query(export.context, filters, window, export.created, False)
    found = await sim.store.query_invoices(query, MAX_INVOICES + 1)
    picked = _pick(found)
    files = [] if request.get("onlyMetadata") else [(f"{i.ksef_number}.xml", i.xml) for i in picked]
    metadata = {"invoices": [invoice_metadata(inv) for inv in picked]}
    files.append(("_metadata.json", json.dumps(metadata, ensure_ascii=False).encode()))
    compression = request.get("compressionType") or "Zip"
    archive = _archive(files, compression)
    size = sim.settings.export_part_size_bytes
    chunks = [archive[i : i + size] for i in range(0, len(archive), size)]
    key, iv = keys
    for ordinal, chunk in enumerate(chunks, start=1):
        name = f"{export.reference_number}-{ordinal:03d}.{SUFFIX[compression]}.aes"
        encrypted = _encrypt(key, iv, chunk)
        export.parts.append(ExportPart(ordinal, name, len(chunk), _sha256_b64(chunk), encrypted))
    truncated = len(picked) < len(found)
    package: dict[str, Any] = {
        "invoiceCount": len(picked),
        "size": len(archive),
        "isTruncated": truncated,
        # Not in 2.6.0; newer KSeF (2.9) states it and current SDKs require it.
        "compressionType": compression,
        "permanentStorageHwmDate": iso(window.hwm) if window.hwm else None,
    }
    if truncated and picked:
        field, value = _last_date(picked[-1], date_type)
        package[field] = value
    export.package = package
    export.package_expires = export.ready_at + PACKAGE_TTL


async def own_export(sim: Simulator, context: Ident, ref: str) -> InvoiceExport:
    export = await sim.store.get_export(ref)
    if export is None or export.context != context:
        raise not_found()
    if sim.clock.now() > export.created + STATUS_RETENTION:
        raise Gone()
    return export


PartUrl = Callable[[InvoiceExport, ExportPart, datetime], str]


def status_json(sim: Simulator, export: InvoiceExport, part_url: PartUrl) -> dict[str, Any]:
    """The status as seen now; `part_url(export, part, until)` makes a pre-signed link."""
    now = sim.clock.now()
    if now < export.ready_at:
        return {"status": IN_PROGRESS.to_json()}
    body: dict[str, Any] = {"completedDate": iso(export.ready_at)}
    expires = export.package_expires
    if export.package is None or expires is None:
        return {"status": export.result.to_json(), **body}
    body["packageExpirationDate"] = iso(expires)
    if now >= expires:
        return {"status": EXPIRED.to_json(), **body}
    until = min(now + LINK_TTL, expires)
    parts = [
        {
            "ordinalNumber": p.ordinal_number,
            "partName": p.part_name,
            "method": "GET",
            "url": part_url(export, p, until),
            "partSize": p.part_size,
            "partHash": p.part_hash,
            "encryptedPartSize": len(p.encrypted),
            "encryptedPartHash": _sha256_b64(p.encrypted),
            "expirationDate": iso(until),
        }
        for p in export.parts
    ]
    return {
        "status": export.result.to_json(),
        **body,
        "package": {**export.package, "parts": parts},
    }


def part_for_download(sim: Simulator, export: InvoiceExport, name: str) -> ExportPart:
    if export.package_expires is None or sim.clock.now() >= export.package_expires:
        raise Gone("Paczka eksportu wygasła.")
    for part in export.parts:
        if part.part_name == name:
            return part
    raise not_found()


def not_found() -> KsefError:
    return KsefError(21175, "Wynik zapytania o podanym identyfikatorze nie istnieje.")


def encrypted_hash(part: ExportPart) -> str:
    return _sha256_b64(part.encrypted)
