"""Departments and staff accounts: create, change, look up, and load from a staff file.

Every function works on a connection inside the caller's transaction (use
`frontline.store.write_transaction` for writes) and never commits. Usernames are folded to
lower case, so `Wang.Fang` and `wang.fang` are one account.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from frontline.staff.models import Department, StaffMember, StaffRole
from frontline.staff.passwords import (
    OWASP,
    HashParameters,
    check_password_policy,
    hash_password,
    password_problems,
)
from frontline.staff.roles import Role
from frontline.staff.roster import StaffFile, StaffFileError, area_scope_code, load_staff_file
from frontline.staff.sessions import revoke_sessions
from frontline.store.base import utc_now

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
DEPARTMENT_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")

__all__ = [
    "Account",
    "AccountError",
    "DepartmentInfo",
    "LoadReport",
    "StaffFile",
    "StaffFileError",
    "UnknownStaffError",
    "apply_staff_file",
    "create_department",
    "create_staff",
    "deactivate",
    "find_staff",
    "get_department",
    "get_staff",
    "list_departments",
    "list_staff",
    "load_staff_file",
    "set_password",
    "set_roles",
    "unlock",
]


class AccountError(ValueError):
    """An account or department that cannot be created or changed as asked."""


class UnknownStaffError(LookupError):
    """No staff member has the given id."""


@dataclass(frozen=True, slots=True)
class DepartmentInfo:
    """A department as services and the console see it."""

    code: str
    name: str
    name_en: str | None


@dataclass(frozen=True, slots=True)
class Account:
    """A staff account as services and the console see it (never its password hash)."""

    id: int
    username: str
    display_name: str
    department: str
    roles: frozenset[Role]
    area: str
    active: bool
    has_password: bool
    failed_attempts: int
    locked_until: datetime | None
    password_changed_at: datetime | None
    created_at: datetime

    def locked(self, now: datetime) -> bool:
        """Whether sign-in is locked at `now`."""
        return self.locked_until is not None and self.locked_until > now


def fold_username(username: str) -> str:
    """The stored form of a username: trimmed, lower case."""
    return username.strip().lower()


def check_area(area: str) -> str:
    """The stored form of an area scope's root code; `AccountError` when it is no area code.

    A division (6 digits), street or community (12) or grid (15) code, read by shape with
    `frontline.ids` (as `frontline.areas.codes` reads them); a 12-digit county code is
    stored as its 6-digit division code, as the area tree stores it.
    """
    area = str(area).strip()
    try:
        return area_scope_code(area)
    except ValueError as error:
        raise AccountError(f"区域代码无效 invalid area code: {error}") from None


def create_department(
    connection: Connection, *, code: str, name: str, name_en: str | None = None
) -> None:
    """Add a department (its `code` is the `department_key` sources use)."""
    if not DEPARTMENT_CODE.fullmatch(code):
        raise AccountError(f"部门代码无效 invalid department code {code!r}: a-z, 0-9, _")
    if connection.scalar(select(Department.code).where(Department.code == code)) is not None:
        raise AccountError(f"部门已存在 department {code!r} exists")
    connection.execute(insert(Department).values(code=code, name=name, name_en=name_en))


def get_department(connection: Connection, code: str) -> DepartmentInfo | None:
    """The department with `code`, or None."""
    row = connection.execute(
        select(Department.code, Department.name, Department.name_en).where(Department.code == code)
    ).one_or_none()
    return DepartmentInfo(row.code, row.name, row.name_en) if row is not None else None


def list_departments(connection: Connection) -> list[DepartmentInfo]:
    """Every department, by code."""
    rows = connection.execute(
        select(Department.code, Department.name, Department.name_en).order_by(Department.code)
    )
    return [DepartmentInfo(row.code, row.name, row.name_en) for row in rows]


def create_staff(
    connection: Connection,
    *,
    username: str,
    display_name: str,
    department: str,
    roles: Iterable[Role | str],
    area: str,
    password: str | None,
    hashing: HashParameters = OWASP,
    now: datetime | None = None,
) -> int:
    """Add an account and return its id; `password` None leaves it unable to sign in.

    The password must pass the policy (`frontline.staff.passwords`).
    """
    name = fold_username(username)
    if not USERNAME.fullmatch(name):
        raise AccountError(
            f"用户名无效 invalid username {username!r}: 2-64 of a-z, 0-9, '.', '_', '-'"
        )
    if not display_name.strip() or len(display_name) > 64:
        raise AccountError("姓名不能为空且不超过 64 字 display name: 1-64 characters")
    held = _roles(roles)
    area = check_area(area)
    _require_department(connection, department)
    if connection.scalar(select(StaffMember.id).where(StaffMember.username == name)) is not None:
        raise AccountError(f"用户名已被使用 username {name!r} is taken")
    now = now or utc_now()
    password_hash = None
    if password is not None:
        check_password_policy(password, username=name)
        password_hash = hash_password(password, parameters=hashing)
    try:
        staff_id: int = connection.execute(
            insert(StaffMember)
            .values(
                username=name,
                display_name=display_name.strip(),
                department_code=department,
                area_code=area,
                password_hash=password_hash,
                active=True,
                failed_attempts=0,
                locked_until=None,
                password_changed_at=now if password_hash else None,
                created_at=now,
            )
            .returning(StaffMember.id)
        ).scalar_one()
    except IntegrityError:  # a concurrent creation of the same name
        raise AccountError(f"用户名已被使用 username {name!r} is taken") from None
    _insert_roles(connection, staff_id, held)
    return staff_id


def set_roles(connection: Connection, staff_id: int, roles: Iterable[Role | str]) -> None:
    """Replace an account's roles (at least one); effective on its next request."""
    held = _roles(roles)
    _require_staff(connection, staff_id)
    connection.execute(delete(StaffRole).where(StaffRole.staff_id == staff_id))
    _insert_roles(connection, staff_id, held)


