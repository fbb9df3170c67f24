"""The form definition: what the server stores, ships to the app and validates against.

A definition is read once from a spreadsheet (``frontline.forms.xlsform``) and then lives as a
JSON document; ``to_document`` and ``from_document`` round-trip it exactly, so the stored
document, the app's copy and the digest always describe the same form. Expressions stay as the
author wrote them: the Python and the JavaScript evaluators parse the same text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from frontline.forms.expressions import Expression, parse
from frontline.store.base import canonical_json

QUESTION_TYPES = (
    "text",
    "integer",
    "decimal",
    "date",
    "select_one",
    "select_multiple",
    "note",
    "calculate",
    "geopoint",
    "photo",
)
LANGUAGES = ("zh", "en")

Label = dict[str, str]
"""Text by language code: ``zh`` always, ``en`` when the author gave it."""


@dataclass(frozen=True)
class Choice:
    """One answer of a choice list: the stored name and the shown label."""

    name: str
    label: Label


@dataclass(frozen=True)
class Question:
    """A question row of the survey sheet (notes and calculates included)."""

    name: str
    type: str
    label: Label
    row: int
    hint: Label | None = None
    required: bool | str = False
    """True, False, or an expression deciding it."""
    required_message: Label | None = None
    constraint: str | None = None
    constraint_message: Label | None = None
    relevant: str | None = None
    calculation: str | None = None
    default: str | None = None
    """A literal of the question's type, or an expression when it contains ``(`` or ``${``."""
    read_only: bool = False
    choices: str | None = None
    """The choice list of a select question."""
    appearance: str | None = None
    bind: str | None = None
    """The golden-record field the answer is a value of."""

    kind: Literal["question"] = field(default="question", init=False, repr=False)


@dataclass(frozen=True)
class Group:
    """A group of questions: shown together, relevant together; no level in the answers."""

    name: str
    label: Label | None
    relevant: str | None
    children: tuple[Node, ...]
    row: int

    kind: Literal["group"] = field(default="group", init=False, repr=False)


@dataclass(frozen=True)
class Repeat:
    """A repeated block (one level): its answers are a list of objects."""

    name: str
    label: Label
    relevant: str | None
    repeat_count: int | None
    children: tuple[Node, ...]
    row: int

    kind: Literal["repeat"] = field(default="repeat", init=False, repr=False)


Node = Question | Group | Repeat


@dataclass(frozen=True)
class PlacedQuestion:
    """A question with the repeat it sits in (``None`` at the top level or in groups)."""

    question: Question
    repeat: Repeat | None

    @property
    def in_repeat(self) -> bool:
        return self.repeat is not None


