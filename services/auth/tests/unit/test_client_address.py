"""The caller's address: forwarded headers count only from trusted proxies."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from auth.principal import client_address

TRUSTED = ["127.0.0.1/32", "10.0.0.0/8"]


def _request(peer: str, headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "client": (peer, 1234), "headers": raw})


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("198.51.100.7", {"X-Forwarded-For": "1.2.3.4"}, "198.51.100.7"),  # untrusted peer lies
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.5"}, "203.0.113.5"),
        ("127.0.0.1", {"X-Forwarded-For": "6.6.6.6, 203.0.113.5, 10.1.2.3"}, "203.0.113.5"),
        ("127.0.0.1", {"X-Real-IP": "203.0.113.9"}, "203.0.113.9"),
        ("127.0.0.1", {}, "127.0.0.1"),
        ("127.0.0.1", {"X-Forwarded-For": "nonsense"}, None),
    ],
)
def test_client_address(peer: str, headers: dict[str, str], expected: str | None) -> None:
    assert client_address(_request(peer, headers), TRUSTED) == expected
