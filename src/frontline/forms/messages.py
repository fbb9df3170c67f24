"""Messages about an answer: which question (and which instance of a repeat), in zh and en.

A worker reads these on the phone, so they name the question by its label as the form shows
it — 「家庭成员」第 2 条的「姓名」 — and never repeat the answer itself (it may be personal).
"""

from __future__ import annotations

from dataclasses import dataclass

from frontline.forms.definition import Label, Question, Repeat


@dataclass(frozen=True)
class Place:
    """A question or a repeat instance, as a worker finds it in the form."""

    node: Question | Repeat
    index: int | None = None
    """The 0-based instance, for a repeat instance or a question inside one."""
    repeat: Repeat | None = None
    """The repeat a question is inside."""

    @property
    def zh(self) -> str:
        own = f"「{_zh(self.node.label)}」"
        if self.index is None:
            return own
        if self.repeat is None:
            return f"{own}第 {self.index + 1} 条"
        return f"「{_zh(self.repeat.label)}」第 {self.index + 1} 条的{own}"

    @property
    def en(self) -> str:
        own = f'"{_en(self.node.label)}"'
        if self.index is None:
            return own
        if self.repeat is None:
            return f"{own} #{self.index + 1}"
        return f'"{_en(self.repeat.label)}" #{self.index + 1}, {own}'


def _zh(label: Label) -> str:
    return label["zh"]


def _en(label: Label) -> str:
    return label.get("en") or label["zh"]
