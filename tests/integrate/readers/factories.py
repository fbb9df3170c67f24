"""Sources and files for reader tests, built small and on the spot."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from frontline.integrate.sources.spec import SourceSpec

HEADER = ["SFZH", "XM", "XB"]
PEOPLE = [
    ["330106199001011234", "张三", "男"],
    ["33010619850203452X", "李四", "女"],
    ["330106197712126789", "王𠮷", "男"],
]


def make_spec(**overrides: Any) -> SourceSpec:
    """A person source reading ``people.csv`` (SFZH, XM, XB), with overrides."""
    data: dict[str, Any] = {
        "key": "people",
        "department": "测试局",
        "department_key": "test",
        "entity": "person",
        "format": "csv",
        "location": "people.csv",
        "as_of": "2026-06-30",
        "fields": {"id_number": "SFZH", "name": "XM", "sex": "XB"},
    }
    data.update(overrides)
    return SourceSpec.model_validate(data)


def delimited(rows: Sequence[Sequence[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    """Rows as delimited text, quoted where needed."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def table_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: str = "_row, id_number, name, sex"
) -> list[tuple[Any, ...]]:
    """The rows of a read table in file and row order."""
    return con.execute(f"SELECT {columns} FROM {table} ORDER BY _file, _row").fetchall()  # noqa: S608
