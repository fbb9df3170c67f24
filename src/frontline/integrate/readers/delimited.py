"""Delimited text (CSV, pipe-separated …) through DuckDB's ``read_csv``, strictly.

The header (and any title rows above it) is read with Python's csv module, which tells how many
physical lines to skip; DuckDB then parses the data with every column typed VARCHAR, the
declared delimiter, RFC 4180 quoting and strict mode: a line with too many or too few fields or
an unclosed quote is an error naming the line, never a row silently dropped or shifted. Blank
lines are not rows. The file must be UTF-8 (the dispatcher transcodes other encodings first).
"""

from __future__ import annotations

import csv
import re
from itertools import islice

import duckdb

from frontline.integrate.readers.error import ReadError
from frontline.integrate.readers.header import locate
from frontline.integrate.readers.request import FileRequest, Sink

# Rows shown to the header check, so a wrong header_row can be pointed at the right one.
_LOOKAHEAD = 20


def read_delimited(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink) -> None:
    """Hand the data rows of a delimited text file to ``sink``."""
    header, skip, first_rows = _header(request)
    row = request.spec.header_row
    positions = locate(request, header, f"the header (row {row})", first_rows)
    # The file's own headers never enter the SQL: columns are named by position.
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    values = ", ".join(f"c{p} AS v{k}" for k, p in enumerate(positions))
    select = (
        f"SELECT row_number() OVER () AS _row, {values} "
        "FROM read_csv(?, header = false, skip = ?, auto_detect = false, "
        f"columns = {{{columns}}}, delim = ?, quote = '\"', escape = '\"', "
        "strict_mode = true, null_padding = false, ignore_errors = false)"
    )
    try:
        sink(select, [str(request.path), skip, request.spec.delimiter])
    except duckdb.Error as error:
        raise _explain(request, error, len(header)) from None


def _header(request: FileRequest) -> tuple[list[str], int, dict[int, list[str]]]:
    """The header cells, the physical lines up to and including the header, the first rows."""
    wanted = request.spec.header_row
    with request.path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=request.spec.delimiter, quotechar='"')
        rows: dict[int, list[str]] = {}
        skip = 0
        try:
            for number, cells in enumerate(islice(reader, max(wanted, _LOOKAHEAD)), start=1):
                rows[number] = cells
                if number == wanted:
                    skip = reader.line_num
        except csv.Error as error:
            raise request.error(
                f"the rows up to the header cannot be parsed (line {reader.line_num}: {error})",
                "check the quoting of the title and header rows",
            ) from None
    if not rows:
        raise request.error("the file is empty", "a delimited file needs a header row")
    if wanted not in rows:
        raise request.error(
            f"header_row is {wanted} but the file has only {len(rows)} row(s)",
            "set header_row to the row holding the column names (1 = the first row)",
        )
    if not any(c.strip() for c in rows[wanted]):
        raise request.error(
            f"the header row (row {wanted}) is blank",
            "set header_row to the row holding the column names (1 = the first row)",
        )
    return rows[wanted], skip, rows


def _line_of_row(request: FileRequest, row: int) -> str:
    """The physical line where DuckDB's row ``row`` starts, as ``"7"`` or ``"7 (row 5)"``.

    DuckDB counts rows (title, header and blank lines included) and a quoted value spanning
    lines is one row; people look for a line in their editor, so count lines as Python's csv
    module parses the same rows.
    """
    line = row
    with request.path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=request.spec.delimiter, quotechar='"')
        for _ in islice(reader, row - 1):
            line = reader.line_num + 1
    return str(line) if line == row else f"{line} (row {row})"


def _explain(request: FileRequest, error: duckdb.Error, width: int) -> ReadError:
    """A DuckDB error as a :class:`ReadError`, without the offending line's content."""
    text = str(error)
    located = re.search(r"CSV Error on Line: (\d+)", text)
    if located is None:
        first = text.splitlines()[0] if text else type(error).__name__
        return request.error(f"DuckDB could not read the file: {first}")
    line = _line_of_row(request, int(located.group(1)))
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    delimiter = request.spec.delimiter
    if counts:
        return request.error(
            f"line {line} has {counts.group(2)} fields where the header has {width}",
            f"a value holding the delimiter {delimiter!r} must be quoted; a field may be "
            "missing, or the line broken in two",
        )
    if "unterminated quote" in text:
        return request.error(
            f"line {line} opens a quoted value that is never closed",
            'a " that opens a value must close it; a " inside a quoted value is written ""',
        )
    if "Maximum line size" in text:
        return request.error(
            f"line {line} is longer than the longest line DuckDB reads",
            "an unclosed quote makes one line of the rest of the file",
        )
    return request.error(
        f"line {line} does not follow the CSV rules (RFC 4180)",
        f"check the quoting around line {line}; the delimiter is {delimiter!r}",
    )
