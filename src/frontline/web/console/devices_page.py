"""The console's Devices page: issue an enrolment code (text and QR code) for a worker, the
devices with their posture and last check-in, lock / wipe / revoke, and the inventory of
which subjects' data is on which device now.

Administrators act; auditors (the security officers) read. No scripts: forms post and the
server answers with a page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import segno
from fastapi import APIRouter, Depends, Form, Path, Request
from sqlalchemy import Connection
from starlette.responses import Response

from frontline.access.policy import in_scope
from frontline.devices.enrolment import DEVICE_ROLES, issue_enrolment_code
from frontline.devices.errors import MESSAGES as REFUSALS
from frontline.devices.errors import DeviceError
from frontline.devices.packages import inventory
from frontline.devices.registry import VIEWERS, DeviceInfo, issue_command, list_devices
from frontline.integrate.fields import entity_types
from frontline.staff.accounts import list_staff
from frontline.staff.roles import Role
from frontline.web.catalogue import Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUser, console_roles
from frontline.web.deps import ConnectionDep, NowDep
from frontline.web.device_auth import device_problem
from frontline.web.features import Feature
from frontline.web.language import of_page
from frontline.web.navigation import NavEntry
from frontline.web.routes.devices import APP_PATH

ViewerDep = Annotated[ConsoleUser, Depends(console_roles(*VIEWERS))]
AdministratorDep = Annotated[ConsoleUser, Depends(console_roles(Role.ADMINISTRATOR))]
DEVICES_PATH = f"{CONSOLE_PATH}/devices"
_FORM_LIMIT = 2048


def router() -> APIRouter:
    """`/console/devices` and its forms."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/devices")
    def devices(
        request: Request,
        pages: PagesDep,
        user: ViewerDep,
        connection: ConnectionDep,
        now: NowDep,
    ) -> Response:
        """Devices, the data on them, and (for administrators) the enrolment form."""
        principal = user.principal
        held = inventory(connection, principal, now=now)
        lang = of_page(request)
        workers = [
            account
            for account in list_staff(connection)
            if account.active
            and DEVICE_ROLES & account.roles
            and in_scope(principal.area, account.area)
        ]
        return pages.render(
            request,
            "devices/page.html",
            user=user,
            devices=list_devices(connection, principal, now=now),
            held=[(item, _labels(item.subject_type, item.fields, lang)) for item in held],
            workers=workers,
            manages=Role.ADMINISTRATOR in principal.roles,
            now=now,
            issued=None,
            qr=None,
        )

    @console.post("/devices/enrolments")
    def enrolment(
        request: Request,
        pages: PagesDep,
        user: AdministratorDep,
        connection: ConnectionDep,
        now: NowDep,
        staff_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Issue a code and show it once, with its QR code."""
        pages.check_csrf(request, csrf_token)
        try:
            issued = issue_enrolment_code(connection, user.principal, staff_id=staff_id, now=now)
        except DeviceError as error:
            raise device_problem(error) from None
        link = f"{str(request.base_url).rstrip('/')}{APP_PATH}?enrol={issued.code}"
        qr = segno.make(link, error="m").svg_inline(scale=6, title=issued.code)
        response = pages.render(
            request, "devices/code.html", user=user, issued=issued, link=link, qr=qr
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @console.post("/devices/{device_id}/{kind}")
    def command(
        request: Request,
        pages: PagesDep,
        user: AdministratorDep,
        connection: ConnectionDep,
        now: NowDep,
        device_id: Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9_-]+$")],
        kind: Literal["lock", "wipe", "revoke"],
        reason: Annotated[str, Form(max_length=500)] = "",
        confirmed: Annotated[str, Form(max_length=8)] = "",
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Lock, wipe or revoke, then back to the list. A wipe of a phone whose last check-in
        reported forms or task steps not yet sent asks first: they are lost with it."""
        pages.check_csrf(request, csrf_token)
        if kind == "wipe" and confirmed != "yes":
            device = _device(connection, user, device_id, now)
            if device is not None and (device.forms_unsent or device.steps_unsent):
                return pages.render(
                    request, "devices/confirm_wipe.html", user=user, device=device, reason=reason
                )
        try:
            issue_command(
                connection, user.principal, device_id, kind, reason=reason or None, now=now
            )
        except DeviceError as error:
            raise device_problem(error) from None
        return pages.redirect(request, f"{DEVICES_PATH}#device-{device_id}")

    return console


def _device(
    connection: Connection, user: ConsoleUser, device_id: str, now: datetime
) -> DeviceInfo | None:
    """The device `device_id` as the administrator's list shows it, or None."""
    found = list_devices(connection, user.principal, now=now, device_id=device_id)
    return found[0] if found else None


def _labels(entity_type: str, fields: list[str], lang: str) -> str:
    """The fields' names as a reader of `lang` knows them."""
    entity = entity_types().get(entity_type)
    if entity is None or lang != "zh":
        return ", ".join(fields)
    named = [entity.field(name) for name in fields]
    return "、".join(f.label_zh if f else name for f, name in zip(named, fields, strict=True))


def feature() -> Feature:
    """The Devices page of the console."""
    return Feature(
        name="console-devices",
        routers=(router(),),
        navigation=(
            NavEntry(
                "devices",
                Text("移动终端", "Devices"),
                DEVICES_PATH,
                VIEWERS,
                description=Text(
                    "绑定网格员手机、锁定、擦除和停用；设备上现有哪些人的数据。",
                    "Enrol workers' phones; lock, wipe, revoke; whose data is on which device.",
                ),
                order=60,
            ),
        ),
        messages=messages(),
    )


def messages() -> dict[str, Text]:
    """The page's words."""
    found = {
        "devices.title": Text("移动终端", "Devices"),
        "devices.intro": Text(
            "网格员的手机绑定后才能接收工单数据。数据加密保存在手机上，工单完成、到期或擦除后删除，"
            "手机发回删除回执。",
            "A worker's phone receives task data only once enrolled. The data is kept "
            "encrypted on the phone and deleted when the task ends, expires or the phone is "
            "wiped; the phone sends a deletion receipt.",
        ),
        "devices.enrol": Text("绑定新手机", "Enrol a phone"),
        "devices.enrol_hint": Text(
            "为网格员生成一次性绑定码（24 小时内有效）。"
            "在手机上打开二维码中的链接，或在应用中输入绑定码。",
            "Make a one-time code for a worker (valid 24 hours). Open the QR code's link on "
            "the phone, or type the code into the app.",
        ),
        "devices.worker": Text("网格员", "Worker"),
        "devices.issue": Text("生成绑定码", "Make a code"),
        "devices.no_workers": Text("您的管辖范围内没有网格员。", "No worker in your area."),
        "devices.code_title": Text("绑定码", "Enrolment code"),
        "devices.code_for": Text("给 {name} 的绑定码", "Code for {name}"),
        "devices.code_once": Text(
            "绑定码只显示这一次，有效期至 {until} UTC，只能使用一次。",
            "The code is shown only now; it is valid until {until} UTC, once.",
        ),
        "devices.back": Text("返回移动终端列表", "Back to devices"),
        "devices.list": Text("已绑定的手机", "Enrolled phones"),
        "devices.none": Text("还没有绑定的手机。", "No phone is enrolled yet."),
        "devices.device": Text("设备", "Device"),
        "devices.status": Text("状态", "Status"),
        "devices.status.active": Text("正常", "active"),
        "devices.status.revoked": Text("已停用", "revoked"),
        "devices.status.wiped": Text("已擦除", "wiped"),
        "devices.enrolled": Text("绑定时间", "Enrolled"),
        "devices.check_in": Text("最近签到", "Last check-in"),
        "devices.never": Text("从未", "never"),
        "devices.app_version": Text("应用版本", "App version"),
        "devices.held": Text("手机上报的数据包", "Packages (reported)"),
        "devices.on_device": Text("服务器记录的数据包", "Packages (issued, not deleted)"),
        "devices.pending": Text("待执行指令", "Commands waiting"),
        "devices.unsent": Text("未上传（表单/步骤）", "Not sent (forms / steps)"),
        "devices.confirm_wipe": Text("确认擦除", "Confirm the wipe"),
        "devices.confirm_wipe_text": Text(
            "{name}（{worker}）最近一次签到时，手机上还有 {forms} 份填好的表单和 {steps} 个"
            "工单步骤没有上传。擦除会把它们和手机上的其他数据一起删除，无法恢复。"
            "如果手机还能联网，请先让网格员同步。",
            "At its last check-in, {name} ({worker}) still held {forms} finished forms and "
            "{steps} task steps not sent to the server. A wipe deletes them with everything "
            "else on the phone, for good. If the phone can still connect, have the worker sync "
            "first.",
        ),
        "devices.wipe_anyway": Text("仍然擦除", "Wipe anyway"),
        "devices.locked_now": Text("已锁屏", "locked"),
        "devices.reason": Text("原因", "Reason"),
        "devices.lock": Text("锁定", "Lock"),
        "devices.wipe": Text("擦除", "Wipe"),
        "devices.revoke": Text("停用（丢失）", "Revoke (lost)"),
        "devices.command.lock": Text("锁定", "lock"),
        "devices.command.wipe": Text("擦除", "wipe"),
        "devices.inventory": Text("设备上的数据", "Data on devices"),
        "devices.inventory_hint": Text(
            "已下发、未回执删除且未到期的数据包：哪些人的数据现在在哪部手机上。",
            "Packages issued, not receipted as deleted, not expired: whose data is on which "
            "phone now.",
        ),
        "devices.inventory_none": Text(
            "现在没有任何手机保存个人数据。", "No phone holds personal data now."
        ),
        "devices.task": Text("工单", "Task"),
        "devices.subject": Text("对象", "Subject"),
        "devices.scenario": Text("服务事项", "Scenario"),
        "devices.fields": Text("字段", "Fields"),
        "devices.issued": Text("下发", "Issued"),
        "devices.expires": Text("到期", "Expires"),
    }
    for reason, message in REFUSALS.items():
        found[f"devices.refusal.{reason}"] = Text(message.zh, message.en)
    return found
