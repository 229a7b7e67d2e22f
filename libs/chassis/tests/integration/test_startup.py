"""A misconfigured service ends at start with one line saying what is wrong (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chassis.testing import create_database, drop_database, stack_env, superuser_dsn


def start_taxes(env: dict[str, str], command: str = "worker") -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    }
    return subprocess.run(
        [sys.executable, "-m", "taxes", command],
        env={**clean, "STARTUP_TIMEOUT_SECONDS": "5", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def only_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def base_env(public_key_file: Path, kafka_bootstrap: str) -> dict[str, str]:
    return {
        "DATABASE_URL": superuser_dsn(),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "AUTH_PUBLIC_KEY_FILE": str(public_key_file),
    }


def test_missing_database_url(base_env: dict[str, str]) -> None:
    del base_env["DATABASE_URL"]
    result = start_taxes(base_env)
    assert result.returncode == 2
    assert only_line(result) == "taxes: invalid configuration: DATABASE_URL is missing"


def test_wrong_database_password(base_env: dict[str, str]) -> None:
    host, port = stack_env("PG_HOST"), stack_env("PG_PORT")
    result = start_taxes(
        {**base_env, "DATABASE_URL": f"postgresql://taxes:wrong@{host}:{port}/taxes"}
    )
    assert result.returncode == 3
    line = only_line(result)
    assert line.startswith(f"taxes: database {host}:{port}/taxes refused the connection:")
    assert "wrong" not in line


def test_unmigrated_database(base_env: dict[str, str]) -> None:
    result = start_taxes(base_env)  # the postgres maintenance database has no taxes schema
    assert result.returncode == 3
    assert "database is not migrated" in only_line(result)
    assert "python -m taxes migrate" in only_line(result)


async def test_unreachable_kafka(base_env: dict[str, str]) -> None:
    from taxes.main import DEFINITION

    dsn = await create_database(DEFINITION.migrations)
    try:
        result = start_taxes(
            {**base_env, "DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9"}
        )
    finally:
        await drop_database(dsn)
    assert result.returncode == 3
    assert only_line(result).startswith("taxes: Kafka at 127.0.0.1:9 is unreachable")


def test_a_token_key_that_is_not_a_key(base_env: dict[str, str], tmp_path: Path) -> None:
    bogus = tmp_path / "key.pem"
    bogus.write_text("not a key")
    result = start_taxes({**base_env, "AUTH_PUBLIC_KEY_FILE": str(bogus)})
    assert result.returncode == 3
    assert only_line(result) == f"taxes: AUTH_PUBLIC_KEY_FILE {bogus} is not a PEM public key"


def test_migrate_on_an_unreachable_database(base_env: dict[str, str]) -> None:
    result = start_taxes(
        {**base_env, "DATABASE_URL": "postgresql://taxes:x@127.0.0.1:9/taxes"}, "migrate"
    )
    assert result.returncode == 3
    assert only_line(result).startswith("taxes: migration failed: OperationalError")
