"""The expression language: the shared corpus, precedence, and what the parser refuses."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from frontline.forms import FUNCTIONS, Context, ExpressionError, evaluate, parse
from frontline.forms.conversions import Value
from frontline.forms.expressions import Binary, Call, Literal, Negate, Ref, Tree

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "expression_cases.json").read_text(encoding="utf-8")
)


def repeats_in(values: dict[str, Any]) -> dict[str, frozenset[str]]:
    """The corpus's convention: a list of objects is a repeat; its keys are its questions."""
    found: dict[str, frozenset[str]] = {}
    for name, value in values.items():
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            found[name] = frozenset(key for item in value for key in item)
    return found


def run(case: dict[str, Any]) -> Value:
    instance = case.get("instance")
    context = Context(
        today=date.fromisoformat(case["today"]),
        values=case["values"],
        current=case["current"],
        repeats=repeats_in(case["values"]),
        instance=None if instance is None else (instance["repeat"], instance["index"]),
    )
    return evaluate(parse(case["expression"]), context)


@pytest.mark.parametrize("case", CASES, ids=[c["expression"] for c in CASES])
def test_corpus_case(case: dict[str, Any]) -> None:
    result = run(case)
    expected = case["expected"]
    if isinstance(expected, bool):
        assert result is expected
    elif isinstance(expected, str):
        assert result == expected
    else:
        assert isinstance(result, float)
        assert not isinstance(result, bool)
        assert result == expected


def test_the_corpus_is_large_and_well_formed() -> None:
    assert len(CASES) >= 80
    keys = {"expression", "values", "current", "today", "expected"}
    for case in CASES:
        assert keys <= set(case) <= keys | {"instance"}
        assert isinstance(case["expected"], bool | int | float | str)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", case["today"])


def test_the_corpus_covers_every_function_and_operator() -> None:
    text = " ".join(case["expression"] for case in CASES)
    for function in FUNCTIONS:
        assert re.search(rf"(?<![\w-]){re.escape(function)}\(", text), function
    for operator in ("or", "and", "div", "mod"):
        assert f" {operator} " in text
    for symbol in ("!=", "<=", ">=", " < ", " > ", " = ", "+", " - ", "*"):
        assert symbol in text
    assert any(case["current"] is not None for case in CASES)
    assert any("instance" in case for case in CASES)


def shape(tree: Tree) -> object:
    """A tree as nested tuples, to compare structure."""
    if isinstance(tree, Literal):
        return tree.value
    if isinstance(tree, Ref):
        return f"${tree.name}"
    if isinstance(tree, Negate):
        return ("neg", shape(tree.operand))
    if isinstance(tree, Binary):
        return (tree.operator, shape(tree.left), shape(tree.right))
    if isinstance(tree, Call):
        return (tree.function, *(shape(a) for a in tree.arguments))
    return "."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 or 2 and 3", ("or", 1.0, ("and", 2.0, 3.0))),
        ("1 and 2 = 3", ("and", 1.0, ("=", 2.0, 3.0))),
        ("1 = 2 < 3", ("=", 1.0, ("<", 2.0, 3.0))),
        ("1 < 2 + 3", ("<", 1.0, ("+", 2.0, 3.0))),
        ("1 + 2 * 3", ("+", 1.0, ("*", 2.0, 3.0))),
        ("1 - 2 - 3", ("-", ("-", 1.0, 2.0), 3.0)),
        ("8 div 4 mod 3", ("mod", ("div", 8.0, 4.0), 3.0)),
        ("-2 * 3", ("*", ("neg", 2.0), 3.0)),
        ("-${a} - -1", ("-", ("neg", "$a"), ("neg", 1.0))),
        ("not(${a} != 'x')", ("not", ("!=", "$a", "x"))),
        ("${a}div${b}", ("div", "$a", "$b")),
        (". >= 0", (">=", ".", 0.0)),
    ],
)
def test_precedence_and_associativity(text: str, expected: object) -> None:
    assert shape(parse(text).tree) == expected


def test_references_are_collected_with_their_aggregate() -> None:
    expression = parse("count(${members}) > 1 and sum(${income}) < ${limit}")
    assert [(r.name, r.aggregate) for r in expression.references] == [
        ("members", "count"),
        ("income", "sum"),
        ("limit", None),
    ]
    assert expression.names == {"members", "income", "limit"}
    assert not expression.uses_current
    assert parse("regex(., 'x')").uses_current


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("", 0, "empty"),
        ("1 +", 3, "ends too early"),
        ("(1 + 2", 0, "never closed"),
        ("1 + 2)", 5, "unexpected ')'"),
        ("'abc", 0, "no closing"),
        ("${a b}", 0, "${name}"),
        ("../a", 0, "paths"),
        ("/data/a", 0, "paths"),
        ("${a} | ${b}", 5, "'|'"),
        ("age > 3", 0, "write ${age}"),
        ("true", 0, "true()"),
        ("and 1", 0, "needs a value"),
        ("now()", 0, "unknown function now()"),
        ("if(1, 2)", 0, "takes 3 arguments"),
        ("concat()", 0, "takes 1+ arguments"),
        ("round(1, 2, 3)", 0, "takes 1–2 arguments"),
        ("count(1)", 0, "is a reference"),
        ("1 @ 2", 2, "'@'"),
        ("1 # 2", 2, "unexpected character"),
    ],
)
def test_parse_errors_say_what_and_where(text: str, position: int, reason: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.position == position
    assert reason in raised.value.message_en
    assert raised.value.message_zh


def test_deep_nesting_and_long_text_are_refused_not_overflowed() -> None:
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("-" * 200 + "1")
    with pytest.raises(ExpressionError, match="longer than"):
        parse("1 + " * 600 + "1")
    assert parse("(" * 40 + "1" + ")" * 40).tree == Literal(1.0)


def test_evaluation_does_not_read_the_clock() -> None:
    context = Context(today=date(1999, 12, 31), values={})
    assert evaluate(parse("today()"), context) == "1999-12-31"
    assert evaluate(parse("date(today() + 1)"), context) == "2000-01-01"


def test_today_from_a_datetime_is_its_day() -> None:
    context = Context(today=datetime(2026, 11, 30, 23, 59), values={})
    assert evaluate(parse("today()"), context) == "2026-11-30"


def test_an_expression_is_evaluated_many_times_from_one_parse() -> None:
    expression = parse("${a} * 2")
    results = [evaluate(expression, Context(date(2026, 1, 1), {"a": n})) for n in range(3)]
    assert results == [0.0, 2.0, 4.0]


def test_wrong_types_become_nan_or_empty_never_an_exception() -> None:
    context = Context(date(2026, 1, 1), {"a": {"odd": 1}, "b": [1, 2], "c": 10**400})
    assert evaluate(parse("${a}"), context) == ""
    assert evaluate(parse("${b}"), context) == ""
    assert evaluate(parse("${c} > 1"), context) is True
    assert math.isnan(float(evaluate(parse("${a} + 1"), context)))
