from __future__ import annotations

import pytest

from frontline.forms import FormError, FormProblem, Group, Question, Repeat, read_xlsform
from tests.forms.workbooks import (
    CHOICES,
    HEADER,
    SURVEY,
    Rows,
    replaced,
    survey_with,
    workbook,
)


def problems(
    data: bytes, filename: str = "visit.xlsx", entity_type: str | None = "person"
) -> list[FormProblem]:
    with pytest.raises(FormError) as raised:
        read_xlsform(data, filename, entity_type=entity_type)
    assert raised.value.problems
    return raised.value.problems


def only(
    data: bytes, filename: str = "visit.xlsx", entity_type: str | None = "person"
) -> FormProblem:
    found = problems(data, filename, entity_type)
    assert len(found) == 1, found
    return found[0]


def at(problem: FormProblem) -> tuple[str | None, int | None, str | None]:
    return problem.sheet, problem.row, problem.column


def test_a_good_form_is_read_into_its_definition() -> None:
    definition = read_xlsform(workbook(), "visit.xlsx")
    assert definition.form_id == "visit_record"
    assert definition.version == "2026113001"
    assert definition.title == {"zh": "走访记录", "en": "Visit record"}
    assert definition.default_language == "zh"
    assert definition.entity_type == "person"
    visit_date = definition.node("visit_date")
    assert isinstance(visit_date, Question)
    assert visit_date.type == "date"
    assert visit_date.required is True
    assert visit_date.constraint == ". <= today()"
    assert visit_date.constraint_message == {"zh": "不能晚于今天"}
    assert visit_date.row == 2
    health = definition.node("health")
    assert isinstance(health, Group)
    assert [c.name for c in health.children] == ["age", "income"]
    assert health.relevant == "${met} = 'no'".replace("no", "yes")
    members = definition.node("members")
    assert isinstance(members, Repeat)
    assert members.label == {"zh": "家庭成员", "en": "Members"}
    assert [c.name for c in members.children] == ["member_name", "member_age", "member_present"]
    photo = definition.node("photo")
    assert isinstance(photo, Question)
    assert photo.type == "photo"
    assert [q.name for q in definition.bound_questions()] == ["phone", "death_date"]
    assert [c.name for c in definition.choices["yes_no"]] == ["yes", "no"]
    assert definition.choices["needs"][0].label == {"zh": "助餐", "en": "Meals"}
    placed = {p.question.name: p.in_repeat for p in definition.questions()}
    assert placed["member_age"] is True
    assert placed["age"] is False


def test_plain_columns_are_the_default_language_and_language_spellings_agree() -> None:
    header = ("type", "name", "label", "label::English", "hint::zh", "hint::en")
    survey = survey_with(("text", "a", "甲", "A", "提示", "Hint"), header=header)
    settings = (("form_id", "version", "form_title"), ("f", "1", "表"))
    question = read_xlsform(workbook(survey, settings=settings), "f.xlsx").node("a")
    assert isinstance(question, Question)
    assert question.label == {"zh": "甲", "en": "A"}
    assert question.hint == {"zh": "提示", "en": "Hint"}


def test_english_as_the_default_language_still_needs_chinese_labels() -> None:
    settings = (
        ("form_id", "version", "form_title", "form_title::中文", "default_language"),
        ("f", "1", "Form", "表", "English (en)"),
    )
    header = ("type", "name", "label", "label::Chinese (zh)")
    good = survey_with(("text", "a", "A", "甲"), header=header)
    definition = read_xlsform(workbook(good, settings=settings), "f.xlsx")
    assert definition.default_language == "en"
    assert definition.title == {"zh": "表", "en": "Form"}
    bad = survey_with(("text", "a", "A"), header=("type", "name", "label"))
    assert at(only(workbook(bad, settings=settings))) == ("survey", 2, "label")
    chinese_title_only = (
        ("form_id", "version", "form_title::中文", "default_language"),
        ("f", "1", "表", "en"),
    )
    assert read_xlsform(workbook(good, settings=chinese_title_only), "f.xlsx").title == {"zh": "表"}


def test_other_extensions_are_refused_clearly() -> None:
    problem = only(b"type,name\n", filename="form.csv")
    assert at(problem) == (None, None, None)
    assert ".csv" in problem.message_en
    assert "visit.csv" not in str(problem)


