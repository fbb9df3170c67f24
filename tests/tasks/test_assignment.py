from __future__ import annotations

import pytest
from sqlalchemy import Engine

from frontline.store import write_transaction
from frontline.tasks import (
    InvalidAssigneeError,
    InvalidTaskError,
    Status,
    TaskFilter,
    TaskInfo,
    assign_by_grid,
    assign_task,
    create_tasks,
    eligible_workers,
    list_tasks,
)
from tests.tasks.factories import DUE, GRID_A, GRID_B, T0, World


def _create_all(engine: Engine, world: World, scenario: str = "elderly_home_visit") -> None:
    with write_transaction(engine) as connection:
        create_tasks(
            connection,
            world["manager"],
            scenario=scenario,
            subject_ids=world.in_grid(GRID_A) + world.in_grid(GRID_B),
            due_on=DUE,
            now=T0,
        )


def test_assign_by_grid_takes_every_unassigned_open_task_of_the_grid(
    engine: Engine, world: World
) -> None:
    _create_all(engine, world)
    _create_all(engine, world, "subsidy_recheck")
    with write_transaction(engine) as connection:
        page = list_tasks(connection, world["manager"], TaskFilter(grid=GRID_A))
        assign_task(connection, world["manager"], page.items[0].id, world.id("worker"), now=T0)
        done = assign_by_grid(
            connection,
            world["manager"],
            grid=GRID_A,
            assignee_id=world.id("worker"),
            scenario="elderly_home_visit",
            now=T0,
        )
        # Already assigned, of another scenario, or of grid B: untouched.
        assert len(done.references) == len(world.in_grid(GRID_A)) - 1
        again = assign_by_grid(
            connection, world["manager"], grid=GRID_A, assignee_id=world.id("worker"), now=T0
        )
        assert len(again.references) == len(world.in_grid(GRID_A))  # the subsidy re-checks
        left = list_tasks(connection, world["manager"], TaskFilter(statuses=("open",)))
    assert {t.grid_code for t in left.items} == {GRID_B}
    mine = list_tasks_for(engine, world, "worker")
    assert len(mine) == 2 * len(world.in_grid(GRID_A))
    assert {t.status for t in mine} == {Status.ASSIGNED}


def list_tasks_for(engine: Engine, world: World, who: str) -> list[TaskInfo]:
    with engine.connect() as connection:
        return list(list_tasks(connection, world[who], limit=200).items)


def test_assign_by_grid_checks_the_grid_and_the_worker(engine: Engine, world: World) -> None:
    _create_all(engine, world)
    with pytest.raises(InvalidAssigneeError), write_transaction(engine) as connection:
        assign_by_grid(
            connection, world["manager"], grid=GRID_B, assignee_id=world.id("worker"), now=T0
        )
    with pytest.raises(InvalidTaskError), write_transaction(engine) as connection:
        assign_by_grid(
            connection,
            world["manager"],
            grid="330106001001",
            assignee_id=world.id("worker"),
            now=T0,
        )


def test_eligible_workers_are_the_departments_active_workers_of_the_area(
    engine: Engine, world: World
) -> None:
    with engine.connect() as connection:
        assert [a.username for a in eligible_workers(connection, "civil_affairs", GRID_A)] == [
            "worker"
        ]
        names = [a.username for a in eligible_workers(connection, "civil_affairs", "330106")]
    assert names == ["worker", "worker2"]
