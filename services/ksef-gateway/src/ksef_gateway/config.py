from pydantic import Field, SecretStr

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """ksef_gateway settings."""

    ksef_base_url: str = Field(min_length=1, description="KSeF API base URL ending in /v2")
    secrets_master_key: SecretStr = Field(min_length=32, description="Envelope encryption key")
    # Older master keys, comma-separated, still able to unwrap secrets until `rewrap` ran.
    secrets_previous_keys: SecretStr = SecretStr("")
    ksef_timeout_seconds: float = Field(default=30.0, gt=0)
    # Every connected company is synced per subject type at most this often (KSeF: >= 15 min).
    sync_interval_seconds: float = Field(default=900.0, ge=1)
    # A new company's history is fetched from this many days back, in <= 3-month windows.
    sync_backfill_days: int = Field(default=90, ge=0, le=3650)
    # Up to this many new invoices are downloaded one by one; more go through an export.
    sync_small_delta: int = Field(default=10, ge=0, le=64)
    scheduler_enabled: bool = True
    scheduler_tick_seconds: float = Field(default=2.0, gt=0)
    scheduler_concurrency: int = Field(default=8, ge=1, le=256)
    scheduler_lease_seconds: float = Field(default=600.0, gt=0)
    # Simulated time runs this much faster (benchmarks against the simulator's accelerated clock).
    clock_speed: float = Field(default=1.0, gt=0)
    # Safety margin added to every sliding window: our clock and KSeF's see requests apart.
    rate_margin_seconds: float = Field(default=2.0, ge=0)
    # Access tokens are refreshed this long before they expire.
    token_refresh_margin_seconds: float = Field(default=120.0, ge=0)
