"""Server validation of submissions: each error code, relevance, calculates, repeats, proposals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from frontline.forms import Checked, FormDefinition, Proposal, check_submission, read_xlsform
from tests.forms.workbooks import survey_with, workbook

TODAY = date(2026, 11, 30)
DIGEST = "0123456789abcdef" * 4


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return read_xlsform(workbook(), "visit.xlsx")


def valid() -> dict[str, Any]:
    return {
        "visit_date": "2026-11-30",
        "met": "yes",
        "needs": ["meals", "cleaning"],
        "phone": "13812345678",
        "age": 81,
        "income": 1200.5,
        "members": [
            {"member_name": "王小明", "member_age": 50, "member_present": "yes"},
            {"member_name": "王小红"},
        ],
        "location": {"latitude": 30.25, "longitude": 120.16, "accuracy": 8.5},
        "photo": {"attachment": DIGEST.upper(), "content_type": "image/jpeg"},
    }


def check(form: FormDefinition, answers: object, **options: Any) -> Checked:
    return check_submission(form, answers, today=TODAY, **options)


def codes(checked: Checked) -> list[tuple[str, str]]:
    return [(e.path, e.code) for e in checked.errors]


def test_a_valid_submission_is_cleaned_and_calculated(form: FormDefinition) -> None:
    checked = check(form, valid(), prefill={"phone": "13812345678"})
    assert checked.ok, checked.errors
    assert checked.answers == {
        **valid(),
        "photo": {"attachment": DIGEST, "content_type": "image/jpeg"},
        "member_count": 2,
    }
    assert checked.proposals == []


def test_answers_that_are_not_an_object_are_one_error(form: FormDefinition) -> None:
    wrong: list[object] = [[], None, "x", 3]
    for answers in wrong:
        checked = check(form, answers)
        assert codes(checked) == [("", "type")]
        assert checked.answers == {}


def test_unknown_names_are_errors_and_dropped(form: FormDefinition) -> None:
    answers = {
        **{k: v for k, v in valid().items() if k != "members"},
        "nickname": "x",
        "health": {"age": 3},
        "member_name": "x",
        "members": [{"member_name": "甲", "age": 3, "nick": 1}],
    }
    checked = check(form, answers)
    assert codes(checked) == [
        ("nickname", "unknown"),
        ("health", "unknown"),
        ("member_name", "unknown"),
        ("members[0].age", "unknown"),
        ("members[0].nick", "unknown"),
    ]
    assert "group" in checked.errors[1].message_en
    assert "inside each instance of the repeat members" in checked.errors[2].message_en
    assert "nickname" not in checked.answers


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("age", "81", "type"),
        ("age", True, "type"),
        ("age", 81.5, "type"),
        ("age", 2**60, "range"),
        ("income", float("nan"), "type"),
        ("income", float("inf"), "type"),
        ("income", False, "type"),
        ("visit_date", "2026-02-30", "type"),
        ("visit_date", "20261130", "type"),
        ("visit_date", 20261130, "type"),
        ("phone", 13812345678, "type"),
        ("phone", "1" * 2001, "size"),
        ("phone", "138\x0012345678", "type"),
        ("met", "maybe", "choice"),
        ("met", ["yes"], "type"),
        ("needs", "meals", "type"),
        ("needs", ["meals", "flowers"], "choice"),
        ("needs", ["meals", "meals"], "choice"),
        ("location", {"latitude": 91, "longitude": 0}, "range"),
        ("location", {"latitude": 30, "longitude": -181}, "range"),
        ("location", {"latitude": 30}, "type"),
        ("location", {"latitude": 30, "longitude": 120, "altitude": 3}, "type"),
        ("location", {"latitude": True, "longitude": 120}, "type"),
        ("location", {"latitude": 30, "longitude": 120, "accuracy": -1}, "range"),
        ("photo", {"attachment": "abc", "content_type": "image/jpeg"}, "type"),
        ("photo", {"attachment": DIGEST, "content_type": "image/gif"}, "type"),
        ("photo", DIGEST, "type"),
        ("members", {"member_name": "x"}, "type"),
        ("members", [{"member_name": "x"}] * 101, "size"),
    ],
)
def test_values_of_the_wrong_shape_are_errors(
    form: FormDefinition, name: str, value: object, code: str
) -> None:
    checked = check(form, {**valid(), name: value})
    assert codes(checked) == [(name, code)]
    assert name not in checked.answers
    assert checked.errors[0].message_zh.startswith("「")


def test_a_wrong_value_inside_a_repeat_names_its_instance(form: FormDefinition) -> None:
    answers = {**valid(), "members": [{"member_name": "甲"}, "乙", {"member_name": 3}]}
    checked = check(form, answers)
    assert codes(checked) == [("members[1]", "type"), ("members[2].member_name", "type")]
    assert checked.errors[1].message_zh == "「家庭成员」第 3 条的「姓名」：应为文字"
    assert checked.errors[1].message_en == '"Members" #3, "Name": expected text'
    assert checked.answers["members"] == [{"member_name": "甲"}, {}, {}]


def test_no_answer_forms_count_as_unanswered(form: FormDefinition) -> None:
    answers = {**valid(), "phone": "   ", "needs": [], "visit_date": None, "photo": None}
    checked = check(form, answers)
    assert codes(checked) == [("visit_date", "required")]
    for name in ("phone", "needs", "visit_date", "photo"):
        assert name not in checked.answers


def test_required_questions_are_required_only_when_relevant(form: FormDefinition) -> None:
    answers = valid()
    del answers["met"], answers["age"]
    assert codes(check(form, answers)) == [("met", "required")]
    answers["met"] = "yes"
    assert codes(check(form, answers)) == [("age", "required")]
    answers["met"] = "no"
    checked = check(form, answers)
    assert codes(checked) == [("reason", "required")]
    assert checked.errors[0].message_zh == "「未见原因」：必须填写"
    assert checked.errors[0].message_en == '"Why not": an answer is required'


def test_a_required_expression_decides_at_check_time() -> None:
    header = ("type", "name", "label", "required", "required_message::中文")
    survey = survey_with(
        ("integer", "age", "年龄", "yes"),
        ("text", "guardian", "监护人", "${age} < 18", "未成年人须填写监护人"),
        header=header,
    )
    definition = read_xlsform(workbook(survey), "f.xlsx")
    assert check(definition, {"age": 40}).ok
    checked = check(definition, {"age": 12})
    assert codes(checked) == [("guardian", "required")]
    assert checked.errors[0].message_zh == "「监护人」：未成年人须填写监护人"
    assert checked.errors[0].message_en == '"监护人": 未成年人须填写监护人'


def test_answers_to_questions_that_are_not_relevant_are_dropped(form: FormDefinition) -> None:
    answers = {**valid(), "reason": "不在家"}
    checked = check(form, answers)
    assert checked.ok
    assert "reason" not in checked.answers
    answers = {**valid(), "met": "no", "reason": "住院", "age": 500}
    checked = check(form, answers)
    assert checked.ok, checked.errors
    assert "age" not in checked.answers
    assert "income" not in checked.answers
    assert "members" in checked.answers


def test_constraints_use_the_forms_message(form: FormDefinition) -> None:
    checked = check(form, {**valid(), "phone": "12345"})
    assert codes(checked) == [("phone", "constraint")]
    assert checked.errors[0].message_zh == "「联系电话」：请填写 11 位手机号码"
    assert checked.errors[0].message_en == '"Phone": 请填写 11 位手机号码'
    checked = check(form, {**valid(), "income": -1})
    assert codes(checked) == [("income", "constraint")]
    assert checked.errors[0].message_en == '"Income": the answer is not allowed'


def test_constraints_see_today_from_the_caller(form: FormDefinition) -> None:
    answers = {**valid(), "visit_date": "2026-12-01"}
    assert codes(check(form, answers)) == [("visit_date", "constraint")]
    assert check_submission(form, answers, today=date(2026, 12, 1)).ok


def test_constraints_inside_a_repeat_see_the_instance_and_the_form(
    form: FormDefinition,
) -> None:
    answers = valid()
    answers["members"] = [
        {"member_name": "甲", "member_age": 90},
        {"member_name": "乙", "member_age": 30},
    ]
    checked = check(form, answers)
    assert codes(checked) == [("members[0].member_age", "constraint")]
    assert checked.errors[0].message_zh == "「家庭成员」第 1 条的「成员年龄」：不能比老人年长"


def test_calculates_sent_by_the_device_are_replaced(form: FormDefinition) -> None:
    checked = check(form, {**valid(), "member_count": 99})
    assert checked.ok
    assert checked.answers["member_count"] == 2


def test_notes_carry_no_value(form: FormDefinition) -> None:
    checked = check(form, {**valid(), "thanks": "x"})
    assert checked.ok
    assert "thanks" not in checked.answers


SIBLINGS = survey_with(
    ("select_one yes_no", "has_members", "有家庭成员", "yes"),
    ("begin repeat", "members", "家庭成员", None, None, "${has_members} = 'yes'"),
    ("select_one yes_no", "present", "在场", "yes"),
    ("text", "phone", "电话", "yes", None, "${present} = 'yes'"),
    ("decimal", "income", "收入"),
    ("end repeat",),
    ("calculate", "total", "总收入", None, None, None, "sum(${income})"),
    ("calculate", "rich", "较高", None, None, None, "${total} > 5000"),
    ("text", "why", "原因", "yes", None, "${rich}"),
    header=("type", "name", "label", "required", "constraint", "relevant", "calculation"),
)


def test_siblings_in_a_repeat_refer_to_the_same_instance() -> None:
    definition = read_xlsform(workbook(SIBLINGS), "f.xlsx")
    answers = {
        "has_members": "yes",
        "members": [
            {"present": "yes", "phone": "138", "income": 1000},
            {"present": "no", "phone": "139", "income": 2000.5},
            {"present": "yes"},
        ],
    }
    checked = check(definition, answers)
    assert codes(checked) == [("members[2].phone", "required")]
    assert checked.answers["members"] == [
        {"present": "yes", "phone": "138", "income": 1000},
        {"present": "no", "income": 2000.5},
        {"present": "yes"},
    ]
    assert checked.answers["total"] == 3000.5
    assert checked.answers["rich"] is False


def test_calculates_and_relevance_settle_together() -> None:
    definition = read_xlsform(workbook(SIBLINGS), "f.xlsx")
    answers = {"has_members": "yes", "members": [{"present": "no", "income": 6000}]}
    assert codes(check(definition, answers)) == [("why", "required")]
    answers = {"has_members": "no", "members": [{"present": "no", "income": 6000}], "why": "x"}
    checked = check(definition, answers)
    assert checked.ok
    assert checked.answers == {"has_members": "no", "total": 0, "rich": False}


def test_the_repeat_count_is_checked() -> None:
    survey = survey_with(
        ("begin repeat", "rooms", "房间", "2"),
        ("text", "use", "用途"),
        ("end repeat",),
        header=("type", "name", "label", "repeat_count"),
    )
    definition = read_xlsform(workbook(survey), "f.xlsx")
    assert check(definition, {"rooms": [{"use": "a"}, {}]}).ok
    checked = check(definition, {"rooms": [{"use": "a"}]})
    assert codes(checked) == [("rooms", "repeat_count")]
    assert checked.errors[0].message_en == '"房间": needs 2 instances, not 1'
    assert codes(check(definition, {})) == [("rooms", "repeat_count")]


def test_a_bound_answer_that_differs_is_proposed(form: FormDefinition) -> None:
    answers = {**valid(), "phone": "13900001111", "death_date": "2026-11-01"}
    checked = check(form, answers, prefill={"phone": "13812345678"})
    assert checked.ok
    assert checked.proposals == [
        Proposal("phone", "phone", "13900001111", "13812345678"),
        Proposal("death_date", "death_date", "2026-11-01", None),
    ]


def test_equal_values_are_not_proposed(form: FormDefinition) -> None:
    answers = {**valid(), "phone": "13812345678", "death_date": "2026-11-01"}
    prefill = {"phone": " 13812345678", "death_date": date(2026, 11, 1)}
    assert check(form, answers, prefill=prefill).proposals == []
    prefill["death_date"] = datetime(2026, 11, 1, 8, 30)
    assert check(form, answers, prefill=prefill).proposals == []
    prefill["death_date"] = "2026-11-02"
    assert [p.field for p in check(form, answers, prefill=prefill).proposals] == ["death_date"]


def test_invalid_unanswered_or_irrelevant_bound_answers_are_not_proposed() -> None:
    survey = survey_with(
        ("select_one yes_no", "moved", "是否搬迁"),
        ("text", "address", "地址", "${moved} = 'yes'", "string-length(.) > 3", "address"),
        ("text", "phone", "电话", None, None, "phone"),
        header=("type", "name", "label", "relevant", "constraint", "golden_field"),
    )
    definition = read_xlsform(workbook(survey), "f.xlsx")
    prefill = {"address": "旧地址一号", "phone": "13812345678"}
    assert (
        check(definition, {"moved": "no", "address": "新地址二号"}, prefill=prefill).proposals == []
    )
    checked = check(definition, {"moved": "yes", "address": "短"}, prefill=prefill)
    assert codes(checked) == [("address", "constraint")]
    assert checked.proposals == []
    checked = check(definition, {"moved": "yes", "address": "新地址  二号"}, prefill=prefill)
    assert checked.proposals == [Proposal("address", "address", "新地址 二号", "旧地址一号")]


def test_select_one_bound_to_a_text_field_proposes_the_choice_name() -> None:
    survey = survey_with(
        ("select_one sex", "sex", "性别", "sex"), header=("type", "name", "label", "golden_field")
    )
    definition = read_xlsform(workbook(survey), "f.xlsx")
    assert check(definition, {"sex": "male"}, prefill={"sex": "male"}).proposals == []
    assert check(definition, {"sex": "female"}, prefill={"sex": "male"}).proposals == [
        Proposal("sex", "sex", "female", "male")
    ]