def test_a_damaged_file_is_refused() -> None:
    assert "cannot be read as .xlsx" in only(b"not a zip").message_en
    assert "cannot be read as .xls" in problems(b"not a workbook", filename="old.xls")[0].message_en


def test_the_error_names_the_file_sheet_row_and_column() -> None:
    survey = replaced(SURVEY, 2, ("select_one yes_no", "met", "见到本人", "Met", "maybe()"))
    with pytest.raises(FormError) as raised:
        read_xlsform(workbook(survey), "visit.xlsx")
    text = str(raised.value)
    assert text.startswith("visit.xlsx: sheet survey, row 3, column required:")
    assert "maybe" in text


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("comment", "not supported"),
        ("choice_filter", "cascading"),
        ("relevance", "rename"),
        ("label::fr", "language 'fr'"),
        ("required::en", "takes no language"),
    ],
)
def test_unsupported_columns_are_refused_at_their_header(header: str, reason: str) -> None:
    survey = survey_with(
        ("text", "a", "甲", "A", None, None, None, None, None, None, "x"), header=(*HEADER, header)
    )
    problem = only(workbook(survey))
    assert at(problem) == ("survey", 1, header)
    assert reason in problem.message_en


def test_two_columns_for_one_language_are_refused() -> None:
    survey = survey_with(("text", "a", "甲", "甲"), header=("type", "name", "label", "label::中文"))
    assert at(only(workbook(survey))) == ("survey", 1, "label::中文")


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (("time", "t", "时间"), "type", "not supported"),
        (("select_one colours", "c", "颜色"), "type", "no list colours"),
        (("select_one yes_no or_other", "c", "颜色"), "type", "or_other"),
        (("text", None, "甲"), "name", "no name"),
        (("text", "1st", "甲"), "name", "must start with"),
        (("text", "visit_date", "甲"), "name", "already used on row 2"),
        (("text", "a", None, "A"), "label::中文", "Chinese label is missing"),
        (("note", "a", "甲", None, "yes"), "required", "takes no required"),
        (
            ("text", "a", "甲", None, None, None, None, None, "1 + 1"),
            "calculation",
            "no calculation",
        ),
        (("calculate", "a", "甲"), "calculation", "needs a calculation"),
        (("text", "a", "您好 ${met}"), "label::中文", "shows text only"),
    ],
)
def test_bad_rows_are_refused_at_their_cell(
    row: tuple[str | None, ...], column: str, reason: str
) -> None:
    problem = only(workbook(survey_with(("text", "visit_date", "日期"), row)))
    assert at(problem) == ("survey", 3, column)
    assert reason in problem.message_en


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("appearance", "month-year", "appearance month-year"),
        ("default", "abc", "not a valid integer"),
        ("read_only", "sometimes", "yes or no"),
    ],
)
def test_bad_literal_cells_are_refused(column: str, value: str, reason: str) -> None:
    survey = survey_with(("integer", "a", "甲", value), header=("type", "name", "label", column))
    problem = only(workbook(survey))
    assert at(problem) == ("survey", 2, column)
    assert reason in problem.message_en


def test_literal_defaults_must_fit_the_question() -> None:
    header = ("type", "name", "label", "default")
    good = survey_with(
        ("integer", "a", "甲", "-3"),
        ("date", "b", "乙", "2026-11-30"),
        ("select_multiple needs", "c", "丙", "meals cleaning"),
        ("date", "d", "丁", "today()"),
        header=header,
    )
    definition = read_xlsform(workbook(good), "f.xlsx")
    assert [q.question.default for q in definition.questions()] == [
        "-3",
        "2026-11-30",
        "meals cleaning",
        "today()",
    ]
    bad = survey_with(
        ("date", "b", "乙", "2026-02-30"), ("select_one needs", "c", "丙", "x"), header=header
    )
    assert [at(p) for p in problems(workbook(bad))] == [
        ("survey", 2, "default"),
        ("survey", 3, "default"),
    ]


def test_structure_problems_name_the_begin_or_end_row() -> None:
    nested = survey_with(
        ("begin repeat", "r1", "一"),
        ("begin repeat", "r2", "二"),
        ("text", "a", "甲"),
        ("end repeat",),
        ("end repeat",),
    )
    problem = only(workbook(nested))
    assert at(problem) == ("survey", 3, "type")
    assert "one level of repeat" in problem.message_en
    unclosed = survey_with(("text", "a", "甲"), ("begin group", "g", "组"), ("text", "b", "乙"))
    assert at(only(workbook(unclosed))) == ("survey", 3, "type")
    stray = survey_with(("text", "a", "甲"), ("end repeat",))
    assert at(only(workbook(stray))) == ("survey", 3, "type")


