"""Server validation of a submission: typed answers, relevance, calculates, checks, proposals.

The app validates as the worker types; the server validates again, because a device is not
trusted and a form may have changed. ``check_submission`` takes arbitrary JSON and never
raises: everything wrong becomes a ``FieldError`` a worker can act on.

The order of work:

1. each value is typed by its question (``frontline.forms.values``); unknown names and wrong
   types are errors and the value is set aside;
2. relevance and calculates are settled together — a non-relevant question's answer is
   dropped (not an error), calculates are computed by the server (sent ones are ignored) —
   repeating until nothing changes (upload refuses cycles, so this ends);
3. on the settled answers: required (when relevant), constraints (when answered and
   relevant), repeat counts;
4. every bound question with a valid answer that differs from the golden value shipped to
   the device becomes a ``Proposal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from frontline.forms.definition import FormDefinition, Label, Node, Question, Repeat
from frontline.forms.evaluation import Context, evaluate, evaluate_boolean
from frontline.forms.messages import Place
from frontline.forms.values import MAX_REPEATS, InvalidAnswerError, calculated_answer, clean_answer

Scope = dict[str, object]


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one answer; ``path`` is ``phone`` or ``members[2].name``."""

    path: str
    code: str
    """required, type, choice, constraint, unknown, range, size or repeat_count."""
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Proposal:
    """A bound answer that differs from the golden value: a proposed change to the record."""

    field: str
    question: str
    value: object
    prefilled: object | None
    """The golden value the device was given (None when none was shipped)."""


@dataclass(frozen=True)
class Checked:
    """The outcome: errors, the cleaned answers, and the proposed changes."""

    errors: list[FieldError]
    answers: dict[str, object]
    proposals: list[Proposal]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_submission(
    definition: FormDefinition,
    answers: object,
    *,
    today: date,
    prefill: Mapping[str, object] | None = None,
) -> Checked:
    """Check a submission's ``answers`` against ``definition`` (see the module's docstring)."""
    return _Checker(definition, today).check(answers, prefill or {})


