"""Malware scanning: the upload's bytes go to ClamAV's daemon while they go to storage.

clamd's INSTREAM command takes the file as length-prefixed chunks and answers once the
zero-length chunk ends it: `stream: OK`, `stream: <signature> FOUND` or `... ERROR`
(https://docs.clamav.net/manual/Usage/Scanning.html#clamd). Feeding it alongside the upload
costs no extra pass over the file. A configured scanner that fails refuses the upload: an
unscanned file must not pass for a clean one.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from files.domain import ScanFailed


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str | None = None


class ScanSession(Protocol):
    async def feed(self, chunk: bytes) -> None: ...

    async def verdict(self) -> Verdict: ...

    async def close(self) -> None: ...


class Scanner(Protocol):
    async def open(self) -> ScanSession: ...


class _Unscanned:
    async def feed(self, chunk: bytes) -> None:
        return None

    async def verdict(self) -> Verdict:
        return Verdict(clean=True)

    async def close(self) -> None:
        return None


class NoScanner:
    """SCANNER=none: nothing is scanned (no ClamAV on this installation)."""

    async def open(self) -> ScanSession:
        return _Unscanned()


class _ClamdSession:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float
    ) -> None:
        self._reader, self._writer, self._timeout = reader, writer, timeout

    async def feed(self, chunk: bytes) -> None:
        try:
            self._writer.write(struct.pack("!L", len(chunk)) + chunk)
            await asyncio.wait_for(self._writer.drain(), self._timeout)
        except (OSError, TimeoutError) as error:
            # clamd closes the stream once StreamMaxLength is exceeded, among other reasons.
            raise ScanFailed(details={"scanner": f"clamd: {type(error).__name__}"}) from error

    async def verdict(self) -> Verdict:
        try:
            self._writer.write(struct.pack("!L", 0))
            await self._writer.drain()
            reply = await asyncio.wait_for(self._reader.readuntil(b"\0"), self._timeout)
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            raise ScanFailed(details={"scanner": f"clamd: {type(error).__name__}"}) from error
        return parse_reply(reply)

    async def close(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            return


def parse_reply(reply: bytes) -> Verdict:
    """`stream: OK`, `stream: Eicar-Signature FOUND`, or anything else: a failed scan."""
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    _, _, result = text.partition(": ")
    if result == "OK":
        return Verdict(clean=True)
    if result.endswith(" FOUND"):
        return Verdict(clean=False, signature=result.removesuffix(" FOUND"))
    raise ScanFailed(details={"scanner": f"clamd: {text[:200]}"})


class ClamdScanner:
    """SCANNER=clamd: INSTREAM to clamd over a unix socket or TCP."""

    def __init__(self, address: str, timeout: float) -> None:
        self._address = urlsplit(address)
        self._timeout = timeout

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._address.scheme == "unix":
            return await asyncio.open_unix_connection(self._address.path)
        return await asyncio.open_connection(self._address.hostname, self._address.port or 3310)

    async def open(self) -> ScanSession:
        try:
            reader, writer = await asyncio.wait_for(self._connect(), self._timeout)
            writer.write(b"zINSTREAM\0")
            await writer.drain()
        except (OSError, TimeoutError) as error:
            raise ScanFailed(details={"scanner": f"clamd: {type(error).__name__}"}) from error
        return _ClamdSession(reader, writer, self._timeout)


def make_scanner(kind: str, address: str, timeout: float) -> Scanner:
    if kind == "clamd":
        return ClamdScanner(address, timeout)
    return NoScanner()
