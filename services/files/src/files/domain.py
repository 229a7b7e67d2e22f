"""Files exchanged between an office and a client company: entities, names, errors. No I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from chassis.errors import ApiError, Forbidden, InvalidInput, NotFound
from chassis.tokens import Principal

MAX_NAME_CHARS = 255
# Characters Windows refuses in file names; a name with them would not survive a download.
_RESERVED = set('<>:"|?*')
_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])$")

# Who may upload, by the kind of organisation of the token's context.
UPLOAD_ROLES = {
    "office": ("admin", "manager", "employee"),
    "company": ("owner", "admin", "employee", "client"),
}


class Side(StrEnum):
    """Which side of the office-client exchange a file came from (the two tabs)."""

    office = "office"
    company = "company"


class Purpose(StrEnum):
    exchange = "exchange"  # the files tabs
    attachment = "attachment"  # attached to a message thread (messaging keeps the ids)


class Status(StrEnum):
    pending = "pending"  # bytes on their way to storage; invisible
    ready = "ready"


class FileNotFound(NotFound):
    code = "file_not_found"
    message = "Nie znaleziono pliku."


class InvalidFileName(InvalidInput):
    code = "invalid_file_name"
    message = (
        "Nieprawidłowa nazwa pliku: bez ścieżek (/ \\ ..), znaków sterujących i znaków"
        ' < > : " | ? *, najwyżej 255 znaków.'
    )


class EmptyFile(InvalidInput):
    code = "empty_file"
    message = "Plik jest pusty."


class FileTooLarge(ApiError):
    status_code = 413
    code = "file_too_large"
    message = "Plik jest za duży."


class FileTypeNotAllowed(ApiError):
    status_code = 415
    code = "file_type_not_allowed"
    message = (
        "Niedozwolony typ pliku. Dozwolone: PDF, obrazy (JPG, PNG, GIF, WEBP, TIFF), dokumenty"
        " (DOC, DOCX, XLS, XLSX, ODT, ODS), XML, CSV, TXT i ZIP."
    )


class ContentMismatch(ApiError):
    status_code = 415
    code = "file_content_mismatch"
    message = "Zawartość pliku nie odpowiada jego rozszerzeniu."


class MalformedUpload(InvalidInput):
    code = "malformed_upload"
    message = "Nieprawidłowe przesłanie: plik należy wysłać jako multipart/form-data w polu „file”."


class FileInfected(InvalidInput):
    code = "file_infected"
    message = "Plik zawiera złośliwe oprogramowanie i został odrzucony."


class ScanFailed(ApiError):
    status_code = 503
    code = "scan_failed"
    message = "Nie udało się sprawdzić pliku programem antywirusowym. Spróbuj ponownie później."


class NotUploaderSide(Forbidden):
    code = "not_uploader_side"
    message = "Plik może usunąć tylko strona, która go przesłała."


class InvalidMonth(InvalidInput):
    code = "invalid_month"
    message = "Nieprawidłowy miesiąc: wymagany format RRRR-MM."


@dataclass(frozen=True)
class FileRecord:
    id: UUID
    company_id: UUID
    office_id: UUID | None
    side: Side
    uploaded_by: UUID
    name: str
    content_type: str
    month: str
    purpose: Purpose
    thread_id: UUID | None
    object_key: str
    status: Status
    created_at: datetime
    size: int | None = None
    sha256: str | None = None
    deleted_at: datetime | None = None


def side_of(principal: Principal) -> Side:
    """The side a user acts for; a role that may not exchange files is refused."""
    roles = UPLOAD_ROLES.get(principal.org_kind)
    if roles is None or principal.role not in roles:
        raise Forbidden()
    return Side(principal.org_kind)


def clean_name(raw: str | None) -> str:
    """The file name as the user gave it, NFC-normalised, or refused if it tries anything."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if (
        not name
        or len(name) > MAX_NAME_CHARS
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or name.endswith(".")
        or any(c in _RESERVED for c in name)
        # Cc: control characters; Cf: invisible formatting such as the right-to-left override
        # that makes "cod.exe" look like "exe.doc"; Zl/Zp: line breaks.
        or any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name)
    ):
        raise InvalidFileName(details={"name": raw})
    return name


def parse_month(raw: str | None, today: date) -> str:
    """`YYYY-MM` as given, or the current month when not given."""
    if raw is None:
        return f"{today.year:04d}-{today.month:02d}"
    match = _MONTH.match(raw)
    if match is None or not 2000 <= int(match["y"]) <= 2100:
        raise InvalidMonth(details={"month": raw})
    return raw


def object_key(company_id: UUID, file_id: UUID) -> str:
    return f"files/{company_id}/{file_id}"
