"""Why a form spreadsheet was refused: every problem with its sheet, row and column.

A form author fixes a spreadsheet in Excel, so each problem points at a cell (rows are
numbered as Excel numbers them; the header is row 1) and is told in Chinese first, then
English. Messages quote the author's own cells, never a resident's data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong with a form, at a cell when it has one."""

    sheet: str | None
    row: int | None
    column: str | None
    message_zh: str
    message_en: str

    def where(self) -> str:
        """``sheet survey, row 7, column label``: the place, as far as it is known."""
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.message_zh} {self.message_en}"


class FormError(Exception):
    """A form that cannot be used; ``problems`` says every reason found, in sheet order."""

    def __init__(self, filename: str, problems: list[FormProblem]) -> None:
        self.filename = filename
        self.problems = problems
        lines = [f"{filename}: {problem}" for problem in problems]
        super().__init__("\n".join(lines) if lines else f"{filename}: 表单无法使用 form refused")
