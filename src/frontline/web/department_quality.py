"""What a staff member may see of the data quality report: every department's scores and
open issues for the data steward and the administrator, their own for a department manager.

Read from the thematic store through `frontline.quality.build_report` — the same numbers as
the printed report — and shaped for the API and the console page alike.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from frontline.quality import ReportError, build_report
from frontline.quality.charts import severity_order
from frontline.quality.document import Department, IssueTypeEntry, Report
from frontline.staff.principal import Principal
from frontline.staff.roles import Role

READERS = frozenset({Role.DATA_STEWARD, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
"""Who may read data quality at all."""
_EVERY_DEPARTMENT = frozenset({Role.DATA_STEWARD, Role.ADMINISTRATOR})


class Scores(BaseModel):
    """A department's four scores (0–1) from the latest run that scored it."""

    completeness: float
    validity: float
    consistency: float
    timeliness: float
    rows: int = Field(description="Input rows the scores were computed over.")
    run_id: int


class IssueCount(BaseModel):
    """Open issues of one type."""

    type: str
    severity: str
    label_zh: str
    label_en: str
    count: int


class DepartmentQuality(BaseModel):
    """One department's scores and open issues."""

    key: str
    name: str
    scores: Scores | None = Field(description="None when no run scored the department.")
    issues: list[IssueCount] = Field(description="Open issues by type (types with none left out).")
    issues_total: int


class RunInfo(BaseModel):
    """The published integration run the figures come from."""

    id: int
    finished_at: datetime | None
    as_of: str | None = Field(description="The date the departments' data was extracted.")


class QualityOverview(BaseModel):
    """Scores and open issues per department, and the issue totals by type over them."""

    run: RunInfo | None = Field(description="None when nothing was published yet.")
    departments: list[DepartmentQuality]
    issue_types: list[IssueCount] = Field(
        description="Every issue type, summed over the departments shown, most urgent first."
    )


def sees_every_department(principal: Principal) -> bool:
    """Whether `principal` reads every department's quality, not only their own."""
    return bool(_EVERY_DEPARTMENT & principal.roles)


def department_quality(connection: Connection, principal: Principal) -> QualityOverview:
    """The quality figures `principal` may see (callers check `READERS` first)."""
    try:
        report = build_report(Session(bind=connection))
    except ReportError:
        return QualityOverview(run=None, departments=[], issue_types=[])
    shown = [
        d
        for d in report["departments"]
        if sees_every_department(principal) or d["key"] == principal.department
    ]
    return QualityOverview(
        run=_run(report),
        departments=[_department(d, report) for d in shown],
        issue_types=_totals(shown, report),
    )


def _run(report: Report) -> RunInfo:
    run = report["run"]
    finished = datetime.fromisoformat(run["finished_at"]) if run["finished_at"] else None
    return RunInfo(id=run["id"], finished_at=finished, as_of=run["as_of"])


def _department(department: Department, report: Report) -> DepartmentQuality:
    scores = department["scores"]
    counts = department["issues"]
    issues = [
        IssueCount(
            type=kind["key"],
            severity=kind["severity"],
            label_zh=kind["label_zh"],
            label_en=kind["label_en"],
            count=counts[kind["key"]],
        )
        for kind in _ordered_types(report)
        if counts.get(kind["key"])
    ]
    return DepartmentQuality(
        key=department["key"],
        name=department["name"],
        scores=None if scores is None else Scores.model_validate(scores),
        issues=issues,
        issues_total=department["issues_total"],
    )


def _totals(departments: list[Department], report: Report) -> list[IssueCount]:
    return [
        IssueCount(
            type=kind["key"],
            severity=kind["severity"],
            label_zh=kind["label_zh"],
            label_en=kind["label_en"],
            count=sum(d["issues"].get(kind["key"], 0) for d in departments),
        )
        for kind in _ordered_types(report)
    ]


def _ordered_types(report: Report) -> list[IssueTypeEntry]:
    # Stable: within a severity, the registry's order (the order reports use).
    return sorted(report["issue_types"], key=lambda k: severity_order(k["severity"]))
