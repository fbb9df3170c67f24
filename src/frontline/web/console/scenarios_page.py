"""The console's scenarios pages (read-only): every scenario in force, and one with each field
it uses and how that field is masked."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from frontline.access.masking import MaskRule
from frontline.integrate.fields import entity_types
from frontline.scenarios import current_scenario, list_scenarios
from frontline.web.catalogue import Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUserDep
from frontline.web.deps import ConnectionDep
from frontline.web.features import Feature
from frontline.web.navigation import NavEntry
from frontline.web.problems import NOT_FOUND, Problem
from frontline.web.routes.scenarios import router as api_router

MASKING = {
    MaskRule.FULL: Text("完整显示", "shown in full"),
    MaskRule.MASK: Text("部分遮蔽", "partly masked"),
    MaskRule.LAST4: Text("仅显示后四位", "last four only"),
    MaskRule.YEAR: Text("仅显示年份", "year only"),
    MaskRule.HIDDEN: Text("不显示（仅知有无）", "hidden (only whether there is one)"),
}

MESSAGES = {
    "scenarios.title": Text("服务事项", "Scenarios"),
    "scenarios.intro": Text(
        "每个服务事项声明其目的、所属部门、所需的确切字段及其遮蔽方式。工作人员只能看到服务事项声明的字段。",
        "Each scenario declares its purpose, department, and exactly which fields it needs and "
        "how each is masked. Staff see no other field.",
    ),
    "scenarios.key": Text("代码", "Key"),
    "scenarios.name": Text("名称", "Name"),
    "scenarios.department": Text("所属部门", "Department"),
    "scenarios.entity": Text("对象类型", "Subject type"),
    "scenarios.version": Text("版本", "Version"),
    "scenarios.counter": Text("窗口服务", "Counter service"),
    "scenarios.none": Text("还没有登记服务事项。", "No scenario is registered yet."),
    "scenarios.purpose": Text("目的", "Purpose"),
    "scenarios.basis": Text("依据", "Basis"),
    "scenarios.fields": Text("使用的字段", "Fields used"),
    "scenarios.field": Text("字段", "Field"),
    "scenarios.masking": Text("遮蔽方式", "Masking"),
    "scenarios.roles": Text("可使用的角色", "Roles that may use it"),
    "scenarios.areas": Text("适用区域", "Areas"),
    "scenarios.retention": Text("终端保留时限", "Kept on a device for at most"),
    "scenarios.hours": Text("{hours} 小时", "{hours} hours"),
    "scenarios.forms": Text("表单", "Forms"),
    "scenarios.back": Text("返回服务事项列表", "Back to the scenarios"),
    **{f"scenarios.mask.{rule.value}": text for rule, text in MASKING.items()},
}


def router() -> APIRouter:
    """`/console/scenarios` and `/console/scenarios/{key}`."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/scenarios")
    def scenarios(
        request: Request, pages: PagesDep, user: ConsoleUserDep, connection: ConnectionDep
    ) -> Response:
        """Every scenario in force."""
        return pages.render(request, "scenarios/list.html", user=user,
                            scenarios=list_scenarios(connection))  # fmt: skip

    @console.get("/scenarios/{key}")
    def scenario(
        request: Request,
        pages: PagesDep,
        user: ConsoleUserDep,
        connection: ConnectionDep,
        key: str,
    ) -> Response:
        """One scenario: each field and its masking."""
        found = current_scenario(connection, key) if len(key) <= 64 else None
        if found is None:
            raise Problem(NOT_FOUND)
        entity = entity_types()[found.entity_type]
        labels = {}
        for name in found.fields:
            field = entity.field(name)
            labels[name] = field.label_zh if field is not None else name
        return pages.render(request, "scenarios/detail.html", user=user, scenario=found,
                            labels=labels,
                            hours=int(found.retention.total_seconds() // 3600))  # fmt: skip

    return console


def feature() -> Feature:
    """Scenarios: the API and the console pages (every signed-in member reads them)."""
    return Feature(
        name="scenarios",
        routers=(api_router(), router()),
        navigation=(
            NavEntry(
                "scenarios",
                Text("服务事项", "Scenarios"),
                f"{CONSOLE_PATH}/scenarios",
                description=Text(
                    "各服务事项的目的、字段和遮蔽方式。",
                    "What each scenario is for, its fields and their masking.",
                ),
                order=20,
            ),
        ),
        messages=MESSAGES,
    )
