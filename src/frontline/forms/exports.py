"""Exports of a form's submissions for its department: CSV and XLSX, Chinese headers.

    export = export_submissions(connection, manager, "elderly_visit_record", "xlsx", now=now)
    export.content, export.filename, export.media_type

One row per submission and one column per question of the form (every version's questions:
the newest version's in its order, then those only older versions had). Select answers are
written as their Chinese labels; a repeat is a count in the main table and a sheet of its own
in XLSX (one row per instance), JSON text in CSV. The CSV is UTF-8 with a byte order mark, so
Excel opens it as UTF-8; a text cell starting with `=`, `+`, `-` or `@` gets a leading `'`,
so no spreadsheet takes a worker's answer for a formula (XLSX cells are written as text).

An export is a read of personal data: each submission's subject is decided by the access
policy under the purpose `export` (a department manager or administrator of the department
owning the scenario of the submission's task, the subject inside their area scope — those
outside are left out), and each subject exported is an audit event naming the form and the
questions disclosed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import xlsxwriter
from sqlalchemy import Connection, select

from frontline.access.policy import Facts, judge, preferred_role
from frontline.access.purposes import ExportPurpose, Subject
from frontline.areas.models import SubjectArea
from frontline.audit import EventDraft, Signer, append
from frontline.forms.definition import FormDefinition, Question, Repeat
from frontline.forms.models import FormSubmission
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.registry import UPLOADERS, FormVersionInfo, definition_of, form_history
from frontline.scenarios import Scenario, list_scenarios, scenario_version
from frontline.staff.models import StaffMember
from frontline.staff.principal import Principal
from frontline.tasks.models import Task

Format = Literal["csv", "xlsx"]
EXPORTED = "export"
CHINA = timezone(timedelta(hours=8))
FIXED = ("提交编号", "工单编号", "对象编号", "网格员", "设备", "表单版本", "完成时间", "接收时间")
"""The columns every export starts with."""
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


@dataclass(frozen=True, slots=True)
class Export:
    """An export, ready to send."""

    content: bytes
    filename: str
    media_type: str
    rows: int
    """Submissions in it."""


@dataclass(frozen=True, slots=True)
class _Column:
    question: Question
    header: str


@dataclass
class _Layout:
    """The columns of the main table and of each repeat's sheet."""

    columns: list[_Column | Repeat] = field(default_factory=list)
    repeats: dict[str, list[_Column]] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    """Choice list → name → Chinese label."""


@dataclass(frozen=True, slots=True)
class _Row:
    fixed: tuple[object, ...]
    answers: dict[str, Any]
    subject: Subject


def export_submissions(
    connection: Connection,
    principal: Principal,
    form_id: str,
    fmt: Format,
    *,
    now: datetime,
    signer: Signer | None = None,
) -> Export:
    """The submissions of `form_id` that `principal` may read, as CSV or XLSX, audited.

    `FormsRefused`: `not_an_uploader` (roles that never export), `form_unknown`,
    `form_not_yours` (no scenario of the principal's department names the form).
    """
    if not UPLOADERS & principal.roles:
        raise FormsRefused(Refusal.NOT_AN_UPLOADER)
    versions = form_history(connection, form_id)
    if not versions:
        raise FormsRefused(Refusal.FORM_UNKNOWN, form_id=form_id)
    owners = {s.department for s in list_scenarios(connection) if form_id in s.forms}
    if principal.department not in owners:
        raise FormsRefused(Refusal.FORM_NOT_YOURS, form_id=form_id)
    definitions = {v.id: definition_of(connection, v.id, v.digest) for v in versions}
    layout = _layout(versions, definitions)
    rows, disclosed = _rows(connection, principal, form_id, definitions, now)
    _audit(connection, principal, form_id, fmt, disclosed, now, signer)
    content = _csv(layout, rows) if fmt == "csv" else _xlsx(layout, rows, versions[0].title)
    return Export(content, f"{form_id}-submissions.{fmt}", MEDIA_TYPES[fmt], len(rows))


