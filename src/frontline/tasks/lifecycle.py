"""The task lifecycle: open → assigned → in progress → done, or cancelled on the way.

    next_status(Status.ASSIGNED, Action.START)   # Status.IN_PROGRESS
    next_status(Status.DONE, Action.START)       # IllegalTransitionError

Reassigning keeps a task assigned (an in-progress task goes back to assigned: the new
assignee has not started it). Done and cancelled are final.
"""

from __future__ import annotations

from enum import StrEnum

from frontline.tasks.errors import IllegalTransitionError


class Status(StrEnum):
    """Where a task stands; its value is what the database and the API spell."""

    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def live(self) -> bool:
        """Whether the task still needs work (not done, not cancelled)."""
        return self not in (Status.DONE, Status.CANCELLED)


class Action(StrEnum):
    """A step someone takes on a task."""

    ASSIGN = "assign"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


MOVES: dict[Action, dict[Status, Status]] = {
    Action.ASSIGN: {
        Status.OPEN: Status.ASSIGNED,
        Status.ASSIGNED: Status.ASSIGNED,
        Status.IN_PROGRESS: Status.ASSIGNED,
    },
    Action.START: {Status.ASSIGNED: Status.IN_PROGRESS},
    Action.COMPLETE: {Status.IN_PROGRESS: Status.DONE},
    Action.CANCEL: {
        Status.OPEN: Status.CANCELLED,
        Status.ASSIGNED: Status.CANCELLED,
        Status.IN_PROGRESS: Status.CANCELLED,
    },
}
"""Every legal step: action → current status → the status it leads to."""

LIVE_STATUSES = tuple(s.value for s in Status if s.live)


def next_status(current: Status | str, action: Action, *, reference: str = "") -> Status:
    """The status `action` leads to from `current`; `IllegalTransitionError` if it may not."""
    status = Status(current)
    found = MOVES[action].get(status)
    if found is None:
        raise IllegalTransitionError(reference, status.value, action.value)
    return found
