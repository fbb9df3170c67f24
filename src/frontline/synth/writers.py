"""Writing a frame to disk in its department's format, byte-for-byte reproducibly."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from frontline.synth.departments.spec import DatasetSpec
from frontline.synth.frame import Frame

# Spreadsheet metadata carries a creation time; a fixed one keeps the bytes reproducible.
_FIXED_TIME = datetime(2026, 1, 1)


def write_dataset(
    spec: DatasetSpec, frame: Frame, path: Path, as_of: date, place: tuple[str, str, str]
) -> None:
    """Write ``frame`` as the department does: format, encoding, title rows and all.

    ``place`` (province, city, district) fills the title row of a spreadsheet.
    """
    if spec.format == "xlsx":
        title = spec.title_row.format(city=place[1], district=place[2])
        _write_xlsx(spec, frame, path, f"{title}（{as_of.year}年{as_of.month}月）")
        return
    writer = {
        "csv": _write_delimited,
        "txt": _write_delimited,
        "jsonl": _write_jsonl,
        "json": _write_json,
        "parquet": _write_parquet,
    }[spec.format]
    writer(spec, frame, path, as_of)


def _write_delimited(spec: DatasetSpec, frame: Frame, path: Path, as_of: date) -> None:
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, delimiter=spec.delimiter, lineterminator="\r\n")
    out.writerow(spec.headers)
    out.writerows(zip(*(frame.columns[h] for h in spec.headers), strict=True))
    # Encoding fails loudly if a department's encoding cannot hold a value: a generator bug.
    path.write_bytes(buffer.getvalue().encode(spec.encoding))


def _write_xlsx(spec: DatasetSpec, frame: Frame, path: Path, title_text: str) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": _FIXED_TIME, "author": spec.department_zh})
    sheet = book.add_worksheet("发放名册")
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
    headers = spec.headers
    sheet.merge_range(0, 0, 0, len(headers) - 1, title_text, title)
    sheet.write_row(1, 0, headers, head)
    for r, row in enumerate(zip(*(frame.columns[h] for h in headers), strict=True), start=2):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    # Departments' rosters end with a total line, which a reader must not take for a person.
    last = len(frame) + 2
    sheet.write_string(last, 0, "合计")
    amount = headers.index("月保障金额（元）")
    sheet.write_number(last, amount, float(sum(frame.columns[headers[amount]])))
    book.close()


def _records(spec: DatasetSpec, frame: Frame) -> list[dict[str, Any]]:
    headers = spec.headers
    return [
        {h: v for h, v in zip(headers, row, strict=True) if v is not None}
        for row in zip(*(frame.columns[h] for h in headers), strict=True)
    ]


def _write_jsonl(spec: DatasetSpec, frame: Frame, path: Path, as_of: date) -> None:
    lines = (
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in _records(spec, frame)
    )
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _write_json(spec: DatasetSpec, frame: Frame, path: Path, as_of: date) -> None:
    # One record a line inside the document: readable, and json's C encoder stays in use
    # (it does not run when the whole document is indented).
    records = ",\n".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in _records(spec, frame)
    )
    head = json.dumps(
        {"exportTime": f"{as_of.isoformat()} 23:00:00", "total": len(frame)}, ensure_ascii=False
    )
    path.write_text(f'{head[:-1]}, "records": [\n{records}\n]}}\n', encoding="utf-8")


def _write_parquet(spec: DatasetSpec, frame: Frame, path: Path, as_of: date) -> None:
    table = pa.table({h: frame.columns[h] for h in spec.headers})
    pq.write_table(table, path, compression="zstd")
