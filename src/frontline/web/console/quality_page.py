"""The console's data quality page: scores and open issues by department, as charts and a table."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from frontline.quality import SCORE_DIMENSIONS, SEVERITIES, SEVERITY_LABELS
from frontline.quality.charts import (
    NO_SCORE,
    SCORE_BANDS,
    SEVERITY_COLOURS,
    Bar,
    Bilingual,
    ScoreRow,
    issue_bars,
    score_heatmap,
)
from frontline.web.catalogue import Language, Text
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import CONSOLE_PATH, ConsoleUser, console_roles
from frontline.web.department_quality import (
    READERS,
    DepartmentQuality,
    QualityOverview,
    department_quality,
    sees_every_department,
)
from frontline.web.deps import ConnectionDep
from frontline.web.features import Feature
from frontline.web.language import of_page
from frontline.web.navigation import NavEntry

ReaderDep = Annotated[ConsoleUser, Depends(console_roles(*READERS))]

MESSAGES = {
    "quality.title": Text("数据质量", "Data quality"),
    "quality.intro": Text(
        "各部门数据在最近一次整合中的质量评分和待处理问题。问题已分派给拥有数据的部门处理。",
        "The quality of each department's data in the latest integration: scores and open "
        "issues, each routed to the department that owns the data.",
    ),
    "quality.own": Text(
        "仅显示本部门（{department}）的数据。", "Only your department ({department}) is shown."
    ),
    "quality.run": Text("整合运行 #{run}", "Integration run #{run}"),
    "quality.as_of": Text("数据截至 {date}", "data as of {date}"),
    "quality.none": Text(
        "还没有已发布的数据整合结果。请数据管理员运行数据整合（frontline integrate）后再查看。",
        "Nothing has been published yet. Ask the data steward to run the integration "
        "(frontline integrate), then come back.",
    ),
    "quality.no_department": Text(
        "最近一次整合中没有本部门的数据。", "The latest integration has no data of your department."
    ),
    "quality.scores": Text("质量评分", "Quality scores"),
    "quality.scores_hint": Text(
        "四项评分均为 0–100%，越高越好；100.0% 表示全部符合。",
        "Four scores, each 0–100%, higher is better; 100.0% means every value.",
    ),
    "quality.issues": Text("待处理问题（按类型）", "Open issues by type"),
    "quality.table": Text("各部门的问题", "Issues by department"),
    "quality.department": Text("部门", "Department"),
    "quality.total": Text("合计", "Total"),
    "quality.no_issues": Text("没有待处理的问题。", "No open issues."),
    "quality.not_scored": Text("未评分", "not scored"),
}


def router() -> APIRouter:
    """`GET /console/quality`."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/quality")
    def quality(
        request: Request, pages: PagesDep, user: ReaderDep, connection: ConnectionDep
    ) -> Response:
        """Scores and open issues by department."""
        overview = department_quality(connection, user.principal)
        language = of_page(request)
        titles = (
            pages.catalogue.text("quality.scores", language),
            pages.catalogue.text("quality.issues", language),
        )
        return pages.render(
            request,
            "quality/page.html",
            user=user,
            overview=overview,
            every_department=sees_every_department(user.principal),
            **_charts(overview, language, *titles),
        )

    return console


def _charts(
    overview: QualityOverview, language: Language, scores: str, issues: str
) -> dict[str, Any]:
    """The charts, legends and issue table of the page, labelled in `language`."""

    def label(zh: str, en: str) -> Bilingual:
        # Chinese pages keep the English name below, as the printed report does.
        return Bilingual(zh, en) if language == "zh" else Bilingual(en)

    columns = [label(d.label_zh, d.label_en) for d in SCORE_DIMENSIONS]
    rows = [
        ScoreRow(Bilingual(d.name, _key_note(d)), _scores(d), _rows(d))
        for d in overview.departments
    ]
    bars = [Bar(label(k.label_zh, k.label_en), k.count, k.severity) for k in overview.issue_types]
    kinds = [k for k in overview.issue_types if k.count]
    return {
        "score_chart": score_heatmap(columns, rows, scores) if rows else "",
        "issue_chart": issue_bars(bars, issues) if bars else "",
        "bands": [(fill, legend) for _, fill, _, legend in SCORE_BANDS],
        "not_scored_colour": NO_SCORE[0],
        "severities": [
            (
                SEVERITY_COLOURS[s],
                SEVERITY_LABELS[s].zh if language == "zh" else SEVERITY_LABELS[s].en,
            )
            for s in SEVERITIES
        ],
        "table": {
            "columns": [
                (k.label_zh if language == "zh" else k.label_en, SEVERITY_COLOURS.get(k.severity))
                for k in kinds
            ],
            "rows": [
                (d.name, d.key, [_count(d, k.type) for k in kinds], d.issues_total)
                for d in overview.departments
                if d.issues_total
            ],
            "totals": [k.count for k in kinds],
            "total": sum(k.count for k in kinds),
        },
    }


def _key_note(department: DepartmentQuality) -> str:
    return department.key if department.name != department.key else ""


def _scores(department: DepartmentQuality) -> list[float | None]:
    s = department.scores
    if s is None:
        return [None] * len(SCORE_DIMENSIONS)
    return [s.completeness, s.validity, s.consistency, s.timeliness]


def _rows(department: DepartmentQuality) -> int | None:
    return department.scores.rows if department.scores else None


def _count(department: DepartmentQuality, kind: str) -> int:
    return sum(i.count for i in department.issues if i.type == kind)


def feature() -> Feature:
    """Data quality in the console."""
    return Feature(
        name="console-quality",
        routers=(router(),),
        navigation=(
            NavEntry(
                "quality",
                Text("数据质量", "Data quality"),
                f"{CONSOLE_PATH}/quality",
                READERS,
                description=Text(
                    "各部门的数据质量评分和待处理问题。",
                    "Each department's data quality scores and open issues.",
                ),
                order=50,
            ),
        ),
        messages=MESSAGES,
    )
