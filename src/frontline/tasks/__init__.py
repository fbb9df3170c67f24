"""Tasks (工单): a scenario bound to one subject entity and one worker, with a due date and a
recorded lifecycle (open → assigned → in progress → done, or cancelled).

    with write_transaction(engine) as connection:
        results = create_tasks(connection, manager, scenario="elderly_home_visit",
                               subject_ids=["P000001234"], due_on=date(2026, 3, 31))
        assign_task(connection, manager, results[0].reference, worker_id)
        start_task(connection, worker, results[0].reference)
        complete_task(connection, worker, results[0].reference, outcome="已走访，一切正常。")

Every step is a `task_transitions` row and an audit event (`task_transition`) in the
caller's transaction. Modules: `lifecycle` (statuses and legal steps), `authority` (who may),
`records` (reading), `creation`, `assignment`, `progress` (start, complete, cancel),
`journal` (recording steps), `demo` (the synthetic city's tasks).
"""

from frontline.tasks.assignment import (
    GridAssignment,
    assign_by_grid,
    assign_task,
    check_assignee,
    eligible_workers,
)
from frontline.tasks.authority import MANAGING, READING, in_scope, managing_role, visible
from frontline.tasks.creation import (
    BulkResult,
    Outcome,
    create_task,
    create_tasks,
    format_reference,
    task_scenario,
)
from frontline.tasks.demo import DemoTasks, seed_demo_tasks
from frontline.tasks.errors import (
    IllegalTransitionError,
    InvalidAssigneeError,
    InvalidTaskError,
    TaskConflictError,
    TaskError,
    TaskForbiddenError,
    TaskNotFoundError,
)
from frontline.tasks.lifecycle import MOVES, Action, Status, next_status
from frontline.tasks.progress import cancel_task, complete_task, start_task
from frontline.tasks.records import (
    TaskBrief,
    TaskFilter,
    TaskInfo,
    TaskPage,
    TransitionInfo,
    find_task,
    get_task,
    list_tasks,
    read_task,
    task_brief,
    transitions_of,
)

__all__ = [
    "MANAGING",
    "MOVES",
    "READING",
    "Action",
    "BulkResult",
    "DemoTasks",
    "GridAssignment",
    "IllegalTransitionError",
    "InvalidAssigneeError",
    "InvalidTaskError",
    "Outcome",
    "Status",
    "TaskBrief",
    "TaskConflictError",
    "TaskError",
    "TaskFilter",
    "TaskForbiddenError",
    "TaskInfo",
    "TaskNotFoundError",
    "TaskPage",
    "TransitionInfo",
    "assign_by_grid",
    "assign_task",
    "cancel_task",
    "check_assignee",
    "complete_task",
    "create_task",
    "create_tasks",
    "eligible_workers",
    "find_task",
    "format_reference",
    "get_task",
    "in_scope",
    "list_tasks",
    "managing_role",
    "next_status",
    "read_task",
    "seed_demo_tasks",
    "start_task",
    "task_brief",
    "task_scenario",
    "transitions_of",
    "visible",
]
