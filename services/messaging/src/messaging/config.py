from pydantic import Field, SecretStr  # noqa: F401

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """messaging settings."""

    smtp_host: str = Field(min_length=1)
    smtp_port: int = Field(ge=1, le=65535)
