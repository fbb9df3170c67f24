"""Spreadsheets (XLSX, and whatever else calamine opens: XLS, XLSB, ODS) through python-calamine.

Rows are counted as a spreadsheet program shows them: ``header_row`` is the sheet's row number
(title rows above it are ignored), and data row 1 is the first non-blank row below the header.
A row whose every cell is empty is not a row. Cell values become text by the rules of
:mod:`frontline.integrate.readers.text` (``1240.0`` → ``1240``, dates as ISO).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from frontline.ids.sql import quote_identifier
from frontline.integrate.readers.error import close_matches, listing
from frontline.integrate.readers.header import locate
from frontline.integrate.readers.request import FileRequest, Sink, scratch_name
from frontline.integrate.readers.text import cell_text

_LOOKAHEAD = 20


def read_workbook(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink) -> None:
    """Hand the data rows of the source's sheet to ``sink``."""
    try:
        book = CalamineWorkbook.from_path(str(request.path))
    except (CalamineError, OSError) as error:
        raise request.error(
            f"the file is not a readable spreadsheet ({type(error).__name__})",
            "save it again as .xlsx from the spreadsheet program",
        ) from None
    sheet = _sheet(request, book)
    # Empty rows above the data are kept, so list index + 1 is the sheet's row number.
    rows: Sequence[Sequence[object]] = sheet.to_python(skip_empty_area=False)
    header_row = request.spec.header_row
    if header_row > len(rows) or not any(_filled(c) for c in rows[header_row - 1]):
        raise request.error(
            f"header_row is {header_row} but sheet {sheet.name!r} has "
            + (f"only {len(rows)} row(s)" if header_row > len(rows) else "nothing in that row"),
            "set header_row to the sheet row holding the column names (1 = the first row)",
        )
    first = {i + 1: _texts(r) for i, r in enumerate(rows[:_LOOKAHEAD])}
    where = f"the header (row {header_row} of sheet {sheet.name!r})"
    positions = locate(request, _texts(rows[header_row - 1]), where, first)
    data = [row for row in rows[header_row:] if any(_filled(c) for c in row)]
    # NumPy arrays, which DuckDB scans as they are: building Arrow arrays from Python lists
    # would import pandas (about a second, once per process).
    arrays = {"_row": np.arange(1, len(data) + 1, dtype=np.int64)}
    for k, position in enumerate(positions):
        arrays[f"v{k}"] = np.array([cell_text(row[position]) for row in data], dtype=object)
    view = scratch_name("sheet")
    con.register(view, arrays)
    # A column of nothing but empty cells has DuckDB's NULL type: cast every one.
    values = "".join(f", CAST(v{k} AS VARCHAR) AS v{k}" for k in range(len(positions)))
    try:
        sink(f"SELECT _row{values} FROM {quote_identifier(view)}", [])
    finally:
        con.unregister(view)


def _sheet(request: FileRequest, book: CalamineWorkbook) -> CalamineSheet:
    """The sheet named by ``sheet`` (a name, or a 1-based position); the first by default."""
    wanted = request.spec.sheet
    names: list[str] = book.sheet_names
    if wanted is None or isinstance(wanted, int):
        position = 1 if wanted is None else wanted
        if not 1 <= position <= len(names):
            raise request.error(
                f"the workbook has no sheet number {position}; its sheets: {listing(names)}",
                "sheet numbers count from 1; or name the sheet",
            )
        return book.get_sheet_by_index(position - 1)
    if wanted not in names:
        matches = close_matches(wanted, names)
        raise request.error(
            f"the workbook has no sheet {wanted!r}; its sheets: {listing(names)}",
            f"did you mean {' or '.join(map(repr, matches))}?" if matches else "set sheet:",
        )
    return book.get_sheet_by_name(wanted)


def _filled(cell: object) -> bool:
    return cell is not None and cell != ""


def _texts(row: Sequence[object]) -> list[str]:
    return [cell_text(c) or "" for c in row]