class _Checker:
    def __init__(self, definition: FormDefinition, today: date) -> None:
        self.definition = definition
        self.today = today
        self.errors: list[FieldError] = []
        self.set_aside: set[str] = set()
        """Paths whose value was refused by type: no required error piles onto them."""
        self.repeat_of = {
            name: repeat for repeat, names in definition.repeats.items() for name in names
        }

    def check(self, answers: object, prefill: Mapping[str, object]) -> Checked:
        if not isinstance(answers, Mapping):
            self.errors.append(
                FieldError(
                    "",
                    "type",
                    "提交的答案应为一个对象，以题目名称为键",
                    "the answers must be an object keyed by question name",
                )
            )
            return Checked(self.errors, {}, [])
        typed = self.typed(answers)
        settled = self.settle(typed)
        self.verify(self.definition.children, settled, self.context(settled), None)
        return Checked(self.errors, settled, self.proposals(settled, prefill))

    def context(self, values: Scope) -> Context:
        return Context(self.today, values, repeats=self.definition.repeats)

    def fail(self, path: str, code: str, place: Place, zh: str, en: str) -> None:
        self.errors.append(FieldError(path, code, f"{place.zh}：{zh}", f"{place.en}: {en}"))

    # 1. Types.

    def typed(self, answers: Mapping[object, object]) -> Scope:
        result: Scope = {}
        for key, raw in answers.items():
            name = key if isinstance(key, str) else repr(key)
            node = self.definition.node(name)
            if node is None or node.kind == "group" or name in self.repeat_of:
                self.unknown(name, node)
            elif node.kind == "repeat":
                instances = self.typed_repeat(node, raw)
                if instances:
                    result[name] = instances
            else:
                value = self.typed_value(node, raw, name, Place(node))
                if value is not None:
                    result[name] = value
        return result

    def unknown(self, name: str, node: Node | None) -> None:
        shown = name[:60]
        if node is not None and node.kind == "group":
            zh, en = (
                f"{shown} 是分组，答案中不设分组一层",
                f"{shown} is a group: answers have no group level",
            )
        elif node is not None and name in self.repeat_of:
            owner = self.repeat_of[name]
            zh = f"{shown} 属于重复组 {owner}，应写在 {owner} 的各条之中"
            en = f"{shown} belongs inside each instance of the repeat {owner}"
        else:
            zh, en = f"表单中没有题目 {shown}", f"the form has no question {shown}"
        self.errors.append(FieldError(shown, "unknown", zh, en))

    def typed_value(self, question: Question, raw: object, path: str, place: Place) -> object:
        if question.type in ("note", "calculate"):
            return None  # nothing to keep: a note has no value, a calculate is recomputed
        choices = self.definition.choice_names(question.choices) if question.choices else ()
        try:
            return clean_answer(question.type, raw, choices)
        except InvalidAnswerError as problem:
            self.set_aside.add(path)
            self.fail(path, problem.code, place, problem.message_zh, problem.message_en)
            return None

    def typed_repeat(self, repeat: Repeat, raw: object) -> list[Scope]:
        place = Place(repeat)
        if not isinstance(raw, list):
            self.set_aside.add(repeat.name)
            self.fail(repeat.name, "type", place, "应为条目列表", "expected a list of instances")
            return []
        if len(raw) > MAX_REPEATS:
            self.set_aside.add(repeat.name)
            self.fail(
                repeat.name,
                "size",
                place,
                f"最多 {MAX_REPEATS} 条",
                f"at most {MAX_REPEATS} instances, not {len(raw)}",
            )
            return []
        members = self.definition.repeats.get(repeat.name, frozenset())
        instances: list[Scope] = []
        for index, item in enumerate(raw):
            instance: Scope = {}
            instances.append(instance)
            prefix = f"{repeat.name}[{index}]"
            if not isinstance(item, Mapping):
                self.set_aside.add(prefix)
                self.fail(
                    prefix, "type", Place(repeat, index), "应为一个对象", "expected an object"
                )
                continue
            for key, value in item.items():
                name = key if isinstance(key, str) else repr(key)
                node = self.definition.node(name)
                path = f"{prefix}.{name[:60]}"
                if name not in members or node is None or node.kind != "question":
                    zh = f"重复组 {repeat.name} 中没有题目 {name[:60]}"
                    en = f"the repeat {repeat.name} has no question {name[:60]}"
                    self.errors.append(FieldError(path, "unknown", zh, en))
                    continue
                typed = self.typed_value(node, value, path, Place(node, index, repeat))
                if typed is not None:
                    instance[name] = typed
        return instances

    # 2. Relevance and calculates, to a fixed point.

    def settle(self, typed: Scope) -> Scope:
        state = typed
        for _ in range(len(self.definition.expressions) + 2):
            settled: Scope = {}
            self.prune(self.definition.children, typed, self.context(state), settled)
            if settled == state:
                break
            state = settled
        return state

    def relevant(self, node: Node, context: Context) -> bool:
        if node.relevant is None:
            return True
        return evaluate_boolean(self.definition.expressions[node.relevant], context)

    def prune(self, children: tuple[Node, ...], typed: Scope, context: Context, out: Scope) -> None:
        for node in children:
            if not self.relevant(node, context):
                continue
            if node.kind == "group":
                self.prune(node.children, typed, context, out)
            elif node.kind == "repeat":
                items = typed.get(node.name)
                if not isinstance(items, list) or not items:
                    continue
                instances: list[Scope] = []
                for index, item in enumerate(items):
                    inner: Scope = {}
                    here = replace(context, instance=(node.name, index))
                    self.prune(node.children, item, here, inner)
                    instances.append(inner)
                out[node.name] = instances
            elif node.type == "calculate":
                if node.calculation is None:
                    continue
                result = evaluate(self.definition.expressions[node.calculation], context)
                value = calculated_answer(result)
                if value is not None:
                    out[node.name] = value
            elif node.name in typed:
                out[node.name] = typed[node.name]

    # 3. Required, constraints, repeat counts.

    def verify(
        self,
        children: tuple[Node, ...],
        scope: Scope,
        context: Context,
        instance: tuple[Repeat, int] | None,
    ) -> None:
        for node in children:
            if not self.relevant(node, context):
                continue
            if node.kind == "group":
                self.verify(node.children, scope, context, instance)
            elif node.kind == "repeat":
                self.verify_repeat(node, scope, context)
            elif node.type not in ("note", "calculate"):
                self.verify_question(node, scope, context, instance)

    def verify_repeat(self, repeat: Repeat, scope: Scope, context: Context) -> None:
        items = scope.get(repeat.name)
        instances = items if isinstance(items, list) else []
        expected = repeat.repeat_count
        miscounted = expected is not None and len(instances) != expected
        if miscounted and repeat.name not in self.set_aside:
            self.fail(
                repeat.name,
                "repeat_count",
                Place(repeat),
                f"应有 {expected} 条，现有 {len(instances)} 条",
                f"needs {expected} instances, not {len(instances)}",
            )
        for index, item in enumerate(instances):
            if f"{repeat.name}[{index}]" in self.set_aside:
                continue  # not an object: its questions are not asked for one by one
            here = replace(context, instance=(repeat.name, index))
            self.verify(repeat.children, item, here, (repeat, index))

    def verify_question(
        self,
        question: Question,
        scope: Scope,
        context: Context,
        instance: tuple[Repeat, int] | None,
    ) -> None:
        if instance is None:
            path, place = question.name, Place(question)
        else:
            path = f"{instance[0].name}[{instance[1]}].{question.name}"
            place = Place(question, instance[1], instance[0])
        if path in self.set_aside:
            return
        value = scope.get(question.name)
        if value is None:
            if self.required(question, context):
                zh, en = _message(question.required_message, "必须填写", "an answer is required")
                self.fail(path, "required", place, zh, en)
            return
        if question.constraint is None:
            return
        expression = self.definition.expressions[question.constraint]
        if not evaluate_boolean(expression, replace(context, current=value)):
            zh, en = _message(
                question.constraint_message, "答案不符合要求", "the answer is not allowed"
            )
            self.fail(path, "constraint", place, zh, en)

    def required(self, question: Question, context: Context) -> bool:
        if isinstance(question.required, bool):
            return question.required
        return evaluate_boolean(self.definition.expressions[question.required], context)

    # 4. Proposals.

    def proposals(self, settled: Scope, prefill: Mapping[str, object]) -> list[Proposal]:
        wrong = {error.path for error in self.errors}
        found: list[Proposal] = []
        for question in self.definition.bound_questions():
            value = settled.get(question.name)
            if question.bind is None or question.name in wrong or not isinstance(value, str):
                continue
            golden = prefill.get(question.bind)
            proposed = _comparable(value)
            if proposed != _golden_text(golden):
                found.append(Proposal(question.bind, question.name, proposed, golden))
        return found


def _message(own: Label | None, zh: str, en: str) -> tuple[str, str]:
    """The author's message when the form has one, else the standard one."""
    if own is None:
        return zh, en
    return own["zh"], own.get("en", own["zh"])


def _comparable(text: str) -> str:
    """Text as compared with the golden value: spaces at the ends dropped, runs made one."""
    return " ".join(text.split())


def _golden_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _comparable(value if isinstance(value, str) else str(value))
