"""A small world for the tasks tests: two departments, staff of every kind, the city's
scenarios, and persons placed in grids (entities and placements written directly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, insert

from frontline.areas.models import SubjectArea
from frontline.scenarios import load_scenarios, register_scenarios
from frontline.staff.accounts import create_department, create_staff, get_staff
from frontline.staff.passwords import HashParameters
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import write_transaction
from frontline.store.entities import Entity
from frontline.store.golden import GoldenRecord

CHEAP = HashParameters(time_cost=1, memory_cost=8, parallelism=1)
SCENARIOS = Path(__file__).parents[2] / "examples" / "city" / "scenarios"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DUE = date(2026, 3, 31)
GRID_A = "330106001001001"
GRID_B = "330106001002001"
OUTSIDE = "330102001001001"
"""A grid of another district: outside every scenario's areas."""

STAFF: dict[str, tuple[str, tuple[Role, ...], str]] = {
    "manager": ("civil_affairs", (Role.DEPARTMENT_MANAGER,), "330106"),
    "street_manager": ("civil_affairs", (Role.DEPARTMENT_MANAGER,), "330106001001"),
    "admin": ("civil_affairs", (Role.ADMINISTRATOR,), "330106"),
    "worker": ("civil_affairs", (Role.WORKER,), GRID_A),
    "worker2": ("civil_affairs", (Role.WORKER,), GRID_B),
    "hr_manager": ("human_resources", (Role.DEPARTMENT_MANAGER,), "330106"),
    "hr_worker": ("human_resources", (Role.WORKER,), GRID_A),
    "auditor": ("civil_affairs", (Role.AUDITOR,), "330106"),
    "steward": ("civil_affairs", (Role.DATA_STEWARD,), "330106"),
    "clerk": ("civil_affairs", (Role.WINDOW_CLERK,), "330106"),
}


@dataclass
class World:
    """Who and what the tests act on."""

    staff: dict[str, Principal] = field(default_factory=dict)
    persons: dict[str, str | None] = field(default_factory=dict)
    """Entity id → grid (None: unplaced)."""

    def __getitem__(self, username: str) -> Principal:
        return self.staff[username]

    def id(self, username: str) -> int:
        return self.staff[username].staff_id

    def in_grid(self, grid: str | None) -> list[str]:
        return [p for p, g in self.persons.items() if g == grid]


def person_id(number: int) -> str:
    return f"P{number:09d}"


def build_world(engine: Engine, *, per_grid: int = 3, password: str | None = None) -> World:
    """Departments, staff, the city's scenarios and persons: `per_grid` in grid A, in grid
    B and outside the district, two unplaced, and an enterprise."""
    world = World()
    with write_transaction(engine) as connection:
        create_department(connection, code="civil_affairs", name="民政局", name_en="Civil Affairs")
        create_department(connection, code="human_resources", name="人社局", name_en="HR")
        for username, (department, roles, area) in STAFF.items():
            staff_id = create_staff(
                connection,
                username=username,
                display_name=f"测试{username}",
                department=department,
                roles=roles,
                area=area,
                password=password,
                hashing=CHEAP,
                now=T0,
            )
            account = get_staff(connection, staff_id)
            assert account is not None
            world.staff[username] = Principal(
                staff_id, username, account.display_name, department, frozenset(roles), area, "s"
            )
        register_scenarios(connection, load_scenarios(SCENARIOS), now=T0)
        number = 1
        for grid in (GRID_A, GRID_B, OUTSIDE, None, None):
            count = per_grid if grid is not None else 1
            for _ in range(count):
                world.persons[person_id(number)] = grid
                number += 1
        connection.execute(
            insert(Entity),
            [
                {
                    "entity_id": p,
                    "entity_type": "person",
                    "entity_key": p,
                    "status": "active",
                    "created_run": 1,
                    "updated_run": 1,
                }
                for p in world.persons
            ]
            + [
                {
                    "entity_id": "E000000001",
                    "entity_type": "enterprise",
                    "entity_key": "E1",
                    "status": "active",
                    "created_run": 1,
                    "updated_run": 1,
                }
            ],
        )
        connection.execute(
            insert(SubjectArea),
            [
                {
                    "entity_id": p,
                    "entity_type": "person",
                    "grid_code": g,
                    "method": "address" if g else "unplaced",
                    "reason": None if g else "no_match",
                    "placed_at": T0,
                }
                for p, g in world.persons.items()
            ],
        )
        connection.execute(
            insert(GoldenRecord),
            [
                {
                    "entity_id": p,
                    "entity_type": "person",
                    "values": {"birth_date": f"19{30 + i}-05-01"},
                    "provenance": {},
                    "version": 1,
                    "updated_run": 1,
                }
                for i, p in enumerate(world.persons)
            ],
        )
    return world
