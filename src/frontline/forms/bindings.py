"""Bindings: a question whose answer is a value of a golden-record field (``golden_field``).

The app pre-fills a bound question with the value the task's data package holds (never ask
for what the government already holds), and the server turns an answer that differs into a
proposed change for review. So a binding must name a real field of the form's entity type,
one a worker may propose a change to (never an identifier: a record's key is not corrected
from the field), on a question outside the repeat whose type fits the field's values.
"""

from __future__ import annotations

from frontline.forms.errors import FormProblem
from frontline.forms.survey import Binding
from frontline.integrate.fields import EntityType, Kind

IDENTIFYING = frozenset({Kind.RESIDENT_ID, Kind.CREDIT_CODE})
"""Kinds a form never binds: identity codes change by registration, not by a visit."""

FITTING_TYPES: dict[Kind, frozenset[str]] = {
    Kind.DATE: frozenset({"date"}),
    Kind.NAME: frozenset({"text"}),
    Kind.SEX: frozenset({"text", "select_one"}),
    Kind.PHONE: frozenset({"text"}),
    Kind.ADDRESS: frozenset({"text"}),
    Kind.TEXT: frozenset({"text", "select_one"}),
}
"""The question types that can hold each kind of field's value."""


def check_bindings(
    bindings: list[Binding],
    entity_type: EntityType | None,
    sheet: str,
    problems: list[FormProblem],
) -> None:
    """Add a problem for every binding that cannot hold."""
    bound: dict[str, int] = {}
    for binding in bindings:
        question = binding.question
        name = question.bind or ""

        def problem(zh: str, en: str, binding: Binding = binding) -> None:
            problems.append(FormProblem(sheet, binding.row, binding.column, zh, en))

        if entity_type is None:
            problem(
                "表单未关联实体类型（人员或市场主体），不能绑定主题库字段",
                "the form has no entity type (person or enterprise), so it cannot bind fields",
            )
            continue
        field = entity_type.field(name)
        if field is None:
            allowed = ", ".join(
                f.name for f in entity_type.fields if _bindable(f.kind, f.identifier)
            )
            problem(
                f"{entity_type.label_zh}没有字段 {name}；可绑定的字段：{allowed}",
                f"a {entity_type.name} has no field {name}; fields that can be bound: {allowed}",
            )
            continue
        if not _bindable(field.kind, field.identifier):
            problem(
                f"不能绑定标识字段 {name}（{field.label_zh}）：标识码不通过走访更正",
                f"{name} is an identifier and cannot be bound: a visit does not correct it",
            )
            continue
        if binding.repeat is not None:
            problem(
                f"重复组 {binding.repeat} 中的题目不能绑定字段：一条记录的字段只有一个值",
                f"a question inside the repeat {binding.repeat} cannot be bound: "
                "a record's field has one value",
            )
            continue
        fitting = FITTING_TYPES.get(field.kind, frozenset())
        if question.type not in fitting:
            problem(
                f"{question.type} 题不能绑定{field.label_zh}（{name}）：应为 "
                f"{'、'.join(sorted(fitting))} 题",
                f"a question of type {question.type} cannot hold {name}; use "
                f"{' or '.join(sorted(fitting))}",
            )
            continue
        if name in bound:
            problem(
                f"字段 {name} 已由第 {bound[name]} 行的题目绑定",
                f"the field {name} is already bound on row {bound[name]}",
            )
            continue
        bound[name] = binding.row


def _bindable(kind: Kind, identifier: bool) -> bool:
    return not identifier and kind not in IDENTIFYING
