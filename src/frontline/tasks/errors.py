"""Why a task operation was refused: one exception per kind, with a machine-readable reason.

Messages carry codes and references only (a task's reference, a staff id, an entity id),
never a resident's personal data, so they may be logged and shown as they are.
"""

from __future__ import annotations


class TaskError(Exception):
    """A refused task operation; `reason` names it for the caller (and the web layer)."""

    reason: str = "invalid"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class TaskNotFoundError(TaskError):
    """No such task, or none the caller may see (the two are not told apart)."""

    def __init__(self, task: int | str) -> None:
        super().__init__("not_found", f"工单不存在 no task {task}")


class TaskForbiddenError(TaskError):
    """The caller's roles, department or area scope do not allow the operation."""


class IllegalTransitionError(TaskError):
    """The task's status does not allow the step (a done task cannot be started)."""

    def __init__(self, reference: str, status: str, action: str) -> None:
        super().__init__(
            "illegal_transition",
            f"工单 {reference} 处于 {status} 状态，不能{action} "
            f"task {reference} is {status}: it cannot {action}",
        )
        self.status = status
        self.action = action


class InvalidTaskError(TaskError):
    """A task that cannot be created as asked: unknown scenario or subject, unplaced subject."""


class InvalidAssigneeError(TaskError):
    """The named assignee cannot take the task (inactive, no worker, other department or area)."""


class TaskConflictError(TaskError):
    """A live task of the scenario already exists for the subject."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            "already_open",
            f"该对象已有未办结的同类工单 {reference} an open task exists: {reference}",
        )
        self.reference = reference
