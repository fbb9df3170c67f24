from __future__ import annotations

import pytest
from sqlalchemy import Engine

from frontline.store import write_transaction
from frontline.tasks import (
    Status,
    TaskFilter,
    TaskForbiddenError,
    TaskNotFoundError,
    assign_task,
    create_tasks,
    list_tasks,
    read_task,
)
from tests.tasks.factories import DUE, GRID_A, GRID_B, T0, World


@pytest.fixture
def tasks(engine: Engine, world: World) -> dict[str, int]:
    """A task per person of grids A and B (civil affairs), and pension checks of grid A (HR);
    grid A's home visits assigned to the worker."""
    with write_transaction(engine) as connection:
        visits = create_tasks(
            connection,
            world["manager"],
            scenario="elderly_home_visit",
            subject_ids=world.in_grid(GRID_A) + world.in_grid(GRID_B),
            due_on=DUE,
            now=T0,
        )
        create_tasks(
            connection,
            world["hr_manager"],
            scenario="pension_survival_check",
            subject_ids=world.in_grid(GRID_A),
            due_on=DUE,
            now=T0,
        )
        for result in visits[: len(world.in_grid(GRID_A))]:
            assign_task(
                connection, world["manager"], result.reference or "", world.id("worker"), now=T0
            )
    return {r.subject_id: r.task_id or 0 for r in visits}


def _visible(engine: Engine, world: World, who: str, **filters: object) -> set[tuple[str, str]]:
    with engine.connect() as connection:
        page = list_tasks(connection, world[who], TaskFilter(**filters), limit=200)  # type: ignore[arg-type]
    assert page.total == len(page.items)
    return {(t.scenario_key, t.subject_id) for t in page.items}


def test_each_role_lists_what_it_may_read(
    engine: Engine, world: World, tasks: dict[str, int]
) -> None:
    a, b = world.in_grid(GRID_A), world.in_grid(GRID_B)
    visits = {("elderly_home_visit", s) for s in a + b}
    checks = {("pension_survival_check", s) for s in a}
    assert _visible(engine, world, "manager") == visits
    assert _visible(engine, world, "admin") == visits
    assert _visible(engine, world, "street_manager") == {("elderly_home_visit", s) for s in a}
    assert _visible(engine, world, "hr_manager") == checks
    assert _visible(engine, world, "auditor") == visits | checks
    assert _visible(engine, world, "worker") == {("elderly_home_visit", s) for s in a}
    assert _visible(engine, world, "worker2") == set()
    for who in ("steward", "clerk"):
        with engine.connect() as connection, pytest.raises(TaskForbiddenError):
            list_tasks(connection, world[who])


def test_filters_and_paging(engine: Engine, world: World, tasks: dict[str, int]) -> None:
    a, b = world.in_grid(GRID_A), world.in_grid(GRID_B)
    assert _visible(engine, world, "manager", grid=GRID_B) == {("elderly_home_visit", s) for s in b}
    assert _visible(engine, world, "manager", grid="330106001000") == {
        ("elderly_home_visit", s) for s in a + b
    }
    assert _visible(engine, world, "manager", grid="not-a-code") == set()
    assert _visible(engine, world, "auditor", scenario="pension_survival_check") == {
        ("pension_survival_check", s) for s in a
    }
    assert _visible(engine, world, "manager", statuses=("assigned",)) == {
        ("elderly_home_visit", s) for s in a
    }
    assert _visible(engine, world, "manager", unassigned=True) == {
        ("elderly_home_visit", s) for s in b
    }
    assert _visible(engine, world, "manager", assignee_id=world.id("worker")) == {
        ("elderly_home_visit", s) for s in a
    }
    with engine.connect() as connection:
        first = list_tasks(connection, world["manager"], limit=2)
        rest = list_tasks(connection, world["manager"], limit=200, offset=2)
        counted = list_tasks(connection, world["manager"], TaskFilter(statuses=("open",)))
    assert first.total == len(a) + len(b)
    assert len(first.items) == 2
    assert {t.id for t in first.items}.isdisjoint({t.id for t in rest.items})
    assert counted.counts == {"assigned": len(a), "open": len(b)}
    assert {t.status for t in counted.items} == {Status.OPEN}


def test_reading_one_task_follows_the_same_rules(
    engine: Engine, world: World, tasks: dict[str, int]
) -> None:
    mine = tasks[world.in_grid(GRID_A)[0]]
    with engine.connect() as connection:
        assert read_task(connection, world["worker"], mine).id == mine
        assert read_task(connection, world["auditor"], mine).id == mine
        for who in ("worker2", "hr_manager"):
            with pytest.raises(TaskNotFoundError):
                read_task(connection, world[who], mine)
        with pytest.raises(TaskForbiddenError):
            read_task(connection, world["clerk"], mine)
        with pytest.raises(TaskNotFoundError):
            read_task(connection, world["manager"], "T99999999")