def set_password(
    connection: Connection,
    staff_id: int,
    password: str,
    *,
    hashing: HashParameters = OWASP,
    now: datetime | None = None,
    keep_session: str | None = None,
) -> None:
    """Set a new password (checked against the policy) and revoke the account's sessions,
    except `keep_session` (the session of someone changing their own password)."""
    account = _require_staff(connection, staff_id)
    check_password_policy(password, username=account.username)
    now = now or utc_now()
    connection.execute(
        update(StaffMember)
        .where(StaffMember.id == staff_id)
        .values(password_hash=hash_password(password, parameters=hashing), password_changed_at=now)
    )
    revoke_sessions(connection, staff_id, reason="password_changed", now=now, keep=keep_session)


def deactivate(connection: Connection, staff_id: int, *, now: datetime | None = None) -> None:
    """Stop an account from signing in and end its sessions at once."""
    _require_staff(connection, staff_id)
    connection.execute(update(StaffMember).where(StaffMember.id == staff_id).values(active=False))
    revoke_sessions(connection, staff_id, reason="deactivated", now=now or utc_now())


def unlock(connection: Connection, staff_id: int) -> None:
    """Lift a lock-out and forget the failed attempts that led to it."""
    _require_staff(connection, staff_id)
    connection.execute(
        update(StaffMember)
        .where(StaffMember.id == staff_id)
        .values(failed_attempts=0, locked_until=None)
    )


def get_staff(connection: Connection, staff_id: int) -> Account | None:
    """The account with id `staff_id`, or None."""
    found = _accounts(connection, StaffMember.id == staff_id)
    return found[0] if found else None


def find_staff(connection: Connection, username: str) -> Account | None:
    """The account named `username` (in any letter case), or None."""
    found = _accounts(connection, StaffMember.username == fold_username(username))
    return found[0] if found else None


