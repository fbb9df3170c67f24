"""JSON lines and JSON documents through DuckDB's JSON functions.

Records are staged as JSON text with their number (record 1 = the first record; blank lines are
not records), checked (every record an object; every mapped key present in at least one
record, so a misspelt key is an error rather than a column of NULLs), then each mapped key's
value is turned into text: strings as they are, numbers in their shortest form (``1240.0`` →
``1240``), nested values as JSON, JSON null and absent keys as NULL.

A document holds its records either as a top-level list or under ``records_path``: a key, or
keys joined by dots (``data.records``) for a list nested deeper.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from frontline.ids.sql import quote_identifier
from frontline.integrate.readers.error import ReadError, close_matches, listing
from frontline.integrate.readers.header import clean, locate
from frontline.integrate.readers.request import FileRequest, Sink, scratch_name
from frontline.integrate.readers.text import sql_json_text

_KEY_HINT = "set records_path to the key holding the list of records"


def read_json_lines(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink) -> None:
    """Hand the records of a JSON-lines file (one object a line) to ``sink``."""
    select = (
        "SELECT row_number() OVER () AS _row, json "
        "FROM read_json_objects(?, format = 'newline_delimited')"
    )
    with _staged(con, request, select, [str(request.path)]) as stage:
        _emit(con, request, sink, stage)


def read_json_document(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink) -> None:
    """Hand the records of one JSON document (a list, or a list under a key) to ``sink``."""
    path = str(request.path)
    if request.spec.records_path is None:
        if _opening(request) != "[":
            raise _unlisted(con, request) or request.error("the document holds no list")
        select = (
            "SELECT row_number() OVER () AS _row, json FROM read_json_objects(?, format = 'array')"
        )
        with _staged(con, request, select, [path]) as stage:
            _emit(con, request, sink, stage)
        return
    select = (
        "SELECT unnest(generate_series(1, len(r))) AS _row, unnest(r) AS json "
        "FROM (SELECT json_extract(json, ?) AS r "
        "FROM read_json_objects(?, format = 'auto', maximum_object_size = ?))"
    )
    parameters = [_json_path(request) + "[*]", path, request.path.stat().st_size + 1]
    with _staged(con, request, select, parameters) as stage:
        # An absent key and an empty list both give no records: only the first is an error.
        problem = None if _count(con, stage) else _unlisted(con, request)
        if problem is not None:
            raise problem
        _emit(con, request, sink, stage)


@contextmanager
def _staged(
    con: duckdb.DuckDBPyConnection, request: FileRequest, select: str, parameters: Sequence[object]
) -> Iterator[str]:
    """A temporary table ``(_row, json)`` of the file's records, dropped afterwards."""
    stage = quote_identifier(scratch_name("records"))
    try:
        con.execute(f"CREATE TEMP TABLE {stage} AS {select}", parameters)
    except duckdb.Error as error:
        raise _malformed(request, error) from None
    try:
        yield stage
    finally:
        con.execute(f"DROP TABLE IF EXISTS {stage}")


def _emit(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink, stage: str) -> None:
    """Check the staged records and hand the mapped keys' text to ``sink``."""
    if not _count(con, stage):
        return
    # fetchall(), not fetchone(): DuckDB keeps a half-read result open and refuses other work.
    odd = con.execute(
        f"SELECT _row, json_type(json) FROM {stage} WHERE json_type(json) <> 'OBJECT' "
        "ORDER BY _row LIMIT 1"
    ).fetchall()
    if odd:
        raise request.error(
            f"record {odd[0][0]} is a JSON {_kind(odd[0][1])}, not an object",
            "every record must be an object of key: value pairs",
        )
    keys = con.execute(
        f"SELECT list(DISTINCT k ORDER BY k) FROM (SELECT unnest(json_keys(json)) AS k "
        f"FROM {stage})"
    ).fetchall()
    found: list[str] = list(keys[0][0] or [])
    present = {clean(k): k for k in found}
    if not any(clean(c) in present for c in request.columns):
        locate(request, found, "the records' keys")  # raises, with hints
    # Records carry only the keys that apply to them: a file of births without a single death
    # has no death-date key at all. A mapped key no record holds reads as NULL.
    names = [present.get(clean(c), c) for c in request.columns]
    # JSON Pointers: ~ and / are the only characters a key needs escaped.
    pointers = ["/" + n.replace("~", "~0").replace("/", "~1") for n in names]
    marks = ", ".join("?" for _ in pointers)
    values = ", ".join(f"{sql_json_text(f'j[{k + 1}]')} AS v{k}" for k in range(len(pointers)))
    sink(
        f"SELECT _row, {values} FROM "
        f"(SELECT _row, json_extract(json, [{marks}]) AS j FROM {stage})",
        pointers,
    )


