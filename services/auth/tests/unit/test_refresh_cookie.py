"""The refresh cookie's attributes follow the settings (a local http stack turns Secure off)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import Response

from auth.config import Settings
from auth.refresh_cookie import clear_refresh_cookie, set_refresh_cookie


def settings(tmp_path: Path, **extra: object) -> Settings:
    key = tmp_path / "key.pem"
    key.write_text("not read here")
    return Settings(
        database_url="postgresql://x@localhost/x",
        kafka_bootstrap_servers="localhost:1",
        auth_public_key_file=key,
        auth_signing_key_file=key,
        **extra,
    )


def test_behind_the_gateway_the_cookie_is_scoped_to_the_refresh_path(tmp_path: Path) -> None:
    response = Response()
    expires = datetime.now(UTC) + timedelta(hours=1)
    set_refresh_cookie(response, settings(tmp_path, root_path="/api/auth"), "t" * 43, expires)
    header = response.headers["set-cookie"]
    assert header.startswith("rachmistrz_refresh=" + "t" * 43)
    assert "Path=/api/auth/token/refresh" in header
    assert "HttpOnly" in header
    assert "Secure" in header
    assert "SameSite=strict" in header


def test_secure_can_be_switched_off_and_the_path_and_name_set(tmp_path: Path) -> None:
    local = settings(
        tmp_path,
        refresh_cookie_secure=False,
        refresh_cookie_path="/api/auth",
        refresh_cookie_name="odswiezanie",
    )
    response = Response()
    clear_refresh_cookie(response, local)
    header = response.headers["set-cookie"]
    assert header.startswith('odswiezanie=""')
    assert "Path=/api/auth;" in header
    assert "Max-Age=0" in header
    assert "Secure" not in header
