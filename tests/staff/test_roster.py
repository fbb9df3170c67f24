"""Staff files: the city's example loads; errors name the file, line and key; loading twice
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from frontline.staff.accounts import apply_staff_file, find_staff, list_departments, list_staff
from frontline.staff.roles import Role
from frontline.staff.roster import StaffFileError, load_staff_file
from frontline.store import write_transaction

CITY = Path(__file__).parents[2] / "examples" / "city"

GOOD = """\
departments:
  - code: civil_affairs
    name: 民政局
staff:
  - username: Wang.Fang
    display_name: 王芳
    department: civil_affairs
    roles: [worker]
    area: 330106001001001
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "staff.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_city_has_every_role_and_the_sources_departments() -> None:
    staff_file = load_staff_file(CITY / "staff.yaml")
    held = {role for member in staff_file.staff for role in member.roles}
    assert held == set(Role)
    codes = {d.code for d in staff_file.departments}
    source_keys = {
        line.split(":", 1)[1].strip()
        for path in (CITY / "sources").glob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("department_key:")
    }
    assert source_keys <= codes
    workers = [m for m in staff_file.staff if Role.WORKER in m.roles]
    assert all(len(m.area) == 15 and m.area.startswith("330106") for m in workers)


def test_an_unquoted_code_is_read_as_text(tmp_path: Path) -> None:
    staff_file = load_staff_file(_write(tmp_path, GOOD))
    assert staff_file.staff[0].area == "330106001001001"


@pytest.mark.parametrize(
    ("change", "line", "key", "message"),
    [
        (("roles: [worker]", "roles: [grid_boss]"), 8, "staff.0.roles.0", "'worker'"),
        (("roles: [worker]", "roles: []"), 8, "staff.0.roles", "at least 1"),
        (("area: 330106001001001", "area: 3301"), 9, "staff.0.area", "6, 12 or 15 digits"),
        (("area: 330106001001001", "area: 330106001001000"), 9, "staff.0.area", "grid"),
        (("department: civil_affairs", "department: health"), 7, "staff.0.department", "not among"),
        (("    display_name", "    nickname: 芳芳\n    display_name"), 6, "staff.0.nickname",
         "allowed here: username, display_name"),
        (("  - code: civil_affairs", "  - code: Civil Affairs"), 2, "departments.0.code",
         "pattern"),
        (("username: Wang.Fang", "username: 王芳"), 5, "staff.0.username", "pattern"),
    ],
)  # fmt: skip
def test_errors_name_the_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], line: int, key: str, message: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(StaffFileError) as raised:
        load_staff_file(path)
    error = raised.value
    assert (error.path, error.line, error.key) == (path, line, key)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {key}: ")


def test_a_repeated_key_is_an_error(tmp_path: Path) -> None:
    # YAML would keep the last value silently.
    path = _write(tmp_path, GOOD.replace("    name: 民政局", "    name: 民政局\n    name: 民政"))
    with pytest.raises(StaffFileError) as raised:
        load_staff_file(path)
    assert (raised.value.line, raised.value.key) == (4, "departments.0.name")
    assert raised.value.message == "repeated key (first on line 3)"


def test_a_username_twice_in_any_case_is_an_error(tmp_path: Path) -> None:
    twice = GOOD + GOOD.split("staff:\n", 1)[1].replace("Wang.Fang", "wang.fang")
    with pytest.raises(StaffFileError) as raised:
        load_staff_file(_write(tmp_path, twice))
    assert (raised.value.line, raised.value.key) == (10, "staff.1.username")


def test_broken_yaml_is_an_error_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(StaffFileError) as raised:
        load_staff_file(_write(tmp_path, GOOD.replace("roles: [worker]", "roles: [worker")))
    assert raised.value.line is not None
    assert raised.value.line >= 9


def test_loading_creates_then_updates_and_twice_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    with write_transaction(engine) as connection:
        first = apply_staff_file(connection, load_staff_file(CITY / "staff.yaml"))
    with write_transaction(engine) as connection:
        second = apply_staff_file(connection, load_staff_file(CITY / "staff.yaml"))
    assert first.departments_added == 10
    assert len(first.staff_added) == 7
    assert (second.departments_added, second.departments_updated) == (0, 0)
    assert (second.staff_added, second.staff_updated) == ([], [])
    moved = GOOD.replace("Wang.Fang", "worker").replace("[worker]", "[worker, window_clerk]")
    with write_transaction(engine) as connection:
        third = apply_staff_file(connection, load_staff_file(_write(tmp_path, moved)))
        worker = find_staff(connection, "worker")
        everyone = list_staff(connection)
        departments = list_departments(connection)
    assert (third.staff_added, third.staff_updated) == ([], ["worker"])
    assert third.departments_updated == 1  # the file gives no English name
    assert worker is not None
    assert (worker.display_name, worker.roles) == (
        "王芳",
        frozenset({Role.WORKER, Role.WINDOW_CLERK}),
    )
    assert not any(account.has_password for account in everyone)
    assert len(everyone) == 7
    assert len(departments) == 10
