"""`frontline staff`: add (password from a prompt or stdin), list, roles, password, unlock,
deactivate, load; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, update
from typer.testing import CliRunner, Result

from frontline.cli import staff
from frontline.staff.accounts import find_staff
from frontline.staff.models import StaffMember
from frontline.staff.passwords import OWASP
from frontline.staff.sessions import SignInRefused, sign_in
from frontline.store import write_transaction
from frontline.store.base import utc_now
from tests.staff.factories import PASSWORD, SETTINGS, T0, WORKER_GRID, add_department

CITY_STAFF = Path(__file__).parents[2] / "examples" / "city" / "staff.yaml"
REAL = SETTINGS.__class__(password_hashing=OWASP)  # the CLI hashes with the defaults


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A root like `frontline`'s, with the staff group registered as the lead will."""

    staff.register(app)
    return app


def _run(engine: Engine, *args: str, input: str | None = None) -> Result:
    url = engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(
        _app(), ["staff", *args, "--database", url], input=input, env={"COLUMNS": "200"}
    )


def _signs_in(engine: Engine, username: str, password: str) -> bool:
    with engine.connect() as connection:
        try:
            sign_in(connection, username, password, client="cli", now=T0, settings=REAL)
        except SignInRefused:
            return False
    return True


ADD = ("add", "Li.Qiang", "--name", "李强", "--department", "civil_affairs")
WORKER = ("--role", "worker", "--area", WORKER_GRID)


def test_add_reads_the_password_from_stdin(engine: Engine) -> None:
    add_department(engine)
    result = _run(engine, *ADD, *WORKER, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "added account li.qiang" in result.output
    assert PASSWORD not in result.output
    assert _signs_in(engine, "li.qiang", PASSWORD)


def test_add_asks_twice_for_the_password(engine: Engine) -> None:
    add_department(engine)
    result = _run(engine, *ADD, *WORKER, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert _signs_in(engine, "li.qiang", PASSWORD)


def test_add_refuses_a_weak_password_and_a_bad_area(engine: Engine) -> None:
    add_department(engine)
    weak = _run(engine, *ADD, *WORKER, "--password-stdin", input="li.qiang-password\n")
    assert weak.exit_code == 1
    assert "用户名" in weak.output
    assert "username" in weak.output
    bad_area = _run(engine, *ADD, "--role", "worker", "--area", "33", "--no-password")
    assert bad_area.exit_code == 1
    assert "invalid area code" in bad_area.output
    with engine.connect() as connection:
        assert find_staff(connection, "li.qiang") is None


def test_there_is_no_password_option() -> None:
    result = CliRunner().invoke(_app(), ["staff", "add", "--help"], env={"COLUMNS": "200"})
    assert "--password-stdin" in result.output
    assert not re.search(r"--password\s", result.output)


def test_load_list_and_generated_passwords(engine: Engine) -> None:
    result = _run(engine, "load", str(CITY_STAFF), "--generate-passwords")
    assert result.exit_code == 0, result.output
    assert "departments: 10 added" in result.output
    issued = dict(re.findall(r"│ (\w+)\s+│ (\S{16})\s+│", result.output))
    assert set(issued) == {"admin", "steward", "manager", "worker", "worker2", "clerk", "auditor"}
    assert _signs_in(engine, "worker", issued["worker"])
    listing = _run(engine, "list", "--department", "civil_affairs")
    assert listing.exit_code == 0, listing.output
    assert "worker2" in listing.output
    assert "330106002003001" in listing.output
    assert "admin" not in listing.output
    assert "3 个账号 accounts" in listing.output
    # Loading again issues nothing: every account has a password now.
    again = _run(engine, "load", str(CITY_STAFF), "--generate-passwords")
    assert "initial passwords" not in again.output


def test_load_reports_where_a_file_is_wrong(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "staff.yaml"
    text = CITY_STAFF.read_text(encoding="utf-8").replace("[auditor]", "[auditer]")
    broken.write_text(text, encoding="utf-8")
    result = _run(engine, "load", str(broken))
    assert result.exit_code == 1
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "auditer" in x)
    assert f"staff.yaml:{line}: staff.6.roles.0:" in result.output.replace("\n", "")


def test_roles_lists_shows_and_sets(engine: Engine) -> None:
    everything = CliRunner().invoke(_app(), ["staff", "roles"])
    assert "window_clerk" in everything.output
    assert "窗口人员" in everything.output
    add_department(engine)
    _run(engine, *ADD, *WORKER, "--no-password")
    shown = _run(engine, "roles", "LI.QIANG")
    assert shown.output.strip() == "li.qiang: 网格员 worker"
    changed = _run(engine, "roles", "li.qiang", "--role", "window_clerk", "--role", "worker")
    assert changed.exit_code == 0, changed.output
    assert changed.output.strip() == "li.qiang: 窗口人员 window_clerk, 网格员 worker"
    unknown = _run(engine, "roles", "nobody")
    assert unknown.exit_code == 1
    assert "no account" in unknown.output


def test_password_unlock_and_deactivate(engine: Engine) -> None:
    add_department(engine)
    _run(engine, *ADD, *WORKER, "--no-password")
    assert not _signs_in(engine, "li.qiang", PASSWORD)
    set_result = _run(engine, "password", "li.qiang", "--password-stdin", input=PASSWORD + "\n")
    assert set_result.exit_code == 0, set_result.output
    assert _signs_in(engine, "li.qiang", PASSWORD)
    with write_transaction(engine) as connection:
        connection.execute(
            update(StaffMember).values(
                failed_attempts=5, locked_until=utc_now() + timedelta(days=1)
            )
        )
    assert "已锁定 locked" in _run(engine, "list").output
    assert not _signs_in(engine, "li.qiang", PASSWORD)
    assert _run(engine, "unlock", "li.qiang").exit_code == 0
    assert _signs_in(engine, "li.qiang", PASSWORD)
    assert _run(engine, "deactivate", "li.qiang").exit_code == 0
    assert not _signs_in(engine, "li.qiang", PASSWORD)
    assert "已停用 inactive" in _run(engine, "list").output


@pytest.mark.parametrize("command", ["unlock", "deactivate", "password"])
def test_an_unknown_account_is_named(engine: Engine, command: str) -> None:
    result = _run(engine, command, "nobody", input="x" * 20 + "\n" + "x" * 20 + "\n")
    assert result.exit_code == 1
    assert "无此账号 no account 'nobody'" in result.output
