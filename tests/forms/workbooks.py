"""Factories of XLSForm workbooks for the tests: a valid form, changed one cell at a time."""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter

Rows = Sequence[Sequence[str | None]]

SETTINGS: Rows = (
    ("form_id", "version", "form_title", "form_title::English (en)"),
    ("visit_record", "2026113001", "走访记录", "Visit record"),
)
CHOICES: Rows = (
    ("list_name", "name", "label::中文", "label::English (en)"),
    ("yes_no", "yes", "是", "Yes"),
    ("yes_no", "no", "否", "No"),
    ("needs", "meals", "助餐", "Meals"),
    ("needs", "cleaning", "助洁", "Cleaning"),
    ("needs", "none", "无", "None"),
    ("sex", "male", "男", "Male"),
    ("sex", "female", "女", "Female"),
)
HEADER = (
    "type",
    "name",
    "label::中文",
    "label::English (en)",
    "required",
    "constraint",
    "constraint_message::中文",
    "relevant",
    "calculation",
    "golden_field",
)
SURVEY: Rows = (
    HEADER,
    ("date", "visit_date", "走访日期", "Visit date", "yes", ". <= today()", "不能晚于今天"),
    ("select_one yes_no", "met", "见到本人", "Met", "yes"),
    ("text", "reason", "未见原因", "Why not", "yes", None, None, "${met} = 'no'"),
    ("select_multiple needs", "needs", "需要的帮助", "Needs"),
    (
        "text",
        "phone",
        "联系电话",
        "Phone",
        None,
        "regex(., '^1[3-9][0-9]{9}$')",
        "请填写 11 位手机号码",
        None,
        None,
        "phone",
    ),
    ("date", "death_date", "死亡日期", "Date of death", None, None, None, None, None, "death_date"),
    ("begin group", "health", "健康", "Health", None, None, None, "${met} = 'yes'"),
    ("integer", "age", "年龄", "Age", "yes", ". >= 0 and . <= 130", "年龄应在 0 到 130 之间"),
    ("decimal", "income", "月收入", "Income", None, ". >= 0"),
    ("end group",),
    ("begin repeat", "members", "家庭成员", "Members"),
    ("text", "member_name", "姓名", "Name", "yes"),
    (
        "integer",
        "member_age",
        "成员年龄",
        "Member's age",
        None,
        "${age} = '' or . <= ${age}",
        "不能比老人年长",
    ),
    ("select_one yes_no", "member_present", "在场", "Present"),
    ("end repeat",),
    ("calculate", "member_count", "人数", "Count", None, None, None, None, "count(${members})"),
    ("geopoint", "location", "位置", "Location"),
    ("image", "photo", "照片", "Photo"),
    ("note", "thanks", "谢谢", "Thanks"),
)


def workbook(
    survey: Rows = SURVEY,
    choices: Rows | None = CHOICES,
    settings: Rows | None = SETTINGS,
    extra_sheets: Sequence[str] = (),
) -> bytes:
    """An .xlsx file with these sheets (``None``: the sheet is left out)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheets: list[tuple[str, Rows | None]] = [
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ]
    for name, rows in sheets:
        if rows is None:
            continue
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write_string(r, c, value)
    for name in extra_sheets:
        book.add_worksheet(name).write_string(0, 0, "list_name")
    book.close()
    return buffer.getvalue()


def survey_with(*rows: Sequence[str | None], header: Sequence[str] = HEADER) -> Rows:
    """A survey of ``header`` and ``rows`` only."""
    return (tuple(header), *(tuple(row) for row in rows))


def replaced(rows: Rows, index: int, row: Sequence[str | None]) -> Rows:
    """``rows`` with row ``index`` (0 is the header) replaced."""
    return tuple(tuple(r) if i != index else tuple(row) for i, r in enumerate(rows))
