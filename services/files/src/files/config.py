from pydantic import Field, SecretStr  # noqa: F401

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """files settings."""

    minio_endpoint: str = Field(min_length=1)
    minio_access_key: str = Field(min_length=1)
    minio_secret_key: SecretStr = Field(min_length=8)
