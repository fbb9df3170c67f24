"""Departments, accounts and a clock for the staff tests: cheap argon2 parameters throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from frontline.staff.accounts import create_department, create_staff
from frontline.staff.passwords import HashParameters
from frontline.staff.roles import Role
from frontline.staff.sessions import SessionSettings
from frontline.store import write_transaction

CHEAP = HashParameters(time_cost=1, memory_cost=8, parallelism=1)
"""Parameters that hash in microseconds: tests need correctness, not cost."""

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""A Monday morning: the start of a shift."""

PASSWORD = "冬日暖阳-visit-2026"  # noqa: S105 - a test account's password
"""A password that passes the policy for every account the factories make."""

SETTINGS = SessionSettings(
    access_ttl=timedelta(minutes=15),
    refresh_ttl=timedelta(hours=8),
    max_attempts_per_window=8,
    window=timedelta(minutes=10),
    lockout_threshold=5,
    lockout_duration=timedelta(minutes=15),
    password_hashing=CHEAP,
)

WORKER_GRID = "330106001001001"


def add_department(
    engine: Engine,
    code: str = "civil_affairs",
    name: str = "民政局",
    name_en: str | None = "Civil Affairs Bureau",
) -> None:
    """One department, committed."""
    with write_transaction(engine) as connection:
        create_department(connection, code=code, name=name, name_en=name_en)


def add_staff(
    engine: Engine,
    username: str = "wang.fang",
    *,
    roles: tuple[Role, ...] = (Role.WORKER,),
    area: str = WORKER_GRID,
    department: str = "civil_affairs",
    password: str | None = PASSWORD,
) -> int:
    """One account (its department must exist), committed; its id."""
    with write_transaction(engine) as connection:
        return create_staff(
            connection,
            username=username,
            display_name="王芳",
            department=department,
            roles=roles,
            area=area,
            password=password,
            hashing=CHEAP,
            now=T0 - timedelta(days=30),
        )


def a_worker(engine: Engine) -> int:
    """The civil affairs department and its grid worker wang.fang; the worker's id."""
    add_department(engine)
    return add_staff(engine)
