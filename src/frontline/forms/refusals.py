"""Why the forms services refuse: one code per reason, with what a person reads about it.

A worker reads these on the phone after a sync, a manager in the console: each message says
what happened and what to do, in Chinese first, then English. `{placeholders}` are filled
with form ids, versions and references — never with anything about a resident.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple

from frontline.forms.validation import FieldError


class Refusal(StrEnum):
    """Why a forms operation was refused."""

    TASK_NOT_FOUND = "task_not_found"
    TASK_NOT_ASSIGNED = "task_not_assigned"
    TASK_CANCELLED = "task_cancelled"
    FORM_NOT_IN_SCENARIO = "form_not_in_scenario"
    FORM_OUTDATED = "form_outdated"
    SUBMISSION_CONFLICT = "submission_conflict"
    SUBMISSION_INVALID = "submission_invalid"
    FORM_UNKNOWN = "form_unknown"
    FORM_VERSION_TAKEN = "form_version_taken"
    FORM_NOT_YOURS = "form_not_yours"
    NOT_AN_UPLOADER = "not_an_uploader"
    NOT_A_REVIEWER = "not_a_reviewer"
    CHANGE_NOT_FOUND = "change_not_found"
    CHANGE_STALE = "change_stale"
    CHANGE_DECIDED = "change_decided"
    REASON_INVALID = "reason_invalid"

    @property
    def slug(self) -> str:
        """The problem type's slug: `/problems/<slug>`."""
        return self.value.replace("_", "-")

    @property
    def message(self) -> Message:
        """The status and what a person reads."""
        return MESSAGES[self]


class Message(NamedTuple):
    """A refusal's status, title and detail in Chinese and English."""

    status: int
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str


