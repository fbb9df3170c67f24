"""Tables of the tasks domain, declared on the serving database's `Base`.

A task names its subject by entity id only (`P000001234`): no personal data is copied onto
it. `live` is set while the task is open, assigned or in progress and NULL once it is done
or cancelled, so the unique constraint over (subject, scenario, live) admits at most one
live task per scenario and subject on both databases (NULLs never collide) — what makes
bulk creation and later rules idempotent.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import Base, UtcDateTime, code, one_of

STATUSES = ("open", "assigned", "in_progress", "done", "cancelled")
CLOSED = ("done", "cancelled")
LIVE_CHECK = "(live IS NULL) = (status = 'done' OR status = 'cancelled')"
"""`live` is NULL exactly when the task is closed."""
NOTE_LIMIT = 2000
"""Longest completion note or cancel reason, in characters."""


class Task(Base):
    """A task (工单): one scenario version, one subject entity, at most one assignee."""

    __tablename__ = "tasks"
    __table_args__ = (
        one_of("status", STATUSES, name="status"),
        CheckConstraint(LIVE_CHECK, name="live"),
        UniqueConstraint("subject_id", "scenario_key", "live"),
        ForeignKeyConstraint(
            ["scenario_key", "scenario_version"],
            ["scenario_versions.key", "scenario_versions.version"],
        ),
        # The console's and the API's filters: by worker, by grid, by department, by scenario.
        Index(None, "assignee_id", "status"),
        Index(None, "grid_code", "status"),
        Index(None, "department", "status", "due_on"),
        Index(None, "scenario_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(code(16), unique=True)
    """What people quote: `T00000042`."""
    scenario_key: Mapped[str] = mapped_column(code(64))
    scenario_version: Mapped[int] = mapped_column(Integer)
    """The version the task was created under; what its worker may see follows it."""
    subject_type: Mapped[str] = mapped_column(code(32))
    subject_id: Mapped[str] = mapped_column(code(32), ForeignKey("entities.entity_id"))
    grid_code: Mapped[str] = mapped_column(code(15))
    """The subject's grid when the task was created (a later redraw does not move it)."""
    department: Mapped[str] = mapped_column(code(64), ForeignKey("departments.code"))
    """The scenario's owning department."""
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    status: Mapped[str] = mapped_column(String(16))
    live: Mapped[bool | None] = mapped_column(Boolean)
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    """None when the system created it (the demo, a rule)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)
    """The worker's completion note."""
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class TaskTransition(Base):
    """One step of a task's lifecycle: from (None at creation), to, by whom, when, why."""

    __tablename__ = "task_transitions"
    __table_args__ = (
        one_of("from_status", STATUSES, name="from_status"),
        one_of("to_status", STATUSES, name="to_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    """None for the system."""
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    """The assignee after the step (who a task was assigned or reassigned to)."""
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)
