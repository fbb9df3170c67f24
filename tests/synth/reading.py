"""Reading the generated files back the way a department's recipient would."""

from __future__ import annotations

import csv
import io
import json
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
