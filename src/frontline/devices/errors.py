"""Why a device operation is refused: one reason code, with what a person reads about it."""

from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    """A refusal's status and its sentences in Chinese and English."""

    status: int
    zh: str
    en: str


MESSAGES: dict[str, Message] = {
    "not_administrator": Message(
        403, "只有管理员可以管理移动终端。", "Only an administrator manages devices."
    ),
    "staff_unknown": Message(
        404, "您的管辖范围内没有这个工作人员。", "No such staff member in your area."
    ),
    "staff_inactive": Message(
        409, "该工作人员的账号已停用。", "The staff member's account is inactive."
    ),
    "not_a_worker": Message(
        409, "只有网格员可以绑定移动终端。", "Only grid workers enrol devices."
    ),
    "code_invalid": Message(
        400,
        "绑定码无效、已使用或已过期，请向管理员重新申请。",
        "The enrolment code is wrong, used or expired; ask an administrator for a new one.",
    ),
    "key_mismatch": Message(
        400, "设备密钥与证明不一致。", "The proof was not made by the registered key."
    ),
    "key_in_use": Message(
        409, "这个设备密钥已经绑定过。", "A device with this key is enrolled already."
    ),
    "device_unknown": Message(
        401,
        "这部设备未绑定，请先用绑定码绑定。",
        "This device is not enrolled; enrol it with a code first.",
    ),
    "device_revoked": Message(
        403,
        "这部设备已被停用，设备上的数据已清除。请联系管理员。",
        "This device was revoked and its data is wiped. Contact an administrator.",
    ),
    "device_wiped": Message(
        403, "这部设备已清除数据，需要重新绑定。", "This device was wiped; enrol it again."
    ),
    "device_not_yours": Message(
        403, "这部设备绑定的是其他工作人员。", "This device is enrolled for another staff member."
    ),
    "device_unknown_id": Message(404, "没有这部设备。", "There is no such device."),
    "task_not_yours": Message(
        404, "没有分派给您的这个工单。", "There is no such task assigned to you."
    ),
    "command_unknown": Message(404, "没有这条指令。", "There is no such command."),
    "already_revoked": Message(409, "这部设备已经停用。", "The device is revoked already."),
}


class DeviceError(Exception):
    """A device operation refused, for `reason` (a key of `MESSAGES`)."""

    def __init__(self, reason: str) -> None:
        if reason not in MESSAGES:
            raise ValueError(f"unknown device refusal {reason!r}")
        super().__init__(MESSAGES[reason].en)
        self.reason = reason

    @property
    def status(self) -> int:
        """The HTTP status the refusal answers with."""
        return MESSAGES[self.reason].status
