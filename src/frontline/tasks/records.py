"""Reading tasks: one by id or reference with its transitions, or a filtered page of them.

page = list_tasks(connection, principal, TaskFilter(grid="330106001001001",
                                                      statuses=("open",)), limit=50)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from frontline.areas.codes import area_bounds
from frontline.scenarios.models import ScenarioVersion
from frontline.staff.models import StaffMember
from frontline.staff.principal import Principal
from frontline.store.hot import Lookup, fetch
from frontline.tasks.authority import reads_tasks, visible
from frontline.tasks.errors import TaskForbiddenError, TaskNotFoundError
from frontline.tasks.lifecycle import Status
from frontline.tasks.models import Task, TaskTransition

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """A task as services, the API and the console see it (no personal data)."""

    id: int
    reference: str
    scenario_key: str
    scenario_version: int
    scenario_name: str
    scenario_name_en: str
    subject_type: str
    subject_id: str
    grid_code: str
    department: str
    assignee_id: int | None
    assignee_name: str | None
    status: Status
    due_on: date
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    outcome: str | None
    cancel_reason: str | None

    def overdue(self, today: date) -> bool:
        """Whether the task is live and past its due date."""
        return self.status.live and self.due_on < today


@dataclass(frozen=True, slots=True)
class TaskBrief:
    """The few facts of a task that decide who may read its subject."""

    id: int
    reference: str
    scenario_key: str
    scenario_version: int
    subject_type: str
    subject_id: str
    assignee_id: int | None
    status: Status


@dataclass(frozen=True, slots=True)
class TransitionInfo:
    """One recorded step of a task."""

    from_status: Status | None
    to_status: Status
    actor_id: int | None
    actor_name: str | None
    assignee_id: int | None
    at: datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """What a task list is narrowed to; empty fields narrow nothing."""

    grid: str | None = None
    """An area code: tasks whose grid lies inside it."""
    statuses: Sequence[Status | str] = ()
    scenario: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    department: str | None = None


@dataclass(frozen=True, slots=True)
class TaskPage:
    """A page of tasks and how many match in all."""

    items: list[TaskInfo]
    total: int
    limit: int
    offset: int
    counts: dict[str, int] = field(default_factory=dict)
    """Matching tasks per status, before the status filter (for the console's tabs)."""


_ASSIGNEE = aliased(StaffMember)


def _base() -> Select[Any]:
    return (
        select(
            *Task.__table__.columns,
            ScenarioVersion.name.label("scenario_name"),
            ScenarioVersion.name_en.label("scenario_name_en"),
            _ASSIGNEE.display_name.label("assignee_name"),
        )
        .join(
            ScenarioVersion,
            and_(
                ScenarioVersion.key == Task.scenario_key,
                ScenarioVersion.version == Task.scenario_version,
            ),
        )
        .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Task.assignee_id)
    )


def _info(row: Row[Any]) -> TaskInfo:
    task = row
    return TaskInfo(
        id=task.id,
        reference=task.reference,
        scenario_key=task.scenario_key,
        scenario_version=task.scenario_version,
        scenario_name=row.scenario_name,
        scenario_name_en=row.scenario_name_en,
        subject_type=task.subject_type,
        subject_id=task.subject_id,
        grid_code=task.grid_code,
        department=task.department,
        assignee_id=task.assignee_id,
        assignee_name=row.assignee_name,
        status=Status(task.status),
        due_on=task.due_on,
        created_by=task.created_by,
        created_at=task.created_at,
        updated_at=task.updated_at,
        outcome=task.outcome,
        cancel_reason=task.cancel_reason,
    )


def get_task(connection: Connection, task: int | str) -> TaskInfo | None:
    """The task with id `task` (an int) or reference `task` (`T00000042`), unchecked: for
    services such as the access policy, which decide themselves what the caller may do."""
    by_id = isinstance(task, int)
    row = connection.execute(_one_task(by_id), {"task": task}).one_or_none()
    return None if row is None else _info(row)


@cache
def _one_task(by_id: bool) -> Select[Any]:
    """The statement of `get_task`, by id or by reference, built once: every read of a
    task's subject runs it, and building it costs more than running it."""
    key = Task.id if by_id else Task.reference
    return _base().where(key == bindparam("task"))


def find_task(connection: Connection, task: int | str) -> TaskBrief | None:
    """`get_task`'s few facts that decide a read of the subject (`TaskBrief`), by id or
    reference: for the access policy on every read of a task's subject, so no more."""
    return fetch(connection, task_brief(task))


