"""Reading an XLSForm spreadsheet into a ``FormDefinition``, refusing what is not supported.

Two checks run in turn. Ours first: the supported subset (types, columns, languages,
expressions, references, bindings), every problem at its sheet, row and column. Then pyxform's
own conversion to an XForm (without Java), so that a form accepted here is also a valid
XLSForm for other tools; its errors and warnings become problems too, at the row it names.
The definition is built from the rows we checked, never from pyxform's internal structure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from pyxform.builder import create_survey_element_from_dict  # type: ignore[import-untyped]
from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2json import workbook_to_json  # type: ignore[import-untyped]
from pyxform.xls2json_backends import DefinitionData, get_xlsform  # type: ignore[import-untyped]

from frontline.forms.bindings import check_bindings
from frontline.forms.definition import Choice, FormDefinition, Label
from frontline.forms.errors import FormError, FormProblem
from frontline.forms.references import check_references
from frontline.forms.sheets import CANONICAL_LANGUAGE, Sheet, language_code, read_sheet
from frontline.forms.subset import NAME, SURVEY_PLAIN, SURVEY_TRANSLATABLE
from frontline.forms.survey import SurveyReader
from frontline.integrate.fields import entity_types

EXTENSIONS = (".xlsx", ".xls")
MAX_FORM_BYTES = 5 * 1024 * 1024
FORM_ID = re.compile(r"[a-z][a-z0-9_]*")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
CHOICE_NAME = re.compile(r"\S{1,100}")

SETTINGS_PLAIN = frozenset({"form_id", "version", "default_language"})
SETTINGS_TRANSLATABLE = frozenset({"form_title"})
CHOICES_PLAIN = frozenset({"list_name", "name"})
CHOICES_TRANSLATABLE = frozenset({"label"})

_SUGGESTIONS: dict[str, tuple[str, str]] = {
    "choice_filter": (
        "不支持 choice_filter（级联选择）",
        "choice_filter (cascading selects) is not supported",
    ),
    "relevance": ("请把列名 relevance 改为 relevant", "rename the column relevance to relevant"),
    "readonly": ("请把列名 readonly 改为 read_only", "rename the column readonly to read_only"),
    "calculate": (
        "请把列名 calculate 改为 calculation",
        "rename the column calculate to calculation",
    ),
    "caption": ("请把列名 caption 改为 label", "rename the column caption to label"),
    "count": ("请把列名 count 改为 repeat_count", "rename the column count to repeat_count"),
    "jr:count": ("请把列名 jr:count 改为 repeat_count", "rename jr:count to repeat_count"),
    "bind::frontline:field": (
        "绑定字段请用 golden_field 列",
        "bind a field with the golden_field column",
    ),
}
_UNSUPPORTED_SHEETS = ("external_choices", "entities", "osm")
# Warnings that are advice for ODK Collect rather than faults of the form: English is optional
# here, and the app scales photos itself.
_ADVICE = re.compile(r"Language '.*' is missing the |(\[row : \d+\] )?Use the max-pixels parameter")
_ROW_IN_MESSAGE = re.compile(r"\[row : (\d+)\]")
_COLUMN_IN_MESSAGE = re.compile(r"the '([\w:]+)' value")


def read_xlsform(
    data: bytes, filename: str, *, entity_type: str | None = "person"
) -> FormDefinition:
    """The definition in an XLSForm file; ``FormError`` lists every problem found.

    ``entity_type`` is the kind of record the form's tasks are about (``person`` or
    ``enterprise``): bindings are checked against its fields. With None, the form binds none.
    """
    entity = None
    if entity_type is not None:
        entity = entity_types().get(entity_type)
        if entity is None:
            raise ValueError(f"unknown entity type {entity_type!r}")
    workbook = _workbook(data, filename)
    problems: list[FormProblem] = []
    for sheet in _UNSUPPORTED_SHEETS:
        if getattr(workbook, sheet) is not None:
            problems.append(
                FormProblem(
                    sheet, None, None, f"不支持 {sheet} 表", f"a {sheet} sheet is not supported"
                )
            )
    settings = _settings(workbook, problems)
    language = settings.get("default_language", "zh")
    choices_sheet = _sheet(workbook, "choices", language, problems)
    choices = _choices(choices_sheet, problems)
    survey_sheet = _sheet(workbook, "survey", language, problems)
    survey = SurveyReader(
        survey_sheet, {k: [c.name for c in v] for k, v in choices.items()}, problems
    )
    read = survey.read()
    check_references(read.children, read.sites, survey_sheet.name, problems)
    check_bindings(read.bindings, entity, survey_sheet.name, problems)
    if not problems:
        problems.extend(_pyxform_problems(workbook, survey_sheet, choices_sheet, settings))
    if problems:
        order = {"settings": 0, "survey": 1, "choices": 2}
        problems.sort(key=lambda p: (order.get(p.sheet or "", -1), p.row or 0))
        raise FormError(filename, problems)
    title: Label = {
        k.removeprefix("title:"): v for k, v in settings.items() if k.startswith("title:")
    }
    return FormDefinition(
        form_id=settings["form_id"],
        version=settings["version"],
        title=title,
        default_language=language,
        entity_type=entity_type,
        children=read.children,
        choices=choices,
    )


def _workbook(data: bytes, filename: str) -> DefinitionData:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FormError(
            filename,
            [
                FormProblem(
                    None,
                    None,
                    None,
                    f"只接受 Excel 表单文件（.xlsx 或 .xls），不接受“{suffix or '无扩展名'}”",
                    f"only Excel forms (.xlsx or .xls) are accepted, not '{suffix or 'none'}'",
                )
            ],
        )
    if len(data) > MAX_FORM_BYTES:
        raise FormError(
            filename,
            [
                FormProblem(
                    None,
                    None,
                    None,
                    f"文件超过 {MAX_FORM_BYTES // 1024 // 1024} MB",
                    f"the file is larger than {MAX_FORM_BYTES // 1024 // 1024} MB",
                )
            ],
        )
    try:
        return get_xlsform(data, file_type=suffix)
    except Exception:  # pyxform and its readers raise many kinds; all mean unreadable
        raise FormError(
            filename,
            [
                FormProblem(
                    None,
                    None,
                    None,
                    f"无法作为 {suffix} 文件读取：文件已损坏，或不是 Excel 文件",
                    f"the file cannot be read as {suffix}: it is damaged or not an Excel file",
                )
            ],
        ) from None


def _sheet(
    workbook: DefinitionData, name: str, default_language: str, problems: list[FormProblem]
) -> Sheet:
    plain, translatable = {
        "survey": (SURVEY_PLAIN, SURVEY_TRANSLATABLE),
        "choices": (CHOICES_PLAIN, CHOICES_TRANSLATABLE),
        "settings": (SETTINGS_PLAIN, SETTINGS_TRANSLATABLE),
    }[name]
    headers = getattr(workbook, f"{name}_header")
    if name == "survey" and not headers:
        problems.append(
            FormProblem(name, None, None, "缺少 survey 表", "the workbook has no survey sheet")
        )
    return read_sheet(
        name,
        headers,
        getattr(workbook, name),
        plain=plain,
        translatable=translatable,
        default_language=default_language,
        refused=_SUGGESTIONS,
        problems=problems,
    )


def _settings(workbook: DefinitionData, problems: list[FormProblem]) -> dict[str, str]:
    """form_id, version, default_language and ``title:<language>`` from the settings sheet."""
    if not workbook.settings_header:
        problems.append(
            FormProblem(
                "settings",
                None,
                None,
                "缺少 settings 表（需要 form_id、version、form_title）",
                "the workbook has no settings sheet (form_id, version, form_title are needed)",
            )
        )
        return {"default_language": "zh"}
    found: dict[str, str] = {}
    raw = workbook.settings[0] if workbook.settings else {}
    language_text = str(raw.get("default_language") or "").strip()
    language = language_code(language_text) if language_text else "zh"
    if language is None:
        problems.append(
            FormProblem(
                "settings",
                2,
                "default_language",
                "default_language 只能是中文（zh）或英文（en）",
                "default_language is zh or en",
            )
        )
        language = "zh"
    found["default_language"] = language
    sheet = _sheet(workbook, "settings", language, problems)
    row = sheet.rows[0] if sheet.rows and sheet.rows[0].number == 2 else None
    for key, pattern, zh, en in (
        (
            "form_id",
            FORM_ID,
            "以小写字母开头，只含小写字母、数字和下划线",
            "a lower-case letter, then lower-case letters, digits and underscores",
        ),
        (
            "version",
            VERSION,
            "由字母、数字、点、下划线或连字符组成（如 2026113001）",
            "letters, digits, dots, underscores or hyphens, e.g. 2026113001",
        ),
    ):
        value = sheet.cell(row, key) if row is not None else None
        if value is None:
            problems.append(
                FormProblem("settings", 2, key, f"settings 表缺少 {key}", f"settings needs {key}")
            )
        elif not pattern.fullmatch(value):
            problems.append(FormProblem("settings", 2, key, f"{key} 应{zh}", f"{key} must be {en}"))
        else:
            found[key] = value
    titles = sheet.texts(row, "form_title") if row is not None else {}
    if "zh" not in titles:
        problems.append(
            FormProblem(
                "settings",
                2,
                "form_title",
                "settings 表缺少中文标题 form_title（或 form_title::中文）",
                "settings needs a Chinese form_title (or form_title::中文)",
            )
        )
    found.update({f"title:{k}": v for k, v in titles.items()})
    return found


def _choices(sheet: Sheet, problems: list[FormProblem]) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    rows: dict[tuple[str, str], int] = {}
    for row in sheet.rows:
        list_name, name = sheet.cell(row, "list_name"), sheet.cell(row, "name")

        def problem(column: str, zh: str, en: str, row_number: int = row.number) -> None:
            problems.append(FormProblem(sheet.name, row_number, column, zh, en))

        if list_name is None or not NAME.fullmatch(list_name):
            problem(
                "list_name",
                "list_name 应为字母、数字和下划线组成的名称",
                "list_name is a name of letters, digits and underscores",
            )
            continue
        if name is None or not CHOICE_NAME.fullmatch(name):
            problem(
                "name",
                "选项名称（name）不能为空、不能含空格，最长 100 个字符",
                "a choice name is not empty, has no spaces and is at most 100 characters",
            )
            continue
        if (list_name, name) in rows:
            problem(
                "name",
                f"列表 {list_name} 中选项 {name} 已在第 {rows[list_name, name]} 行出现",
                f"the list {list_name} already has {name} on row {rows[list_name, name]}",
            )
            continue
        rows[list_name, name] = row.number
        label = sheet.texts(row, "label")
        if "zh" not in label:
            problem("label", "选项缺少中文标签", "the choice has no Chinese label")
            continue
        lists.setdefault(list_name, []).append(Choice(name, label))
    return {name: tuple(choices) for name, choices in lists.items()}


# pyxform's check. It sees the form with one spelling per language and without the columns
# it does not know (golden_field, form_title::<language>), so that its warnings are about the
# form, not about our extensions.


def _pyxform_problems(
    workbook: DefinitionData, survey: Sheet, choices: Sheet, settings: Mapping[str, str]
) -> list[FormProblem]:
    language = settings["default_language"]
    clean = replace(
        copy.deepcopy(workbook),
        survey=_renamed(workbook.survey, survey),
        survey_header=[dict.fromkeys(_headers(survey))],
        choices=_renamed(workbook.choices, choices) if workbook.choices else None,
        choices_header=[dict.fromkeys(_headers(choices))] if workbook.choices else None,
        settings=[
            {
                "form_id": settings["form_id"],
                "version": settings["version"],
                "form_title": settings.get(f"title:{language}", settings["title:zh"]),
                "default_language": CANONICAL_LANGUAGE[language],
            }
        ],
        settings_header=[dict.fromkeys(("form_id", "version", "form_title", "default_language"))],
    )
    warnings: list[str] = []
    try:
        converted = workbook_to_json(workbook_dict=clean, warnings=warnings)
        create_survey_element_from_dict(converted).to_xml(validate=False, warnings=warnings)
    except PyXFormError as error:
        return [_pyxform_problem(str(error), getattr(error, "context", {}))]
    except Exception as error:  # pyxform's internal failures are refusals too
        return [_pyxform_problem(f"{type(error).__name__}: {error}", {})]
    return [_pyxform_problem(warning, {}) for warning in warnings if not _ADVICE.match(warning)]


def _pyxform_problem(message: str, context: Mapping[str, Any]) -> FormProblem:
    row = context.get("row")
    if not isinstance(row, int):
        found = _ROW_IN_MESSAGE.search(message)
        row = int(found.group(1)) if found else None
    sheet = context.get("sheet")
    column = context.get("column")
    if not isinstance(column, str):
        found = _COLUMN_IN_MESSAGE.search(message)
        column = found.group(1) if found else None
    return FormProblem(
        sheet if isinstance(sheet, str) else ("survey" if row is not None else None),
        row,
        column,
        f"pyxform 检查未通过：{message}",
        f"pyxform: {message}",
    )


def _target(header: str, sheet: Sheet) -> str | None:
    """The header pyxform sees for one of ours, or None for a column it should not see."""
    for column in sheet.columns:
        if column.header == header:
            if column.base == "golden_field":
                return None
            if column.language is None:
                return column.base
            return f"{column.base}::{CANONICAL_LANGUAGE[column.language]}"
    return None


def _headers(sheet: Sheet) -> list[str]:
    return [t for t in (_target(c.header, sheet) for c in sheet.columns) if t is not None]


def _renamed(rows: Sequence[Mapping[str, str]] | None, sheet: Sheet) -> list[dict[str, str]]:
    renamed: list[dict[str, str]] = []
    for row in rows or ():
        cells: dict[str, str] = {}
        for header, value in row.items():
            target = _target(header, sheet)
            if target is not None:
                cells[target] = value
        renamed.append(cells)
    return renamed
