"""The uploaded file of a multipart/form-data body, read as a stream: never whole in memory.

A browser's `FormData` with the file in the field `file` is what the SPA sends. The parser
(python-multipart's push parser) is fed the body as it arrives and hands the file's bytes on
chunk by chunk; other fields are skipped. The upload only counts as complete when the closing
boundary arrived, so a truncated body never becomes a stored file.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import unquote_to_bytes

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser

from files.domain import InvalidFileName, MalformedUpload

FILE_FIELD = "file"
# What may follow the file part (the closing boundary, perhaps a small field) before we stop.
_TRAILER_LIMIT = 64 * 1024
_BOUNDARY = re.compile(rb'boundary=(?:"([^"]{1,200})"|([^\s;]{1,200}))', re.IGNORECASE)


def _param(header: bytes, name: bytes) -> bytes | None:
    """A Content-Disposition parameter, quoted or not, without python-multipart's basename step
    (it cuts `../../x` down to `x`, and we want to refuse such names, not quietly fix them)."""
    pattern = rb"(?:^|;)\s*" + re.escape(name) + rb'\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)'
    match = re.search(pattern, header, re.IGNORECASE)
    if match is None:
        return None
    value = match.group(1).strip()
    if value.startswith(b'"'):
        value = value[1:-1].replace(b'\\"', b'"')
    return value


def _filename(disposition: bytes) -> str | None:
    extended = _param(disposition, b"filename*")
    if extended is not None:
        charset, _, encoded = extended.partition(b"''")
        if charset.lower() != b"utf-8":
            raise InvalidFileName(details={"name": extended.decode("latin-1")})
        raw = unquote_to_bytes(encoded)
    else:
        plain = _param(disposition, b"filename")
        if plain is None:
            return None
        raw = plain
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidFileName(details={"name": raw.decode("latin-1")}) from error


class FilePart:
    """Reads the body up to the file's headers (`open`), then yields its bytes (`chunks`)."""

    def __init__(self, content_type: str, body: AsyncIterator[bytes]) -> None:
        match = _BOUNDARY.search(content_type.encode("latin-1", "replace"))
        if not content_type.lower().startswith("multipart/form-data") or match is None:
            raise MalformedUpload()
        self._body = body
        self._parser = MultipartParser(
            match.group(1) or match.group(2),
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_end": self._on_end,
            },
        )
        self.filename: str | None = None
        self._field, self._value = bytearray(), bytearray()
        self._disposition = b""
        self._in_file = self._file_done = self._seen_file = self._ended = False
        self._ready: list[bytes] = []

    # --- parser callbacks (synchronous, inside `parser.write`) ------------------------------

    def _on_part_begin(self) -> None:
        self._disposition = b""

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _on_header_end(self) -> None:
        if bytes(self._field).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._value)
            name = _param(self._disposition, b"name")
            if name == FILE_FIELD.encode() and not self._seen_file:
                self._in_file = self._seen_file = True
                self.filename = _filename(self._disposition)
        self._field.clear()
        self._value.clear()

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._ready.append(data[start:end])

    def _on_part_end(self) -> None:
        if self._in_file:
            self._in_file, self._file_done = False, True

    def _on_end(self) -> None:
        self._ended = True

    # --- reading -----------------------------------------------------------------------------

    async def _feed_next(self) -> int | None:
        """Feed the next piece of the body to the parser; its size, or None at the end."""
        try:
            chunk = await anext(self._body)
        except StopAsyncIteration:
            return None
        try:
            self._parser.write(chunk)
        except MultipartParseError as error:
            raise MalformedUpload() from error
        return len(chunk)

    async def open(self) -> str | None:
        """Read until the file part's headers; returns the name the client gave."""
        while not self._seen_file:
            if await self._feed_next() is None:
                raise MalformedUpload()
        return self.filename

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive; raises MalformedUpload if the body ends early."""
        while True:
            ready, self._ready = self._ready, []
            for piece in ready:
                if piece:
                    yield piece
            if self._file_done:
                break
            if await self._feed_next() is None:
                raise MalformedUpload()
        await self._finish()

    async def _finish(self) -> None:
        trailing = 0
        while not self._ended:
            fed = await self._feed_next()
            if fed is None:
                raise MalformedUpload()
            trailing += fed
            if trailing > _TRAILER_LIMIT:
                raise MalformedUpload()
