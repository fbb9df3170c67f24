"""The console's tasks page: filter (grid, status, scenario, worker), create in bulk, assign
the checked tasks to a worker, and one task with its steps. Forms only, no scripts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from frontline.scenarios import list_scenarios
from frontline.staff.accounts import Account
from frontline.tasks import (
    MANAGING,
    READING,
    Outcome,
    Status,
    TaskError,
    TaskFilter,
    assign_task,
    create_tasks,
    eligible_workers,
    list_tasks,
    managing_role,
    read_task,
    transitions_of,
)
from frontline.web.catalogue import Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUser, console_roles
from frontline.web.deps import ConnectionDep, NowDep
from frontline.web.features import Feature
from frontline.web.language import of_page
from frontline.web.navigation import NavEntry
from frontline.web.problems import INVALID_REQUEST, Problem
from frontline.web.routes.tasks import router as api_router
from frontline.web.task_problems import MESSAGES as TASK_MESSAGES
from frontline.web.task_problems import audit_signer, task_problem

ReaderDep = Annotated[ConsoleUser, Depends(console_roles(*READING))]
ManagerDep = Annotated[ConsoleUser, Depends(console_roles(*MANAGING))]
PAGE = 50
_FIELD = 20_000
_SPLIT = re.compile(r"[\s,，;；、]+")


def router() -> APIRouter:
    """`/console/tasks` and its forms."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/tasks")
    def tasks(
        request: Request,
        pages: PagesDep,
        user: ReaderDep,
        connection: ConnectionDep,
        now: NowDep,
        grid: Annotated[str, Query(max_length=15)] = "",
        status: Annotated[str, Query(max_length=16)] = "",
        scenario: Annotated[str, Query(max_length=64)] = "",
        worker: Annotated[str, Query(max_length=12)] = "",
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        created: Annotated[int | None, Query(ge=0)] = None,
        skipped: Annotated[int | None, Query(ge=0)] = None,
        assigned: Annotated[int | None, Query(ge=0)] = None,
    ) -> Response:
        """The tasks the reader may see, filtered, with the manager's forms."""
        principal = user.principal
        statuses = (status,) if status in {s.value for s in Status} else ()
        filters = TaskFilter(
            grid=grid.strip() or None, statuses=statuses, scenario=scenario or None,
            assignee_id=int(worker) if worker.isdigit() else None,
            unassigned=worker == "none",
        )  # fmt: skip
        try:
            found = list_tasks(connection, principal, filters, limit=PAGE,
                               offset=(page - 1) * PAGE)  # fmt: skip
        except TaskError as error:
            raise task_problem(error, of_page(request)) from None
        manages = managing_role(principal, principal.department) is not None
        workers: list[Account] = (
            eligible_workers(connection, principal.department, principal.area) if manages else []
        )
        language = of_page(request)
        scenarios = [s for s in list_scenarios(connection) if not s.counter]
        query = {k: v for k, v in (("grid", grid), ("status", status), ("scenario", scenario),
                                   ("worker", worker)) if v}  # fmt: skip
        return pages.render(
            request,
            "tasks/list.html",
            user=user,
            page=found,
            page_number=page,
            pages_total=max(1, -(-found.total // PAGE)),
            query=query,
            query_string=urlencode(query),
            statuses=[s.value for s in Status],
            scenarios=[(s.key, s.name if language == "zh" else s.name_en) for s in scenarios
                       if not manages or s.department == principal.department],
            workers=workers,
            manages=manages,
            today=now.date(),
            default_due=(now.date() + timedelta(days=14)).isoformat(),
            notice={"created": created, "skipped": skipped, "assigned": assigned},
        )  # fmt: skip

    @console.post("/tasks/create")
    def create(
        request: Request,
        pages: PagesDep,
        user: ManagerDep,
        connection: ConnectionDep,
        now: NowDep,
        scenario: Annotated[str, Form(max_length=64)] = "",
        subjects: Annotated[str, Form(max_length=_FIELD)] = "",
        due_on: Annotated[str, Form(max_length=10)] = "",
        csrf_token: Annotated[str, Form(max_length=256)] = "",
    ) -> Response:
        """Create a task for each listed subject; back to the list with what happened."""
        pages.check_csrf(request, csrf_token)
        subject_ids = [s for s in _SPLIT.split(subjects.strip().upper()) if s]
        try:
            due = date.fromisoformat(due_on)
        except ValueError:
            due = None
        if not subject_ids or due is None or len(subject_ids) > 1000:
            raise Problem(INVALID_REQUEST, detail="tasks.form_invalid")
        try:
            results = create_tasks(connection, user.principal, scenario=scenario,
                                   subject_ids=subject_ids, due_on=due, now=now,
                                   signer=audit_signer(request))  # fmt: skip
        except TaskError as error:
            raise task_problem(error, of_page(request)) from None
        made = sum(r.outcome is Outcome.CREATED for r in results)
        target = {"scenario": scenario, "created": made, "skipped": len(results) - made}
        return pages.redirect(request, f"{CONSOLE_PATH}/tasks?{urlencode(target)}")

    @console.post("/tasks/assign")
    def assign(
        request: Request,
        pages: PagesDep,
        user: ManagerDep,
        connection: ConnectionDep,
        now: NowDep,
        task: Annotated[list[str], Form(max_length=16)] = [],  # noqa: B006 - FastAPI copies it
        assignee: Annotated[str, Form(max_length=12)] = "",
        back: Annotated[str, Form(max_length=512)] = "",
        csrf_token: Annotated[str, Form(max_length=256)] = "",
    ) -> Response:
        """Assign every checked task to the chosen worker (all or nothing)."""
        pages.check_csrf(request, csrf_token)
        if not task or not assignee.isdigit() or len(task) > PAGE:
            raise Problem(INVALID_REQUEST, detail="tasks.assign_invalid")
        signer = audit_signer(request)
        try:
            for reference in task:
                assign_task(connection, user.principal, reference, int(assignee), now=now,
                            signer=signer)  # fmt: skip
        except TaskError as error:
            raise task_problem(error, of_page(request)) from None
        query = back if re.fullmatch(r"[A-Za-z0-9_=&%.-]*", back) else ""
        joined = "&".join(q for q in (query, f"assigned={len(task)}") if q)
        return pages.redirect(request, f"{CONSOLE_PATH}/tasks?{joined}")

    @console.get("/tasks/{reference}")
    def one(
        request: Request,
        pages: PagesDep,
        user: ReaderDep,
        connection: ConnectionDep,
        reference: str,
    ) -> Response:
        """One task and every step it went through."""
        try:
            found = read_task(connection, user.principal, reference)
        except TaskError as error:
            raise task_problem(error, of_page(request)) from None
        return pages.render(request, "tasks/detail.html", user=user, task=found,
                            steps=transitions_of(connection, found.id))  # fmt: skip

    return console


MESSAGES = {
    "tasks.title": Text("工单", "Tasks"),
    "tasks.intro": Text(
        "工单把一个服务事项落到一位具体对象和一名网格员身上。"
        "工单只记录对象的实体编号，不含个人信息。",
        "A task binds a scenario to one subject and one worker. It names the subject by entity "
        "id only: no personal data.",
    ),
    "tasks.filters": Text("筛选", "Filter"),
    "tasks.grid": Text("网格或区域代码", "Grid or area code"),
    "tasks.grid_column": Text("网格", "Grid"),
    "tasks.status": Text("状态", "Status"),
    "tasks.scenario": Text("服务事项", "Scenario"),
    "tasks.worker": Text("网格员", "Worker"),
    "tasks.any": Text("全部", "Any"),
    "tasks.unassigned": Text("未分派", "Unassigned"),
    "tasks.apply": Text("筛选", "Apply"),
    "tasks.reset": Text("清除", "Clear"),
    "tasks.count": Text("共 {total} 个工单", "{total} tasks"),
    "tasks.none": Text("没有符合条件的工单。", "No task matches."),
    "tasks.reference": Text("工单编号", "Reference"),
    "tasks.subject": Text("对象", "Subject"),
    "tasks.assignee": Text("承办人", "Assignee"),
    "tasks.due": Text("截止日期", "Due"),
    "tasks.overdue": Text("已逾期", "overdue"),
    "tasks.select": Text("选择", "Select"),
    "tasks.assign_to": Text("将勾选的工单分派给", "Assign the checked tasks to"),
    "tasks.assign": Text("分派", "Assign"),
    "tasks.assign_hint": Text(
        "只能分派给负责工单所在网格的本部门网格员；任何一个工单不符合时全部不分派。",
        "Only to a worker of your department whose area holds the task's grid; if one task "
        "cannot be assigned, none is.",
    ),
    "tasks.create": Text("创建工单", "Create tasks"),
    "tasks.create_hint": Text(
        "每行或用逗号分隔一个实体编号（如 P000001234）。已有未办结同类工单的对象不会重复创建。",
        "One entity id (such as P000001234) per line or separated by commas. Subjects with an "
        "open task of the scenario get no second one.",
    ),
    "tasks.subjects": Text("对象实体编号", "Subject entity ids"),
    "tasks.submit_create": Text("创建", "Create"),
    "tasks.created": Text(
        "已创建 {created} 个工单；{skipped} 个对象未创建"
        "（已有工单、未落网格、不在辖区或编号无效）。",
        "{created} task(s) created; {skipped} subject(s) skipped (open task already, in no "
        "grid, out of your area, or unknown id).",
    ),
    "tasks.assigned": Text("已分派 {assigned} 个工单。", "{assigned} task(s) assigned."),
    "tasks.previous": Text("上一页", "Previous"),
    "tasks.next": Text("下一页", "Next"),
    "tasks.page": Text("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "tasks.steps": Text("办理记录", "Steps"),
    "tasks.when": Text("时间", "When"),
    "tasks.by": Text("操作人", "By"),
    "tasks.step": Text("变更", "Change"),
    "tasks.note": Text("说明", "Note"),
    "tasks.system": Text("系统", "System"),
    "tasks.outcome": Text("办理结果", "Outcome"),
    "tasks.cancel_reason": Text("撤销原因", "Reason for cancelling"),
    "tasks.back": Text("返回工单列表", "Back to the tasks"),
    "tasks.version": Text("第 {version} 版", "version {version}"),
    "tasks.department": Text("所属部门", "Department"),
    "tasks.form_invalid": Text(
        "请选择服务事项、填写至少一个（最多 1000 个）实体编号和截止日期。",
        "Choose a scenario, list 1 to 1,000 entity ids and give a due date.",
    ),
    "tasks.assign_invalid": Text(
        "请勾选至少一个工单（每次最多 50 个）并选择网格员。",
        "Check at least one task (at most 50 at a time) and choose a worker.",
    ),
}


def feature() -> Feature:
    """Tasks: the API and the console page."""
    return Feature(
        name="tasks",
        routers=(api_router(), router()),
        navigation=(
            NavEntry(
                "tasks",
                Text("工单", "Tasks"),
                f"{CONSOLE_PATH}/tasks",
                READING,
                description=Text(
                    "按网格、状态、服务事项和网格员查看工单；创建和分派工单。",
                    "Tasks by grid, status, scenario and worker; create and assign them.",
                ),
                order=10,
            ),
        ),
        messages={**TASK_MESSAGES, **MESSAGES},
    )
