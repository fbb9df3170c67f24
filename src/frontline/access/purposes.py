"""What a read of personal data is for: an assigned task, a counter service, a break-glass grant,
a reviewer's decision on a change request, a department's export of its form submissions.

A purpose is always stated by the reader; the policy then checks it against the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, Protocol

PurposeKind = Literal["task", "counter", "break_glass", "review", "export"]

OPEN_TASK_STATES = frozenset({"assigned", "in_progress"})
"""Task states in which the assignee reads the subject (an open task has no assignee yet)."""


@dataclass(frozen=True, slots=True)
class Subject:
    """A person or enterprise of the thematic store, by entity id (`P000001234`)."""

    type: str
    id: str


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the policy needs to know about a task, as the tasks store holds it.

    The access package does not read the tasks domain's tables: the caller loads the task
    (`frontline.tasks`) and hands its facts over; the policy trusts none of the reader's claims.
    """

    task_id: int
    reference: str
    scenario_key: str
    scenario_version: int
    subject: Subject
    assignee_id: int | None
    status: str

    @classmethod
    def of(cls, task: StoredTask) -> TaskFacts:
        """The facts of a task as the tasks store answers it (`frontline.tasks.TaskBrief`)."""
        return cls(
            task_id=task.id,
            reference=task.reference,
            scenario_key=task.scenario_key,
            scenario_version=task.scenario_version,
            subject=Subject(task.subject_type, task.subject_id),
            assignee_id=task.assignee_id,
            status=task.status.value,
        )


class StoredTask(Protocol):
    """A task as the tasks store answers it: what `TaskFacts.of` reads."""

    @property
    def id(self) -> int: ...
    @property
    def reference(self) -> str: ...
    @property
    def scenario_key(self) -> str: ...
    @property
    def scenario_version(self) -> int: ...
    @property
    def subject_type(self) -> str: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def status(self) -> Enum: ...


@dataclass(frozen=True, slots=True)
class TaskPurpose:
    """Reading the subject of a task assigned to the reader."""

    task: TaskFacts

    @property
    def kind(self) -> PurposeKind:
        """`task`."""
        return "task"

    @property
    def reference(self) -> str:
        """The task's readable reference."""
        return self.task.reference


@dataclass(frozen=True, slots=True)
class CounterPurpose:
    """A window clerk serving the person in front of them, for a stated counter scenario."""

    scenario_key: str

    @property
    def kind(self) -> PurposeKind:
        """`counter`."""
        return "counter"

    @property
    def reference(self) -> str:
        """The counter scenario's key."""
        return self.scenario_key


@dataclass(frozen=True, slots=True)
class BreakGlassPurpose:
    """Emergency access under the reader's own break-glass grant."""

    grant_id: int

    @property
    def kind(self) -> PurposeKind:
        """`break_glass`."""
        return "break_glass"

    @property
    def reference(self) -> str:
        """The grant's reference, `BG000042`."""
        return grant_reference(self.grant_id)


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """What the policy needs to know about a change request, as the forms store holds it.

    As with tasks, the access package does not read the forms domain's tables: the caller
    loads the change request (`frontline.forms.changes`) and hands its facts over.
    """

    change_id: int
    scenario_key: str
    scenario_version: int
    subject: Subject
    field: str
    """The one golden-record field the request is about: the only one a review reads."""

    @property
    def reference(self) -> str:
        """The change request's readable reference, `CR000042`."""
        return change_reference(self.change_id)


@dataclass(frozen=True, slots=True)
class ReviewPurpose:
    """A department manager reading a change request's field to accept or reject it."""

    change: ChangeFacts

    @property
    def kind(self) -> PurposeKind:
        """`review`."""
        return "review"

    @property
    def reference(self) -> str:
        """The change request's reference."""
        return self.change.reference


@dataclass(frozen=True, slots=True)
class ExportPurpose:
    """A department exporting the submissions of one of its forms: decided subject by subject,
    under the scenario of each submission's task."""

    form_id: str
    scenario_key: str
    scenario_version: int

    @property
    def kind(self) -> PurposeKind:
        """`export`."""
        return "export"

    @property
    def reference(self) -> str:
        """The form's id."""
        return self.form_id


Purpose = TaskPurpose | CounterPurpose | BreakGlassPurpose | ReviewPurpose | ExportPurpose


def grant_reference(grant_id: int) -> str:
    """A break-glass grant's readable reference: `BG000042`."""
    return f"BG{grant_id:06d}"


def change_reference(change_id: int) -> str:
    """A change request's readable reference: `CR000042`."""
    return f"CR{change_id:06d}"
