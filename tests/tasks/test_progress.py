"""Every legal and illegal step through the service, and who may take it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Connection, Engine, func, select

from frontline.audit import AuditEvent
from frontline.staff.accounts import deactivate
from frontline.store import write_transaction
from frontline.tasks import (
    IllegalTransitionError,
    InvalidAssigneeError,
    InvalidTaskError,
    Status,
    TaskForbiddenError,
    TaskNotFoundError,
    assign_task,
    cancel_task,
    complete_task,
    create_task,
    get_task,
    start_task,
    transitions_of,
)
from tests.tasks.factories import DUE, GRID_A, GRID_B, T0, World

VISIT = "elderly_home_visit"


def _task(engine: Engine, world: World, grid: str = GRID_A, index: int = 0) -> int:
    with write_transaction(engine) as connection:
        return create_task(
            connection,
            world["manager"],
            scenario=VISIT,
            subject_id=world.in_grid(grid)[index],
            due_on=DUE,
            now=T0,
        )


def _status(engine: Engine, task_id: int) -> Status:
    with engine.connect() as connection:
        task = get_task(connection, task_id)
    assert task is not None
    return task.status


def test_the_whole_lifecycle_is_recorded_and_audited(engine: Engine, world: World) -> None:
    task_id = _task(engine, world)
    with write_transaction(engine) as connection:
        assert (
            assign_task(connection, world["manager"], task_id, world.id("worker"), now=T0)
            is Status.ASSIGNED
        )
        assert start_task(connection, world["worker"], task_id, now=T0) is Status.IN_PROGRESS
        assert (
            complete_task(
                connection, world["worker"], task_id, outcome=" 已走访，一切正常。 ", now=T0
            )
            is Status.DONE
        )
    with engine.connect() as connection:
        task = get_task(connection, task_id)
        steps = transitions_of(connection, task_id)
        events = connection.execute(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert task is not None
    assert task.outcome == "已走访，一切正常。"
    assert task.assignee_id == world.id("worker")
    assert task.assignee_name == "测试worker"
    assert [(s.from_status, s.to_status) for s in steps] == [
        (None, Status.OPEN),
        (Status.OPEN, Status.ASSIGNED),
        (Status.ASSIGNED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.DONE),
    ]
    assert [s.actor_id for s in steps] == [world.id("manager")] * 2 + [world.id("worker")] * 2
    assert steps[1].assignee_id == world.id("worker")
    assert steps[3].note == "已走访，一切正常。"
    assert [(e.detail["from"], e.detail["to"]) for e in events] == [
        (None, "open"),
        ("open", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "done"),
    ]
    assert [e.actor_role for e in events] == ["department_manager"] * 2 + ["worker"] * 2
    assert all("已走访" not in str(e.detail) for e in events)  # notes stay off the audit log


@pytest.mark.parametrize("state", ["open", "assigned", "in_progress", "done", "cancelled"])
def test_every_illegal_step_is_refused_and_changes_nothing(
    engine: Engine, world: World, state: str
) -> None:
    task_id = _task(engine, world)
    with write_transaction(engine) as connection:
        if state != "open":
            assign_task(connection, world["manager"], task_id, world.id("worker"), now=T0)
        if state in ("in_progress", "done"):
            start_task(connection, world["worker"], task_id, now=T0)
        if state == "done":
            complete_task(connection, world["worker"], task_id, outcome="完成", now=T0)
        if state == "cancelled":
            cancel_task(connection, world["manager"], task_id, reason="对象迁出", now=T0)
    attempts: dict[str, Callable[[Connection], object]] = {
        "start": lambda c: start_task(c, world["worker"], task_id, now=T0),
        "complete": lambda c: complete_task(c, world["worker"], task_id, outcome="x", now=T0),
        "cancel": lambda c: cancel_task(c, world["manager"], task_id, reason="x", now=T0),
        "assign": lambda c: assign_task(c, world["manager"], task_id, world.id("worker"), now=T0),
    }
    legal = {
        "open": {"cancel", "assign"},
        "assigned": {"start", "cancel", "assign"},
        "in_progress": {"complete", "cancel", "assign"},
        "done": set(),
        "cancelled": set(),
    }[state]
    with engine.connect() as connection:
        audited = connection.scalar(select(func.count()).select_from(AuditEvent))
    for name, attempt in attempts.items():
        if name in legal:
            continue
        refusals = (IllegalTransitionError, TaskForbiddenError, TaskNotFoundError)
        with pytest.raises(refusals) as refused, write_transaction(engine) as connection:
            attempt(connection)
        # An open task has no assignee yet: a worker does not even see it.
        expected = "not_found" if state == "open" else "illegal_transition"
        assert refused.value.reason == expected, name
        assert _status(engine, task_id) == Status(state)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AuditEvent)) == audited


def test_reassigning_moves_an_in_progress_task_back_to_assigned(
    engine: Engine, world: World
) -> None:
    task_id = _task(engine, world)
    with write_transaction(engine) as connection:
        assign_task(connection, world["manager"], task_id, world.id("worker"), now=T0)
        start_task(connection, world["worker"], task_id, now=T0)
        deactivate(connection, world.id("worker2"))  # irrelevant: another grid's worker
        assert (
            assign_task(
                connection, world["manager"], task_id, world.id("worker"), note="换人", now=T0
            )
            is Status.ASSIGNED
        )


def test_only_the_assignee_starts_and_completes(engine: Engine, world: World) -> None:
    task_id = _task(engine, world)
    with write_transaction(engine) as connection:
        assign_task(connection, world["manager"], task_id, world.id("worker"), now=T0)
    # Someone else's task is invisible to a worker; a manager sees it but does not work on it.
    with pytest.raises(TaskNotFoundError), write_transaction(engine) as connection:
        start_task(connection, world["worker2"], task_id, now=T0)
    with pytest.raises(TaskForbiddenError), write_transaction(engine) as connection:
        start_task(connection, world["manager"], task_id, now=T0)
    with pytest.raises(TaskNotFoundError), write_transaction(engine) as connection:
        start_task(connection, world["hr_worker"], task_id, now=T0)
    assert _status(engine, task_id) is Status.ASSIGNED


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("hr_manager", TaskNotFoundError),
        ("auditor", TaskForbiddenError),
        ("worker", TaskNotFoundError),
        ("steward", TaskNotFoundError),
        ("street_manager", TaskNotFoundError),
    ],
)
def test_cancelling_and_assigning_need_the_department_and_the_area(
    engine: Engine, world: World, who: str, error: type[Exception]
) -> None:
    task_id = _task(engine, world, GRID_B)  # outside the street manager's community
    actions: tuple[Callable[[Connection], object], ...] = (
        lambda c: cancel_task(c, world[who], task_id, reason="x", now=T0),
        lambda c: assign_task(c, world[who], task_id, world.id("worker2"), now=T0),
    )
    for action in actions:
        with pytest.raises(error), write_transaction(engine) as connection:
            action(connection)
    assert _status(engine, task_id) is Status.OPEN


@pytest.mark.parametrize(
    ("assignee", "reason"),
    [
        ("worker2", "outside_assignee_area"),
        ("hr_worker", "other_department"),
        ("manager", "not_worker"),
        ("nobody", "unknown_assignee"),
        ("inactive", "inactive_assignee"),
    ],
)
def test_the_assignee_must_be_an_active_worker_of_the_department_and_grid(
    engine: Engine, world: World, assignee: str, reason: str
) -> None:
    task_id = _task(engine, world)
    staff_id = {"nobody": 9999, "inactive": world.id("worker")}.get(assignee) or world.id(assignee)
    if assignee == "inactive":
        with write_transaction(engine) as connection:
            deactivate(connection, staff_id)
    with pytest.raises(InvalidAssigneeError) as refused, write_transaction(engine) as connection:
        assign_task(connection, world["manager"], task_id, staff_id, now=T0)
    assert refused.value.reason == reason


def test_notes_are_required_and_bounded(engine: Engine, world: World) -> None:
    task_id = _task(engine, world)
    for reason in ("", "   ", "长" * 2001):
        with pytest.raises(InvalidTaskError), write_transaction(engine) as connection:
            cancel_task(connection, world["manager"], task_id, reason=reason, now=T0)
