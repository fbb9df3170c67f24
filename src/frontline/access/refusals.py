"""Why the access policy refuses a read: a code for machines, sentences for people.

Each reason has an HTTP status (the web layer answers with it) and a title and a detail in
Chinese and English that say what happened and what the reader can do. No message holds
personal data: they are the same for every subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why a read was refused."""

    ROLE = "role_not_allowed"
    DEPARTMENT = "department_mismatch"
    SCENARIO_UNKNOWN = "scenario_unknown"
    NOT_COUNTER = "not_a_counter_scenario"
    TASK_NOT_ASSIGNED = "task_not_assigned_to_you"
    TASK_NOT_OPEN = "task_not_open"
    SUBJECT_MISMATCH = "subject_mismatch"
    SUBJECT_UNKNOWN = "subject_not_found"
    WRONG_ENTITY_TYPE = "wrong_entity_type"
    NOT_PLACED = "subject_not_placed"
    OUT_OF_SCOPE = "out_of_your_area"
    OUTSIDE_SCENARIO = "outside_scenario_area"
    GRANT_UNKNOWN = "grant_not_found"
    GRANT_NOT_YOURS = "grant_not_yours"
    GRANT_EXPIRED = "grant_expired"
    INVALID_ID_NUMBER = "invalid_id_number"

    @property
    def slug(self) -> str:
        """The problem type's slug: `/problems/<slug>`."""
        return self.value.replace("_", "-")

    @property
    def status(self) -> int:
        """The HTTP status a refusal for this reason answers with."""
        return _STATUS.get(self, 403)

    @property
    def message(self) -> Message:
        """What a person reads."""
        return MESSAGES[self]


@dataclass(frozen=True, slots=True)
class Message:
    """A refusal's title and detail, in Chinese and English."""

    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str


_STATUS = {
    Reason.SCENARIO_UNKNOWN: 404,
    Reason.SUBJECT_UNKNOWN: 404,
    Reason.GRANT_UNKNOWN: 404,
    Reason.INVALID_ID_NUMBER: 422,
}

MESSAGES = {
    Reason.ROLE: Message(
        "角色不允许此用途",
        "Your role does not allow this",
        "您的角色不在该服务事项允许的角色之内，不能为此读取个人数据。如确有需要，请联系业务部门管理员。",
        "The scenario does not list any of your roles, so you cannot read personal data for it. "
        "Ask your department manager if you need to.",
    ),
    Reason.DEPARTMENT: Message(
        "不属于本部门的服务事项",
        "Not your department's scenario",
        "该服务事项属于其他部门，您不能为此读取个人数据。",
        "The scenario belongs to another department; you cannot read personal data for it.",
    ),
    Reason.SCENARIO_UNKNOWN: Message(
        "服务事项不存在",
        "No such scenario",
        "没有这个服务事项。请从服务事项列表中选择。",
        "There is no such scenario. Choose one from the list of scenarios.",
    ),
    Reason.NOT_COUNTER: Message(
        "不是窗口服务事项",
        "Not a counter scenario",
        "该服务事项不能在窗口按身份证号查询。请选择窗口服务事项。",
        "This scenario does not allow a lookup by ID number at the counter. Choose a counter "
        "scenario.",
    ),
    Reason.TASK_NOT_ASSIGNED: Message(
        "工单未分派给您",
        "Not your task",
        "只有工单的承办人才能查看其对象的数据。如需接手，请业务部门管理员把工单分派给您。",
        "Only the worker a task is assigned to reads its subject. Ask your department manager "
        "to assign it to you.",
    ),
    Reason.TASK_NOT_OPEN: Message(
        "工单未在办理中",
        "Task not in progress",
        "工单尚未分派，或已完成、已取消，不能再查看其对象的数据。",
        "The task is not assigned yet, or it is done or cancelled: its subject can no longer "
        "be read.",
    ),
    Reason.SUBJECT_MISMATCH: Message(
        "对象不符",
        "Wrong subject",
        "所请求的对象不是该用途所针对的对象。",
        "The subject asked for is not the one this purpose is about.",
    ),
    Reason.SUBJECT_UNKNOWN: Message(
        "查无此人",
        "No such person or enterprise",
        "主题数据库中没有对应的人员或市场主体。请核对号码后重试；如确认无误，可按无档案情形办理。",
        "The thematic store holds no such person or enterprise. Check the number and try "
        "again; if it is right, proceed as for someone without a record.",
    ),
    Reason.WRONG_ENTITY_TYPE: Message(
        "对象类型不符",
        "Wrong kind of subject",
        "该服务事项针对另一类对象（人员或市场主体）。",
        "The scenario is about another kind of subject (person or enterprise).",
    ),
    Reason.NOT_PLACED: Message(
        "对象未落入网格",
        "Subject not placed in a grid",
        "该对象的住址尚未对应到任何网格，无法判断是否在您的辖区内，因此不能查看。请联系数据管理员处理地址。",
        "The subject's address is not placed in any grid, so whether it lies in your area "
        "cannot be told and it cannot be read. Ask the data steward to resolve the address.",
    ),
    Reason.OUT_OF_SCOPE: Message(
        "不在您的辖区内",
        "Outside your area",
        "该对象所在网格不在您的工作区域内，您不能查看其数据。",
        "The subject lives in a grid outside your area; you cannot read their data.",
    ),
    Reason.OUTSIDE_SCENARIO: Message(
        "不在服务事项的适用区域内",
        "Outside the scenario's areas",
        "该对象所在网格不在此服务事项的适用区域内。",
        "The subject lives outside the areas where this scenario applies.",
    ),
    Reason.GRANT_UNKNOWN: Message(
        "紧急授权不存在",
        "No such break-glass grant",
        "没有这个紧急授权。请先申请紧急授权。",
        "There is no such break-glass grant. Request one first.",
    ),
    Reason.GRANT_NOT_YOURS: Message(
        "不是您的紧急授权",
        "Not your grant",
        "紧急授权只能由申请人本人使用。",
        "A break-glass grant is used only by the member it was granted to.",
    ),
    Reason.GRANT_EXPIRED: Message(
        "紧急授权已过期",
        "Grant expired",
        "紧急授权已过期。如仍有紧急需要，请重新申请并说明理由。",
        "The break-glass grant has expired. If the emergency continues, request a new one "
        "with its justification.",
    ),
    Reason.INVALID_ID_NUMBER: Message(
        "身份证号码无效",
        "Invalid ID number",
        "该号码不是有效的公民身份号码（长度、出生日期或校验位不符）。请对照证件重新输入。",
        "This is not a valid resident ID number (its length, birth date or check character "
        "is wrong). Type it again from the card.",
    ),
}
