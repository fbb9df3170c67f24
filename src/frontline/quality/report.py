"""The data quality report: what the latest published run says about each department's data.

`build_report` reads the thematic store — the latest published run's summary (row accounting,
conflicts between departments, notes), the open quality issues and each department's latest
scores — into one JSON-able dict; `render_html` turns that dict into one self-contained page.

    report = load_report(database_url(os.environ))   # ReportError if there is nothing to show
    html_path, json_path = write_report(report, Path("var/quality"))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from frontline.quality.document import (
    REPORT_FORMAT,
    Conflict,
    Department,
    IssueTypeEntry,
    Report,
    SourceEntry,
)
from frontline.quality.issue_types import ISSUE_TYPES, SCORE_DIMENSIONS, SEVERITIES, issue_type
from frontline.quality.render import render_html
from frontline.store import (
    IntegrationRun,
    QualityScore,
    create_engine_for,
    issue_counts,
    latest_run,
    latest_scores,
    safe_url,
)

__all__ = [
    "Report",
    "ReportError",
    "build_report",
    "load_report",
    "render_html",
    "write_report",
]


class ReportError(Exception):
    """There is nothing to report: no store, an empty one, or no published run."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def load_report(url: str) -> Report:
    """The report of the store at `url`; a `ReportError` says why there is none.

    Reading never creates anything: a SQLite file that does not exist is reported missing.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ReportError("数据库地址无效", "not a database URL") from None
    shown = safe_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise ReportError(f"找不到主题数据库：{shown}", f"no thematic store at {shown}")
    engine = create_engine_for(url)
    try:
        with Session(engine) as session:
            if not inspect(session.connection()).has_table(IntegrationRun.__tablename__):
                raise ReportError(
                    f"主题数据库尚未建立（没有数据表）：{shown}",
                    f"the thematic store at {shown} has no tables: nothing was ever published",
                )
            return build_report(session)
    except SQLAlchemyError as error:
        # Only the first line: the rest may quote a statement and its parameters.
        problem = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = problem[0] if problem else type(error).__name__
        raise ReportError(
            f"无法读取主题数据库 {shown}：{reason}",
            f"cannot read the thematic store at {shown}: {reason}",
        ) from None
    finally:
        engine.dispose()


def build_report(session: Session) -> Report:
    """The report of the latest published run (see the module docstring)."""
    run = latest_run(session)
    if run is None:
        raise ReportError(
            "主题数据库中没有已发布的整合运行，请先运行数据整合并发布。",
            "no published integration run in the thematic store: integrate and publish first.",
        )
    summary: Mapping[str, Any] = run.summary if isinstance(run.summary, dict) else {}
    sources = [_source(s) for s in _dicts(summary.get("sources"))]
    counts = issue_counts(session)
    scores = {s.department_key: s for s in latest_scores(session)}

    departments = _departments(sources, scores, counts)
    kinds = _issue_types(counts)
    by_severity: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for kind in kinds:
        by_severity[kind["severity"]] = by_severity.get(kind["severity"], 0) + kind["count"]
    entities = {str(k): _count(v) for k, v in _mapping(summary.get("entities")).items()}
    return {
        "format": REPORT_FORMAT,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run": {
            "id": run.id,
            "started_at": _utc(run.started_at),
            "finished_at": _utc(run.finished_at) if run.finished_at else None,
            "config_digest": run.config_digest,
            "as_of": _text(summary.get("as_of")),
        },
        "totals": {
            "sources": len(sources),
            "departments": len(departments),
            "rows_read": sum(s["rows_read"] for s in sources),
            "linked": sum(s["linked"] for s in sources),
            "quarantined": sum(s["quarantined_total"] for s in sources),
            "skipped": sum(s["skipped"] for s in sources),
            "other_source": sum(s["other_source"] for s in sources),
            "entities": entities,
            "entities_total": sum(entities.values()),
            "issues": sum(counts.values()),
            "issues_by_severity": by_severity,
        },
        "dimensions": [
            {
                "key": d.key,
                "label_zh": d.label_zh,
                "label_en": d.label_en,
                "description_zh": d.description_zh,
                "description_en": d.description_en,
            }
            for d in SCORE_DIMENSIONS
        ],
        "departments": departments,
        "issue_types": kinds,
        "conflicts": _conflicts(summary.get("conflicts")),
        "sources": sources,
        "notes": [str(n) for n in _list(summary.get("notes"))],
        "seconds": {
            str(k): float(v)
            for k, v in _mapping(summary.get("seconds")).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        },
    }


def _departments(
    sources: list[SourceEntry],
    scores: Mapping[str, QualityScore],
    counts: Mapping[tuple[str, str], int],
) -> list[Department]:
    """Every department that delivered a source, was scored or has issues.

    In the order of the run's sources (the deployment's order), then the others by key.
    """
    names: dict[str, str] = {}
    for source in sources:
        names.setdefault(source["department_key"], source["department"] or source["department_key"])
    others = sorted(({*scores} | {d for d, _ in counts}) - names.keys())
    departments: list[Department] = []
    for key in [*names, *others]:
        issues = {kind: n for (dept, kind), n in sorted(counts.items()) if dept == key}
        by_severity: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for kind, n in issues.items():
            severity = issue_type(kind).severity
            by_severity[severity] += n
        score = scores.get(key)
        departments.append(
            {
                "key": key,
                "name": names.get(key, key),
                "sources": [s["key"] for s in sources if s["department_key"] == key],
                "rows_read": sum(s["rows_read"] for s in sources if s["department_key"] == key),
                "scores": None
                if score is None
                else {
                    "completeness": score.completeness,
                    "validity": score.validity,
                    "consistency": score.consistency,
                    "timeliness": score.timeliness,
                    "rows": score.rows,
                    "run_id": score.run_id,
                },
                "issues": issues,
                "issues_total": sum(issues.values()),
                "issues_by_severity": by_severity,
            }
        )
    return departments


def _issue_types(counts: Mapping[tuple[str, str], int]) -> list[IssueTypeEntry]:
    """Every registered type (a zero says the check found nothing), then unknown ones found."""
    found = {kind for _, kind in counts}
    entries: list[IssueTypeEntry] = []
    for key in [*ISSUE_TYPES, *sorted(found - ISSUE_TYPES.keys())]:
        kind = issue_type(key)
        by_department = {dept: n for (dept, k), n in sorted(counts.items()) if k == key}
        entries.append(
            {
                "key": key,
                "severity": kind.severity,
                "label_zh": kind.label_zh,
                "label_en": kind.label_en,
                "description_zh": kind.description_zh,
                "description_en": kind.description_en,
                "known": key in ISSUE_TYPES,
                "count": sum(by_department.values()),
                "by_department": by_department,
            }
        )
    return entries


def _source(raw: Mapping[str, Any]) -> SourceEntry:
    quarantined = {str(k): _count(v) for k, v in _mapping(raw.get("quarantined")).items()}
    linked, skipped, other = (_count(raw.get(k)) for k in ("linked", "skipped", "other_source"))
    accounted = linked + sum(quarantined.values()) + skipped + other
    rows_read = _count(raw.get("rows_read"))
    key = str(raw.get("key", ""))
    return {
        "key": key,
        "department": str(raw.get("department") or raw.get("department_key") or ""),
        "department_key": str(raw.get("department_key") or key),
        "entity": str(raw.get("entity", "")),
        "encoding": _text(raw.get("encoding")),
        "rows_read": rows_read,
        "linked": linked,
        "repaired": _count(raw.get("repaired")),
        "linked_residue": _count(raw.get("linked_residue")),
        "quarantined": quarantined,
        "quarantined_total": sum(quarantined.values()),
        "skipped": skipped,
        "other_source": other,
        "accounted": accounted,
        "balanced": accounted == rows_read,
    }


def _conflicts(raw: object) -> list[Conflict]:
    conflicts: list[Conflict] = [
        {
            "field": str(c.get("field", "")),
            "department_key": str(c.get("department_key", "")),
            "golden_department_key": str(c.get("golden_department_key", "")),
            "count": _count(c.get("count")),
        }
        for c in _dicts(raw)
    ]
    return sorted(conflicts, key=lambda c: (-c["count"], c["department_key"], c["field"]))


# The summary is JSON another program wrote: a missing or mistyped value counts as absent
# rather than failing the whole report.


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


def _utc(moment: datetime) -> str:
    # PostgreSQL returns timestamps in the session's time zone.
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _dicts(value: object) -> Iterable[Mapping[str, Any]]:
    return [v for v in _list(value) if isinstance(v, Mapping)]


def write_report(report: Report, out: Path) -> tuple[Path, Path]:
    """Write `quality-report.html` and `quality-report.json` into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    html_path, json_path = out / "quality-report.html", out / "quality-report.json"
    html_path.write_text(render_html(report), encoding="utf-8")
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return html_path, json_path
