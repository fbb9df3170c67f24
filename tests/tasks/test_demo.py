from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from frontline.store import write_transaction
from frontline.tasks import Status, TaskFilter, list_tasks, seed_demo_tasks
from tests.tasks.factories import GRID_A, World


def test_the_demo_seeds_visits_for_the_oldest_of_the_workers_grid(
    engine: Engine, world: World
) -> None:
    # Grid A's persons were born 1930, 1931, 1932: all 80 or more in 2026.
    with write_transaction(engine) as connection:
        report = seed_demo_tasks(connection, today=date(2026, 3, 2), visits=12)
    assert report.created["elderly_home_visit"] == len(world.in_grid(GRID_A))
    assert report.assigned == len(world.in_grid(GRID_A)) - 2
    assert report.started == 1
    # Born 1936 or earlier: the persons of grid A and B (1930–1935) are 90 or more.
    assert report.created["pension_survival_check"] == 5
    with engine.connect() as connection:
        mine = list_tasks(connection, world["worker"]).items
        checks = list_tasks(
            connection, world["auditor"], TaskFilter(scenario="pension_survival_check")
        ).items
    assert [t.status for t in mine] == [Status.IN_PROGRESS]  # one of three assigned, started
    assert {t.subject_id for t in checks} <= set(
        world.in_grid(GRID_A) + world.in_grid("330106001002001")
    )
    with write_transaction(engine) as connection:
        again = seed_demo_tasks(connection, today=date(2026, 3, 2))
    assert again.created == {"elderly_home_visit": 0, "pension_survival_check": 0}
