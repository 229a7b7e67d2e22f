"""A real simulator process on a free port, for tests that must talk to it over HTTP."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_simulator(env: dict[str, str]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Start `python -m ksef_simulator` with `env` added; yields its port and seeded companies."""
    port = free_port()
    cmd = [sys.executable, "-m", "ksef_simulator", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/admin/companies", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the simulator did not start") from None
                time.sleep(0.2)
        yield port, list(resp.json())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
