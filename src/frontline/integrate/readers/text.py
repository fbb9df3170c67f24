"""How typed values (spreadsheet cells, Parquet, JSON, database columns) become text.

Every reader delivers text, as the department wrote it, so that normalisation sees one form of
each value whatever the format:

- a number is written in its shortest form; one that is integral and exactly representable
  (below 2**53) has no decimal point: a spreadsheet's 1240.0 is ``1240``, as Excel shows it.
  Larger floats keep their exponent (``3.3010619950412154e+17``): an identifier stored as a
  number has already lost digits, and the text should show it rather than invent them;
- a date is ISO ``YYYY-MM-DD``; a date with a time ``YYYY-MM-DD HH:MM:SS``; a time ``HH:MM:SS``;
- a boolean is ``true`` or ``false``; a nested JSON value or list is its JSON text;
- a missing or empty value is NULL (the caller turns ``''`` into NULL).

The Python rule (:func:`cell_text`) and the SQL rule (:func:`sql_text`) agree; a test holds them
to it.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

# Integral doubles up to 2**53 are exact; beyond that the integer digits are partly invented.
_EXACT = 2**53


def float_text(value: float) -> str:
    """A float in its shortest form, without ``.0`` when it is an exact integer."""
    if value.is_integer() and abs(value) < _EXACT:
        return str(int(value))
    return repr(value)


def cell_text(value: object) -> str | None:
    """The text of one value delivered by Python (a spreadsheet cell, a database column)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def sql_float_text(expression: str) -> str:
    """SQL for :func:`float_text` of a DOUBLE or FLOAT expression."""
    return (
        f"CASE WHEN {expression} = trunc({expression}) AND abs({expression}) < {_EXACT} "
        f"THEN CAST(CAST({expression} AS BIGINT) AS VARCHAR) "
        f"ELSE CAST({expression} AS VARCHAR) END"
    )


def sql_text(expression: str, duckdb_type: str) -> str:
    """SQL giving the text of ``expression`` (a quoted column) of the given DuckDB type."""
    kind = duckdb_type.upper()
    if kind == "VARCHAR":
        return expression
    if kind in ("DOUBLE", "FLOAT"):
        return sql_float_text(expression)
    if kind == "BLOB":
        return f"lower(hex({expression}))"
    if kind.endswith("[]") or kind.startswith(("STRUCT", "MAP", "UNION")) or kind == "JSON":
        return f"CAST(to_json({expression}) AS VARCHAR)"
    # Dates, timestamps, booleans, integers and decimals already print as intended.
    return f"CAST({expression} AS VARCHAR)"


def sql_json_text(expression: str) -> str:
    """SQL giving the text of a JSON value: strings unquoted, numbers as numbers, nested as JSON."""
    return (
        f"CASE json_type({expression}) "
        f"WHEN 'VARCHAR' THEN {expression} ->> '$' "
        f"WHEN 'DOUBLE' THEN {sql_float_text(f'CAST({expression} AS DOUBLE)')} "
        f"WHEN 'OBJECT' THEN CAST({expression} AS VARCHAR) "
        f"WHEN 'ARRAY' THEN CAST({expression} AS VARCHAR) "
        f"ELSE {expression} ->> '$' END"
    )
