"""Settings: a sender without an address stops the service at start, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from messaging.config import Settings


def _settings(tmp_path: Path, **values: object) -> Settings:
    key = tmp_path / "key.pem"
    key.write_text("unused")
    return Settings(
        database_url="postgresql://u:p@127.0.0.1/db",  # type: ignore[arg-type]
        kafka_bootstrap_servers="127.0.0.1:9092",
        auth_public_key_file=key,
        smtp_host="127.0.0.1",
        smtp_port=25,
        **values,  # type: ignore[arg-type]
    )


def test_the_sender_has_a_sensible_default(tmp_path: Path) -> None:
    assert _settings(tmp_path).mail_sender == "Rachmistrz <powiadomienia@rachmistrz.local>"


def test_a_sender_without_an_address_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="must be an e-mail address"):
        _settings(tmp_path, mail_sender="Rachmistrz")