def _count(con: duckdb.DuckDBPyConnection, stage: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {stage}").fetchall()[0][0])


def _json_path(request: FileRequest) -> str:
    """``records_path`` as a JSONPath with quoted keys (dots in it separate nested keys)."""
    records_path = request.spec.records_path or ""
    if '"' in records_path:
        raise request.error(f"records_path {records_path!r} holds a double quote")
    return "$" + "".join(f'."{key}"' for key in records_path.split("."))


def _opening(request: FileRequest) -> str:
    """The first character of the document after any BOM and white space."""
    with request.path.open(encoding="utf-8-sig") as stream:
        while chunk := stream.read(4096):
            if stripped := chunk.lstrip():
                return stripped[0]
    return ""


def _unlisted(con: duckdb.DuckDBPyConnection, request: FileRequest) -> ReadError | None:
    """Why a document yields no list of records, or None when its list is merely empty."""
    records_path = request.spec.records_path
    if _opening(request) != "{":
        if records_path is None:
            return request.error("the file is not a JSON document (an object or a list)")
        return request.error(
            f"records_path is {records_path!r} but the document is a list, not an object",
            "leave records_path out when the records are the document's top-level list",
        )
    size = request.path.stat().st_size + 1
    try:
        keys, kind = con.execute(
            "SELECT json_keys(json), json_type(json, ?) FROM read_json_objects(?, "
            "format = 'auto', maximum_object_size = ?)",
            [_json_path(request) if records_path else "$", str(request.path), size],
        ).fetchall()[0]
    except duckdb.Error as error:
        raise _malformed(request, error) from None
    found: list[str] = list(keys or [])
    if records_path is None:
        return request.error(
            f"the document is an object, not a list of records; its keys: {listing(found)}",
            _KEY_HINT,
        )
    if kind == "ARRAY":
        return None
    if kind is None:
        matches = close_matches(records_path.split(".")[0], found)
        return request.error(
            f"records_path {records_path!r} is not in the document; its keys: {listing(found)}",
            f"did you mean {' or '.join(map(repr, matches))}?" if matches else _KEY_HINT,
        )
    return request.error(
        f"records_path {records_path!r} holds a JSON {_kind(kind)}, not a list", _KEY_HINT
    )


def _kind(duckdb_json_type: object) -> str:
    """DuckDB's name for a JSON value's type in JSON's own words."""
    kind = str(duckdb_json_type)
    if kind in ("BIGINT", "UBIGINT", "DOUBLE"):
        return "number"
    return {"VARCHAR": "string"}.get(kind, kind.lower())


def _malformed(request: FileRequest, error: duckdb.Error) -> ReadError:
    """Locate a JSON syntax error with Python's parser (its messages quote no data)."""
    located = _syntax_error(request)
    if located is not None:
        return located
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return request.error(f"DuckDB could not read the JSON: {first}")


def _syntax_error(request: FileRequest) -> ReadError | None:
    lines = request.spec.format == "jsonl"
    hint = (
        "each line must be one complete JSON object"
        if lines
        else "check the brackets, commas and quotes near that place"
    )
    with request.path.open(encoding="utf-8-sig") as stream:
        try:
            if not lines:
                json.load(stream)
                return None
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    try:
                        json.loads(line)
                    except json.JSONDecodeError as bad:
                        where = f"line {number}, column {bad.colno}"
                        return request.error(f"invalid JSON at {where}: {bad.msg}", hint)
        except json.JSONDecodeError as bad:
            where = f"line {bad.lineno}, column {bad.colno}"
            return request.error(f"invalid JSON at {where}: {bad.msg}", hint)
    return None
