"""Evaluating a parsed expression against answers: the XPath subset's meaning.

Evaluation never raises on answers: a wrong type becomes NaN or '' by the conversions of
``frontline.forms.conversions``, as in XPath. ``today()`` comes from the ``Context``, never
the clock, so one submission checks the same way on every run.

Comparisons (XPath 1.0): ``=`` and ``!=`` compare as booleans when either side is a boolean,
else as numbers when either side is a number, else as text. ``<``, ``<=``, ``>``, ``>=``
compare numbers — and since an ISO date converts to its day count, dates compare as their
ISO text does, and an empty answer (NaN) compares false.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from decimal import Context as DecimalContext

from frontline.forms.conversions import (
    XPATH_SPACE,
    Value,
    date_from_days,
    number_text,
    parse_date,
    to_boolean,
    to_number,
    to_string,
)
from frontline.forms.expressions import (
    Binary,
    Call,
    Current,
    Expression,
    Literal,
    Negate,
    Ref,
    Tree,
)

_DECIMALS = DecimalContext(prec=800)


@dataclass(frozen=True)
class Context:
    """What an expression sees: the answers, the current value, the day, the repeat instance.

    ``values`` holds answers as a submission does: a name's answer at the top level, a
    repeat's name with a list of objects, one per instance. ``repeats`` names the questions
    of each repeat; ``instance`` is the (repeat, index) being evaluated, in which a question of
    that repeat means its sibling in the same instance.
    """

    today: date
    values: Mapping[str, object]
    current: object = None
    repeats: Mapping[str, frozenset[str]] = field(default_factory=dict)
    instance: tuple[str, int] | None = None

    def repeat_of(self, name: str) -> str | None:
        for repeat, names in self.repeats.items():
            if name in names:
                return repeat
        return None

    def instances(self, repeat: str) -> Sequence[Mapping[str, object]]:
        found = self.values.get(repeat)
        if not isinstance(found, list):
            return []
        return [item for item in found if isinstance(item, Mapping)]


def answer_value(answer: object) -> Value:
    """An answer as an expression sees it (docs/forms.md, "Answers in expressions").

    Numbers are numbers; text, choices and dates are text; a select_multiple answer is its
    choice names joined by spaces; a geopoint is ``"lat lon 0 accuracy"``; a photo its
    attachment digest; no answer is ''.
    """
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, int | float):
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf
    if isinstance(answer, str):
        return answer
    if isinstance(answer, list):
        return " ".join(item for item in answer if isinstance(item, str))
    if isinstance(answer, Mapping):
        if "attachment" in answer:
            digest = answer["attachment"]
            return digest if isinstance(digest, str) else ""
        latitude, longitude = answer.get("latitude"), answer.get("longitude")
        accuracy = answer.get("accuracy")
        parts = [latitude, longitude, 0.0, 0.0 if accuracy is None else accuracy]
        if all(isinstance(p, int | float) and not isinstance(p, bool) for p in parts):
            return " ".join(number_text(float(p)) for p in parts)  # type: ignore[arg-type]
    return ""


def evaluate(expression: Expression, context: Context) -> Value:
    """The value of ``expression`` in ``context``."""
    return _Evaluator(context).run(expression.tree)


def evaluate_boolean(expression: Expression, context: Context) -> bool:
    return to_boolean(evaluate(expression, context))


class _Evaluator:
    def __init__(self, context: Context) -> None:
        self.context = context

    def run(self, tree: Tree) -> Value:
        if isinstance(tree, Literal):
            return tree.value
        if isinstance(tree, Ref):
            return self.reference(tree.name)
        if isinstance(tree, Current):
            return answer_value(self.context.current)
        if isinstance(tree, Negate):
            return -to_number(self.run(tree.operand))
        if isinstance(tree, Binary):
            return self.binary(tree)
        return self.call(tree)

    def reference(self, name: str) -> Value:
        context = self.context
        repeat = context.repeat_of(name)
        if repeat is None:
            if name in context.repeats:
                return ""
            return answer_value(context.values.get(name))
        instances = context.instances(repeat)
        if context.instance is not None and context.instance[0] == repeat:
            index = context.instance[1]
            return answer_value(instances[index].get(name)) if index < len(instances) else ""
        # Outside its repeat a question's value is its first instance's (XPath's string value
        # of a node-set); upload allows it only inside count() and sum().
        return answer_value(instances[0].get(name)) if instances else ""

    def many(self, name: str) -> list[Value]:
        """The values a reference stands for across a repeat's instances."""
        context = self.context
        if name in context.repeats:
            return ["" for _ in context.instances(name)]
        repeat = context.repeat_of(name)
        if repeat is None:
            return [self.reference(name)]
        if context.instance is not None and context.instance[0] == repeat:
            return [self.reference(name)]
        return [answer_value(item.get(name)) for item in context.instances(repeat)]

    def binary(self, tree: Binary) -> Value:
        operator = tree.operator
        if operator == "or":
            return to_boolean(self.run(tree.left)) or to_boolean(self.run(tree.right))
        if operator == "and":
            return to_boolean(self.run(tree.left)) and to_boolean(self.run(tree.right))
        left, right = self.run(tree.left), self.run(tree.right)
        if operator in ("=", "!="):
            return equal(left, right) == (operator == "=")
        if operator in ("<", "<=", ">", ">="):
            return compare(operator, to_number(left), to_number(right))
        return arithmetic(operator, to_number(left), to_number(right))

    def call(self, tree: Call) -> Value:
        name, arguments = tree.function, tree.arguments
        if name == "if":
            chosen = arguments[1] if to_boolean(self.run(arguments[0])) else arguments[2]
            return self.run(chosen)
        if name == "coalesce":
            first = self.run(arguments[0])
            return first if to_string(first) != "" else self.run(arguments[1])
        if name in ("count", "sum"):
            reference = arguments[0]
            assert isinstance(reference, Ref)  # noqa: S101 - the parser guarantees it
            values = self.many(reference.name)
            if name == "count":
                return float(len(values))
            total = 0.0
            for value in values:
                if to_string(value) != "":
                    total += to_number(value)
            return total
        if name == "regex":
            assert tree.pattern is not None  # noqa: S101 - the parser compiles it
            return tree.pattern.search(to_string(self.run(arguments[0])))
        if name == "today":
            day = self.context.today
            # A datetime is a date too; its time of day is not part of today().
            return (day.date() if isinstance(day, datetime) else day).isoformat()
        values = [self.run(argument) for argument in arguments]
        return _FUNCTIONS[name](values)


def equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left) == to_number(right)
    return left == right


def compare(operator: str, left: float, right: float) -> bool:
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


def arithmetic(operator: str, left: float, right: float) -> float:
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "div":
        if right == 0:
            if left == 0 or math.isnan(left):
                return math.nan
            return math.copysign(math.inf, left) * math.copysign(1.0, right)
        return left / right
    # mod: the remainder keeps the dividend's sign (JavaScript's %).
    if right == 0 or math.isinf(left) or math.isnan(left) or math.isnan(right):
        return math.nan
    return math.fmod(left, right)


def _int(values: list[Value]) -> float:
    number = to_number(values[0])
    return number if not math.isfinite(number) else float(math.trunc(number))


def _round(values: list[Value]) -> float:
    """Half away from zero, on the shortest decimal form of the number."""
    number = to_number(values[0])
    digits = to_number(values[1]) if len(values) > 1 else 0.0
    if math.isnan(digits):
        return math.nan
    if not math.isfinite(number) or digits > 15:
        return number
    places = math.trunc(max(digits, -400.0))
    exact = Decimal(repr(number))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_DECIMALS)
    return float(rounded)


def _substr(values: list[Value]) -> str:
    """0-based start, end exclusive, counted in characters; out-of-range indexes are clamped."""
    characters = to_string(values[0])
    size = len(characters)

    def index(value: Value) -> int:
        number = to_number(value)
        if math.isnan(number):
            return 0
        if math.isinf(number):
            return size if number > 0 else 0
        return min(max(math.trunc(number), 0), size)

    start = index(values[1])
    end = index(values[2]) if len(values) > 2 else size
    return characters[start:end] if end > start else ""


def _tokens(value: Value) -> list[str]:
    text = to_string(value)
    for space in XPATH_SPACE[1:]:
        text = text.replace(space, " ")
    return [token for token in text.split(" ") if token]


def _date(values: list[Value]) -> str:
    value = values[0]
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return date_from_days(value)
    day = parse_date(value.strip(XPATH_SPACE))
    return "" if day is None else day.isoformat()


def _normalize_space(values: list[Value]) -> str:
    return " ".join(_tokens(values[0]))


_FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "not": lambda v: not to_boolean(v[0]),
    "true": lambda v: True,
    "false": lambda v: False,
    "boolean": lambda v: to_boolean(v[0]),
    "number": lambda v: to_number(v[0]),
    "string": lambda v: to_string(v[0]),
    "int": _int,
    "round": _round,
    "concat": lambda v: "".join(to_string(x) for x in v),
    "contains": lambda v: to_string(v[1]) in to_string(v[0]),
    "starts-with": lambda v: to_string(v[0]).startswith(to_string(v[1])),
    "ends-with": lambda v: to_string(v[0]).endswith(to_string(v[1])),
    "substr": _substr,
    "string-length": lambda v: float(len(to_string(v[0]))),
    "normalize-space": _normalize_space,
    "selected": lambda v: to_string(v[1]) in _tokens(v[0]),
    "count-selected": lambda v: float(len(_tokens(v[0]))),
    "date": _date,
}
