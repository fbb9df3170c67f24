from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from frontline.audit import AuditEvent
from frontline.store import write_transaction
from frontline.tasks import (
    InvalidTaskError,
    Outcome,
    Status,
    TaskConflictError,
    TaskForbiddenError,
    create_task,
    create_tasks,
    get_task,
    transitions_of,
)
from frontline.tasks.models import Task
from tests.tasks.factories import DUE, GRID_A, GRID_B, OUTSIDE, T0, World

VISIT = "elderly_home_visit"


def test_a_manager_creates_one_task_recorded_and_audited(engine: Engine, world: World) -> None:
    subject = world.in_grid(GRID_A)[0]
    with write_transaction(engine) as connection:
        task_id = create_task(
            connection, world["manager"], scenario=VISIT, subject_id=subject, due_on=DUE, now=T0
        )
    with engine.connect() as connection:
        task = get_task(connection, task_id)
        assert task is not None
        assert (task.status, task.subject_id, task.grid_code) == (Status.OPEN, subject, GRID_A)
        assert (task.department, task.scenario_version, task.due_on) == ("civil_affairs", 1, DUE)
        assert task.reference == f"T{task_id:08d}"
        assert task.created_by == world.id("manager")
        assert get_task(connection, task.reference) == task
        (step,) = transitions_of(connection, task_id)
        assert (step.from_status, step.to_status, step.actor_id) == (
            None,
            Status.OPEN,
            world.id("manager"),
        )
        event = connection.execute(select(AuditEvent)).one()
    assert event.action == "task_transition"
    assert event.actor_id == str(world.id("manager"))
    assert event.actor_role == "department_manager"
    assert event.detail["task"] == task.reference
    assert (event.detail["from"], event.detail["to"]) == (None, "open")
    assert event.subject_id is None
    assert event.fields == []


def test_bulk_creation_answers_per_subject_and_is_idempotent(engine: Engine, world: World) -> None:
    wanted = [
        *world.in_grid(GRID_A),
        *world.in_grid(GRID_B),
        world.in_grid(OUTSIDE)[0],
        world.in_grid(None)[0],
        "P999999999",
        "E000000001",
        world.in_grid(GRID_A)[0],
    ]
    with write_transaction(engine) as connection:
        first = create_tasks(
            connection, world["manager"], scenario=VISIT, subject_ids=wanted, due_on=DUE, now=T0
        )
    outcomes = {r.subject_id: r.outcome for r in first}
    assert len(first) == len(wanted) - 1  # the repeated subject is answered once
    assert [r.subject_id for r in first] == list(dict.fromkeys(wanted))
    for subject in world.in_grid(GRID_A) + world.in_grid(GRID_B):
        assert outcomes[subject] is Outcome.CREATED
    assert outcomes[world.in_grid(OUTSIDE)[0]] is Outcome.OUT_OF_SCOPE
    assert outcomes[world.in_grid(None)[0]] is Outcome.UNPLACED
    assert outcomes["P999999999"] is Outcome.UNKNOWN_SUBJECT
    assert outcomes["E000000001"] is Outcome.UNKNOWN_SUBJECT  # an enterprise, not a person
    with write_transaction(engine) as connection:
        again = create_tasks(
            connection, world["manager"], scenario=VISIT, subject_ids=wanted, due_on=DUE, now=T0
        )
    created = {r.subject_id: r.reference for r in first if r.outcome is Outcome.CREATED}
    for result in again:
        if result.subject_id in created:
            assert result.outcome is Outcome.ALREADY_OPEN
            assert result.reference == created[result.subject_id]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Task)) == len(created)
        audited = connection.scalar(select(func.count()).select_from(AuditEvent))
    assert audited == len(created)


def test_a_closed_task_lets_a_new_one_be_created(engine: Engine, world: World) -> None:
    from frontline.tasks import cancel_task

    subject = world.in_grid(GRID_A)[0]
    with write_transaction(engine) as connection:
        first = create_task(
            connection, world["manager"], scenario=VISIT, subject_id=subject, due_on=DUE, now=T0
        )
        with pytest.raises(TaskConflictError):
            create_task(
                connection, world["manager"], scenario=VISIT, subject_id=subject, due_on=DUE, now=T0
            )
        cancel_task(connection, world["manager"], first, reason="重复派发", now=T0)
        second = create_task(
            connection, world["manager"], scenario=VISIT, subject_id=subject, due_on=DUE, now=T0
        )
        # Another scenario is another task for the same subject.
        create_task(
            connection,
            world["manager"],
            scenario="subsidy_recheck",
            subject_id=subject,
            due_on=DUE,
            now=T0,
        )
    assert second != first


