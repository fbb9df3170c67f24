"""The tasks API's request and response bodies (what the OpenAPI spec declares)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from frontline.tasks import BulkResult, Outcome, Status, TaskInfo, TransitionInfo
from frontline.tasks.models import NOTE_LIMIT

REFERENCE = r"^T[0-9]{8,}$"
ENTITY_ID = r"^[A-Z]{1,8}[0-9]{9,}$"
AREA_CODE = r"^[0-9]{6}([0-9]{6}([0-9]{3})?)?$"
SCENARIO_KEY = r"^[a-z][a-z0-9_]*$"
# At least one character that is neither whitespace nor a control character: Python's
# `str.strip`, which the services apply, also removes U+001C–U+001F and U+0085, which JSON
# Schema's `\S` would let through (a note of only those would pass the spec and be refused).
NOTE = r"[^\s\x00-\x1f\x7f-\x9f]"
BULK_LIMIT = 1000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskCreate(_Strict):
    """A task to create: a scenario, one subject, a due date; optionally its assignee."""

    scenario: str = Field(pattern=SCENARIO_KEY, max_length=64, description="Scenario key.")
    subject_id: str = Field(pattern=ENTITY_ID, max_length=32, description="Entity id.")
    due_on: date
    assignee_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class BulkCreate(_Strict):
    """Tasks of one scenario for many subjects (at most 1,000 per request)."""

    scenario: str = Field(pattern=SCENARIO_KEY, max_length=64)
    subject_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=BULK_LIMIT, description="Entity ids; repeats are answered once."
    )
    due_on: date


class Assign(_Strict):
    """Who takes the task, and optionally why (a reassignment)."""

    assignee_id: int = Field(ge=1, le=2**31 - 1)
    note: str | None = Field(default=None, max_length=NOTE_LIMIT, pattern=NOTE)


class AssignGrid(_Strict):
    """Every unassigned open task of a grid (of your department) to one worker."""

    grid: str = Field(pattern=r"^[0-9]{15}$", description="A 15-digit grid code.")
    assignee_id: int = Field(ge=1, le=2**31 - 1)
    scenario: str | None = Field(default=None, pattern=SCENARIO_KEY, max_length=64)


class Complete(_Strict):
    """The outcome of the visit or check."""

    outcome: str = Field(min_length=1, max_length=NOTE_LIMIT, pattern=NOTE)


class Cancel(_Strict):
    """Why the task is cancelled."""

    reason: str = Field(min_length=1, max_length=NOTE_LIMIT, pattern=NOTE)


class TaskOut(BaseModel):
    """A task (it names its subject by entity id only)."""

    reference: str
    scenario: str
    scenario_version: int
    scenario_name: str
    scenario_name_en: str
    subject_type: str
    subject_id: str
    grid: str
    department: str
    assignee_id: int | None
    assignee_name: str | None
    status: Status
    due_on: date
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    outcome: str | None
    cancel_reason: str | None

    @classmethod
    def of(cls, task: TaskInfo) -> TaskOut:
        """The body of `task`."""
        return cls(
            reference=task.reference, scenario=task.scenario_key,
            scenario_version=task.scenario_version, scenario_name=task.scenario_name,
            scenario_name_en=task.scenario_name_en, subject_type=task.subject_type,
            subject_id=task.subject_id, grid=task.grid_code, department=task.department,
            assignee_id=task.assignee_id, assignee_name=task.assignee_name, status=task.status,
            due_on=task.due_on, created_by=task.created_by, created_at=task.created_at,
            updated_at=task.updated_at, outcome=task.outcome, cancel_reason=task.cancel_reason,
        )  # fmt: skip


class TransitionOut(BaseModel):
    """One recorded step."""

    from_status: Status | None
    to_status: Status
    actor_id: int | None
    actor_name: str | None
    assignee_id: int | None
    at: datetime
    note: str | None

    @classmethod
    def of(cls, step: TransitionInfo) -> TransitionOut:
        """The body of `step`."""
        return cls(
            from_status=step.from_status, to_status=step.to_status, actor_id=step.actor_id,
            actor_name=step.actor_name, assignee_id=step.assignee_id, at=step.at,
            note=step.note,
        )  # fmt: skip


class TaskDetail(TaskOut):
    """A task with every step it went through."""

    transitions: list[TransitionOut]


class TaskList(BaseModel):
    """A page of tasks."""

    items: list[TaskOut]
    total: int = Field(description="Tasks matching the filters in all.")
    limit: int
    offset: int
    counts: dict[str, int] = Field(description="Matching tasks per status, before `status`.")


class BulkItem(BaseModel):
    """What happened for one subject."""

    subject_id: str
    outcome: Outcome
    reference: str | None

    @classmethod
    def of(cls, result: BulkResult) -> BulkItem:
        """The body of `result`."""
        return cls(subject_id=result.subject_id, outcome=result.outcome,
                   reference=result.reference)  # fmt: skip


class BulkAnswer(BaseModel):
    """One item per distinct subject, in the order sent."""

    created: int
    results: list[BulkItem]


class GridAnswer(BaseModel):
    """The tasks assigned."""

    grid: str
    assignee_id: int
    references: list[str]