@dataclass(frozen=True)
class FormDefinition:
    """One version of one form."""

    form_id: str
    version: str
    title: Label
    default_language: str
    entity_type: str | None
    children: tuple[Node, ...]
    choices: dict[str, tuple[Choice, ...]]

    def to_document(self) -> dict[str, Any]:
        """The JSON document the server stores and ships to the app."""
        return {
            "form_id": self.form_id,
            "version": self.version,
            "title": dict(self.title),
            "default_language": self.default_language,
            "entity_type": self.entity_type,
            "children": [_node_document(node) for node in self.children],
            "choices": {
                name: [{"name": c.name, "label": dict(c.label)} for c in choices]
                for name, choices in self.choices.items()
            },
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> FormDefinition:
        """The definition a document describes; ``ValueError`` when it is not one."""
        try:
            return _read_definition(document)
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a form definition document: {error!r}") from None

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON document: equal forms, equal digests."""
        text = canonical_json(self.to_document())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def nodes(self) -> Iterator[tuple[Node, Repeat | None]]:
        """Every node in document order, with the repeat it is inside."""
        yield from _walk(self.children, None)

    def node(self, name: str) -> Node | None:
        """The question, group or repeat called ``name``."""
        return self._by_name.get(name)

    def questions(self) -> list[PlacedQuestion]:
        """All questions in document order, with whether each is in the repeat."""
        return [
            PlacedQuestion(node, repeat) for node, repeat in self.nodes() if node.kind == "question"
        ]

    def bound_questions(self) -> tuple[Question, ...]:
        """The questions whose answer is a value of a golden-record field."""
        return self._bound

    @cached_property
    def _bound(self) -> tuple[Question, ...]:
        # Found once: every submission's check asks for them.
        return tuple(p.question for p in self.questions() if p.question.bind is not None)

    def choice_names(self, list_name: str) -> list[str]:
        return [choice.name for choice in self.choices.get(list_name, ())]

    @cached_property
    def repeats(self) -> dict[str, frozenset[str]]:
        """The names of the questions inside each repeat, by the repeat's name."""
        found: dict[str, set[str]] = {}
        for node, repeat in self.nodes():
            if node.kind == "repeat":
                found.setdefault(node.name, set())
            elif node.kind == "question" and repeat is not None:
                found.setdefault(repeat.name, set()).add(node.name)
        return {name: frozenset(names) for name, names in found.items()}

    @cached_property
    def expressions(self) -> dict[str, Expression]:
        """Every expression of the form, parsed once, by its text.

        ``ExpressionError`` here means a document that never passed upload's checks.
        """
        texts: list[str] = []
        for node, _ in self.nodes():
            texts.extend(t for t in (node.relevant,) if t is not None)
            if node.kind == "question":
                texts.extend(t for t in (node.constraint, node.calculation) if t is not None)
                if isinstance(node.required, str):
                    texts.append(node.required)
                if node.default is not None and default_is_expression(node.default):
                    texts.append(node.default)
        return {text: parse(text) for text in texts}

    @cached_property
    def _by_name(self) -> dict[str, Node]:
        return {node.name: node for node, _ in self.nodes()}


def default_is_expression(default: str) -> bool:
    """A default with a call or a reference is an expression; anything else is a literal."""
    return "(" in default or "${" in default


def _walk(
    children: tuple[Node, ...], repeat: Repeat | None
) -> Iterator[tuple[Node, Repeat | None]]:
    for node in children:
        yield node, repeat
        if node.kind == "group":
            yield from _walk(node.children, repeat)
        elif node.kind == "repeat":
            yield from _walk(node.children, node)


def _label_document(label: Label | None) -> dict[str, str] | None:
    return None if label is None else dict(label)


def _node_document(node: Node) -> dict[str, Any]:
    if node.kind == "question":
        return {
            "kind": "question",
            "name": node.name,
            "type": node.type,
            "label": dict(node.label),
            "hint": _label_document(node.hint),
            "required": node.required,
            "required_message": _label_document(node.required_message),
            "constraint": node.constraint,
            "constraint_message": _label_document(node.constraint_message),
            "relevant": node.relevant,
            "calculation": node.calculation,
            "default": node.default,
            "read_only": node.read_only,
            "choices": node.choices,
            "appearance": node.appearance,
            "bind": None if node.bind is None else {"field": node.bind},
            "row": node.row,
        }
    if node.kind == "group":
        return {
            "kind": "group",
            "name": node.name,
            "label": _label_document(node.label),
            "relevant": node.relevant,
            "children": [_node_document(child) for child in node.children],
            "row": node.row,
        }
    return {
        "kind": "repeat",
        "name": node.name,
        "label": dict(node.label),
        "relevant": node.relevant,
        "repeat_count": node.repeat_count,
        "children": [_node_document(child) for child in node.children],
        "row": node.row,
    }


# Reading a document back: strict about shapes, since a stored document that drifted from
# this module's idea of it must fail loudly rather than validate answers wrongly.


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _label(value: Any) -> Label:
    if not isinstance(value, Mapping) or "zh" not in value:
        raise TypeError(f"expected a label with zh, got {value!r}")
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise TypeError(f"unknown label languages {sorted(unknown)}")
    return {language: _str(value[language]) for language in LANGUAGES if language in value}


def _opt_label(value: Any) -> Label | None:
    return None if value is None else _label(value)


def _read_node(value: Any) -> Node:
    kind = value["kind"]
    children = tuple(_read_node(child) for child in value.get("children", ()))
    if kind == "group":
        return Group(
            _str(value["name"]),
            _opt_label(value["label"]),
            _opt_str(value["relevant"]),
            children,
            _int(value["row"]),
        )
    if kind == "repeat":
        count = value["repeat_count"]
        return Repeat(
            _str(value["name"]),
            _label(value["label"]),
            _opt_str(value["relevant"]),
            None if count is None else _int(count),
            children,
            _int(value["row"]),
        )
    if kind != "question":
        raise TypeError(f"unknown node kind {kind!r}")
    question_type = _str(value["type"])
    if question_type not in QUESTION_TYPES:
        raise TypeError(f"unknown question type {question_type!r}")
    required = value["required"]
    bind = value["bind"]
    return Question(
        name=_str(value["name"]),
        type=question_type,
        label=_label(value["label"]),
        row=_int(value["row"]),
        hint=_opt_label(value["hint"]),
        required=required if isinstance(required, bool) else _str(required),
        required_message=_opt_label(value["required_message"]),
        constraint=_opt_str(value["constraint"]),
        constraint_message=_opt_label(value["constraint_message"]),
        relevant=_opt_str(value["relevant"]),
        calculation=_opt_str(value["calculation"]),
        default=_opt_str(value["default"]),
        read_only=_bool(value["read_only"]),
        choices=_opt_str(value["choices"]),
        appearance=_opt_str(value["appearance"]),
        bind=None if bind is None else _str(bind["field"]),
    )


def _read_definition(document: Mapping[str, Any]) -> FormDefinition:
    choices = {
        _str(name): tuple(Choice(_str(c["name"]), _label(c["label"])) for c in items)
        for name, items in document["choices"].items()
    }
    return FormDefinition(
        form_id=_str(document["form_id"]),
        version=_str(document["version"]),
        title=_label(document["title"]),
        default_language=_str(document["default_language"]),
        entity_type=_opt_str(document["entity_type"]),
        children=tuple(_read_node(node) for node in document["children"]),
        choices=choices,
    )
