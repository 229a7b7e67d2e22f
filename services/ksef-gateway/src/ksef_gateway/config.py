from pydantic import Field, SecretStr  # noqa: F401

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """ksef_gateway settings."""

    ksef_base_url: str = Field(min_length=1, description="KSeF API base URL ending in /v2")
    secrets_master_key: SecretStr = Field(min_length=32, description="Envelope encryption key")