def test_groups_nest_inside_groups_and_inside_the_repeat() -> None:
    survey = survey_with(
        ("begin group", "outer", "外"),
        ("begin group", "inner", None),
        ("text", "a", "甲"),
        ("end group",),
        ("end group",),
        ("begin repeat", "r", "重复"),
        ("begin group", "in_repeat", "组"),
        ("text", "b", "乙"),
        ("end group",),
        ("end repeat",),
    )
    definition = read_xlsform(workbook(survey), "f.xlsx")
    assert {p.question.name: p.in_repeat for p in definition.questions()} == {"a": False, "b": True}
    inner = definition.node("inner")
    assert isinstance(inner, Group)
    assert inner.label is None


def test_repeat_count_is_a_literal() -> None:
    header = ("type", "name", "label", "repeat_count")
    good = survey_with(
        ("begin repeat", "r", "重复", "3"), ("text", "a", "甲"), ("end repeat",), header=header
    )
    repeat = read_xlsform(workbook(good), "f.xlsx").node("r")
    assert isinstance(repeat, Repeat)
    assert repeat.repeat_count == 3
    bad = replaced(good, 1, ("begin repeat", "r", "重复", "${a}"))
    assert at(only(workbook(bad))) == ("survey", 2, "repeat_count")


@pytest.mark.parametrize(
    ("column", "expression", "reason"),
    [
        ("relevant", "${met} = ", "ends too early"),
        ("relevant", "uuid() = 1", "unknown function uuid()"),
        ("relevant", "${nobody} = 1", "no question is named nobody"),
        ("relevant", ". = 'yes'", "belongs in a constraint only"),
        ("relevant", "${member_name} = 'x'", "inside the repeat members"),
        ("relevant", "${health} = 'x'", "is a group"),
        ("relevant", "${members} = 1", "can only be counted"),
        ("relevant", "count(${met}) = 1", "takes a repeat"),
        ("relevant", "sum(${member_present}) = 1", "adds numbers"),
        ("constraint", "regex(., '(?<=a)b')", "look-behind"),
        ("constraint", "regex(., '(a)\\1')", "backreference"),
        ("constraint", "regex(., '(?i)a')", "inline flags"),
        ("constraint", "regex(., '(?P<x>a)')", "named group"),
        ("constraint", "regex(., ${met})", "quoted pattern"),
        ("required", "${met} = 'yes' and", "ends too early"),
    ],
)
def test_expressions_are_checked_at_upload(column: str, expression: str, reason: str) -> None:
    cells: dict[str, str | None] = dict.fromkeys(HEADER)
    cells.update({"type": "text", "name": "extra", "label::中文": "附加", column: expression})
    survey = (*SURVEY, tuple(cells[h] for h in HEADER))
    problem = only(workbook(survey))
    assert at(problem) == ("survey", len(SURVEY) + 1, column)
    assert reason in problem.message_en


def test_a_sibling_inside_the_repeat_and_counts_outside_are_allowed() -> None:
    cells = ("text", "extra", "附加", None, None, None, None, "count(${members}) > 1")
    definition = read_xlsform(workbook((*SURVEY, cells)), "f.xlsx")
    assert definition.node("extra") is not None


def test_circular_relevance_and_calculation_are_refused() -> None:
    survey = survey_with(
        ("text", "a", "甲", None, None, None, None, "${b} = 'x'"),
        ("text", "b", "乙", None, None, None, None, "${a} = 'x'"),
        ("calculate", "c", "丙", None, None, None, None, None, "${c} + 1"),
        ("begin group", "g", "组", None, None, None, None, "${d} = 1"),
        ("integer", "d", "丁"),
        ("end group",),
    )
    found = problems(workbook(survey))
    assert [at(p) for p in found] == [
        ("survey", 3, "relevant"),
        ("survey", 4, "calculation"),
        ("survey", 5, "relevant"),
    ]
    assert "a → b → a" in found[0].message_en
    assert "g → d → g" in found[2].message_en