def list_staff(connection: Connection, *, department: str | None = None) -> list[Account]:
    """Every account, or a department's, by username."""
    condition = StaffMember.department_code == department if department is not None else None
    return _accounts(connection, condition)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What loading a staff file changed."""

    departments_added: int
    departments_updated: int
    staff_added: list[str]
    staff_updated: list[str]


def apply_staff_file(
    connection: Connection, staff_file: StaffFile, *, now: datetime | None = None
) -> LoadReport:
    """Create or update the file's departments and accounts (passwords are never touched).

    Loading the same file twice changes nothing; an account missing from the file is left
    as it is (deactivate it explicitly).
    """
    now = now or utc_now()
    known = {d.code: d for d in list_departments(connection)}
    added = updated = 0
    for entry in staff_file.departments:
        if entry.code not in known:
            create_department(connection, code=entry.code, name=entry.name, name_en=entry.name_en)
            added += 1
        elif (known[entry.code].name, known[entry.code].name_en) != (entry.name, entry.name_en):
            connection.execute(
                update(Department)
                .where(Department.code == entry.code)
                .values(name=entry.name, name_en=entry.name_en)
            )
            updated += 1
    staff_added: list[str] = []
    staff_updated: list[str] = []
    for member in staff_file.staff:
        account = find_staff(connection, member.username)
        if account is None:
            create_staff(
                connection,
                username=member.username,
                display_name=member.display_name,
                department=member.department,
                roles=member.roles,
                area=member.area,
                password=None,
                now=now,
            )
            staff_added.append(fold_username(member.username))
            continue
        wanted = (member.display_name, member.department, frozenset(member.roles), member.area)
        if wanted != (account.display_name, account.department, account.roles, account.area):
            _require_department(connection, member.department)
            connection.execute(
                update(StaffMember)
                .where(StaffMember.id == account.id)
                .values(
                    display_name=member.display_name,
                    department_code=member.department,
                    area_code=check_area(member.area),
                )
            )
            set_roles(connection, account.id, member.roles)
            staff_updated.append(account.username)
    return LoadReport(added, updated, staff_added, staff_updated)


def _roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    try:
        held = frozenset(Role(role) for role in roles)
    except ValueError as error:
        allowed = ", ".join(role.value for role in Role)
        raise AccountError(f"未知角色 unknown role ({error}); roles: {allowed}") from None
    if not held:
        raise AccountError("至少需要一个角色 an account needs at least one role")
    return held


def _insert_roles(connection: Connection, staff_id: int, roles: frozenset[Role]) -> None:
    connection.execute(
        insert(StaffRole), [{"staff_id": staff_id, "role": role.value} for role in sorted(roles)]
    )


def _require_department(connection: Connection, department: str) -> None:
    if connection.scalar(select(Department.code).where(Department.code == department)) is None:
        raise AccountError(f"部门不存在 no department {department!r}")


def _require_staff(connection: Connection, staff_id: int) -> Account:
    account = get_staff(connection, staff_id)
    if account is None:
        raise UnknownStaffError(f"no staff member {staff_id}")
    return account


def _accounts(connection: Connection, condition: Any | None) -> list[Account]:
    query = select(StaffMember).order_by(StaffMember.username)
    if condition is not None:
        query = query.where(condition)
    members = connection.execute(query).all()
    if not members:
        return []
    roles: dict[int, set[Role]] = {}
    role_query = select(StaffRole.staff_id, StaffRole.role).join(
        StaffMember, StaffMember.id == StaffRole.staff_id
    )
    if condition is not None:
        role_query = role_query.where(condition)
    for staff_id, role in connection.execute(role_query):
        roles.setdefault(staff_id, set()).add(Role(role))
    return [_account(m, frozenset(roles.get(m.id, ()))) for m in members]


def _account(member: Row[Any], roles: frozenset[Role]) -> Account:
    return Account(
        id=member.id,
        username=member.username,
        display_name=member.display_name,
        department=member.department_code,
        roles=roles,
        area=member.area_code,
        active=member.active,
        has_password=member.password_hash is not None,
        failed_attempts=member.failed_attempts,
        locked_until=member.locked_until,
        password_changed_at=member.password_changed_at,
        created_at=member.created_at,
    )


def issue_initial_passwords(connection: Connection, *, reset: bool = False) -> dict[str, str]:
    """A random password for every active account without one — with ``reset``, for every
    active account (a demo) — as username → password, for a first installation; the caller
    shows them once and never stores them."""
    issued: dict[str, str] = {}
    for account in list_staff(connection):
        if account.active and (reset or not account.has_password):
            secret = secrets.token_urlsafe(12)
            while password_problems(secret, username=account.username):
                secret = secrets.token_urlsafe(12)  # it happened to contain the username
            set_password(connection, account.id, secret)
            issued[account.username] = secret
    return issued
