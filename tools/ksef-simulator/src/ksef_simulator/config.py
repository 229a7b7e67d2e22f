"""Simulator settings, read from the environment only (prefix KSEF_SIM_)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KSEF_SIM_")

    host: str = "127.0.0.1"
    port: int = 8089
    # Only "memory" exists today; the store sits behind `store.Store` so a PostgreSQL
    # implementation can be selected here later.
    state: str = "memory"
    seed: int = 1
    seed_companies: int = 3
    # "NIP=Name;NIP=Name": companies seeded first with these NIPs and names (the demo's).
    named_companies: str = ""
    seed_invoices: int = 20
    # Seeded invoices are spread over this many days before startup.
    seed_days: float = 60.0
    # New invoices per seeded company per simulated hour after startup (0 = none).
    arrivals_per_company_hour: float = 0.0
    # Simulated time runs `clock_speed` times faster than wall time (benchmarks, demos).
    clock_speed: float = 1.0
    # How far the PermanentStorage high-water mark trails "now" (simulated seconds).
    hwm_lag_seconds: float = 60.0
    # Multiplies every rate limit; 0 disables rate limiting entirely (fast test suites).
    rate_limit_scale: float = 1.0
    # Simulated seconds an export stays in status 100 before its package is ready.
    export_processing_seconds: float = 2.0
    # Simulated seconds a closed batch session stays in status 150 before its package is
    # processed (0 = processed on the first look after close).
    batch_processing_seconds: float = 2.0
    # Maximum size of one export part before encryption (KSeF: 50 MB).
    export_part_size_bytes: int = 50_000_000
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 7 * 24 * 3600
    # TE = TEST environment flavour: self-signed certs are accepted, UPO name carries a suffix.
    environment: str = "TE"
