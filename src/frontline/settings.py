"""The service's settings: environment variables (`FRONTLINE_*`), then `.env`, then defaults.

The defaults run the embedded mode — a SQLite file under `var/`, a signing key made on first
use — with nothing to configure. Production must say what it means: a real secret key (a
placeholder is refused at start), its hosts, its database. Nothing is read at import time:

    settings = Settings()                         # reads the environment and .env now
    settings = Settings(environment="development", database_url="sqlite:///tmp/x.db")
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from frontline.store.settings import DEFAULT_DATABASE_URL

Environment = Literal["embedded", "development", "production"]

MIN_SECRET_BYTES = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
"""The file under the data folder holding the generated key (embedded and development)."""

# Values people leave in a .env from a template; compared case-insensitively after removing
# separators, so "Change-Me" and "change_me" are caught too.
_PLACEHOLDERS = frozenset(
    {
        "changeme", "changethis", "changeit", "secret", "secretkey", "password", "default",
        "example", "test", "testing", "dev", "development", "insecure", "notsecret", "todo",
        "xxx", "replaceme", "yoursecretkey", "mysecretkey", "supersecret",
    }
)  # fmt: skip
_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class Settings(BaseSettings):
    """Everything a deployment configures about the service."""

    model_config = SettingsConfigDict(
        env_prefix="FRONTLINE_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        # A refused secret must not be echoed in the error (it ends up in logs).
        hide_input_in_errors=True,
    )

    environment: Environment = "embedded"
    """`embedded` (one machine, SQLite), `development`, or `production` (strict checks)."""
    database_url: str = DEFAULT_DATABASE_URL
    """The serving database: a SQLite file by default, PostgreSQL in production."""
    data_dir: Path = Path("var")
    """Where the embedded mode keeps its files (the generated secret key among them)."""
    secret_key: SecretStr | None = None
    """Signs CSRF tokens. Embedded/development: generated once under `data_dir` if unset."""
    audit_key_file: Path | None = None
    """The audit checkpoint signing key (default: `data_dir/audit-signing.key`)."""
    access_token_ttl: timedelta = Field(default=timedelta(minutes=15), gt=timedelta(0))
    """How long an access token works (seconds or ISO 8601 in the environment)."""
    refresh_token_ttl: timedelta = Field(default=timedelta(hours=8), gt=timedelta(0))
    """How long a sign-in lasts however often it is refreshed: a working day."""
    allowed_hosts: Annotated[list[str], NoDecode] = ["localhost", "127.0.0.1"]
    """Host names the service answers to (`*` for any); comma-separated in the environment."""
    worker_devices_required: bool = True
    """Grid workers sign in only on an enrolled phone (password and device): the API's and
    the console's password sign-in refuse an account whose only role is worker."""
    opentelemetry: bool = False
    """FastAPI's own OpenTelemetry spans, metrics and logs, for a deployment that configures an
    OpenTelemetry SDK; off by default, as asking whether one is configured costs every request
    a tenth of the busiest read's time."""
    secure_cookies: bool | None = None
    """Mark cookies Secure (HTTPS only); default: on in production, off otherwise."""

    def as_environment(self) -> dict[str, str]:
        """These settings as `FRONTLINE_*` variables: what a worker process of the service
        reads to build the same app (`frontline.web.factory`)."""
        values: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, SecretStr):
                text = value.get_secret_value()
            elif isinstance(value, timedelta):
                text = str(int(value.total_seconds()))
            elif isinstance(value, list):
                text = ",".join(str(item) for item in value)
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            values[f"FRONTLINE_{name.upper()}"] = text
        return values

    @field_validator("access_token_ttl", "refresh_token_ttl", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> object:
        # The environment spells a lifetime in seconds ("900") or ISO 8601 ("PT15M").
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.audit_key_file is None:
            self.audit_key_file = self.data_dir / "audit-signing.key"
        if self.secure_cookies is None:
            self.secure_cookies = self.environment == "production"
        if not self.allowed_hosts:
            raise ValueError("FRONTLINE_ALLOWED_HOSTS 为空 / is empty: name at least one host")
        problem = secret_problem(self.secret_key)
        if problem is not None and (self.environment == "production" or self.secret_key):
            # Outside production an absent key is fine (one is generated); a weak one given
            # on purpose is refused everywhere, so it never reaches production unnoticed.
            raise ValueError(problem)
        return self

    def signing_key(self) -> bytes:
        """The secret key's bytes; in embedded/development mode made once when none is set.

        The generated key lives in `data_dir/secret_key`, readable by the owner only, so
        sign-in state survives restarts.
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        if self.environment == "production":  # refused by validation; kept for type safety
            raise ValueError(secret_problem(None))
        return _key_file(self.data_dir / SECRET_KEY_FILE)

    @property
    def cookies_secure(self) -> bool:
        """Whether cookies are marked Secure (resolved from `secure_cookies`)."""
        return bool(self.secure_cookies)


def secret_problem(key: SecretStr | None) -> str | None:
    """Why `key` cannot sign anything in production, or None when it can."""
    if key is None:
        return (
            "未设置 FRONTLINE_SECRET_KEY：生产环境必须提供至少 32 字节的随机密钥。"
            f" / FRONTLINE_SECRET_KEY is not set: production needs a random key of at least "
            f"{MIN_SECRET_BYTES} bytes. Make one with: {_GENERATE}"
        )
    value = key.get_secret_value()
    squashed = "".join(c for c in value.lower() if c.isalnum())
    if squashed in _PLACEHOLDERS or len(set(value)) <= 2:
        return (
            "FRONTLINE_SECRET_KEY 是占位值，请换成随机密钥。"
            f" / FRONTLINE_SECRET_KEY is a placeholder; replace it with a random key: {_GENERATE}"
        )
    if len(value.encode()) < MIN_SECRET_BYTES:
        return (
            f"FRONTLINE_SECRET_KEY 太短（至少 {MIN_SECRET_BYTES} 字节）。"
            f" / FRONTLINE_SECRET_KEY is too short (at least {MIN_SECRET_BYTES} bytes): "
            f"{_GENERATE}"
        )
    return None


def _key_file(path: Path) -> bytes:
    """The key in `path`, created (mode 0600) with a fresh random key if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once never overwrite each other's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes().strip()
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(
                f"密钥文件 {path} 已损坏，请删除后重启。 / the key file {path} is damaged "
                "(too short): delete it and restart."
            ) from None
        return key
    key = secrets.token_urlsafe(48).encode()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key + b"\n")
    return key