def _layout(versions: Sequence[FormVersionInfo], definitions: dict[int, FormDefinition]) -> _Layout:
    layout = _Layout()
    seen: set[str] = set()
    headers: set[str] = set()

    def header(question: Question | Repeat) -> str:
        text = question.label["zh"]
        if text in headers:
            text = f"{text}（{question.name}）"
        headers.add(text)
        return text

    for version in versions:  # newest first
        definition = definitions[version.id]
        for name, choices in definition.choices.items():
            labels = layout.choices.setdefault(name, {})
            for choice in choices:
                labels.setdefault(choice.name, choice.label["zh"])
        for node, repeat in definition.nodes():
            if node.kind == "group" or node.name in seen:
                continue
            if node.kind == "repeat":
                seen.add(node.name)
                layout.columns.append(node)
                layout.repeats.setdefault(node.name, [])
                continue
            if node.type == "note":
                continue
            seen.add(node.name)
            column = _Column(node, header(node))
            if repeat is None:
                layout.columns.append(column)
            else:
                layout.repeats.setdefault(repeat.name, []).append(column)
    return layout


def _rows(
    connection: Connection,
    principal: Principal,
    form_id: str,
    definitions: dict[int, FormDefinition],
    now: datetime,
) -> tuple[list[_Row], dict[Subject, tuple[set[str], int]]]:
    """The submissions the policy lets `principal` export, and per subject the questions
    disclosed and how many submissions."""
    query = (
        select(
            FormSubmission.id,
            FormSubmission.task_reference,
            FormSubmission.subject_type,
            FormSubmission.subject_id,
            FormSubmission.device_id,
            FormSubmission.form_version_id,
            FormSubmission.answers,
            FormSubmission.completed_at,
            FormSubmission.received_at,
            Task.scenario_key,
            Task.scenario_version,
            StaffMember.username,
            SubjectArea.grid_code,
        )
        .join(Task, Task.id == FormSubmission.task_id)
        .join(StaffMember, StaffMember.id == FormSubmission.staff_id)
        .outerjoin(SubjectArea, SubjectArea.entity_id == FormSubmission.subject_id)
        .where(FormSubmission.form_id == form_id)
        .order_by(FormSubmission.received_at, FormSubmission.id)
    )
    scenarios: dict[tuple[str, int], Scenario | None] = {}
    versions = {key: d.version for key, d in definitions.items()}
    rows: list[_Row] = []
    disclosed: dict[Subject, tuple[set[str], int]] = {}
    for found in connection.execute(query):
        key = (found.scenario_key, found.scenario_version)
        if key not in scenarios:
            scenarios[key] = scenario_version(connection, *key)
        subject = Subject(found.subject_type, found.subject_id)
        purpose = ExportPurpose(form_id, *key)
        facts = Facts(subject, found.grid_code, scenarios[key])
        if not judge(principal, purpose, subject, facts, now=now).allowed:
            continue
        answers = dict(found.answers)
        rows.append(
            _Row(
                (
                    found.id,
                    found.task_reference,
                    found.subject_id,
                    found.username,
                    found.device_id or "",
                    versions.get(found.form_version_id, ""),
                    _when(found.completed_at),
                    _when(found.received_at),
                ),
                answers,
                subject,
            )
        )
        names, count = disclosed.get(subject, (set(), 0))
        disclosed[subject] = (names | set(answers), count + 1)
    return rows, disclosed


