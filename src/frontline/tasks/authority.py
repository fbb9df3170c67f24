"""Who may do what with tasks.

- Department managers and administrators of the scenario's department create, assign and
  cancel its tasks, for subjects inside their area scope.
- A worker starts and completes only the tasks assigned to them.
- Reading: a worker reads their own tasks, a manager or administrator their department's
  inside their scope, an auditor every department's inside their scope (read-only).
  Other roles read no tasks.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from frontline.areas.codes import area_bounds, contains
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.tasks.errors import TaskForbiddenError
from frontline.tasks.models import Task

MANAGING = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
"""Roles that create, assign and cancel tasks (of their own department)."""
READING = MANAGING | {Role.WORKER, Role.AUDITOR}
"""Roles that read tasks at all."""


def in_scope(principal: Principal, grid: str) -> bool:
    """Whether `grid` lies inside the principal's area scope (False for a malformed code)."""
    try:
        return contains(principal.area, grid)
    except ValueError:
        return False


def managing_role(principal: Principal, department: str) -> Role | None:
    """The role in which `principal` manages `department`'s tasks, or None."""
    if principal.department != department:
        return None
    for role in (Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR):
        if principal.has(role):
            return role
    return None


def require_manager(principal: Principal, department: str, grid: str | None = None) -> Role:
    """The managing role, or `TaskForbiddenError` (another department, or `grid` out of scope)."""
    role = managing_role(principal, department)
    if role is None:
        raise TaskForbiddenError(
            "not_manager",
            f"只有 {department} 的部门管理员可以管理其工单 "
            f"only a manager of {department} manages its tasks",
        )
    if grid is not None and not in_scope(principal, grid):
        raise TaskForbiddenError(
            "out_of_scope", f"网格 {grid} 不在您的管辖区域内 grid {grid} is outside your area"
        )
    return role


def reads_tasks(principal: Principal) -> bool:
    """Whether the principal's roles read any tasks."""
    return bool(READING & principal.roles)


def visible(principal: Principal) -> ColumnElement[bool]:
    """A condition on `Task` selecting the tasks `principal` may read (none: always false)."""
    low, high = area_bounds(principal.area)
    in_area = and_(Task.grid_code >= low, Task.grid_code < high)
    conditions: list[ColumnElement[bool]] = []
    if principal.has(Role.WORKER):
        conditions.append(Task.assignee_id == principal.staff_id)
    if MANAGING & principal.roles:
        conditions.append(and_(Task.department == principal.department, in_area))
    if principal.has(Role.AUDITOR):
        conditions.append(in_area)
    return or_(*conditions) if conditions else false()
