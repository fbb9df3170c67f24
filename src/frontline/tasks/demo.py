"""Tasks for the synthetic city's demo, once its golden records, areas, staff and scenarios
are loaded: home visits to the oldest residents of the demo worker's grid (most assigned to
that worker, one already started) and a few pension survival checks in the district.

    with write_transaction(engine) as connection:
        report = seed_demo_tasks(connection, today=date(2026, 3, 2))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection, select

from frontline.areas.placement import subjects_in
from frontline.audit import Signer
from frontline.scenarios import current_scenario
from frontline.staff.accounts import find_staff
from frontline.staff.principal import Principal
from frontline.store.base import utc_now
from frontline.store.golden import GoldenRecord
from frontline.tasks.assignment import assign_task
from frontline.tasks.creation import Outcome, create_tasks
from frontline.tasks.progress import start_task

VISITS = "elderly_home_visit"
SURVIVAL = "pension_survival_check"


@dataclass
class DemoTasks:
    """What seeding made."""

    created: dict[str, int] = field(default_factory=dict)
    """Tasks created per scenario key."""
    assigned: int = 0
    started: int = 0


def seed_demo_tasks(
    connection: Connection,
    *,
    today: date,
    worker: str = "worker",
    visits: int = 12,
    survival_checks: int = 5,
    signer: Signer | None = None,
) -> DemoTasks:
    """Create the demo's tasks as the system (idempotent: a second run adds nothing new).

    Home visits go to residents aged 80 or more placed in `worker`'s grid, oldest first;
    all but two are assigned to `worker` and the first is started, so the console shows
    every state. Survival checks go to residents aged 90 or more of the whole district.
    """
    report = DemoTasks()
    account = find_staff(connection, worker)
    now = utc_now()
    if account is not None and current_scenario(connection, VISITS) is not None:
        oldest = _aged(connection, account.area, today, 80)[:visits]
        results = create_tasks(
            connection,
            None,
            scenario=VISITS,
            subject_ids=oldest,
            due_on=today + timedelta(days=14),
            now=now,
            signer=signer,
        )
        made = [r for r in results if r.outcome is Outcome.CREATED and r.task_id is not None]
        report.created[VISITS] = len(made)
        for result in made[: max(0, len(made) - 2)]:
            assign_task(
                connection, None, result.reference or "", account.id, now=now, signer=signer
            )
            report.assigned += 1
        if report.assigned:
            as_worker = Principal(
                account.id,
                account.username,
                account.display_name,
                account.department,
                account.roles,
                account.area,
                "demo",
            )
            start_task(connection, as_worker, made[0].reference or "", now=now, signer=signer)
            report.started = 1
    survival = current_scenario(connection, SURVIVAL)
    if survival is not None:
        district = survival.areas[0]
        eldest = _aged(connection, district, today, 90)[:survival_checks]
        results = create_tasks(
            connection,
            None,
            scenario=SURVIVAL,
            subject_ids=eldest,
            due_on=today + timedelta(days=30),
            now=now,
            signer=signer,
        )
        report.created[SURVIVAL] = sum(r.outcome is Outcome.CREATED for r in results)
    return report


def _aged(connection: Connection, area: str, today: date, years: int) -> list[str]:
    """Persons placed in `area` aged `years` or more on `today`, oldest first."""
    placed = subjects_in(connection, area)
    born: list[tuple[str, str]] = []
    limit = f"{today.year - years:04d}{today:-%m-%d}"
    for start in range(0, len(placed), 500):
        rows = connection.execute(
            select(GoldenRecord.entity_id, GoldenRecord.values).where(
                GoldenRecord.entity_id.in_(placed[start : start + 500])
            )
        )
        for entity_id, values in rows:
            birth = values.get("birth_date")
            if isinstance(birth, str) and birth <= limit:
                born.append((birth, entity_id))
    return [entity_id for _, entity_id in sorted(born)]