def _audit(
    connection: Connection,
    principal: Principal,
    form_id: str,
    fmt: Format,
    disclosed: dict[Subject, tuple[set[str], int]],
    now: datetime,
    signer: Signer | None,
) -> None:
    role = preferred_role(principal.roles & UPLOADERS)
    common: dict[str, Any] = {
        "actor_id": str(principal.staff_id),
        "actor_role": role.value if role is not None else None,
        "department": principal.department,
        "device_id": principal.device_id,
        "purpose_kind": "export",
        "purpose_ref": form_id,
        "occurred_at": now,
    }
    drafts = [
        EventDraft(
            EXPORTED,
            subject_type=subject.type,
            subject_id=subject.id,
            fields=tuple(sorted(names)),
            detail={"form": form_id, "format": fmt, "submissions": count},
            **common,
        )
        for subject, (names, count) in sorted(disclosed.items(), key=lambda i: i[0].id)
    ]
    if not drafts:  # nothing disclosed; the export itself is still on record
        drafts = [
            EventDraft(
                EXPORTED, detail={"form": form_id, "format": fmt, "submissions": 0}, **common
            )
        ]
    append(connection, drafts, signer=signer)


def _when(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _cell(column: _Column, value: object, layout: _Layout) -> object:
    """An answer as a spreadsheet shows it."""
    question = column.question
    if value is None:
        return ""
    if question.type in ("select_one", "select_multiple") and question.choices is not None:
        labels = layout.choices.get(question.choices, {})
        names = value if isinstance(value, list) else [value]
        return "；".join(labels.get(str(n), str(n)) for n in names)
    if question.type == "geopoint" and isinstance(value, dict):
        return f"{value.get('latitude')}, {value.get('longitude')}"
    if question.type == "photo" and isinstance(value, dict):
        return str(value.get("attachment", ""))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _main_header(layout: _Layout) -> list[str]:
    return [
        *FIXED,
        *(c.header if isinstance(c, _Column) else _repeat_header(c) for c in layout.columns),
    ]


def _repeat_header(repeat: Repeat) -> str:
    return f"{repeat.label['zh']}（条数）"


def _csv(layout: _Layout, rows: Iterable[_Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [*FIXED]
    for column in layout.columns:
        header.append(column.header if isinstance(column, _Column) else column.label["zh"])
    writer.writerow(header)
    for row in rows:
        cells: list[object] = list(row.fixed)
        for column in layout.columns:
            if isinstance(column, _Column):
                cells.append(_cell(column, row.answers.get(column.question.name), layout))
            else:
                instances = row.answers.get(column.name)
                cells.append(json.dumps(instances, ensure_ascii=False) if instances else "")
        writer.writerow([_safe_text(c) for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_LEADS):
        return "'" + value
    return value


def _xlsx(layout: _Layout, rows: Sequence[_Row], title: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    main = book.add_worksheet(_sheet_name(title, set()))
    names = {main.name}
    _write_row(main, 0, _main_header(layout), bold)
    for index, row in enumerate(rows, start=1):
        cells: list[object] = list(row.fixed)
        for column in layout.columns:
            if isinstance(column, _Column):
                cells.append(_cell(column, row.answers.get(column.question.name), layout))
            else:
                instances = row.answers.get(column.name)
                cells.append(len(instances) if isinstance(instances, list) else 0)
        _write_row(main, index, cells, None)
    for column in layout.columns:
        if isinstance(column, _Column):
            continue
        sheet = book.add_worksheet(_sheet_name(column.label["zh"], names))
        names.add(sheet.name)
        inner = layout.repeats.get(column.name, [])
        _write_row(sheet, 0, ["提交编号", "序号", *(c.header for c in inner)], bold)
        line = 1
        for row in rows:
            instances = row.answers.get(column.name)
            for number, instance in enumerate(instances if isinstance(instances, list) else [], 1):
                values = [_cell(c, instance.get(c.question.name), layout) for c in inner]
                _write_row(sheet, line, [row.fixed[0], number, *values], None)
                line += 1
    book.close()
    return out.getvalue()


def _write_row(sheet: Any, row: int, cells: Sequence[object], style: Any) -> None:
    for column, value in enumerate(cells):
        if isinstance(value, bool) or not isinstance(value, int | float):
            sheet.write_string(row, column, str(value), style)  # text, never a formula
        else:
            sheet.write_number(row, column, value, style)


def _sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = (title.translate(_SHEET_NAME_BAD).strip("'") or "sheet")[:31]
    name, number = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"_{number}"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    return name
