"""files settings: where the bytes go, how large an upload may be, and the malware scanner."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """Only the MinIO address and credentials are required; the rest has working defaults."""

    # S3 API of MinIO as the service reaches it: http://127.0.0.1:59000, or minio:9000.
    minio_endpoint: str = Field(min_length=1)
    minio_access_key: str = Field(min_length=1)
    minio_secret_key: SecretStr = Field(min_length=8)
    # Where a browser reaches the same MinIO, pre-signed URLs point there; may carry a path
    # prefix the gateway strips (http://127.0.0.1:8080/storage). Default: MINIO_ENDPOINT.
    minio_public_url: str | None = None
    minio_region: str = "us-east-1"
    # Created by the service at start when missing.
    files_bucket: str = Field(default="rachmistrz-files", pattern=r"^[a-z0-9][a-z0-9.-]{2,62}$")
    # 100 MB: fits under the gateway's 100 MiB body limit with the multipart overhead.
    max_upload_bytes: int = Field(default=100_000_000, ge=1)
    # Uploads streaming to storage at once (more wait for a slot); each holds about 5 MiB.
    parallel_uploads: int = Field(default=8, ge=1, le=64)
    download_url_seconds: int = Field(default=300, ge=10, le=3600)
    # An upload still pending after this long died half-way; its bytes and row are removed.
    pending_upload_seconds: int = Field(default=3600, ge=60)
    sweep_interval_seconds: float = Field(default=300, gt=0)
    # Malware scanning: `clamd` streams every upload to ClamAV's daemon (INSTREAM) and refuses
    # infected files; clamd's StreamMaxLength must be at least MAX_UPLOAD_BYTES.
    scanner: Literal["none", "clamd"] = "none"
    # unix:///run/clamav/clamd.ctl or tcp://host:3310
    clamd_address: str = "unix:///run/clamav/clamd.ctl"
    scan_timeout_seconds: float = Field(default=60, gt=0)

    @field_validator("minio_endpoint", "minio_public_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        """`host:port` (as in the deployment manifests) means plain http on that address."""
        if url is None:
            return None
        if "://" not in url:
            url = f"http://{url}"
        if not url.startswith(("http://", "https://")):
            raise ValueError("must be host:port or an http:// or https:// URL")
        return url.rstrip("/")

    @field_validator("clamd_address")
    @classmethod
    def _clamd_address(cls, address: str) -> str:
        if not address.startswith(("unix://", "tcp://")):
            raise ValueError("must be unix:///path/to/socket or tcp://host:port")
        return address
