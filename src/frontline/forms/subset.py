"""The XLSForm subset this platform supports, declared in one place.

Types and their aliases, the columns each kind of row may fill, the appearances each type
takes, and what a literal default must look like. docs/forms.md ("Supported subset") says the
same in prose; a change here belongs there too.
"""

from __future__ import annotations

import re

from frontline.forms.conversions import parse_date
from frontline.forms.values import MAX_INTEGER

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
YES = frozenset({"yes", "true", "true()"})
NO = frozenset({"no", "false", "false()"})

SIMPLE_TYPES = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "note": "note",
    "calculate": "calculate",
    "geopoint": "geopoint",
    "image": "photo",
}
SELECT_TYPES = ("select_one", "select_multiple")
BEGIN = {
    "begin group": "group",
    "begin_group": "group",
    "begin repeat": "repeat",
    "begin_repeat": "repeat",
}
END = {"end group": "group", "end_group": "group", "end repeat": "repeat", "end_repeat": "repeat"}

SURVEY_PLAIN = frozenset(
    {
        "type",
        "name",
        "required",
        "constraint",
        "relevant",
        "calculation",
        "default",
        "read_only",
        "appearance",
        "repeat_count",
        "golden_field",
    }
)
SURVEY_TRANSLATABLE = frozenset({"label", "hint", "required_message", "constraint_message"})

_ANSWERED = ("type", "name", "label", "hint", "relevant", "required", "required_message")
_CHECKED = ("constraint", "constraint_message", "read_only", "golden_field", "appearance")
COLUMNS: dict[str, frozenset[str]] = {
    "text": frozenset((*_ANSWERED, *_CHECKED, "default")),
    "integer": frozenset((*_ANSWERED, *_CHECKED, "default")),
    "decimal": frozenset((*_ANSWERED, *_CHECKED, "default")),
    "date": frozenset((*_ANSWERED, *_CHECKED, "default")),
    "select_one": frozenset((*_ANSWERED, *_CHECKED, "default")),
    "select_multiple": frozenset((*_ANSWERED, *_CHECKED, "default")),
    "geopoint": frozenset((*_ANSWERED, *_CHECKED)),
    "photo": frozenset((*_ANSWERED, *_CHECKED)),
    "note": frozenset({"type", "name", "label", "hint", "relevant"}),
    "calculate": frozenset({"type", "name", "label", "relevant", "calculation"}),
    "group": frozenset({"type", "name", "label", "relevant"}),
    "repeat": frozenset({"type", "name", "label", "relevant", "repeat_count"}),
    "end": frozenset({"type", "name"}),
}
"""The columns each kind of row may fill."""

APPEARANCES: dict[str, frozenset[str]] = {
    "text": frozenset({"multiline", "numbers"}),
    "integer": frozenset({"thousands-sep"}),
    "decimal": frozenset({"thousands-sep"}),
    "date": frozenset({"no-calendar"}),
    "select_one": frozenset({"minimal", "horizontal", "horizontal-compact", "likert", "quick"}),
    "select_multiple": frozenset({"minimal", "horizontal", "horizontal-compact"}),
    "geopoint": frozenset({"maps"}),
    "photo": frozenset({"new"}),
}


def literal_fits(text: str, question_type: str, choices: list[str]) -> bool:
    """Whether a literal default is an answer of the question's type."""
    if question_type == "integer":
        return re.fullmatch(r"-?[0-9]+", text) is not None and abs(int(text)) <= MAX_INTEGER
    if question_type == "decimal":
        return re.fullmatch(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", text) is not None
    if question_type == "date":
        return parse_date(text) is not None
    if question_type == "select_one":
        return text in choices
    if question_type == "select_multiple":
        words = text.split()
        return all(word in choices for word in words) and len(set(words)) == len(words)
    return True
