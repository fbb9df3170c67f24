"""Moving one task along its lifecycle: read it as the actor may see it, check the step is
legal, change it only if nobody changed it meanwhile, and record the step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from frontline.audit import Signer
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.tasks.authority import visible
from frontline.tasks.errors import IllegalTransitionError, TaskNotFoundError
from frontline.tasks.journal import Step, record
from frontline.tasks.lifecycle import Action, Status, next_status
from frontline.tasks.models import Task


def load(connection: Connection, actor: Principal | None, task: int | str) -> Row[Any]:
    """The task (by id or reference) if `actor` may see it; `TaskNotFoundError` otherwise."""
    condition = Task.id == task if isinstance(task, int) else Task.reference == task
    query = select(*Task.__table__.columns).where(condition)
    if actor is not None:
        query = query.where(visible(actor))
    found = connection.execute(query).one_or_none()
    if found is None:
        raise TaskNotFoundError(task)
    return found


def move(
    connection: Connection,
    task: Row[Any],
    action: Action,
    *,
    actor: Principal | None,
    role: Role | None,
    now: datetime,
    signer: Signer | None,
    assignee_id: int | None = None,
    note: str | None = None,
    values: dict[str, Any] | None = None,
) -> Status:
    """Apply `action` to `task` (as read by `load`); the new status.

    The update is conditional on the status and assignee read, so of two concurrent steps
    the second fails as illegal instead of silently overwriting the first.
    """
    current = Status(task.status)
    target = next_status(current, action, reference=task.reference)
    new_assignee = assignee_id if action is Action.ASSIGN else task.assignee_id
    changes: dict[str, Any] = {
        "status": target.value,
        "live": True if target.live else None,
        "assignee_id": new_assignee,
        "updated_at": now,
        **(values or {}),
    }
    result = connection.execute(
        update(Task)
        .where(
            Task.id == task.id,
            Task.status == current.value,
            Task.assignee_id.is_(None)
            if task.assignee_id is None
            else Task.assignee_id == task.assignee_id,
        )
        .values(**changes)
    )
    if result.rowcount != 1:
        raise IllegalTransitionError(task.reference, "changed", action.value)
    step = Step(
        task.id, task.reference, task.department, task.scenario_key, task.scenario_version,
        current, target, new_assignee, note,
    )  # fmt: skip
    record(connection, [step], actor=actor, role=role, now=now, signer=signer)
    return target
