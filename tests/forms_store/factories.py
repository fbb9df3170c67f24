"""The world of the forms store tests: the access tests' people, staff and scenarios, the demo
city's forms registered, an enrolled phone for the grid worker, and a task to fill in."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from frontline.devices.models import Device
from frontline.forms.attachments import AttachmentIn
from frontline.forms.registry import register_folder
from frontline.forms.submissions import SubmissionBody
from frontline.staff.principal import Principal
from frontline.store import write_transaction
from frontline.tasks import assign_task, create_task
from tests.access.world import T0, World, build_world
from tests.forms.workbooks import SETTINGS, workbook

FORMS = Path(__file__).parents[2] / "examples" / "city" / "forms"
VISIT = "elderly_visit_record"
VERSION = "2026113001"
NEW_ADDRESS = "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑5幢1单元202室"


@dataclass
class FormsWorld:
    """Who acts, on what: the worker on their phone, their task, and the access world."""

    engine: Engine
    world: World
    worker: Principal
    """The grid worker of grid A, signed in on an enrolled phone."""
    task: str
    """The worker's elderly home visit task for P000000001 (assigned)."""

    def __getitem__(self, username: str) -> Principal:
        return self.world[username]


def phone_of(engine: Engine, principal: Principal) -> Principal:
    """`principal` on a freshly enrolled device of theirs (written straight to the store)."""
    device_id = "D" + secrets.token_hex(8)
    with write_transaction(engine) as connection:
        connection.execute(
            insert(Device).values(
                id=device_id, staff_id=principal.staff_id, key_thumbprint=secrets.token_urlsafe(32),
                public_key={}, name="测试手机", platform="test", status="active", enrolled_at=T0,
                status_changed_at=T0,
            )
        )  # fmt: skip
    return replace(principal, device_id=device_id)


def visit_task(
    engine: Engine, world: World, subject: str = "P000000001", worker: str = "worker_a"
) -> str:
    """A new elderly home visit task for `subject`, assigned to `worker`; its reference."""
    with write_transaction(engine) as connection:
        task_id = create_task(
            connection, None, scenario="elderly_home_visit", subject_id=subject,
            due_on=date(2026, 3, 31), now=T0,
        )  # fmt: skip
        assign_task(connection, None, task_id, world[worker].staff_id, now=T0)
    return f"T{task_id:08d}"


def build_forms_world(engine: Engine) -> FormsWorld:
    world = build_world(engine)
    with write_transaction(engine) as connection:
        register_folder(connection, FORMS, now=T0)
    worker = phone_of(engine, world["worker_a"])
    return FormsWorld(engine, world, worker, visit_task(engine, world))


def answers(**changes: Any) -> dict[str, Any]:
    """A valid home visit record for the world's resident: met, alive, the phone and address
    as the record holds them (so it proposes nothing), one household member."""
    found: dict[str, Any] = {
        "visit_date": "2026-03-02",
        "met": "yes",
        "vital_status": "alive",
        "living": "alone",
        "health": "good",
        "needs": ["none"],
        "phone": "13812345678",
        "address": "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室",
        "household": [{"member_name": "王小明", "member_relation": "child"}],
    }
    found.update(changes)
    return {k: v for k, v in found.items() if v is not None}


def submission(
    task: str,
    *,
    client_id: str | None = None,
    form_version: str = VERSION,
    form_id: str = VISIT,
    completed_at: datetime = T0,
    attachments: tuple[AttachmentIn, ...] = (),
    **changes: Any,
) -> SubmissionBody:
    """A submission of the home visit record for `task`."""
    return SubmissionBody(
        client_id=client_id or str(uuid.uuid4()),
        task=task,
        form_id=form_id,
        form_version=form_version,
        answers=answers(**changes),
        attachments=attachments,
        completed_at=completed_at,
    )


def spreadsheet(form_id: str = VISIT, version: str = "2026120101") -> bytes:
    """A small visit record (the forms tests' workbook, binding `phone` on row 6 and
    `death_date`) declared as `form_id`, `version`."""
    settings = (SETTINGS[0], (form_id, version, "走访记录", "Visit record"))
    return workbook(settings=settings)
