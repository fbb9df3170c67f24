"""`/api/v1/tasks`: list, read, create (one or in bulk), assign (one or a grid), start,
complete and cancel tasks. Routes parse and shape; `frontline.tasks` decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import Connection

from frontline.staff.principal import Principal
from frontline.tasks import (
    Outcome,
    Status,
    TaskError,
    TaskFilter,
    assign_by_grid,
    assign_task,
    cancel_task,
    complete_task,
    create_task,
    create_tasks,
    list_tasks,
    read_task,
    start_task,
    transitions_of,
)
from frontline.tasks.records import MAX_PAGE
from frontline.web.deps import ConnectionDep, NowDep, PrincipalDep
from frontline.web.language import of_request
from frontline.web.problems import problem_responses
from frontline.web.routes.task_bodies import (
    AREA_CODE,
    REFERENCE,
    SCENARIO_KEY,
    Assign,
    AssignGrid,
    BulkAnswer,
    BulkCreate,
    BulkItem,
    Cancel,
    Complete,
    GridAnswer,
    TaskCreate,
    TaskDetail,
    TaskList,
    TaskOut,
    TransitionOut,
)
from frontline.web.task_problems import audit_signer, task_problem

T = TypeVar("T")
ReferenceParam = Annotated[str, Path(pattern=REFERENCE, max_length=16, description="T00000042")]
STEP = problem_responses(401, 403, 404, 409, 422)


def _refusing(request: Request, work: Callable[[], T]) -> T:
    """`work()`, its `TaskError` answered as a problem in the reader's language."""
    try:
        return work()
    except TaskError as error:
        raise task_problem(error, of_request(request)) from None


def detail(connection: Connection, principal: Principal, reference: str | int) -> TaskDetail:
    """A task with its steps, as `principal` may read it."""
    task = read_task(connection, principal, reference)
    steps = [TransitionOut.of(s) for s in transitions_of(connection, task.id)]
    return TaskDetail(**TaskOut.of(task).model_dump(), transitions=steps)


