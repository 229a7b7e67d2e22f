#!/usr/bin/env python3
"""Health probe of a Kafka broker: does it answer a Metadata request with a registered broker?

Standard library only (the stack must be checkable before any project venv exists), speaking the
Kafka wire protocol directly: ApiVersions v0 to learn which Metadata versions the broker accepts,
then Metadata (all topics, no auto-creation) in a non-flexible version (4..8).

Usage: probe.py HOST:PORT [--timeout SECONDS]
Exit 0 and one line "cluster=<id> controller=<id> brokers=<host:port,...> topics=<n>" when the
broker lists at least one live broker; exit 1 with one line on stderr otherwise.
"""

from __future__ import annotations

import argparse
import socket
import struct
import sys

API_METADATA = 3
API_VERSIONS = 18
CLIENT_ID = b"rachmistrz-stack-probe"


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(">" + fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return int(value)

    def string(self) -> str | None:
        n = self.take("h")
        if n < 0:
            return None
        s = self.data[self.pos : self.pos + n].decode()
        self.pos += n
        return s

    def int32_array(self) -> list[int]:
        return [self.take("i") for _ in range(max(self.take("i"), 0))]


def call(sock: socket.socket, api_key: int, version: int, corr: int, body: bytes) -> Reader:
    header = struct.pack(">hhih", api_key, version, corr, len(CLIENT_ID)) + CLIENT_ID
    msg = header + body
    sock.sendall(struct.pack(">i", len(msg)) + msg)
    size = struct.unpack(">i", recv_exact(sock, 4))[0]
    r = Reader(recv_exact(sock, size))
    if r.take("i") != corr:
        raise RuntimeError("correlation id mismatch")
    return r


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by broker")
        buf += chunk
    return bytes(buf)


def probe(host: str, port: int, timeout: float) -> str:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        r = call(sock, API_VERSIONS, 0, 1, b"")
        err = r.take("h")
        if err:
            raise RuntimeError(f"ApiVersions error code {err}")
        ranges = {}
        for _ in range(r.take("i")):
            key, lo, hi = r.take("h"), r.take("h"), r.take("h")
            ranges[key] = (lo, hi)
        lo, hi = ranges.get(API_METADATA, (0, -1))
        version = min(hi, 8)
        if version < max(lo, 4):
            raise RuntimeError(f"broker offers Metadata v{lo}..v{hi}, probe speaks v4..v8")

        # topics = null (all topics), allow_auto_topic_creation = false, and for v8 the two
        # include_*_authorized_operations flags
        body = struct.pack(">ib", -1, 0) + (b"\x00\x00" if version >= 8 else b"")
        r = call(sock, API_METADATA, version, 2, body)
        r.take("i")  # throttle_time_ms
        brokers = []
        for _ in range(r.take("i")):
            r.take("i")  # node_id
            bhost = r.string()
            bport = r.take("i")
            r.string()  # rack
            brokers.append(f"{bhost}:{bport}")
        cluster_id = r.string()
        controller = r.take("i")
        topics = r.take("i")
        if not brokers:
            raise RuntimeError("no broker registered yet")
        return (
            f"cluster={cluster_id} controller={controller} "
            f"brokers={','.join(brokers)} topics={topics}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("address", help="HOST:PORT")
    ap.add_argument("--timeout", type=float, default=3.0)
    args = ap.parse_args()
    host, _, port = args.address.rpartition(":")
    try:
        print(probe(host or "127.0.0.1", int(port), args.timeout))
    except (OSError, RuntimeError, struct.error, ValueError) as exc:
        print(f"kafka probe {args.address}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