@pytest.mark.parametrize(
    ("settings", "column", "reason"),
    [
        ((("form_id", "version", "form_title"), ("Visit", "1", "表")), "form_id", "lower-case"),
        ((("form_id", "form_title"), ("visit", "表")), "version", "needs version"),
        ((("form_id", "version", "form_title"), ("visit", "1 2", "表")), "version", "digits"),
        ((("form_id", "version"), ("visit", "1")), "form_title", "Chinese form_title"),
        (
            (("form_id", "version", "form_title", "default_language"), ("v", "1", "表", "fr")),
            "default_language",
            "zh or en",
        ),
    ],
)
def test_settings_are_checked(settings: Rows, column: str, reason: str) -> None:
    problem = only(workbook(settings=settings))
    assert problem.sheet == "settings"
    assert problem.column == column
    assert reason in problem.message_en


def test_unknown_settings_and_a_missing_settings_sheet_are_refused() -> None:
    extra = (("form_id", "version", "form_title", "instance_name"), ("v", "1", "表", "x"))
    assert at(only(workbook(settings=extra))) == ("settings", 1, "instance_name")
    assert at(only(workbook(settings=None))) == ("settings", None, None)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (("yes_no", "yes", "是"), "name", "already has yes on row 2"),
        (("yes_no", "not sure", "不确定"), "name", "no spaces"),
        (("yes_no", "maybe", None, "Maybe"), "label", "no Chinese label"),
        ((None, "maybe", "也许"), "list_name", "list_name"),
    ],
)
def test_choices_are_checked(row: tuple[str | None, ...], column: str, reason: str) -> None:
    problem = only(workbook(choices=(*CHOICES, row)))
    assert at(problem) == ("choices", len(CHOICES) + 1, column)
    assert reason in problem.message_en


def test_unsupported_sheets_are_refused() -> None:
    assert at(only(workbook(extra_sheets=["external_choices"]))) == ("external_choices", None, None)


def test_pyxform_problems_are_passed_on_with_their_row() -> None:
    problem = only(workbook(survey_with(("text", "meta", "元数据"))))
    assert at(problem) == ("survey", 2, "name")
    assert "reserved" in problem.message_en


def test_problems_are_in_sheet_order() -> None:
    survey = replaced(SURVEY, 3, ("text", "reason", None))
    bad_settings = (("form_id", "version", "form_title"), ("Visit", "1", "表"))
    found = problems(workbook(survey, settings=bad_settings))
    assert [p.sheet for p in found] == ["settings", "survey"]


BOUND_HEADER = ("type", "name", "label", "golden_field")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("text", "a", "甲", "nickname"), "has no field nickname"),
        (("text", "a", "甲", "id_number"), "identifier"),
        (("integer", "a", "甲", "phone"), "cannot hold phone"),
        (("select_one sex", "a", "甲", "birth_date"), "cannot hold birth_date"),
    ],
)
def test_bindings_are_checked(row: tuple[str, ...], reason: str) -> None:
    problem = only(workbook(survey_with(row, header=BOUND_HEADER)))
    assert at(problem) == ("survey", 2, "golden_field")
    assert reason in problem.message_en


def test_a_bound_question_inside_the_repeat_is_refused() -> None:
    survey = survey_with(
        ("begin repeat", "r", "重复"),
        ("text", "a", "甲", "address"),
        ("end repeat",),
        header=BOUND_HEADER,
    )
    problem = only(workbook(survey))
    assert at(problem) == ("survey", 3, "golden_field")
    assert "inside the repeat r" in problem.message_en


def test_a_field_is_bound_once() -> None:
    survey = survey_with(
        ("text", "a", "甲", "phone"), ("text", "b", "乙", "phone"), header=BOUND_HEADER
    )
    assert at(only(workbook(survey))) == ("survey", 3, "golden_field")


def test_bindings_follow_the_entity_type() -> None:
    survey = survey_with(
        ("select_one sex", "sex", "性别", "sex"),
        ("text", "status", "状态", "status"),
        header=BOUND_HEADER,
    )
    assert at(only(workbook(survey))) == ("survey", 3, "golden_field")
    enterprise = survey_with(("text", "status", "状态", "status"), header=BOUND_HEADER)
    definition = read_xlsform(workbook(enterprise), "f.xlsx", entity_type="enterprise")
    assert definition.entity_type == "enterprise"
    assert [q.bind for q in definition.bound_questions()] == ["status"]
    problem = only(workbook(enterprise), entity_type=None)
    assert "no entity type" in problem.message_en
    with pytest.raises(ValueError, match="unknown entity type"):
        read_xlsform(workbook(enterprise), "f.xlsx", entity_type="vehicle")
