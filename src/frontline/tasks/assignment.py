"""Assigning tasks to workers: one task, or every unassigned open task of a grid.

The assignee must be an active worker of the task's department whose area scope contains
the task's grid: a worker of grid A is never given a resident of grid B.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from frontline.areas.codes import AreaLevel, area_level, contains
from frontline.audit import Signer
from frontline.staff.accounts import Account, get_staff, list_staff
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store.base import utc_now
from frontline.tasks.authority import require_manager
from frontline.tasks.errors import InvalidAssigneeError, InvalidTaskError
from frontline.tasks.lifecycle import Action, Status
from frontline.tasks.models import Task
from frontline.tasks.moves import load, move


def check_assignee(connection: Connection, assignee_id: int, department: str, grid: str) -> Account:
    """The account if it may take a task of `department` in `grid`; else
    `InvalidAssigneeError` saying why (unknown, inactive, no worker, department, area)."""
    account = get_staff(connection, assignee_id)
    if account is None:
        raise InvalidAssigneeError(
            "unknown_assignee", f"没有该工作人员 no staff member {assignee_id}"
        )
    if not account.active:
        raise InvalidAssigneeError(
            "inactive_assignee", f"账号已停用 account {assignee_id} is disabled"
        )
    if Role.WORKER not in account.roles:
        raise InvalidAssigneeError(
            "not_worker", f"{account.username} 不是网格员 {account.username} is no worker"
        )
    if account.department != department:
        raise InvalidAssigneeError(
            "other_department",
            f"{account.username} 不属于 {department} {account.username} is not of {department}",
        )
    if not contains(account.area, grid):
        raise InvalidAssigneeError(
            "outside_assignee_area",
            f"网格 {grid} 不在 {account.username} 的区域内 "
            f"grid {grid} is outside {account.username}'s area",
        )
    return account


def eligible_workers(connection: Connection, department: str, area: str) -> list[Account]:
    """Active workers of `department` whose scope overlaps `area` (for a choice of assignee)."""
    return [
        a
        for a in list_staff(connection, department=department)
        if a.active
        and Role.WORKER in a.roles
        and (contains(area, a.area) or contains(a.area, area))
    ]


def assign_task(
    connection: Connection,
    actor: Principal | None,
    task: int | str,
    assignee_id: int,
    *,
    note: str | None = None,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> Status:
    """Assign or reassign a live task; `actor` must manage its department and grid."""
    found = load(connection, actor, task)
    role = require_manager(actor, found.department, found.grid_code) if actor else None
    check_assignee(connection, assignee_id, found.department, found.grid_code)
    return move(connection, found, Action.ASSIGN, actor=actor, role=role,
                now=now or utc_now(), signer=signer, assignee_id=assignee_id,
                note=note)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GridAssignment:
    """What assigning a grid did: the references assigned."""

    grid: str
    assignee_id: int
    references: list[str]


def assign_by_grid(
    connection: Connection,
    actor: Principal | None,
    *,
    grid: str,
    assignee_id: int,
    department: str | None = None,
    scenario: str | None = None,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> GridAssignment:
    """Assign every unassigned open task of `grid` (of the actor's department, optionally of
    one `scenario`) to the worker `assignee_id`."""
    try:
        is_grid = area_level(grid) is AreaLevel.GRID
    except ValueError:
        is_grid = False
    if not is_grid:
        raise InvalidTaskError("not_a_grid", f"{grid!r} 不是网格代码 is no grid code")
    if actor is not None:
        department = actor.department
        role: Role | None = require_manager(actor, department, grid)
    elif department is None:
        raise ValueError("the system names the department whose tasks it assigns")
    else:
        role = None
    check_assignee(connection, assignee_id, department, grid)
    query = select(*Task.__table__.columns).where(
        Task.grid_code == grid,
        Task.department == department,
        Task.status == Status.OPEN.value,
        Task.assignee_id.is_(None),
    )
    if scenario is not None:
        query = query.where(Task.scenario_key == scenario)
    now = now or utc_now()
    tasks = list(connection.execute(query.order_by(Task.id)))
    for task in tasks:
        # One conditional update each: a task assigned meanwhile fails loudly, not twice.
        move(connection, task, Action.ASSIGN, actor=actor, role=role, now=now, signer=signer,
             assignee_id=assignee_id)  # fmt: skip
    return GridAssignment(grid, assignee_id, [t.reference for t in tasks])
