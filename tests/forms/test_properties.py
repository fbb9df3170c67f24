"""Properties: validation never raises and is idempotent; arithmetic agrees with Python; the
definition document round-trips."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.forms import (
    QUESTION_TYPES,
    Checked,
    Choice,
    Context,
    FormDefinition,
    Group,
    Node,
    Question,
    Repeat,
    check_submission,
    evaluate,
    parse,
    read_xlsform,
)
from tests.forms.workbooks import workbook

FORM = read_xlsform(workbook(), "visit.xlsx")
TODAY = date(2026, 11, 30)
NAMES = sorted({node.name for node, _ in FORM.nodes()})
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["yes", "no", "meals", "2026-11-30", "13812345678", "0" * 64])
)
json_values = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=6), inner, max_size=4)
        | st.dictionaries(st.sampled_from(["latitude", "longitude", "accuracy"]), inner)
        | st.dictionaries(st.sampled_from(["attachment", "content_type"]), inner)
    ),
    max_leaves=12,
)
answers_like = st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=6), json_values)


def check(answers: object) -> Checked:
    return check_submission(FORM, answers, today=TODAY, prefill={"phone": "13812345678"})


@FAST
@given(answers_like | json_values)
def test_check_submission_never_raises(answers: Any) -> None:
    checked = check(answers)
    assert isinstance(checked.answers, dict)
    json.dumps(checked.answers, allow_nan=False)
    for error in checked.errors:
        assert error.code in {
            "required",
            "type",
            "choice",
            "constraint",
            "unknown",
            "range",
            "size",
            "repeat_count",
        }
        assert error.message_zh
        assert error.message_en


def _within(path: str, earlier: set[str]) -> bool:
    return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in earlier)


@FAST
@given(answers_like)
def test_cleaned_answers_check_the_same_again(answers: dict[str, Any]) -> None:
    first = check(answers)
    second = check(first.answers)
    assert second.answers == first.answers
    earlier = {e.path for e in first.errors}
    assert all(_within(e.path, earlier) for e in second.errors), (first.errors, second.errors)
    assert second.proposals == [p for p in first.proposals if p.question not in earlier]


@st.composite
def valid_answers(draw: st.DrawFn) -> dict[str, Any]:
    age = draw(st.integers(0, 130))
    text = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=20)
    members = draw(
        st.lists(
            st.fixed_dictionaries(
                {"member_name": text},
                optional={
                    "member_age": st.integers(0, age),
                    "member_present": st.sampled_from(["yes", "no"]),
                },
            ),
            max_size=5,
        )
    )
    answers: dict[str, Any] = {
        "visit_date": (TODAY - timedelta(days=draw(st.integers(0, 3000)))).isoformat(),
        "met": "yes",
        "age": age,
        "phone": draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
        "needs": draw(st.lists(st.sampled_from(["meals", "cleaning"]), unique=True)),
        "income": draw(st.floats(0, 1e9) | st.integers(0, 10**9)),
        "location": {
            "latitude": draw(st.floats(-90, 90)),
            "longitude": draw(st.floats(-180, 180)),
            "accuracy": draw(st.none() | st.floats(0, 1e4)),
        },
    }
    if members:
        answers["members"] = members
    if not answers["needs"]:
        del answers["needs"]
    return answers


@FAST
@given(valid_answers())
def test_valid_answers_pass_unchanged(answers: dict[str, Any]) -> None:
    checked = check(answers)
    assert checked.ok, checked.errors
    assert checked.answers == {**answers, "member_count": len(answers.get("members", []))}
    expected = [] if answers["phone"] == "13812345678" else [answers["phone"]]
    assert [p.value for p in checked.proposals] == expected


small = st.integers(min_value=-(2**26), max_value=2**26)


def value_of(text: str, values: dict[str, Any] | None = None) -> float:
    result = evaluate(parse(text), Context(TODAY, values or {}))
    assert isinstance(result, float)
    return result


@settings(max_examples=300, deadline=None)
@given(small, small, small)
def test_integer_arithmetic_agrees_with_python(a: int, b: int, c: int) -> None:
    assert value_of(f"({a}) + ({b})") == a + b
    assert value_of(f"({a}) - ({b})") == a - b
    assert value_of(f"({a}) * ({b})") == a * b
    assert value_of(f"{a} + {b} * {c}") == a + b * c
    assert value_of(f"{a} - {b} - {c}") == a - b - c
    assert value_of("${a} * ${b} + ${c}", {"a": a, "b": b, "c": c}) == a * b + c
    if b != 0:
        assert value_of(f"({a}) div ({b})") == a / b
        remainder = abs(a) % abs(b) * (1 if a >= 0 else -1)
        assert value_of(f"({a}) mod ({b})") == remainder
        assert value_of(f"int(({a}) div ({b}))") == math.trunc(a / b)
    else:
        assert math.isnan(value_of(f"({a}) mod 0"))


labels = st.fixed_dictionaries(
    {"zh": st.text(min_size=1, max_size=5)}, optional={"en": st.text(max_size=5)}
)
names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
expressions = st.none() | st.text(max_size=10)
questions = st.builds(
    Question,
    name=names,
    type=st.sampled_from(QUESTION_TYPES),
    label=labels,
    row=st.integers(2, 500),
    hint=st.none() | labels,
    required=st.booleans() | st.text(max_size=10),
    required_message=st.none() | labels,
    constraint=expressions,
    constraint_message=st.none() | labels,
    relevant=expressions,
    calculation=expressions,
    default=expressions,
    read_only=st.booleans(),
    choices=st.none() | names,
    appearance=st.none() | st.text(max_size=8),
    bind=st.none() | names,
)


def containers(children: st.SearchStrategy[list[Node]]) -> st.SearchStrategy[Node]:
    as_tuple = children.map(tuple)
    group = st.builds(Group, names, st.none() | labels, expressions, as_tuple, st.integers(2, 99))
    repeat = st.builds(
        Repeat,
        names,
        labels,
        expressions,
        st.none() | st.integers(1, 100),
        as_tuple,
        st.integers(2, 99),
    )
    return group | repeat


nodes: st.SearchStrategy[Node] = st.recursive(
    questions, lambda inner: containers(st.lists(inner, max_size=3)), max_leaves=6
)
definitions = st.builds(
    FormDefinition,
    form_id=names,
    version=st.text(min_size=1, max_size=10),
    title=labels,
    default_language=st.sampled_from(["zh", "en"]),
    entity_type=st.sampled_from([None, "person", "enterprise"]),
    children=st.lists(nodes, max_size=4).map(tuple),
    choices=st.dictionaries(
        names, st.lists(st.builds(Choice, names, labels), max_size=3).map(tuple), max_size=2
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions)
def test_the_definition_document_round_trips(definition: FormDefinition) -> None:
    document = json.loads(json.dumps(definition.to_document()))
    again = FormDefinition.from_document(document)
    assert again == definition
    assert again.to_document() == document
    assert again.digest == definition.digest
