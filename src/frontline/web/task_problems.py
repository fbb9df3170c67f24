"""Task refusals as problem details: each `TaskError` reason has a message a person can act on.

Shared by the tasks API and the console's tasks page (one catalogue entry per message).
"""

from __future__ import annotations

from fastapi import Request

from frontline.audit import Signer
from frontline.tasks import (
    IllegalTransitionError,
    TaskConflictError,
    TaskError,
    TaskForbiddenError,
    TaskNotFoundError,
)
from frontline.web.audit_signer import app_signer
from frontline.web.catalogue import Text
from frontline.web.problems import Problem, ProblemType

TASK_NOT_FOUND = ProblemType("task-not-found", 404)
TASK_FORBIDDEN = ProblemType("task-forbidden", 403)
TASK_CONFLICT = ProblemType("task-conflict", 409)
TASK_UNKNOWN = ProblemType("task-unknown", 404)
"""A well-formed scenario key, entity id, staff id or grid code that names nothing."""
TASK_REFUSED = ProblemType("task-refused", 409)
"""A task that cannot be created or assigned as asked, given what the store holds."""
UNKNOWN = frozenset({"unknown_scenario", "unknown_subject", "unknown_assignee", "not_a_grid"})

REASONS: dict[str, Text] = {
    "not_found": Text(
        "没有这个工单，或您无权查看。请核对工单编号。",
        "There is no such task, or it is not yours to see. Check the task reference.",
    ),
    "no_task_role": Text(
        "您的角色不能查看工单。如需查看，请联系系统管理员。",
        "Your roles do not read tasks. Ask your administrator if you need to.",
    ),
    "not_manager": Text(
        "只有该服务事项所属部门的部门管理员才能创建、分派或撤销其工单。",
        "Only a manager of the scenario's department creates, assigns or cancels its tasks.",
    ),
    "out_of_scope": Text(
        "该网格不在您的管辖区域内。", "That grid lies outside your area; choose one inside it."
    ),
    "not_assignee": Text(
        "只有工单的承办人可以开始或办结该工单。",
        "Only the task's assignee starts or completes it.",
    ),
    "illegal_transition": Text(
        "工单当前状态为“{state}”，不能执行“{action}”。请刷新后查看工单的最新状态。",
        "The task is {state}: it cannot {action}. Reload it to see where it stands.",
    ),
    "already_open": Text(
        "该对象已有同一服务事项的未办结工单 {reference}，不再重复创建。",
        "The subject already has an open task of this scenario ({reference}); no second one "
        "was made.",
    ),
    "unknown_scenario": Text(
        "没有这个服务事项。请从服务事项列表中选择。", "No such scenario; choose one from the list."
    ),
    "counter_scenario": Text(
        "窗口服务事项不生成工单。", "Counter scenarios are served at the window and have no tasks."
    ),
    "unknown_subject": Text(
        "主题库中没有该实体，或其类型与服务事项不符。请核对实体编号。",
        "The thematic store has no such entity of the scenario's type; check its id.",
    ),
    "unplaced": Text(
        "该对象尚未落入任何网格（地址缺失或无法匹配），请先由街道核实地址。",
        "The subject is in no grid (no address, or none that matches); have the street "
        "office check the address first.",
    ),
    "bad_outcome": Text(
        "请填写办理结果（1–2000 字）。", "Write the outcome (1 to 2,000 characters)."
    ),
    "bad_reason": Text("请填写撤销原因（1–2000 字）。", "Give the reason (1 to 2,000 characters)."),
    "not_a_grid": Text("请填写 15 位网格代码。", "Give a 15-digit grid code."),
    "unknown_assignee": Text("没有这个工作人员。", "There is no such staff member."),
    "inactive_assignee": Text(
        "该工作人员的账号已停用。", "That staff member's account is disabled."
    ),
    "not_worker": Text("只能分派给网格员。", "Tasks are assigned to workers only."),
    "other_department": Text(
        "只能分派给本服务事项所属部门的网格员。",
        "Assign the task to a worker of the scenario's department.",
    ),
    "outside_assignee_area": Text(
        "该网格员的负责区域不包含工单所在网格。请选择负责该网格的网格员。",
        "The worker's area does not contain the task's grid; choose a worker of that grid.",
    ),
}

STATUS_NAMES = {
    "open": Text("待分派", "open"),
    "assigned": Text("已分派", "assigned"),
    "in_progress": Text("办理中", "in progress"),
    "done": Text("已办结", "done"),
    "cancelled": Text("已撤销", "cancelled"),
}
ACTION_NAMES = {
    "assign": Text("分派", "be assigned"),
    "start": Text("开始办理", "be started"),
    "complete": Text("办结", "be completed"),
    "cancel": Text("撤销", "be cancelled"),
}

MESSAGES: dict[str, Text] = {
    "problem.task-not-found.title": Text("找不到工单", "Task not found"),
    "problem.task-not-found.detail": REASONS["not_found"],
    "problem.task-forbidden.title": Text("无权操作该工单", "Not allowed on this task"),
    "problem.task-forbidden.detail": REASONS["not_manager"],
    "problem.task-conflict.title": Text("工单状态冲突", "Task conflict"),
    "problem.task-conflict.detail": Text(
        "工单已被其他人更改。请刷新后重试。", "Someone else changed the task; reload and retry."
    ),
    "problem.task-refused.title": Text("工单无法办理", "Task not accepted"),
    "problem.task-refused.detail": Text(
        "工单无法按要求创建或分派。", "The task cannot be created or assigned as asked."
    ),
    "problem.task-unknown.title": Text("找不到所指对象", "Nothing by that name"),
    "problem.task-unknown.detail": Text(
        "请求中的服务事项、对象、工作人员或网格不存在。",
        "The scenario, subject, staff member or grid named does not exist.",
    ),
    **{f"tasks.reason.{key}": text for key, text in REASONS.items()},
    **{f"tasks.status.{key}": text for key, text in STATUS_NAMES.items()},
    **{f"tasks.action.{key}": text for key, text in ACTION_NAMES.items()},
}


def task_problem(error: TaskError, language: str = "zh") -> Problem:
    """The problem a refused task operation is answered with."""
    kind = TASK_UNKNOWN if error.reason in UNKNOWN else TASK_REFUSED
    values: dict[str, object] = {}
    if isinstance(error, TaskNotFoundError):
        kind = TASK_NOT_FOUND
    elif isinstance(error, TaskForbiddenError):
        kind = TASK_FORBIDDEN
    elif isinstance(error, IllegalTransitionError):
        kind = TASK_CONFLICT
        values = {
            "state": _name(STATUS_NAMES, error.status, language),
            "action": _name(ACTION_NAMES, error.action, language),
        }
    elif isinstance(error, TaskConflictError):
        kind = TASK_CONFLICT
        values = {"reference": error.reference}
    detail = f"tasks.reason.{error.reason}" if error.reason in REASONS else None
    return Problem(kind, detail=detail, values=values)


def _name(names: dict[str, Text], key: str, language: str) -> str:
    found = names.get(key)
    if found is None:
        return key  # "changed": a concurrent change, named as it is
    return found.zh if language == "zh" else found.en


def audit_signer(request: Request) -> Signer:
    """The app's audit checkpoint signer (the one `frontline.web.audit_signer` loads), so task
    transitions are checkpointed like reads."""
    return app_signer(request)
