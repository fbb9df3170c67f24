"""Settings: safe defaults for the embedded mode, placeholder secrets refused in production."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from frontline.cli.app import build_app
from frontline.settings import SECRET_KEY_FILE, Settings
from frontline.store.settings import DEFAULT_DATABASE_URL

GOOD_KEY = "k4Jr2-9vQ8xN0pW7sT1yU6eB3hZ5mA8cD2fG4jL7"


def test_defaults_run_the_embedded_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FRONTLINE_DATABASE_URL", "FRONTLINE_ENVIRONMENT", "FRONTLINE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "embedded"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.cookies_secure is False
    assert settings.audit_key_file == Path("var/audit-signing.key")
    assert settings.allowed_hosts == ["localhost", "127.0.0.1"]


def test_environment_and_dotenv_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "FRONTLINE_ENVIRONMENT=development\n"
        "FRONTLINE_ACCESS_TOKEN_TTL=600\n"
        "FRONTLINE_ALLOWED_HOSTS=frontline.gov.example, 10.0.0.5\n"
        "UNRELATED=1\n",
        encoding="utf-8",
    )
    # The environment wins over .env.
    monkeypatch.setenv("FRONTLINE_ENVIRONMENT", "embedded")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.environment == "embedded"
    assert settings.access_token_ttl == timedelta(minutes=10)
    assert settings.allowed_hosts == ["frontline.gov.example", "10.0.0.5"]


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "not set"),
        ("changeme", "placeholder"),
        ("Change-Me", "placeholder"),
        ("secret", "placeholder"),
        ("x" * 40, "placeholder"),
        ("short-but-random-9f3a", "too short"),
    ],
)
def test_production_refuses_weak_secrets(key: str | None, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, environment="production", secret_key=key)  # type: ignore[call-arg, arg-type]
    message = str(refused.value)
    assert reason in message
    assert "FRONTLINE_SECRET_KEY" in message
    assert "input_value" not in message  # the rejected value is not echoed
    if key:
        assert repr(key) not in message


def test_production_accepts_a_real_key_and_secures_cookies() -> None:
    settings = Settings(_env_file=None, environment="production", secret_key=GOOD_KEY)  # type: ignore[call-arg, arg-type]
    assert settings.signing_key() == GOOD_KEY.encode()
    assert settings.cookies_secure is True


def test_a_placeholder_is_refused_even_outside_production() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(_env_file=None, secret_key="changeme")  # type: ignore[call-arg, arg-type]  # noqa: S106


def test_embedded_mode_makes_a_private_key_once(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "var")  # type: ignore[call-arg]
    assert not (tmp_path / "var").exists()  # building settings writes nothing
    key = settings.signing_key()
    path = tmp_path / "var" / SECRET_KEY_FILE
    assert len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Settings(_env_file=None, data_dir=tmp_path / "var")  # type: ignore[call-arg]
    assert again.signing_key() == key


def test_a_damaged_key_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / SECRET_KEY_FILE).write_text("abc\n")
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="delete it and restart"):
        settings.signing_key()


def test_serve_refuses_to_start_with_a_placeholder_secret(tmp_path: Path) -> None:
    env = {
        "FRONTLINE_ENVIRONMENT": "production",
        "FRONTLINE_SECRET_KEY": "changeme",
        "FRONTLINE_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(
        build_app(), ["serve", "--database", f"sqlite:///{tmp_path}/x.db"], env=env
    )
    assert result.exit_code == 2
    assert "placeholder" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()  # refused before touching anything


def test_a_worker_process_rebuilds_the_same_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    given = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="production",
        database_url="postgresql+psycopg://frontline@db.internal/frontline",
        data_dir=tmp_path,
        secret_key=SecretStr(GOOD_KEY),
        access_token_ttl=timedelta(minutes=10),
        allowed_hosts=["frontline.example", "10.0.0.5"],
        secure_cookies=True,
    )
    for name, value in given.as_environment().items():
        monkeypatch.setenv(name, value)
    rebuilt = Settings(_env_file=None)  # type: ignore[call-arg]
    assert rebuilt == given
    assert rebuilt.secret_key is not None
    assert rebuilt.secret_key.get_secret_value() == GOOD_KEY