def router() -> APIRouter:
    """The tasks routes."""
    api = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])

    @api.get("", response_model=TaskList, responses=problem_responses(401, 403, 422))
    def tasks(
        request: Request,
        connection: ConnectionDep,
        principal: PrincipalDep,
        grid: Annotated[str | None, Query(pattern=AREA_CODE, description="An area code.")] = None,
        status: Annotated[list[Status] | None, Query()] = None,
        scenario: Annotated[str | None, Query(pattern=SCENARIO_KEY, max_length=64)] = None,
        assignee: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        unassigned: bool = False,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    ) -> TaskList:
        """The tasks you may read, soonest due first: a worker their own, a manager their
        department's inside their area, an auditor every department's inside their area."""
        filters = TaskFilter(grid=grid, statuses=tuple(status or ()), scenario=scenario,
                             assignee_id=assignee, unassigned=unassigned)  # fmt: skip
        page = _refusing(request, lambda: list_tasks(connection, principal, filters,
                                                     limit=limit, offset=offset))  # fmt: skip
        return TaskList(items=[TaskOut.of(t) for t in page.items], total=page.total,
                        limit=page.limit, offset=page.offset, counts=page.counts)  # fmt: skip

    @api.get(
        "/{reference}", response_model=TaskDetail, responses=problem_responses(401, 403, 404, 422)
    )
    def task(
        request: Request, connection: ConnectionDep, principal: PrincipalDep,
        reference: ReferenceParam,
    ) -> TaskDetail:  # fmt: skip
        """One task and every step it went through."""
        return _refusing(request, lambda: detail(connection, principal, reference))

    @api.post("", status_code=201, response_model=TaskDetail, responses=STEP)
    def create(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        body: TaskCreate,
    ) -> TaskDetail:  # fmt: skip
        """Create a task (and assign it, given an assignee). Managers of the scenario's
        department, for subjects inside their area; 409 if the subject has an open one."""
        signer = audit_signer(request)

        def work() -> TaskDetail:
            task_id = create_task(connection, principal, scenario=body.scenario,
                                  subject_id=body.subject_id, due_on=body.due_on, now=now,
                                  signer=signer)  # fmt: skip
            if body.assignee_id is not None:
                assign_task(connection, principal, task_id, body.assignee_id, now=now,
                            signer=signer)  # fmt: skip
            return detail(connection, principal, task_id)

        return _refusing(request, work)

    @api.post(
        "/bulk", response_model=BulkAnswer, responses=problem_responses(401, 403, 404, 409, 422)
    )
    def create_many(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        body: BulkCreate,
    ) -> BulkAnswer:  # fmt: skip
        """Create a task for each subject that needs one. Idempotent: each subject is
        answered `created`, `already_open`, `unknown_subject`, `unplaced` or `out_of_scope`."""
        results = _refusing(request, lambda: create_tasks(
            connection, principal, scenario=body.scenario, subject_ids=body.subject_ids,
            due_on=body.due_on, now=now, signer=audit_signer(request)))  # fmt: skip
        return BulkAnswer(created=sum(r.outcome is Outcome.CREATED for r in results),
                          results=[BulkItem.of(r) for r in results])  # fmt: skip

    @api.post("/assign-by-grid", response_model=GridAnswer, responses=STEP)
    def assign_grid(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        body: AssignGrid,
    ) -> GridAnswer:  # fmt: skip
        """Assign every unassigned open task of a grid (of your department, optionally of
        one scenario) to one worker of that grid."""
        done = _refusing(request, lambda: assign_by_grid(
            connection, principal, grid=body.grid, assignee_id=body.assignee_id,
            scenario=body.scenario, now=now, signer=audit_signer(request)))  # fmt: skip
        return GridAnswer(grid=done.grid, assignee_id=done.assignee_id,
                          references=done.references)  # fmt: skip

    @api.post("/{reference}/assign", response_model=TaskDetail, responses=STEP)
    def assign(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        reference: ReferenceParam, body: Assign,
    ) -> TaskDetail:  # fmt: skip
        """Assign or reassign a task to an active worker of its department and grid."""

        def work() -> TaskDetail:
            assign_task(connection, principal, reference, body.assignee_id, note=body.note,
                        now=now, signer=audit_signer(request))  # fmt: skip
            return detail(connection, principal, reference)

        return _refusing(request, work)

    @api.post("/{reference}/start", response_model=TaskDetail, responses=STEP)
    def start(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        reference: ReferenceParam,
    ) -> TaskDetail:  # fmt: skip
        """Start work on your assigned task."""

        def work() -> TaskDetail:
            start_task(connection, principal, reference, now=now, signer=audit_signer(request))
            return detail(connection, principal, reference)

        return _refusing(request, work)

    @api.post("/{reference}/complete", response_model=TaskDetail, responses=STEP)
    def complete(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        reference: ReferenceParam, body: Complete,
    ) -> TaskDetail:  # fmt: skip
        """Complete your task in progress, with the outcome."""

        def work() -> TaskDetail:
            complete_task(connection, principal, reference, outcome=body.outcome, now=now,
                          signer=audit_signer(request))  # fmt: skip
            return detail(connection, principal, reference)

        return _refusing(request, work)

    @api.post("/{reference}/cancel", response_model=TaskDetail, responses=STEP)
    def cancel(
        request: Request, connection: ConnectionDep, principal: PrincipalDep, now: NowDep,
        reference: ReferenceParam, body: Cancel,
    ) -> TaskDetail:  # fmt: skip
        """Cancel a task of your department that is not done, giving the reason."""

        def work() -> TaskDetail:
            cancel_task(connection, principal, reference, reason=body.reason, now=now,
                        signer=audit_signer(request))  # fmt: skip
            return detail(connection, principal, reference)

        return _refusing(request, work)

    return api
