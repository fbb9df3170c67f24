"""Reading the generated files back the way a department's recipient would."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from frontline.synth.departments import DATASETS
from frontline.synth.departments.spec import DatasetSpec


def spec_of(key: str) -> DatasetSpec:
    return next(s for s in DATASETS if s.key == key)


def read_rows(folder: Path, spec: DatasetSpec) -> list[dict[str, Any]]:
    """The data rows of one dataset as dicts keyed by header."""
    path = folder / spec.file
    if spec.format in ("csv", "txt"):
        text = path.read_bytes().decode(spec.encoding)
        return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=spec.delimiter))
    if spec.format == "xlsx":
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header = [str(h) for h in sheet[1]]
        data = [r for r in sheet[2:] if r[0] != "合计"]
        return [dict(zip(header, r, strict=True)) for r in data]
    if spec.format == "jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]
    if spec.format == "json":
        return list(json.loads(path.read_text(encoding="utf-8"))["records"])
    return list(pq.read_table(path).to_pylist())


def truth_rows(folder: Path, key: str) -> list[dict[str, Any]]:
    """The ground truth of one dataset's data rows, in file order (row 1 first)."""
    table = pq.read_table(folder / "truth/source_rows.parquet").to_pylist()
    rows = [r for r in table if r["source"] == key]
    return sorted(rows, key=lambda r: int(r["row"]))


def rows_with_truth(folder: Path, spec: DatasetSpec) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each data row of a dataset beside its ground truth; the counts must agree."""
    return list(zip(read_rows(folder, spec), truth_rows(folder, spec.key), strict=True))


def markers(truth: dict[str, Any]) -> set[str]:
    """The defect markers of one truth row."""
    return {m for m in str(truth["defects"]).split(";") if m}


def persons(folder: Path) -> dict[str, dict[str, Any]]:
    """truth/persons.parquet by person id."""
    table = pq.read_table(folder / "truth/persons.parquet").to_pylist()
    return {str(p["person_id"]): p for p in table}


def enterprises(folder: Path) -> dict[str, dict[str, Any]]:
    """truth/enterprises.parquet by enterprise id."""
    table = pq.read_table(folder / "truth/enterprises.parquet").to_pylist()
    return {str(e["enterprise_id"]): e for e in table}


_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),  # iso
    re.compile(r"(\d{4})(\d{2})(\d{2})"),  # compact
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),  # slash
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),  # chinese
    re.compile(r"(\d{4})\.(\d{2})\.(\d{2})"),  # dot
)


def parse_date(text: str) -> date:
    """A date in any of the styles departments write (2020-01-02, 20200102, 2020/1/2,
    2020年1月2日, 2020.01.02); anything else is an error."""
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    raise ValueError(f"not a date in a known style: {text!r}")


def turns_18(birth: date) -> date:
    """The 18th birthday (1 March for those born on 29 February)."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return date(birth.year + 18, 3, 1)


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``, by the calendar."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
