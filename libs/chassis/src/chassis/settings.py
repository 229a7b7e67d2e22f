"""Settings shared by every service, read from the environment only, failing fast.

A service subclasses `ServiceSettings` with its own fields; `load_settings` turns a validation
error into one clear line on stderr and exit status 2, so a misconfigured pod dies at start
with a message an operator can act on.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, NoReturn, Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: SecretStr = Field(description="postgresql://user:password@host:port/db")
    kafka_bootstrap_servers: str = Field(min_length=1)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    # The path prefix the API gateway mounts this service under, e.g. /api/taxes.
    root_path: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    auth_jwks_url: str | None = None
    auth_public_key_file: Path | None = None
    auth_issuer: str = "rachmistrz-auth"
    auth_audience: str = "rachmistrz"
    db_pool_min: int = Field(default=1, ge=0)
    db_pool_max: int = Field(default=10, ge=1)
    outbox_batch_size: int = Field(default=500, ge=1, le=5000)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    kafka_group_id: str | None = None
    startup_timeout_seconds: float = Field(default=15.0, gt=0)
    # How often an API process rereads the suspended/removed memberships (chassis.revocation).
    revocation_refresh_seconds: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _token_keys_known(self) -> Self:
        if not self.auth_jwks_url and not self.auth_public_key_file:
            raise ValueError(
                "set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE (how access tokens are verified)"
            )
        if self.auth_public_key_file and not self.auth_public_key_file.is_file():
            raise ValueError(f"AUTH_PUBLIC_KEY_FILE {self.auth_public_key_file} does not exist")
        return self


S = TypeVar("S", bound=ServiceSettings)


def describe_validation_error(error: ValidationError) -> str:
    """Render pydantic's errors as `NAME is missing; NAME: reason` using env variable names."""
    parts = []
    for item in error.errors():
        name = "_".join(str(p) for p in item["loc"]).upper()
        if item["type"] == "missing":
            parts.append(f"{name} is missing")
        elif name:
            parts.append(f"{name}: {item['msg']}")
        else:
            parts.append(str(item["msg"]).removeprefix("Value error, "))
    return "; ".join(parts)


def fail_fast(service: str, problem: str, status: int = 2) -> NoReturn:
    """Print `service: problem` as exactly one line (driver messages span several) and exit."""
    print(f"{service}: {' '.join(problem.split())}", file=sys.stderr, flush=True)
    raise SystemExit(status)


def load_settings(cls: type[S], service: str) -> S:
    try:
        return cls()
    except ValidationError as error:
        fail_fast(service, f"invalid configuration: {describe_validation_error(error)}")
