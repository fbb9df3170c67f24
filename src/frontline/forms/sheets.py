"""The sheets of an XLSForm as rows of cells, with their columns understood.

Columns are checked before any row: a column this platform does not support is refused at its
header (row 1), and a language column is mapped to ``zh`` or ``en`` (``label::中文``,
``label::Chinese (zh)`` and ``label::zh`` are the same column). Rows keep Excel's numbering, so
every later problem can point at the cell the author has to change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from frontline.forms.definition import Label
from frontline.forms.errors import FormProblem

LANGUAGE_NAMES: dict[str, str] = {
    "中文": "zh",
    "zh": "zh",
    "chinese": "zh",
    "chinese (zh)": "zh",
    "english": "en",
    "en": "en",
    "english (en)": "en",
}
"""Language suffixes (compared in lower case) and the language each one means."""

CANONICAL_LANGUAGE = {"zh": "Chinese (zh)", "en": "English (en)"}
"""How each language is spelled for pyxform, so it sees one name per language."""


def language_code(text: str) -> str | None:
    """``zh``, ``en`` or None for a language name written in a column or setting."""
    return LANGUAGE_NAMES.get(" ".join(text.split()).lower())


@dataclass(frozen=True)
class Column:
    """A column header, its base name (lower case) and the language of a translatable one."""

    header: str
    base: str
    language: str | None


@dataclass(frozen=True)
class Row:
    """One spreadsheet row: its Excel number and its non-empty cells by header."""

    number: int
    cells: Mapping[str, str]


@dataclass
class Sheet:
    """A sheet with its understood columns and its non-empty rows."""

    name: str
    columns: list[Column]
    rows: list[Row]

    def column(self, base: str, language: str | None = None) -> Column | None:
        for column in self.columns:
            if column.base == base and column.language == language:
                return column
        return None

    def cell(self, row: Row, base: str) -> str | None:
        """The text of an untranslated column, stripped; None when empty."""
        column = self.column(base)
        if column is None:
            return None
        value = row.cells.get(column.header)
        if value is None or not value.strip():
            return None
        return value.strip()

    def texts(self, row: Row, base: str) -> Label:
        """A translatable column's texts in this row, by language (empty when none)."""
        found: Label = {}
        for column in self.columns:
            if column.base == base and column.language is not None:
                value = row.cells.get(column.header)
                if value is not None and value.strip():
                    found[column.language] = value.strip()
        return found

    def filled(self, row: Row) -> list[Column]:
        """The columns that have a value in ``row``."""
        return [c for c in self.columns if (row.cells.get(c.header) or "").strip()]


def read_sheet(
    name: str,
    headers: Sequence[Mapping[str, object]] | None,
    data: Sequence[Mapping[str, object]] | None,
    *,
    plain: frozenset[str],
    translatable: frozenset[str],
    default_language: str,
    refused: Mapping[str, tuple[str, str]],
    problems: list[FormProblem],
) -> Sheet:
    """Read one sheet's columns and rows, adding a problem for every column not allowed.

    ``plain`` columns take no language; ``translatable`` ones take ``::language`` (without one
    they are in ``default_language``). ``refused`` gives a specific reason for well-known
    columns that are not supported.
    """
    columns: list[Column] = []
    seen: dict[tuple[str, str | None], str] = {}
    for header in list(headers[0]) if headers else []:
        column = _column(name, header, plain, translatable, default_language, refused, problems)
        if column is None:
            continue
        key = (column.base, column.language)
        if key in seen:
            problems.append(
                FormProblem(
                    name,
                    1,
                    header,
                    f"列 {header} 与列 {seen[key]} 重复（同一内容、同一语言）",
                    f"column {header} repeats column {seen[key]} (same content, same language)",
                )
            )
            continue
        seen[key] = header
        columns.append(column)
    rows = []
    for index, cells in enumerate(data or ()):
        texts = {str(k): str(v) for k, v in cells.items() if v is not None and str(v).strip()}
        if texts:
            rows.append(Row(index + 2, texts))
    return Sheet(name, columns, rows)


def _column(
    sheet: str,
    header: str,
    plain: frozenset[str],
    translatable: frozenset[str],
    default_language: str,
    refused: Mapping[str, tuple[str, str]],
    problems: list[FormProblem],
) -> Column | None:
    base_text, separator, language_text = header.partition("::")
    base = base_text.strip().lower()
    if separator:
        language = language_code(language_text)
        if base not in translatable:
            zh, en = f"列 {base_text} 不分语言", f"column {base_text} takes no language"
        elif language is None:
            zh = f"不支持的语言“{language_text}”：只支持中文（::中文）和英文（::English (en)）"
            en = f"language '{language_text}' is not supported: only ::中文 and ::English (en)"
        else:
            return Column(header, base, language)
        problems.append(FormProblem(sheet, 1, header, zh, en))
        return None
    if base in translatable:
        return Column(header, base, default_language)
    if base in plain:
        return Column(header, base, None)
    zh, en = refused.get(base, (f"不支持的列 {header}", f"column {header} is not supported"))
    problems.append(FormProblem(sheet, 1, header, zh, en))
    return None
