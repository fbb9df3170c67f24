"""A worker's steps on their own task (start, complete) and a manager's cancel.

start_task(connection, worker, "T00000042")
complete_task(connection, worker, "T00000042", outcome="老人身体健康，居住安全。")
cancel_task(connection, manager, "T00000043", reason="对象已迁出本区。")
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from frontline.audit import Signer
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store.base import utc_now
from frontline.tasks.authority import require_manager
from frontline.tasks.errors import InvalidTaskError, TaskForbiddenError
from frontline.tasks.lifecycle import Action, Status
from frontline.tasks.models import NOTE_LIMIT
from frontline.tasks.moves import load, move


def start_task(
    connection: Connection,
    actor: Principal,
    task: int | str,
    *,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> Status:
    """The assignee starts work on their task (assigned → in progress)."""
    found = load(connection, actor, task)
    _require_assignee(actor, found.assignee_id, found.reference)
    return move(connection, found, Action.START, actor=actor, role=Role.WORKER,
                now=now or utc_now(), signer=signer)  # fmt: skip


def complete_task(
    connection: Connection,
    actor: Principal,
    task: int | str,
    *,
    outcome: str,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> Status:
    """The assignee finishes their task (in progress → done) with a note of the outcome."""
    note = _note(outcome, "outcome")
    found = load(connection, actor, task)
    _require_assignee(actor, found.assignee_id, found.reference)
    return move(connection, found, Action.COMPLETE, actor=actor, role=Role.WORKER,
                now=now or utc_now(), signer=signer, note=note,
                values={"outcome": note})  # fmt: skip


def cancel_task(
    connection: Connection,
    actor: Principal | None,
    task: int | str,
    *,
    reason: str,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> Status:
    """A manager of the task's department cancels it, giving the reason; None is the system."""
    note = _note(reason, "reason")
    found = load(connection, actor, task)
    role = None
    if actor is not None:
        role = require_manager(actor, found.department, found.grid_code)
    return move(connection, found, Action.CANCEL, actor=actor, role=role,
                now=now or utc_now(), signer=signer, note=note,
                values={"cancel_reason": note})  # fmt: skip


def _require_assignee(actor: Principal, assignee_id: int | None, reference: str) -> None:
    if assignee_id != actor.staff_id or not actor.has(Role.WORKER):
        raise TaskForbiddenError(
            "not_assignee",
            f"只有工单 {reference} 的承办人可以办理 only the assignee works on task {reference}",
        )


def _note(text: str, name: str) -> str:
    note = text.strip()
    if not note or len(note) > NOTE_LIMIT:
        raise InvalidTaskError(
            f"bad_{name}",
            f"请填写 1–{NOTE_LIMIT} 字的说明 the {name} takes 1 to {NOTE_LIMIT} characters",
        )
    return note