def test_the_store_refuses_a_second_live_task_whatever_the_service(
    engine: Engine, world: World
) -> None:
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    subject = world.in_grid(GRID_A)[0]
    with write_transaction(engine) as connection:
        create_task(connection, None, scenario=VISIT, subject_id=subject, due_on=DUE, now=T0)
    row = {
        "reference": "X1",
        "scenario_key": VISIT,
        "scenario_version": 1,
        "subject_type": "person",
        "subject_id": subject,
        "grid_code": GRID_A,
        "department": "civil_affairs",
        "status": "assigned",
        "live": True,
        "due_on": DUE,
        "created_at": T0,
        "updated_at": T0,
    }
    with pytest.raises(IntegrityError), write_transaction(engine) as connection:
        connection.execute(insert(Task).values(row))
    with pytest.raises(IntegrityError), write_transaction(engine) as connection:
        connection.execute(insert(Task).values({**row, "status": "done"}))  # live must be NULL


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("hr_manager", "not_manager"),
        ("worker", "not_manager"),
        ("auditor", "not_manager"),
        ("steward", "not_manager"),
        ("clerk", "not_manager"),
    ],
)
def test_only_the_scenarios_department_managers_create(
    engine: Engine, world: World, who: str, reason: str
) -> None:
    with pytest.raises(TaskForbiddenError) as refused, write_transaction(engine) as connection:
        create_tasks(
            connection,
            world[who],
            scenario=VISIT,
            subject_ids=world.in_grid(GRID_A),
            due_on=DUE,
            now=T0,
        )
    assert refused.value.reason == reason


def test_a_manager_creates_only_inside_their_area(engine: Engine, world: World) -> None:
    # The street manager's scope is community 330106001001: grid A, not grid B.
    with write_transaction(engine) as connection:
        results = create_tasks(
            connection,
            world["street_manager"],
            scenario=VISIT,
            subject_ids=world.in_grid(GRID_A) + world.in_grid(GRID_B),
            due_on=DUE,
            now=T0,
        )
    outcomes = {r.subject_id: r.outcome for r in results}
    assert {outcomes[s] for s in world.in_grid(GRID_A)} == {Outcome.CREATED}
    assert {outcomes[s] for s in world.in_grid(GRID_B)} == {Outcome.OUT_OF_SCOPE}
    with write_transaction(engine) as connection, pytest.raises(InvalidTaskError) as refused:
        create_task(
            connection,
            world["street_manager"],
            scenario=VISIT,
            subject_id=world.in_grid(GRID_B)[0],
            due_on=DUE,
            now=T0,
        )
    assert refused.value.reason == "out_of_scope"


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [("no_such_thing", "unknown_scenario"), ("counter_service", "counter_scenario")],
)
def test_scenarios_without_tasks_are_refused(
    engine: Engine, world: World, scenario: str, reason: str
) -> None:
    with write_transaction(engine) as connection, pytest.raises(InvalidTaskError) as refused:
        create_tasks(
            connection,
            world["manager"],
            scenario=scenario,
            subject_ids=world.in_grid(GRID_A),
            due_on=DUE,
            now=T0,
        )
    assert refused.value.reason == reason


def test_a_refused_creation_names_its_reason(engine: Engine, world: World) -> None:
    cases = {
        world.in_grid(None)[0]: "unplaced",
        "P999999999": "unknown_subject",
        world.in_grid(OUTSIDE)[0]: "out_of_scope",
    }
    for subject, reason in cases.items():
        with write_transaction(engine) as connection, pytest.raises(InvalidTaskError) as refused:
            create_task(
                connection, world["manager"], scenario=VISIT, subject_id=subject, due_on=DUE, now=T0
            )
        assert refused.value.reason == reason
