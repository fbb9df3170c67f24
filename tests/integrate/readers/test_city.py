"""All eleven example sources read from a generated city, checked against the city's truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from frontline.integrate.readers import ReadResult, read_source
from frontline.integrate.sources import SourceSpec, load_sources
from frontline.synth import CityConfig, generate_city

SOURCES = Path(__file__).parents[3] / "examples" / "city" / "sources"

Workspace = tuple[duckdb.DuckDBPyConnection, list[SourceSpec], dict[str, ReadResult]]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=2000, seed=7), folder)
    return folder


@pytest.fixture(scope="module")
def workspace(city: Path) -> Iterator[Workspace]:
    con = duckdb.connect()
    specs = load_sources(SOURCES)
    results = {spec.key: read_source(con, spec, city, spec.key) for spec in specs}
    yield con, specs, results
    con.close()


def _plain(value: Any) -> str | None:
    """A value as the readers should deliver it, by an independent route."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _file_rows(city: Path, spec: SourceSpec) -> list[dict[str, Any]]:
    """Every data row of the source's file, read without the readers."""
    path = city / (spec.location or "")
    if spec.format == "csv":
        data = path.read_bytes()
        text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else None
        text = text or data.decode(spec.encoding or "utf-8")
        return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=spec.delimiter))
    if spec.format == "xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(str(spec.sheet)).to_python()
        header = [str(h) for h in rows[spec.header_row - 1]]
        return [dict(zip(header, row, strict=True)) for row in rows[spec.header_row :]]
    if spec.format == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if spec.format == "json":
        return list(json.loads(path.read_text(encoding="utf-8"))[spec.records_path or ""])
    return list(pq.read_table(path).to_pylist())


def test_every_source_reads(workspace: Workspace) -> None:
    _, specs, results = workspace
    assert len(specs) == len(results) == 11


def test_every_row_of_every_file_is_accounted_for(city: Path, workspace: Workspace) -> None:
    _, specs, results = workspace
    for spec in specs:
        result = results[spec.key]
        in_file = len(_file_rows(city, spec))
        assert result.records + result.rows_skipped + result.rows_other_source == in_file
        assert result.rows_read == in_file, spec.key
    assert results["civil_affairs_subsidies"].rows_skipped == 1  # the 合计 line


def test_row_numbers_are_the_truths(city: Path, workspace: Workspace) -> None:
    con, specs, _ = workspace
    truth = pq.read_table(city / "truth" / "source_rows.parquet").to_pylist()
    expected: dict[str, set[int]] = {}
    for row in truth:
        expected.setdefault(str(row["source"]), set()).add(int(row["row"]))
    found: dict[str, set[int]] = {}
    for spec in specs:
        dataset = Path(spec.location or "").stem
        rows = con.execute(
            f"SELECT _row FROM {spec.key} WHERE _disposition IS NULL"  # noqa: S608
        ).fetchall()
        numbers = {r[0] for r in rows}
        assert not numbers & found.get(dataset, set()), f"{spec.key} overlaps its sibling"
        found.setdefault(dataset, set()).update(numbers)
    assert found == expected


def test_values_are_as_delivered(city: Path, workspace: Workspace) -> None:
    con, specs, _ = workspace
    for spec in specs:
        names = list(spec.columns())
        listed = ", ".join(f'"{n}"' for n in names)
        table = con.execute(f"SELECT _row, {listed} FROM {spec.key} ORDER BY _row").fetchall()  # noqa: S608
        delivered = [
            (number, *(_plain(row.get(column)) for column in spec.columns().values()))
            for number, row in enumerate(_file_rows(city, spec), start=1)
        ]
        assert table == delivered, spec.key
