"""The definition document: exact round trip, digest, and the helpers others call."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from frontline.forms import FormDefinition, Question, default_is_expression, read_xlsform
from frontline.store.base import canonical_json
from tests.forms.workbooks import workbook


@pytest.fixture(scope="module")
def definition() -> FormDefinition:
    return read_xlsform(workbook(), "visit.xlsx")


def test_the_document_round_trips_exactly(definition: FormDefinition) -> None:
    document = definition.to_document()
    again = FormDefinition.from_document(json.loads(json.dumps(document)))
    assert again == definition
    assert again.to_document() == document
    assert again.digest == definition.digest


def test_the_document_has_the_agreed_shape(definition: FormDefinition) -> None:
    document = definition.to_document()
    assert list(document) == [
        "form_id",
        "version",
        "title",
        "default_language",
        "entity_type",
        "children",
        "choices",
    ]
    phone = next(n for n in document["children"] if n["name"] == "phone")
    assert phone == {
        "kind": "question",
        "name": "phone",
        "type": "text",
        "label": {"zh": "联系电话", "en": "Phone"},
        "hint": None,
        "required": False,
        "required_message": None,
        "constraint": "regex(., '^1[3-9][0-9]{9}$')",
        "constraint_message": {"zh": "请填写 11 位手机号码"},
        "relevant": None,
        "calculation": None,
        "default": None,
        "read_only": False,
        "choices": None,
        "appearance": None,
        "bind": {"field": "phone"},
        "row": 6,
    }
    group = next(n for n in document["children"] if n["name"] == "health")
    assert set(group) == {"kind", "name", "label", "relevant", "children", "row"}
    repeat = next(n for n in document["children"] if n["name"] == "members")
    assert set(repeat) == {"kind", "name", "label", "relevant", "repeat_count", "children", "row"}
    assert document["choices"]["sex"] == [
        {"name": "male", "label": {"zh": "男", "en": "Male"}},
        {"name": "female", "label": {"zh": "女", "en": "Female"}},
    ]


def test_the_digest_is_the_sha256_of_the_canonical_document(
    definition: FormDefinition,
) -> None:
    import hashlib

    text = canonical_json(definition.to_document())
    assert definition.digest == hashlib.sha256(text.encode()).hexdigest()
    changed = copy.deepcopy(definition.to_document())
    changed["version"] = "2026113002"
    assert FormDefinition.from_document(changed).digest != definition.digest


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("form_id"),
        lambda d: d.update(title={"en": "x"}),
        lambda d: d["children"][0].update(kind="section"),
        lambda d: d["children"][0].update(type="time"),
        lambda d: d["children"][0].update(row="2"),
        lambda d: d["children"][0].update(required=1),
        lambda d: d["children"][0].update(label={"zh": "x", "fr": "y"}),
        lambda d: d["choices"].update(x=[{"name": 1, "label": {"zh": "a"}}]),
    ],
)
def test_a_damaged_document_is_refused(definition: FormDefinition, damage: Any) -> None:
    document = copy.deepcopy(definition.to_document())
    damage(document)
    with pytest.raises(ValueError, match="not a form definition"):
        FormDefinition.from_document(document)


def test_questions_know_their_repeat_and_bound_questions_their_field(
    definition: FormDefinition,
) -> None:
    placed = definition.questions()
    assert [p.question.name for p in placed if p.in_repeat] == [
        "member_name",
        "member_age",
        "member_present",
    ]
    assert {p.repeat.name for p in placed if p.repeat is not None} == {"members"}
    assert [(q.name, q.bind) for q in definition.bound_questions()] == [
        ("phone", "phone"),
        ("death_date", "death_date"),
    ]
    assert definition.repeats == {
        "members": frozenset({"member_name", "member_age", "member_present"})
    }
    assert isinstance(definition.node("age"), Question)
    assert definition.node("nothing") is None
    assert definition.choice_names("yes_no") == ["yes", "no"]


def test_every_expression_is_parsed_once(definition: FormDefinition) -> None:
    expressions = definition.expressions
    assert ". <= today()" in expressions
    assert "count(${members})" in expressions
    assert "${met} = 'yes'" in expressions
    assert definition.expressions is expressions


@pytest.mark.parametrize(
    ("default", "is_expression"),
    [("today()", True), ("${a} + 1", True), ("5", False), ("2026-11-30", False), ("a b", False)],
)
def test_a_default_is_an_expression_when_it_calls_or_refers(
    default: str, is_expression: bool
) -> None:
    assert default_is_expression(default) is is_expression
