"""`frontline staff`: departments and staff accounts — add, list, roles, passwords, unlock,
deactivate, and load a deployment's staff file.

Passwords are read from a hidden prompt or, for scripts, from the first line of standard
input (`--password-stdin`); never from an argument, which `ps` and shell history would show.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, Engine

from frontline.staff import accounts
from frontline.staff.accounts import Account, AccountError, UnknownStaffError
from frontline.staff.passwords import WeakPasswordError, password_problems
from frontline.staff.roles import Role
from frontline.staff.roster import StaffFileError
from frontline.store import create_engine_for, database_url, upgrade, write_transaction
from frontline.store.base import utc_now

Database = Annotated[
    str | None,
    typer.Option(
        help="Store URL; default FRONTLINE_DATABASE_URL, else sqlite:///var/frontline.db."
    ),
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]
Username = Annotated[str, typer.Argument(help="The account's username (any letter case).")]


@contextmanager
def _engine(database: str | None) -> Iterator[Engine]:
    engine = create_engine_for(database or database_url(os.environ))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()  # a command is one unit of work: close the pool's connections


@contextmanager
def _writing(database: str | None) -> Iterator[Connection]:
    with _engine(database) as engine, write_transaction(engine) as connection:
        yield connection


def _fail(console: Console, message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


def _read_password(console: Console, username: str, *, from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            "密码 password", hide_input=True, confirmation_prompt="再输入一次 repeat"
        )
    problems = password_problems(password, username=accounts.fold_username(username))
    if problems:
        raise _fail(console, "; ".join(f"{p.zh} ({p.en})" for p in problems))
    return password


def _find(connection: Connection, console: Console, username: str) -> Account:
    account = accounts.find_staff(connection, username)
    if account is None:
        raise _fail(console, f"无此账号 no account {username!r}")
    return account


def _roles_text(roles: frozenset[Role]) -> str:
    return ", ".join(f"{role.label_zh} {role.value}" for role in sorted(roles))


def _status(account: Account) -> str:
    if not account.active:
        return "[red]已停用 inactive[/red]"
    if account.locked(utc_now()):
        return "[yellow]已锁定 locked[/yellow]"
    if not account.has_password:
        return "[yellow]未设密码 no password[/yellow]"
    return "正常 active"


def register(app: typer.Typer) -> None:
    """Add the `staff` command group to `app`."""
    staff = typer.Typer(help="Departments and staff accounts (人员与部门).", no_args_is_help=True)
    app.add_typer(staff, name="staff")

    @staff.command("add")
    def add(
        username: Username,
        name: Annotated[str, typer.Option("--name", help="Display name, e.g. 王芳.")],
        department: Annotated[str, typer.Option(help="Department code, e.g. civil_affairs.")],
        role: Annotated[list[Role], typer.Option(help="A role (repeat for several).")],
        area: Annotated[str, typer.Option(help="Root of the area scope: division/grid code.")],
        password_stdin: PasswordStdin = False,
        no_password: Annotated[
            bool, typer.Option("--no-password", help="Create without a password (set later).")
        ] = False,
        database: Database = None,
    ) -> None:
        """Add a staff account; asks for its password."""
        console = Console()
        password = (
            None if no_password else _read_password(console, username, from_stdin=password_stdin)
        )
        try:
            with _writing(database) as connection:
                staff_id = accounts.create_staff(
                    connection,
                    username=username,
                    display_name=name,
                    department=department,
                    roles=role,
                    area=area,
                    password=password,
                )
        except (AccountError, WeakPasswordError) as error:
            raise _fail(console, str(error)) from None
        console.print(
            f"已添加账号 added account {accounts.fold_username(username)} (id {staff_id})"
        )

    @staff.command("list")
    def list_accounts(
        department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
        database: Database = None,
    ) -> None:
        """Show the accounts: department, roles, area scope and status."""
        console = Console()
        with _engine(database) as engine, engine.connect() as connection:
            found = accounts.list_staff(connection, department=department)
        if not found:
            console.print("没有账号 no accounts")
            return
        table = Table(title="人员 staff", title_justify="left")
        # Usernames and area codes are what an administrator types next: never cut them.
        table.add_column("用户名 username", no_wrap=True, overflow="fold")
        table.add_column("姓名 name")
        table.add_column("部门 department", overflow="fold")
        table.add_column("角色 roles", overflow="fold")
        table.add_column("区域 area", no_wrap=True, min_width=15, overflow="fold")
        table.add_column("状态 status")
        for account in found:
            table.add_row(
                account.username,
                account.display_name,
                account.department,
                "\n".join(role.value for role in sorted(account.roles)),
                account.area,
                _status(account),
            )
        console.print(table)
        console.print(f"{len(found)} 个账号 accounts")

    @staff.command("roles")
    def roles(
        username: Annotated[
            str | None, typer.Argument(help="An account; none lists the roles there are.")
        ] = None,
        role: Annotated[
            list[Role] | None, typer.Option(help="Set the account's roles (repeat for several).")
        ] = None,
        database: Database = None,
    ) -> None:
        """List the roles, show an account's roles, or replace them with --role."""
        console = Console()
        if username is None:
            for each in Role:
                console.print(f"{each.value:<20} {each.label_zh}")
            return
        with _writing(database) as connection:
            account = _find(connection, console, username)
            if role:
                accounts.set_roles(connection, account.id, role)
                account = _find(connection, console, username)
        console.print(f"{account.username}: {_roles_text(account.roles)}")

    @staff.command("password")
    def password(
        username: Username, password_stdin: PasswordStdin = False, database: Database = None
    ) -> None:
        """Set an account's password; its sessions end."""
        console = Console()
        new_password = _read_password(console, username, from_stdin=password_stdin)
        with _writing(database) as connection:
            account = _find(connection, console, username)
            accounts.set_password(connection, account.id, new_password)
        console.print(f"已设置密码 password set for {account.username}")

    @staff.command("unlock")
    def unlock(username: Username, database: Database = None) -> None:
        """Lift a lock-out after too many failed sign-ins."""
        console = Console()
        with _writing(database) as connection:
            account = _find(connection, console, username)
            accounts.unlock(connection, account.id)
        console.print(f"已解锁 unlocked {account.username}")

    @staff.command("deactivate")
    def deactivate(username: Username, database: Database = None) -> None:
        """Stop an account from signing in; its sessions end at once."""
        console = Console()
        with _writing(database) as connection:
            account = _find(connection, console, username)
            accounts.deactivate(connection, account.id)
        console.print(f"已停用 deactivated {account.username}")

    @staff.command("load")
    def load(
        file: Annotated[Path, typer.Argument(help="A staff file (staff.yaml).")],
        generate_passwords: Annotated[
            bool,
            typer.Option(
                "--generate-passwords",
                help="Give each account without a password a random one, printed once (demo).",
            ),
        ] = False,
        database: Database = None,
    ) -> None:
        """Create or update the departments and accounts of a staff file."""
        console = Console()
        try:
            staff_file = accounts.load_staff_file(file)
            with _writing(database) as connection:
                report = accounts.apply_staff_file(connection, staff_file)
                issued = accounts.issue_initial_passwords(connection) if generate_passwords else {}
        except (StaffFileError, AccountError, UnknownStaffError) as error:
            raise _fail(console, str(error)) from None
        console.print(
            f"部门 departments: {report.departments_added} added 新增, "
            f"{report.departments_updated} updated 更新; "
            f"账号 accounts: {len(report.staff_added)} added 新增, "
            f"{len(report.staff_updated)} updated 更新"
        )
        if issued:
            table = Table(title="初始密码 initial passwords (shown once 仅显示一次)")
            table.add_column("用户名 username")
            table.add_column("密码 password")
            for name, secret in issued.items():
                table.add_row(name, secret)
            console.print(table)
