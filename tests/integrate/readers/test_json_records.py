import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from frontline.integrate.readers import ReadError, read_source
from frontline.integrate.sources.spec import SourceSpec

from .factories import make_spec, table_rows, write

RECORDS: list[dict[str, Any]] = [
    {"idNo": "330106199001011234", "name": "张三", "n": 1240.0, "ok": True, "at": {"k": [1]}},
    {"idNo": "33010619850203452X", "name": "", "n": 1240.5, "ok": None, "extra": 1},
    {"name": "王𠮷", "n": 12, "at": "杭州"},
]
COLUMNS = "_row, id_number, name, amount, ok, place"
EXPECTED = [
    (1, "330106199001011234", "张三", "1240", "true", '{"k":[1]}'),
    (2, "33010619850203452X", None, "1240.5", None, None),
    (3, None, "王𠮷", "12", None, "杭州"),
]
FIELDS = {"id_number": "idNo", "name": "name"}
ATTRIBUTES = {"amount": "n", "ok": "ok", "place": "at"}


def _lines(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _jsonl(**overrides: Any) -> SourceSpec:
    values = {"format": "jsonl", "location": "events.jsonl", "fields": FIELDS}
    return make_spec(**{"attributes": ATTRIBUTES, **values, **overrides})


def _document(**overrides: Any) -> SourceSpec:
    values = {"format": "json", "location": "doc.json", "records_path": "records"}
    return make_spec(**{"fields": FIELDS, "attributes": ATTRIBUTES, **values, **overrides})


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030"])
def test_json_lines_give_text_in_record_order(
    con: duckdb.DuckDBPyConnection, data_dir: Path, codec: str
) -> None:
    text = _lines(RECORDS[:2]) + "\n" + _lines(RECORDS[2:])  # a blank line is no record
    write(data_dir / "events.jsonl", text, codec)
    result = read_source(con, _jsonl(), data_dir, "events")
    assert table_rows(con, "events", COLUMNS) == EXPECTED
    assert result.files[0].encoding == codec
    assert result.files[0].detected


@pytest.mark.parametrize(
    ("document", "records_path"),
    [
        ({"exportTime": "2026-06-30", "records": RECORDS}, "records"),
        ({"data": {"list": RECORDS}, "total": 3}, "data.list"),
        (RECORDS, None),
    ],
)
@pytest.mark.parametrize("codec", ["utf-8-sig", "gb18030"])
def test_json_documents(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    document: Any,
    records_path: str | None,
    codec: str,
) -> None:
    write(data_dir / "doc.json", json.dumps(document, ensure_ascii=False, indent=1), codec)
    read_source(con, _document(records_path=records_path), data_dir, "doc")
    assert table_rows(con, "doc", COLUMNS) == EXPECTED


@pytest.mark.parametrize(
    ("location", "text"),
    [("events.jsonl", ""), ("doc.json", '{"records": []}'), ("doc.json", " [ ] ")],
)
def test_no_records_is_no_rows(
    con: duckdb.DuckDBPyConnection, data_dir: Path, location: str, text: str
) -> None:
    write(data_dir / location, text)
    spec = _jsonl() if location.endswith("jsonl") else _document()
    if text.strip().startswith("["):
        spec = _document(records_path=None)
    assert read_source(con, spec, data_dir, "t").rows_read == 0


DOC = json.dumps({"exportTime": "2026-06-30", "total": 3, "rcords": RECORDS})


@pytest.mark.parametrize(
    ("location", "text", "overrides", "problem", "hint"),
    [
        (
            "doc.json",
            DOC,
            {},
            "records_path 'records' is not in the document; "
            "its keys: 'exportTime', 'total', 'rcords'",
            "did you mean 'rcords'?",
        ),
        (
            "doc.json",
            DOC,
            {"records_path": None},
            "the document is an object, not a list of records; its keys: 'exportTime'",
            "set records_path",
        ),
        (
            "doc.json",
            DOC,
            {"records_path": "total"},
            "records_path 'total' holds a JSON number",
            "",
        ),
        ("doc.json", json.dumps(RECORDS), {}, "records_path is 'records' but the document is", ""),
        ("doc.json", '{"records": [\n{"a": 1},\n{"a" 2}]}', {}, "invalid JSON at line 3, col", ""),
        (
            "doc.json",
            '{"records": [\n{"a": 1},\n{"a" 2}]}',
            {"records_path": None},
            "invalid JSON at line 3, col",
            "",
        ),
        ("events.jsonl", '{"a": 1}\n\n{"a": 2,\n', {}, "invalid JSON at line 3, column", ""),
        ("events.jsonl", '{"idNo": "1"}\n[1, 2]\n', {}, "record 2 is a JSON array, not an", ""),
        (
            "events.jsonl",
            _lines(RECORDS),
            {"fields": {"id_number": "idno"}, "attributes": {}},
            "mapped column is missing from the records' keys: 'idno' (id_number); "
            "found: 'at', 'extra', 'idNo', 'n', 'name', 'ok'",
            "for 'idno' did you mean 'idNo'?",
        ),
    ],
)
def test_errors(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    location: str,
    text: str,
    overrides: dict[str, Any],
    problem: str,
    hint: str,
) -> None:
    write(data_dir / location, text)
    spec = _jsonl(**overrides) if location.endswith("jsonl") else _document(**overrides)
    with pytest.raises(ReadError) as caught:
        read_source(con, spec, data_dir, "t")
    assert caught.value.problem.startswith(problem), caught.value.problem
    assert hint in caught.value.hint
    assert "张三" not in str(caught.value)


def test_a_mapped_key_that_no_record_holds_reads_as_null(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    # A month of births has no death records, so no record carries the death-date key.
    write(data_dir / "events.jsonl", _lines(RECORDS), "utf-8")
    spec = _jsonl(attributes={**ATTRIBUTES, "death_date": "deathDate"})
    read_source(con, spec, data_dir, "events")
    assert table_rows(con, "events", "_row, death_date") == [(1, None), (2, None), (3, None)]
