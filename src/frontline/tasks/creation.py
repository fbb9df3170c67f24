"""Creating tasks: one, or one per subject of a list, idempotently.

    results = create_tasks(connection, manager, scenario="elderly_home_visit",
                           subject_ids=["P000001234", …], due_on=date(2026, 3, 31))
    # one BulkResult per distinct subject: created / already_open / unknown_subject /
    # unplaced / out_of_scope

A subject with a live task of the scenario gets no second one: the unique constraint over
(subject, scenario, live) decides, with `ON CONFLICT DO NOTHING`, so concurrent creations
of the same batch agree too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from frontline.areas.models import SubjectArea
from frontline.audit import Signer
from frontline.scenarios import Scenario, current_scenario
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store.base import utc_now
from frontline.store.entities import Entity
from frontline.tasks.authority import in_scope, require_manager
from frontline.tasks.errors import InvalidTaskError, TaskConflictError
from frontline.tasks.journal import Step, record
from frontline.tasks.lifecycle import Status
from frontline.tasks.models import Task

BATCH = 500
"""Subjects looked up and inserted per statement (well inside SQLite's parameter limit)."""


class Outcome(StrEnum):
    """What bulk creation did for one subject."""

    CREATED = "created"
    ALREADY_OPEN = "already_open"
    UNKNOWN_SUBJECT = "unknown_subject"
    """No active entity of the scenario's entity type has this id."""
    UNPLACED = "unplaced"
    """The subject is not placed in a grid (no address, or none that matches)."""
    OUT_OF_SCOPE = "out_of_scope"
    """The subject's grid is outside the creator's area or the scenario's areas."""


@dataclass(frozen=True, slots=True)
class BulkResult:
    """The answer for one subject; `reference` names the created or already open task."""

    subject_id: str
    outcome: Outcome
    task_id: int | None = None
    reference: str | None = None


def format_reference(task_id: int) -> str:
    """The readable reference of task `task_id`: `T00000042`."""
    return f"T{task_id:08d}"


def task_scenario(connection: Connection, key: str) -> Scenario:
    """The current version of scenario `key`, if tasks can be made for it."""
    scenario = current_scenario(connection, key)
    if scenario is None:
        raise InvalidTaskError("unknown_scenario", f"服务事项不存在 no scenario {key!r}")
    if scenario.counter:
        raise InvalidTaskError(
            "counter_scenario",
            f"窗口服务事项 {key} 不生成工单 counter scenario {key} has no tasks",
        )
    return scenario


def create_tasks(
    connection: Connection,
    actor: Principal | None,
    *,
    scenario: str,
    subject_ids: Iterable[str],
    due_on: date,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> list[BulkResult]:
    """Create a task of `scenario` for each subject that needs one; one result per distinct
    subject, in the order given.

    `actor` must manage the scenario's department (`TaskForbiddenError` otherwise); None is
    the system, which may create anywhere the scenario applies.
    """
    found = task_scenario(connection, scenario)
    role = require_manager(actor, found.department) if actor is not None else None
    now = now or utc_now()
    wanted = list(dict.fromkeys(s.strip() for s in subject_ids))
    results: dict[str, BulkResult] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        results.update(_create_batch(connection, actor, role, found, batch, due_on, now, signer))
    return [results[s] for s in wanted]


def create_task(
    connection: Connection,
    actor: Principal | None,
    *,
    scenario: str,
    subject_id: str,
    due_on: date,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> int:
    """Create one task and return its id; refusals are errors naming the reason."""
    (result,) = create_tasks(
        connection,
        actor,
        scenario=scenario,
        subject_ids=[subject_id],
        due_on=due_on,
        now=now,
        signer=signer,
    )
    if result.task_id is not None and result.outcome is Outcome.CREATED:
        return result.task_id
    if result.outcome is Outcome.ALREADY_OPEN:
        raise TaskConflictError(result.reference or "")
    messages = {
        Outcome.UNKNOWN_SUBJECT: f"没有该类对象 no {subject_id!r} of the scenario's entity type",
        Outcome.UNPLACED: f"对象 {subject_id} 未落入任何网格 subject {subject_id} is in no grid",
        Outcome.OUT_OF_SCOPE: f"对象 {subject_id} 不在管辖区域内 {subject_id} is out of scope",
    }
    raise InvalidTaskError(result.outcome.value, messages[result.outcome])


def _create_batch(
    connection: Connection,
    actor: Principal | None,
    role: Role | None,
    scenario: Scenario,
    subjects: Sequence[str],
    due_on: date,
    now: datetime,
    signer: Signer | None,
) -> dict[str, BulkResult]:
    known = set(
        connection.scalars(
            select(Entity.entity_id).where(
                Entity.entity_id.in_(subjects),
                Entity.entity_type == scenario.entity_type,
                Entity.status == "active",
            )
        )
    )
    grids: dict[str, str | None] = dict(
        connection.execute(
            select(SubjectArea.entity_id, SubjectArea.grid_code).where(
                SubjectArea.entity_id.in_(known)
            )
        ).all()
    )
    live = dict(
        connection.execute(
            select(Task.subject_id, Task.reference).where(
                Task.subject_id.in_(known),
                Task.scenario_key == scenario.key,
                Task.live.is_not(None),
            )
        ).all()
    )
    results: dict[str, BulkResult] = {}
    rows: list[dict[str, Any]] = []
    for subject in subjects:
        grid = grids.get(subject)
        if subject not in known:
            results[subject] = BulkResult(subject, Outcome.UNKNOWN_SUBJECT)
        elif grid is None:
            results[subject] = BulkResult(subject, Outcome.UNPLACED)
        elif not scenario.applies_in(grid) or (actor is not None and not in_scope(actor, grid)):
            results[subject] = BulkResult(subject, Outcome.OUT_OF_SCOPE)
        elif subject in live:
            results[subject] = BulkResult(subject, Outcome.ALREADY_OPEN, reference=live[subject])
        else:
            rows.append(_row(scenario, subject, grid, due_on, actor, now))
    created = _insert(connection, rows)
    for subject in {r["subject_id"] for r in rows} - created.keys():
        # Another transaction created it between our read and our insert.
        reference = connection.scalar(
            select(Task.reference).where(
                Task.subject_id == subject,
                Task.scenario_key == scenario.key,
                Task.live.is_not(None),
            )
        )
        results[subject] = BulkResult(subject, Outcome.ALREADY_OPEN, reference=reference)
    steps = []
    for subject, (task_id, reference) in created.items():
        results[subject] = BulkResult(subject, Outcome.CREATED, task_id, reference)
        steps.append(
            Step(task_id, reference, scenario.department, scenario.key, scenario.version,
                 None, Status.OPEN, None)
        )  # fmt: skip
    record(connection, steps, actor=actor, role=role, now=now, signer=signer)
    return results


def _row(
    scenario: Scenario,
    subject: str,
    grid: str,
    due_on: date,
    actor: Principal | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        # A unique placeholder until the id is known (a reference derives from the id).
        "reference": f"~{uuid.uuid4().hex[:15]}",
        "scenario_key": scenario.key,
        "scenario_version": scenario.version,
        "subject_type": scenario.entity_type,
        "subject_id": subject,
        "grid_code": grid,
        "department": scenario.department,
        "assignee_id": None,
        "status": Status.OPEN.value,
        "live": True,
        "due_on": due_on,
        "created_by": actor.staff_id if actor is not None else None,
        "created_at": now,
        "updated_at": now,
    }


def _insert(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, tuple[int, str]]:
    """Insert `rows`, skipping any that would be a second live task; subject → (id, ref)."""
    if not rows:
        return {}
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Task)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(Task.id, Task.subject_id)
    )
    inserted = {subject: task_id for task_id, subject in connection.execute(statement)}
    if not inserted:
        return {}
    created = {s: (i, format_reference(i)) for s, i in inserted.items()}
    connection.execute(
        update(Task).where(Task.id == bindparam("task_id")).values(reference=bindparam("ref")),
        [{"task_id": i, "ref": ref} for i, ref in created.values()],
    )
    return created
