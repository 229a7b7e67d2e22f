"""auth settings: signing keys, token and link lifetimes, throttling, the portal's address."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """Everything but the signing key has a default an operator rarely needs to change."""

    max_clients_per_request: int = 1000
    # The private EC P-256 key (PKCS#8 PEM) access tokens are signed with.
    auth_signing_key_file: Path = Field(description="AUTH_SIGNING_KEY_FILE")
    # Key id published in JWKS and put in each token's header; default: RFC 7638 thumbprint.
    auth_signing_key_id: str | None = None
    # Earlier keys (public or private PEM files) still published and accepted after a rotation,
    # until every token they signed has expired.
    auth_previous_key_files: list[Path] = Field(default_factory=list)
    access_token_minutes: int = Field(default=10, ge=1, le=60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    activation_link_hours: int = Field(default=72, ge=1)
    reset_link_minutes: int = Field(default=60, ge=5)
    invitation_days: int = Field(default=14, ge=1)
    # Links in e-mails point at the web portal.
    portal_url: str = "http://localhost:8080"
    # Login throttling: this many failures within the window lock the account (or the
    # address) until the oldest of them leaves the window.
    login_window_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    # Only requests from these proxies may name the client address in X-Forwarded-For.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"])
    totp_issuer: str = "Rachmistrz"
    # Password-reset e-mails per account and per client address within the window; requests
    # beyond get the same answer but send nothing (a mailbox cannot be flooded through us).
    reset_window_minutes: int = Field(default=60, ge=1)
    reset_max_per_account: int = Field(default=3, ge=1)
    reset_max_per_address: int = Field(default=20, ge=1)
    # Browsers may keep the refresh token in an HttpOnly cookie instead of script memory.
    refresh_cookie_name: str = "rachmistrz_refresh"
    # Secure cookies travel over HTTPS only; false for a local stack served over plain http.
    refresh_cookie_secure: bool = True
    # The cookie is sent only to this path; default: ROOT_PATH + /token/refresh.
    refresh_cookie_path: str | None = None

    @property
    def cookie_path(self) -> str:
        return self.refresh_cookie_path or f"{self.root_path.rstrip('/')}/token/refresh"

    @field_validator("auth_signing_key_file")
    @classmethod
    def _key_exists(cls, path: Path) -> Path:
        if not path.is_file():
            raise ValueError(f"{path} does not exist")
        return path

    @field_validator("portal_url")
    @classmethod
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")
