"""A small world for access tests: two grids, people placed in them, staff of every role,
the synthetic city's scenarios — written straight into a migrated store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert

from frontline.areas.models import SubjectArea
from frontline.scenarios import load_scenarios, register_scenarios
from frontline.staff.accounts import create_department, create_staff
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import Entity, write_transaction
from frontline.store.golden import GoldenRecord

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SCENARIOS = Path(__file__).parents[2] / "examples" / "city" / "scenarios"
GRID_A = "330106001001001"
GRID_B = "330106001001002"
OUTSIDE = "330108001001001"
"""A grid in another district: outside every scenario's areas."""

# entity id → (resident ID number, grid or None when unplaced)
PEOPLE = {
    "P000000001": ("110105195603040016", GRID_A),
    "P000000002": ("110105194207100027", GRID_B),
    "P000000003": ("110105197001010038", None),
    "P000000004": ("110105198505050046", OUTSIDE),
}
VALUES = {
    "name": "王建国",
    "sex": "男",
    "birth_date": "1956-03-04",
    "ethnicity": "汉族",
    "phone": "13812345678",
    "address": "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室",
    "death_date": None,
}

# username → (roles, department, area)
STAFF: dict[str, tuple[tuple[Role, ...], str, str]] = {
    "worker_a": ((Role.WORKER,), "civil_affairs", GRID_A),
    "worker_b": ((Role.WORKER,), "civil_affairs", GRID_B),
    "worker_hr": ((Role.WORKER,), "human_resources", GRID_A),
    "clerk": ((Role.WINDOW_CLERK,), "civil_affairs", "330106001000"),
    "clerk_b": ((Role.WINDOW_CLERK,), "civil_affairs", GRID_B),
    "manager": ((Role.DEPARTMENT_MANAGER,), "civil_affairs", "330106"),
    "auditor": ((Role.AUDITOR,), "civil_affairs", "330106"),
    "auditor2": ((Role.AUDITOR,), "civil_affairs", "330106"),
    "steward": ((Role.DATA_STEWARD,), "civil_affairs", "330106"),
    "admin": ((Role.ADMINISTRATOR,), "civil_affairs", "330106"),
}


@dataclass
class World:
    """Who is who in the world."""

    staff: dict[str, Principal] = field(default_factory=dict)

    def __getitem__(self, username: str) -> Principal:
        return self.staff[username]


def build_world(engine: Engine, *, with_staff: bool = True) -> World:
    """People, scenarios and (unless told otherwise) staff, committed."""
    world = World()
    with write_transaction(engine) as connection:
        register_scenarios(connection, load_scenarios(SCENARIOS), now=T0)
        for entity_id, (number, grid) in PEOPLE.items():
            connection.execute(
                insert(Entity).values(
                    entity_id=entity_id, entity_type="person", entity_key=number,
                    status="active", merged_into=None, created_run=1, updated_run=1,
                )
            )  # fmt: skip
            connection.execute(
                insert(GoldenRecord).values(
                    entity_id=entity_id,
                    entity_type="person",
                    values={**VALUES, "id_number": number},
                    provenance={},
                    version=1,
                    updated_run=1,
                )
            )
            connection.execute(
                insert(SubjectArea).values(
                    entity_id=entity_id,
                    entity_type="person",
                    grid_code=grid,
                    method="address" if grid else "unplaced",
                    reason=None if grid else "no_match",
                    placed_at=T0,
                )
            )
        if not with_staff:
            return world
        create_department(connection, code="civil_affairs", name="民政局", name_en="Civil Affairs")
        create_department(connection, code="human_resources", name="人力社保局")
        for username, (roles, department, area) in STAFF.items():
            staff_id = create_staff(
                connection,
                username=username,
                display_name=f"测试{username}",
                department=department,
                roles=roles,
                area=area,
                password=None,
                now=T0,
            )
            world.staff[username] = Principal(
                staff_id=staff_id,
                username=username,
                display_name=f"测试{username}",
                department=department,
                roles=frozenset(roles),
                area=area,
                session_id="test",
            )
    return world