MESSAGES: dict[Refusal, Message] = {
    Refusal.TASK_NOT_FOUND: Message(
        404,
        "找不到工单",
        "Task not found",
        "没有工单 {task}。请在手机上同步工单列表后再提交。",
        "There is no task {task}. Sync the task list on the phone, then send it again.",
    ),
    Refusal.TASK_NOT_ASSIGNED: Message(
        403,
        "工单未分派给您",
        "Not your task",
        "工单 {task} 没有分派给您（可能已改派他人）。请联系部门管理员，记录仍保存在手机上。",
        "Task {task} is not assigned to you (it may have been given to someone else). Ask "
        "your department manager; the record stays on the phone.",
    ),
    Refusal.TASK_CANCELLED: Message(
        409,
        "工单已撤销",
        "Task cancelled",
        "工单 {task} 已撤销，不再接收采集记录。如仍需提交，请联系部门管理员。",
        "Task {task} was cancelled and takes no more records. Ask your department manager if "
        "it must still be sent.",
    ),
    Refusal.FORM_NOT_IN_SCENARIO: Message(
        422,
        "表单不属于该工单",
        "Form not used by this task",
        "工单 {task} 的服务事项不使用表单 {form_id}。请用工单所带的表单填写。",
        "The scenario of task {task} does not use the form {form_id}. Fill in the form that "
        "came with the task.",
    ),
    Refusal.FORM_OUTDATED: Message(
        409,
        "表单版本已停用",
        "Form version out of use",
        "表单 {form_id} 的版本 {version} 已停用或不存在，当前版本为 {current}。请同步工单后用"
        "当前版本重新填写并提交。",
        "Version {version} of the form {form_id} is out of use or unknown; the current version "
        "is {current}. Sync the task, fill in the current version and send it again.",
    ),
    Refusal.SUBMISSION_CONFLICT: Message(
        409,
        "提交编号冲突",
        "Submission id already used",
        "编号为 {client_id} 的记录已经以不同内容提交过，服务器保留第一次的内容。请不要修改已提交的"
        "记录；如需更正，请新建一条记录。",
        "A record with the id {client_id} was sent before with other content; the server "
        "keeps the first. Do not edit a record once sent: make a new one to correct it.",
    ),
    Refusal.SUBMISSION_INVALID: Message(
        422,
        "采集记录有误",
        "The record has errors",
        "记录中有 {count} 处需要更正，请按 errors 的说明修改后重新提交。",
        "The record has {count} answer(s) to correct, as `errors` explains; correct them and "
        "send it again.",
    ),
    Refusal.FORM_UNKNOWN: Message(
        404,
        "找不到表单",
        "Form not found",
        "没有表单 {form_id}（或该版本）。请从表单列表中选择。",
        "There is no form {form_id} (or no such version of it). Choose one from the list.",
    ),
    Refusal.FORM_VERSION_TAKEN: Message(
        409,
        "表单版本号已被使用",
        "Form version already registered",
        "表单 {form_id} 的版本 {version} 已登记为不同的内容，已登记的版本不能更改。请在 settings "
        "表中改用新的版本号（如 {suggestion}）后重新上传。",
        "Version {version} of the form {form_id} is registered with other content, and a "
        "registered version never changes. Give the form a new version in its settings sheet "
        "(such as {suggestion}) and upload it again.",
    ),
    Refusal.FORM_NOT_YOURS: Message(
        403,
        "不是本部门的表单",
        "Not your department's form",
        "表单 {form_id} 属于其他部门的服务事项。只有系统管理员，或使用该表单的服务事项所属部门的"
        "管理员，可以上传或导出它。",
        "The form {form_id} belongs to another department's scenario. Only an administrator, "
        "or a manager of the department whose scenario uses the form, uploads or exports it.",
    ),
    Refusal.NOT_AN_UPLOADER: Message(
        403,
        "无权上传或导出表单",
        "Not allowed to upload or export forms",
        "只有系统管理员和业务部门管理员可以上传表单、导出采集记录。",
        "Only administrators and department managers upload forms and export their records.",
    ),
    Refusal.NOT_A_REVIEWER: Message(
        403,
        "无权审核变更",
        "Not a reviewer",
        "只有业务部门管理员可以审核采集记录提出的变更。",
        "Only department managers review the changes that field records propose.",
    ),
    Refusal.CHANGE_NOT_FOUND: Message(
        404,
        "找不到变更请求",
        "Change request not found",
        "没有变更请求 {change}。请刷新列表。",
        "There is no change request {change}. Reload the list.",
    ),
    Refusal.CHANGE_STALE: Message(
        409,
        "主题库中的值已变化",
        "The record has changed",
        "提出变更 {change} 之后，主题库中该字段的值已被更改。请重新查看变更请求中的当前值后再决定；"
        "如仍要接受，请在 confirm_current 中填写您看到的当前值。",
        "The field's value in the record changed after change {change} was proposed. Open the "
        "change request again to see the current value and decide again; to accept it still, "
        "send the current value you saw as confirm_current.",
    ),
    Refusal.CHANGE_DECIDED: Message(
        409,
        "变更已处理",
        "Change already decided",
        "变更请求 {change} 已经处理过（已接受、已驳回或已被其他变更取代），不能再次处理。",
        "Change request {change} is decided already (accepted, rejected or superseded by "
        "another); it cannot be decided again.",
    ),
    Refusal.REASON_INVALID: Message(
        422,
        "请填写驳回理由",
        "A reason is needed",
        "请填写驳回理由（2 至 500 个字），采集人员会看到它。",
        "Give the reason for rejecting (2 to 500 characters); the worker will read it.",
    ),
}


class FormsRefused(Exception):  # noqa: N818 - a refusal, not a fault
    """A forms operation refused for `reason`; `values` fill its message's placeholders."""

    def __init__(self, reason: Refusal, **values: object) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.values: Mapping[str, object] = values


class SubmissionInvalid(FormsRefused):
    """A submission whose answers are wrong: every error, at its path, in zh and en."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(Refusal.SUBMISSION_INVALID, count=len(errors))
        self.errors = errors


class VersionOutdated(FormsRefused):
    """A submission of a form version that is retired past its grace period, or unknown."""

    def __init__(self, form_id: str, version: str, current: str | None) -> None:
        super().__init__(
            Refusal.FORM_OUTDATED, form_id=form_id, version=version, current=current or "—"
        )
        self.current = current
