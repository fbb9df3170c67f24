"""Departments and accounts: creation rules, changes, look-ups; on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import IntegrityError

from frontline.staff.accounts import (
    AccountError,
    DepartmentInfo,
    UnknownStaffError,
    create_department,
    create_staff,
    deactivate,
    find_staff,
    get_department,
    get_staff,
    list_departments,
    list_staff,
    set_password,
    set_roles,
    unlock,
)
from frontline.staff.models import StaffMember, StaffSession
from frontline.staff.passwords import WeakPasswordError, verify_password
from frontline.staff.roles import Role
from frontline.staff.sessions import sign_in
from frontline.store import write_transaction
from tests.staff.factories import (
    CHEAP,
    PASSWORD,
    SETTINGS,
    T0,
    WORKER_GRID,
    a_worker,
    add_department,
    add_staff,
)


def test_an_account_as_created(engine: Engine) -> None:
    staff_id = a_worker(engine)
    with engine.connect() as connection:
        account = get_staff(connection, staff_id)
        stored_hash = connection.scalar(select(StaffMember.password_hash))
    assert account is not None
    assert (account.username, account.display_name, account.department) == (
        "wang.fang",
        "王芳",
        "civil_affairs",
    )
    assert (account.roles, account.area, account.active) == (
        frozenset({Role.WORKER}),
        WORKER_GRID,
        True,
    )
    assert account.has_password
    assert account.password_changed_at == account.created_at == T0 - timedelta(days=30)
    assert verify_password(stored_hash, PASSWORD, parameters=CHEAP).valid
    assert "argon2" not in repr(account)  # the hash never leaves the module


def test_usernames_are_unique_in_any_letter_case(engine: Engine) -> None:
    a_worker(engine)
    with pytest.raises(AccountError, match="taken"):
        add_staff(engine, "WANG.Fang")
    with engine.connect() as connection:
        found = find_staff(connection, " Wang.FANG ")
        assert found is not None
        assert found.username == "wang.fang"
        assert find_staff(connection, "wang") is None


def test_the_database_refuses_an_upper_case_username(engine: Engine) -> None:
    a_worker(engine)
    with pytest.raises(IntegrityError), write_transaction(engine) as connection:
        connection.execute(text("UPDATE staff_members SET username = 'Wang.Fang'"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "王芳"}, "invalid username"),
        ({"username": "a"}, "invalid username"),
        ({"username": "has space"}, "invalid username"),
        ({"department": "health"}, "no department"),
        ({"roles": ()}, "at least one role"),
        ({"roles": ("grid_boss",)}, "unknown role"),
        ({"area": "3301"}, "invalid area code"),
        ({"area": "330106001001"}, None),
        ({"area": "330106000000"}, None),
        ({"area": "330106001001000"}, "invalid area code"),
        ({"display_name": " "}, "display name"),
    ],
)
def test_what_an_account_needs(
    engine: Engine, changes: dict[str, object], message: str | None
) -> None:
    add_department(engine)
    options: dict[str, object] = {
        "username": "li.qiang",
        "display_name": "李强",
        "department": "civil_affairs",
        "roles": (Role.WORKER,),
        "area": WORKER_GRID,
        "password": None,
    } | changes
    with write_transaction(engine) as connection:
        if message is None:
            create_staff(connection, **options)  # type: ignore[arg-type]
        else:
            with pytest.raises(AccountError, match=message):
                create_staff(connection, **options)  # type: ignore[arg-type]


def test_a_county_code_scope_is_stored_as_its_division_code(engine: Engine) -> None:
    add_department(engine)
    staff_id = add_staff(engine, area="330106000000", roles=(Role.DEPARTMENT_MANAGER,))
    with engine.connect() as connection:
        account = get_staff(connection, staff_id)
    assert account is not None
    assert account.area == "330106"


def test_a_weak_password_is_refused_at_creation(engine: Engine) -> None:
    add_department(engine)
    with pytest.raises(WeakPasswordError):
        add_staff(engine, password="wang.fang-2026")  # noqa: S106 - a weak one, on purpose
    with engine.connect() as connection:
        assert list_staff(connection) == []


def test_departments(engine: Engine) -> None:
    add_department(engine)
    add_department(engine, "health", "卫生健康委员会", "Health Commission")
    with write_transaction(engine) as connection:
        with pytest.raises(AccountError, match="exists"):
            create_department(connection, code="health", name="卫健委")
        with pytest.raises(AccountError, match="invalid department code"):
            create_department(connection, code="Health Board", name="卫健委")
    with engine.connect() as connection:
        found = list_departments(connection)
        health = get_department(connection, "health")
        assert get_department(connection, "taxation") is None
    assert health == DepartmentInfo("health", "卫生健康委员会", "Health Commission")
    assert [(d.code, d.name) for d in found] == [
        ("civil_affairs", "民政局"),
        ("health", "卫生健康委员会"),
    ]


def test_list_by_department(engine: Engine) -> None:
    a_worker(engine)
    add_department(engine, "health", "卫生健康委员会")
    add_staff(engine, "zhou.jing", department="health", roles=(Role.WORKER, Role.WINDOW_CLERK))
    with engine.connect() as connection:
        everyone = list_staff(connection)
        health = list_staff(connection, department="health")
    assert [a.username for a in everyone] == ["wang.fang", "zhou.jing"]
    assert [(a.username, a.roles) for a in health] == [
        ("zhou.jing", frozenset({Role.WORKER, Role.WINDOW_CLERK}))
    ]


def test_set_roles_replaces_them(engine: Engine) -> None:
    staff_id = a_worker(engine)
    with write_transaction(engine) as connection:
        set_roles(connection, staff_id, ["auditor", Role.DATA_STEWARD])
        with pytest.raises(AccountError):
            set_roles(connection, staff_id, [])
        with pytest.raises(UnknownStaffError):
            set_roles(connection, staff_id + 1, [Role.WORKER])
    with engine.connect() as connection:
        account = get_staff(connection, staff_id)
    assert account is not None
    assert account.roles == {Role.AUDITOR, Role.DATA_STEWARD}


def _signed_in(engine: Engine, minutes: int) -> str:
    with engine.connect() as connection:
        pair = sign_in(
            connection,
            "wang.fang",
            PASSWORD,
            client="192.0.2.1",
            now=T0 + timedelta(minutes=minutes),
            settings=SETTINGS,
        )
    return pair.session_id


def _live_sessions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        query = select(StaffSession.id).where(StaffSession.revoked_at.is_(None))
        return sorted(connection.scalars(query))


def test_a_new_password_ends_the_other_sessions(engine: Engine) -> None:
    staff_id = a_worker(engine)
    mine, other = _signed_in(engine, 0), _signed_in(engine, 1)
    with write_transaction(engine) as connection:
        with pytest.raises(WeakPasswordError):
            set_password(connection, staff_id, "short", hashing=CHEAP)
        set_password(
            connection,
            staff_id,
            "另一个足够长的新密码就是这个",
            hashing=CHEAP,
            now=T0 + timedelta(minutes=2),
            keep_session=mine,
        )
    assert _live_sessions(engine) == [mine]
    with engine.connect() as connection:
        account = get_staff(connection, staff_id)
        reason = connection.scalar(
            select(StaffSession.revoke_reason).where(StaffSession.id == other)
        )
    assert account is not None
    assert account.password_changed_at == T0 + timedelta(minutes=2)
    assert reason == "password_changed"


def test_deactivation_ends_every_session(engine: Engine) -> None:
    staff_id = a_worker(engine)
    _signed_in(engine, 0)
    with write_transaction(engine) as connection:
        deactivate(connection, staff_id, now=T0 + timedelta(minutes=1))
        account = get_staff(connection, staff_id)
    assert account is not None
    assert not account.active
    assert _live_sessions(engine) == []


def test_unlock_lifts_a_lock_out(engine: Engine) -> None:
    staff_id = a_worker(engine)
    with write_transaction(engine) as connection:
        connection.execute(
            update(StaffMember).values(failed_attempts=3, locked_until=T0 + timedelta(minutes=15))
        )
        account = get_staff(connection, staff_id)
        assert account is not None
        assert account.locked(T0)
        assert not account.locked(T0 + timedelta(minutes=15))
        unlock(connection, staff_id)
        account = get_staff(connection, staff_id)
    assert account is not None
    assert (account.failed_attempts, account.locked_until) == (0, None)
    assert _signed_in(engine, 1)
