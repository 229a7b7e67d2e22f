from pydantic import Field, SecretStr, field_validator

from chassis.settings import ServiceSettings
from contracts.ksef_gateway import INLINE_XML_LIMIT


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
    # Renewed every third of it while a round runs; a killed replica's work waits this long.
    scheduler_lease_seconds: float = Field(default=60.0, gt=0)
    # Simulated time runs this much faster (benchmarks against the simulator's accelerated clock).
    clock_speed: float = Field(default=1.0, gt=0)
    # Safety margin added to every sliding window: our clock and KSeF's see requests apart.
    rate_margin_seconds: float = Field(default=2.0, ge=0)
    # Access tokens are refreshed this long before they expire.
    token_refresh_margin_seconds: float = Field(default=120.0, ge=0)
    # Sending (invoice.send.requested): contexts sent to in parallel per replica.
    send_enabled: bool = True
    send_concurrency: int = Field(default=4, ge=1, le=256)
    send_tick_seconds: float = Field(default=2.0, gt=0)
    send_lease_seconds: float = Field(default=60.0, gt=0)
    # First wait after a transient failure (doubles up to 10 minutes).
    send_retry_seconds: float = Field(default=30.0, gt=0)
    # An online session unused this long (nothing queued for it) is closed.
    send_session_idle_seconds: float = Field(default=60.0, gt=0)
    # Latarnia, KSeF's status service; None: derived from KSEF_BASE_URL (the simulator serves it
    # beside /v2); empty: not asked (the gateway's own requests still decide availability).
    ksef_status_url: str | None = None
    ksef_status_poll_seconds: float = Field(default=30.0, gt=0)
    # Consecutive failed KSeF requests (5xx, timeouts, no connection) that mean "unavailable";
    # a 503 with Retry-After (maintenance) counts at once.
    ksef_unavailable_after_failures: int = Field(default=3, ge=1, le=1000)
    # MinIO (S3 API) for claim checks of invoices too large to travel inline in Kafka.
    minio_endpoint: str = Field(min_length=1, description="e.g. http://minio:9000")
    minio_access_key: str = Field(min_length=1)
    minio_secret_key: SecretStr = Field(min_length=8)
    minio_region: str = "us-east-1"
    # Owned by the gateway, created at first use; `invoices` reads it.
    ksef_bucket: str = Field(default="rachmistrz-ksef", pattern=r"^[a-z0-9][a-z0-9.-]{2,62}$")
    # Larger XML goes to MinIO; never above the contract's limit (tests lower it).
    inline_xml_limit: int = Field(default=INLINE_XML_LIMIT, ge=0, le=INLINE_XML_LIMIT)

    @field_validator("minio_endpoint")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return url.rstrip("/")
