"""The service under test: an app on a freshly migrated store (SQLite and PostgreSQL), a client
that talks to it in-process, staff to sign in as, and a clock the tests move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from frontline.settings import Settings
from frontline.staff.accounts import create_department, create_staff
from frontline.staff.passwords import HashParameters
from frontline.staff.roles import Role
from frontline.staff.sessions import SessionSettings
from frontline.store import write_transaction
from frontline.web import create_app
from tests.web.client import Client

CHEAP = HashParameters(time_cost=1, memory_cost=8, parallelism=1)
"""argon2 parameters that hash in microseconds: tests need correctness, not cost."""
PASSWORD = "冬日暖阳-visit-2026"  # noqa: S105 - the test accounts' password
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
GRID = "330106001001001"
SESSION_SETTINGS = SessionSettings(
    access_ttl=timedelta(minutes=15),
    refresh_ttl=timedelta(hours=8),
    max_attempts_per_window=8,
    window=timedelta(minutes=10),
    lockout_threshold=3,
    lockout_duration=timedelta(minutes=15),
    password_hashing=CHEAP,
)
HOSTS = ["testserver", "localhost", "127.0.0.1"]

# One account per role; the manager manages civil affairs (a department of the test city).
MEMBERS: dict[str, tuple[Role, ...]] = {
    "admin": (Role.ADMINISTRATOR,),
    "steward": (Role.DATA_STEWARD,),
    "manager": (Role.DEPARTMENT_MANAGER,),
    "worker": (Role.WORKER,),
    "clerk": (Role.WINDOW_CLERK,),
    "auditor": (Role.AUDITOR,),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives real Chromium through Playwright (select with -m browser)"
    )


@dataclass
class Clock:
    """The app's idea of now; tests move it forward."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def settings_for(database_url: str, data_dir: Path, **changes: object) -> Settings:
    """Settings for a test app: no .env, the test's own data folder, the test client's host."""
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "allowed_hosts": HOSTS,
        # Most tests exercise the policy with a worker's password sign-in; the device tests
        # turn the phone requirement back on.
        "worker_devices_required": False,
        **changes,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]


def add_members(engine: Engine) -> None:
    """The civil affairs department and one account per role (`MEMBERS`), committed."""
    with write_transaction(engine) as connection:
        create_department(
            connection, code="civil_affairs", name="民政局", name_en="Civil Affairs Bureau"
        )
        for username, roles in MEMBERS.items():
            create_staff(
                connection,
                username=username,
                display_name=f"测试{username}",
                department="civil_affairs",
                roles=roles,
                area=GRID,
                password=PASSWORD,
                hashing=CHEAP,
                now=T0 - timedelta(days=30),
            )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(engine: Engine, database_url: str, tmp_path: Path, clock: Clock) -> FastAPI:
    """The service with one account per role, on a migrated store."""
    add_members(engine)
    settings = settings_for(database_url, tmp_path / "var")
    return create_app(settings, clock=clock, session_settings=SESSION_SETTINGS)


@pytest.fixture
def client(app: FastAPI) -> Iterator[Client]:
    """An in-process client (lifespan included); server errors become 500 answers."""
    with Client(app) as test_client:
        yield test_client


def sign_in(client: Client, username: str, password: str = PASSWORD) -> dict[str, object]:
    """Sign in over the API; the token answer."""
    response = client.post(
        "/api/v1/auth/sign-in", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, object] = response.json()
    return tokens


def bearer(tokens: dict[str, object]) -> dict[str, str]:
    """The Authorization header for `tokens`."""
    return {"Authorization": f"Bearer {tokens['access_token']}"}
