"""Recording steps: every transition is a `task_transitions` row and an audit event, written
in the caller's transaction (both commit with the change, or neither does).

The audit event (action `task_transition`) names the task, the step and the scenario — no
subject, no note: notes are free text and may mention a resident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert

from frontline.audit import EventDraft, Signer, append
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.tasks.lifecycle import Status
from frontline.tasks.models import TaskTransition

ACTION = "task_transition"


@dataclass(frozen=True, slots=True)
class Step:
    """One transition of one task, about to be recorded."""

    task_id: int
    reference: str
    department: str
    scenario_key: str
    scenario_version: int
    from_status: Status | None
    to_status: Status
    assignee_id: int | None
    note: str | None = None


def record(
    connection: Connection,
    steps: Sequence[Step],
    *,
    actor: Principal | None,
    role: Role | None,
    now: datetime,
    signer: Signer | None = None,
) -> None:
    """Write `steps` and their audit events; `actor` None is the system."""
    if not steps:
        return
    actor_id = actor.staff_id if actor is not None else None
    connection.execute(
        insert(TaskTransition),
        [
            {
                "task_id": s.task_id,
                "from_status": s.from_status.value if s.from_status else None,
                "to_status": s.to_status.value,
                "actor_id": actor_id,
                "assignee_id": s.assignee_id,
                "at": now,
                "note": s.note,
            }
            for s in steps
        ],
    )
    drafts = [
        EventDraft(
            ACTION,
            actor_id=str(actor_id) if actor_id is not None else None,
            actor_role=role.value if role is not None else None,
            department=s.department,
            device_id=actor.device_id if actor is not None else None,
            detail={
                "task": s.reference,
                "from": s.from_status.value if s.from_status else None,
                "to": s.to_status.value,
                "scenario": s.scenario_key,
                "version": s.scenario_version,
                "assignee": s.assignee_id,
            },
            occurred_at=now,
        )
        for s in steps
    ]
    append(connection, drafts, signer=signer)
