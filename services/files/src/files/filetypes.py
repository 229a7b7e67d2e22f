"""The allow-list of file types, checked on the first bytes of the content, not the name alone.

The extension says what the user claims; the content must agree. A renamed executable, a
script posing as a text file or an HTML page posing as XML is refused before anything is
stored. The content type served back to browsers is ours, never the client's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from files.domain import ContentMismatch, FileTypeNotAllowed

# Enough for every signature below and a fair look at the start of a text file.
SNIFF_BYTES = 8192

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# Control bytes no text file has (\t \n \f \r and ESC are allowed).
_BINARY_BYTES = frozenset(range(0x00, 0x09)) | {0x0B, 0x0E, 0x0F} | frozenset(range(0x10, 0x1B))
_ACTIVE_MARKUP = (b"<html", b"<!doctype html", b"<svg", b"<script", b"<body", b"<iframe")


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefixes)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _pdf(head: bytes) -> bool:
    # Readers accept the header anywhere in the first KiB; some scanners prepend junk.
    return b"%PDF-" in head[:1024]


def _text(head: bytes) -> bool:
    """Plain text: UTF-8 or a legacy 8-bit Polish code page (cp1250 exports are common), so
    any byte but the control bytes that only binary formats (executables, UTF-16) contain."""
    return not any(b in _BINARY_BYTES for b in head)


def _xml(head: bytes) -> bool:
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = body[:SNIFF_BYTES].lower()
    if any(marker in lowered for marker in _ACTIVE_MARKUP):
        return False
    return body.startswith(b"<") and _text(head)


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes], bool]


_PDF = FileType("application/pdf", _pdf)
_JPEG = FileType("image/jpeg", _starts(b"\xff\xd8\xff"))
_TIFF = FileType("image/tiff", _starts(b"II*\x00", b"MM\x00*"))

ALLOWED: dict[str, FileType] = {
    "pdf": _PDF,
    "png": FileType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": FileType("image/gif", _starts(b"GIF87a", b"GIF89a")),
    "webp": FileType("image/webp", _webp),
    "tif": _TIFF,
    "tiff": _TIFF,
    "doc": FileType("application/msword", _starts(*_OLE2)),
    "xls": FileType("application/vnd.ms-excel", _starts(*_OLE2)),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _starts(*_ZIP),
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _starts(*_ZIP)
    ),
    "odt": FileType("application/vnd.oasis.opendocument.text", _starts(*_ZIP)),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _starts(*_ZIP)),
    "zip": FileType("application/zip", _starts(*_ZIP)),
    "xml": FileType("application/xml", _xml),
    "csv": FileType("text/csv", _text),
    "txt": FileType("text/plain", _text),
}


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def content_type_of(name: str, head: bytes) -> str:
    """The served content type of a file named `name` starting with `head`, or refuse it."""
    ext = extension(name)
    file_type = ALLOWED.get(ext)
    if file_type is None:
        raise FileTypeNotAllowed(details={"extension": ext or None})
    if not file_type.matches(head):
        raise ContentMismatch(details={"extension": ext})
    return file_type.content_type