def task_brief(task: int | str) -> Lookup[TaskBrief | None]:
    """`find_task`'s read, to run on any connection (`frontline.store.hot`)."""
    return Lookup(brief_statement(isinstance(task, int)), {"task": task}, _brief_of)


def _brief_of(rows: list[Any]) -> TaskBrief | None:
    if not rows:
        return None
    (row,) = rows  # by primary key or by the unique reference
    return TaskBrief(
        id=row.id,
        reference=row.reference,
        scenario_key=row.scenario_key,
        scenario_version=row.scenario_version,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        assignee_id=row.assignee_id,
        status=Status(row.status),
    )


@cache
def brief_statement(by_id: bool) -> Select[int, str, str, int, str, str, int | None, str]:
    """The statement of `find_task`, built once."""
    key = Task.id if by_id else Task.reference
    return select(
        Task.id,
        Task.reference,
        Task.scenario_key,
        Task.scenario_version,
        Task.subject_type,
        Task.subject_id,
        Task.assignee_id,
        Task.status,
    ).where(key == bindparam("task"))


def read_task(connection: Connection, principal: Principal, task: int | str) -> TaskInfo:
    """The task if `principal` may read it; `TaskNotFoundError` otherwise (also when it
    exists but is not theirs to see), `TaskForbiddenError` when their roles read no tasks."""
    if not reads_tasks(principal):
        raise TaskForbiddenError("no_task_role", "您的角色不能查看工单 your roles read no tasks")
    condition = Task.id == task if isinstance(task, int) else Task.reference == task
    row = connection.execute(_base().where(condition, visible(principal))).one_or_none()
    if row is None:
        raise TaskNotFoundError(task)
    return _info(row)


def transitions_of(connection: Connection, task_id: int) -> list[TransitionInfo]:
    """Every recorded step of a task, oldest first."""
    actor = aliased(StaffMember)
    query = (
        select(*TaskTransition.__table__.columns, actor.display_name.label("actor_name"))
        .outerjoin(actor, actor.id == TaskTransition.actor_id)
        .where(TaskTransition.task_id == task_id)
        .order_by(TaskTransition.id)
    )
    return [
        TransitionInfo(
            from_status=Status(t.from_status) if t.from_status else None,
            to_status=Status(t.to_status),
            actor_id=t.actor_id,
            actor_name=t.actor_name,
            assignee_id=t.assignee_id,
            at=t.at,
            note=t.note,
        )
        for t in connection.execute(query)
    ]


def list_tasks(
    connection: Connection,
    principal: Principal,
    filters: TaskFilter = TaskFilter(),
    *,
    limit: int = 50,
    offset: int = 0,
) -> TaskPage:
    """The tasks `principal` may read that match `filters`, soonest due first.

    `TaskForbiddenError` when their roles read no tasks; a malformed grid code matches none.
    """
    if not reads_tasks(principal):
        raise TaskForbiddenError("no_task_role", "您的角色不能查看工单 your roles read no tasks")
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    conditions = [visible(principal), *_narrowing(filters)]
    by_status = select(Task.status, func.count()).where(*conditions).group_by(Task.status)
    counts: dict[str, int] = {status: n for status, n in connection.execute(by_status)}  # noqa: C416
    if filters.statuses:
        conditions.append(Task.status.in_([Status(s).value for s in filters.statuses]))
    total = connection.execute(select(func.count()).select_from(Task).where(*conditions))
    query = _base().where(*conditions).order_by(Task.due_on, Task.id).limit(limit).offset(offset)
    return TaskPage(
        items=[_info(row) for row in connection.execute(query)],
        total=total.scalar_one(),
        limit=limit,
        offset=offset,
        counts=counts,
    )


def _narrowing(filters: TaskFilter) -> list[Any]:
    conditions: list[Any] = []
    if filters.grid:
        try:
            low, high = area_bounds(filters.grid)
        except ValueError:
            low = high = ""  # an empty range: a code that names no area matches nothing
        conditions.append(and_(Task.grid_code >= low, Task.grid_code < high))
    if filters.scenario:
        conditions.append(Task.scenario_key == filters.scenario)
    if filters.unassigned:
        conditions.append(Task.assignee_id.is_(None))
    elif filters.assignee_id is not None:
        conditions.append(Task.assignee_id == filters.assignee_id)
    if filters.department:
        conditions.append(Task.department == filters.department)
    return conditions
