"""The roles a staff account can hold (product brief §2)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role; its value is what configuration files and tokens spell."""

    ADMINISTRATOR = "administrator"
    DATA_STEWARD = "data_steward"
    DEPARTMENT_MANAGER = "department_manager"
    WORKER = "worker"
    WINDOW_CLERK = "window_clerk"
    AUDITOR = "auditor"

    @property
    def label_zh(self) -> str:
        """The role's name as Chinese users read it."""
        return _LABELS_ZH[self]


_LABELS_ZH = {
    Role.ADMINISTRATOR: "系统管理员",
    Role.DATA_STEWARD: "数据管理员",
    Role.DEPARTMENT_MANAGER: "业务部门管理员",
    Role.WORKER: "网格员",
    Role.WINDOW_CLERK: "窗口人员",
    Role.AUDITOR: "审计员",
}
