from pathlib import Path

import pytest

from chassis.settings import ServiceSettings, load_settings


def test_missing_database_url_ends_the_process_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.setenv("AUTH_JWKS_URL", "http://auth/.well-known/jwks.json")
    with pytest.raises(SystemExit) as exit_info:
        load_settings(ServiceSettings, "taxes")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err == "taxes: invalid configuration: DATABASE_URL is missing\n"


def test_settings_need_a_way_to_verify_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@h/db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.delenv("AUTH_JWKS_URL", raising=False)
    monkeypatch.delenv("AUTH_PUBLIC_KEY_FILE", raising=False)
    with pytest.raises(SystemExit):
        load_settings(ServiceSettings, "files")
    assert "set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE" in capsys.readouterr().err


def test_database_password_never_shows_in_settings_repr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = tmp_path / "k.pem"
    key.write_text("x")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:sekret-password@h/db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.setenv("AUTH_PUBLIC_KEY_FILE", str(key))
    settings = load_settings(ServiceSettings, "taxes")
    assert "sekret-password" not in repr(settings)
    assert settings.database_url.get_secret_value().endswith("@h/db")
